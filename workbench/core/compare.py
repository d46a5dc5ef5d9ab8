"""Side-by-side comparison: several methods on one problem, scored against the BM3D baseline.

The same code serves the window's compare view, ``workbench compare`` and the
tests: :func:`settings_for` spreads ``--set`` values over the chosen methods,
:func:`run_comparison` runs them in turn with per-method progress and one
cancel flag, :class:`Comparison` derives gains, error maps and removed-noise
maps, :func:`render_grid` draws the labelled figure with Pillow and
:func:`export_comparison` writes the folder (results, ``grid.png``,
``metrics.csv``, ``comparison.json``). Nothing here imports Qt.
"""

from __future__ import annotations

import csv
import io as text_io
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from . import io, pipeline, registry
from .errors import InputError, ParameterError
from .image import Image, to_uint8
from .jobs import RunContext
from .params import split_assignments
from .pipeline import Result
from .problem import Problem, Task

BASELINES = ("bm3d", "cbm3d")
"""Methods ticked by default and used as the reference for the gain column."""

ERROR_PERCENTILE = 99.5
"""Shared map scales use this percentile of all maps, so a few outlier pixels do not wash them out."""

RERUN_FORMAT = "workbench-comparison/1"
METRICS_COLUMNS = ("method", "psnr", "ssim", "seconds", "params")

_HEAT_ANCHORS = np.array(
    [
        [0, 0, 4],
        [40, 11, 84],
        [101, 21, 110],
        [159, 42, 99],
        [212, 72, 66],
        [245, 125, 21],
        [250, 193, 39],
        [252, 255, 164],
    ],
    dtype=np.float32,
)
"""An inferno-like perceptual colour ramp from black (no error) to pale yellow (the scale's top)."""


# ------------------------------------------------------------------ planning


@dataclass(frozen=True)
class MethodRun:
    """One entry of a comparison: a registered method and the values given for its parameters."""

    method: str
    values: dict[str, Any] = field(default_factory=dict)


def parse_method_list(text: str) -> list[str]:
    """``"bm3d, nlm,dncnn"`` -> ``["bm3d", "nlm", "dncnn"]``; empty or repeated names are errors."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise ParameterError("-m/--methods: name at least one method (see 'workbench methods')")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ParameterError(f"-m/--methods: {', '.join(repeated)} named more than once")
    return names


def settings_for(methods: Sequence[str], assignments: Iterable[str]) -> list[MethodRun]:
    """Spread ``k=v`` assignments over the chosen methods.

    Each assignment applies to every chosen method that has a parameter of that
    name, parsed by that method's own parameter type.

    Raises:
        ParameterError: an unknown method, an assignment no chosen method has a
            parameter for, or a value one of them rejects.
    """
    chosen = [registry.get(name) for name in methods]
    values: dict[str, dict[str, Any]] = {method.name: {} for method in chosen}
    for name, text in split_assignments(assignments).items():
        holders = [method for method in chosen if name in method.params]
        if not holders:
            listed = ", ".join(method.name for method in chosen)
            raise ParameterError(f"--set {name}: none of the chosen methods ({listed}) has that parameter")
        for method in holders:
            try:
                values[method.name][name] = method.params[name].parse(text)
            except ParameterError as error:
                raise ParameterError(f"{method.name}: {error}") from None
    return [MethodRun(method.name, values[method.name]) for method in chosen]


def check_plan(problem: Problem, runs: Sequence[MethodRun]) -> dict[str, dict[str, Any]]:
    """Every run's full parameters (defaults filled), validated before anything runs.

    Raises:
        ParameterError: no method, a repeated method, a bad value, a method that does not
            solve the problem's task, or a problem missing what its task needs.
    """
    if not runs:
        raise ParameterError("choose at least one method to compare")
    names = [run.method for run in runs]
    if len(set(names)) != len(names):
        raise ParameterError("each method can appear only once in a comparison")
    problem.require()
    resolved = {}
    for run in runs:
        method = registry.get(run.method)
        if problem.task not in method.tasks:
            raise ParameterError(f"method '{method.name}' does not do {problem.task.value}")
        resolved[method.name] = method.params.resolve(run.values, owner=method.name)
    return resolved


# ------------------------------------------------------------------- running


@dataclass
class Comparison:
    """The results of several methods on one problem, in the order they ran.

    Attributes:
        problem: the observation (and reference, when known) every method was given.
        results: one Result per method.
    """

    problem: Problem
    results: list[Result]

    @property
    def baseline(self) -> Result | None:
        """The BM3D result the gains are measured against (CBM3D first for colour inputs), or None."""
        order = ("cbm3d", "bm3d") if self.problem.observed.is_color else ("bm3d", "cbm3d")
        by_name = {result.method: result for result in self.results}
        return next((by_name[name] for name in order if name in by_name), None)

    def gain(self, result: Result) -> float | None:
        """PSNR of ``result`` minus PSNR of the baseline in dB; None without a reference or baseline."""
        base = self.baseline
        if base is None or result.psnr is None or base.psnr is None:
            return None
        if math.isinf(result.psnr) or math.isinf(base.psnr):
            return None
        return result.psnr - base.psnr

    def error_maps(self) -> dict[str, np.ndarray] | None:
        """Per method, |result - reference| averaged over channels (H×W, [0, 1]); None without a reference."""
        reference = self.problem.reference
        if reference is None:
            return None
        return {
            result.method: error_map(result.image.pixels, reference.pixels)
            for result in self.results
            if result.image.pixels.shape == reference.pixels.shape
        }

    def noise_maps(self) -> dict[str, np.ndarray] | None:
        """Per method, input - result averaged over channels (H×W, [-1, 1]); None when sizes differ."""
        observed = self.problem.observed.pixels
        maps = {
            result.method: removed_noise(observed, result.image.pixels)
            for result in self.results
            if result.image.pixels.shape == observed.shape
        }
        return maps or None

    def input_psnr(self) -> tuple[float | None, float | None]:
        """(PSNR, SSIM) of the observation itself against the reference, when both have one size."""
        if self.problem.reference is None:
            return None, None
        return pipeline.score(self.problem.observed.pixels, self.problem.reference.pixels)


def run_comparison(
    problem: Problem,
    runs: Sequence[MethodRun],
    ctx: RunContext | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> Comparison:
    """Run each method in turn on ``problem``.

    Progress goes to ``ctx`` as one fraction over the whole comparison (method
    ``i`` of ``n`` covers ``[i/n, (i+1)/n]``) with messages like
    ``"nlm (2/3): ..."``; previews pass through; cancelling ``ctx`` stops the
    method that is running and the comparison. ``on_result`` gets each result as its method
    finishes (so that a caller can keep the finished ones of a cancelled comparison).

    Raises:
        ParameterError: see :func:`check_plan` (raised before any method runs).
        Cancelled: the context was cancelled.
    """
    ctx = ctx or RunContext()
    resolved = check_plan(problem, runs)
    results = []
    count = len(runs)
    for index, run in enumerate(runs):
        label = f"{run.method} ({index + 1}/{count})"
        ctx.progress(index / count, label)
        child = RunContext(
            device=ctx.device,
            on_progress=_scaled_progress(ctx, index, count, label),
            on_preview=ctx.on_preview,
            preview_interval=ctx.preview_interval,
            cancel_event=ctx.cancel_event,
        )
        results.append(pipeline.restore(problem, run.method, resolved[run.method], child))
        if on_result is not None:
            on_result(results[-1])
    ctx.progress(1.0, "comparison done")
    return Comparison(problem, results)


def _scaled_progress(ctx: RunContext, index: int, count: int, label: str) -> Callable[[float, str], None]:
    def report(fraction: float, message: str) -> None:
        text = f"{label}: {message}" if message else label
        ctx.progress((index + fraction) / count, text)

    return report


# ---------------------------------------------------------------------- maps


def error_map(estimate: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """|estimate - reference| averaged over channels: H×W float32 in [0, 1]."""
    difference = np.abs(np.asarray(estimate, np.float32) - np.asarray(reference, np.float32))
    return difference.mean(axis=2).astype(np.float32)


def removed_noise(observed: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """observed - estimate averaged over channels (what the method took away): H×W float32 in [-1, 1]."""
    return (
        (np.asarray(observed, np.float32) - np.asarray(estimate, np.float32)).mean(axis=2).astype(np.float32)
    )


def shared_scale(maps: Iterable[np.ndarray]) -> float:
    """One display maximum for several maps: the ERROR_PERCENTILE of all |values| (at least 1/255)."""
    values = [np.abs(array).ravel() for array in maps]
    if not values:
        return 1.0
    return max(float(np.percentile(np.concatenate(values), ERROR_PERCENTILE)), 1.0 / 255.0)


def heat_colors(values: np.ndarray, top: float) -> np.ndarray:
    """H×W values in [0, top] -> H×W×3 float32 in [0, 1] on the inferno-like ramp (clipped above ``top``)."""
    position = np.clip(np.asarray(values, np.float32) / max(top, 1e-12), 0.0, 1.0) * (len(_HEAT_ANCHORS) - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, len(_HEAT_ANCHORS) - 1)
    weight = (position - low)[..., None]
    colours = _HEAT_ANCHORS[low] * (1 - weight) + _HEAT_ANCHORS[high] * weight
    return (colours / 255.0).astype(np.float32)


def signed_gray(values: np.ndarray, top: float) -> np.ndarray:
    """H×W values in [-top, top] -> H×W×1 float32 gray in [0, 1], zero at mid-gray."""
    return np.clip(0.5 + np.asarray(values, np.float32) / (2 * max(top, 1e-12)), 0.0, 1.0)[:, :, None]


def colour_bar(top: float, width: int = 256, height: int = 12) -> np.ndarray:
    """A horizontal legend of :func:`heat_colors` from 0 to ``top``: height×width×3 float32."""
    ramp = np.linspace(0.0, top, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    return heat_colors(ramp, top)


# --------------------------------------------------------------------- grid


@dataclass(frozen=True)
class Tile:
    """One picture of the grid with up to three caption lines under it."""

    pixels: np.ndarray
    lines: tuple[str, ...]


def tile_captions(comparison: Comparison, result: Result) -> tuple[str, ...]:
    """Title lines of a result's tile: label, 'PSNR dB / SSIM', 'gain vs BM3D · time'."""
    lines = [method_label(result.method)]
    if result.psnr is not None:
        lines.append(f"{format_psnr(result.psnr)} dB / {result.ssim:.3f}")
    gain = comparison.gain(result)
    base = comparison.baseline
    time_text = f"{result.seconds:.2f} s"
    if gain is not None and base is not None and result is not base:
        lines.append(f"{gain:+.2f} dB vs {base.method.upper()} · {time_text}")
    elif result is base and result.psnr is not None:
        lines.append(f"baseline · {time_text}")
    else:
        lines.append(time_text)
    return tuple(lines)


def format_psnr(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.2f}"


def method_label(name: str) -> str:
    """The label a method is shown under, or its name when it is not registered (an old record)."""
    try:
        return registry.get(name).label
    except ParameterError:
        return name


def grid_tiles(comparison: Comparison) -> list[list[Tile]]:
    """The figure's rows: input, reference and every result; then their error maps when a reference exists.

    The error row shares one scale taken from the results' maps (see :func:`shared_scale`;
    the input's larger error is clipped to it) with its colour bar under the reference column.
    """
    problem = comparison.problem
    shape = comparison.results[0].image.pixels.shape if comparison.results else problem.observed.pixels.shape
    observed = _resize_nearest(problem.observed.pixels, shape[:2])
    input_psnr, input_ssim = comparison.input_psnr()
    input_lines = ["Input"]
    if input_psnr is not None:
        input_lines.append(f"{format_psnr(input_psnr)} dB / {input_ssim:.3f}")
    top = [Tile(observed, tuple(input_lines))]
    if problem.reference is not None:
        top.append(Tile(problem.reference.pixels, ("Reference", "clean")))
    top += [Tile(result.image.pixels, tile_captions(comparison, result)) for result in comparison.results]
    maps = comparison.error_maps()
    if not maps:
        return [top]
    scale = shared_scale(maps.values())
    bottom = [
        Tile(
            heat_colors(error_map(observed, problem.reference.pixels), scale),
            ("|input - reference| (clipped)",),
        )
    ]
    bottom.append(Tile(_legend_tile(scale, shape[:2]), (f"|error| 0 to {scale * 255:.1f} (of 255)",)))
    for result in comparison.results:
        error = maps.get(result.method)
        if error is None:
            bottom.append(Tile(np.ones(shape, np.float32), ("size differs",)))
            continue
        bottom.append(Tile(heat_colors(error, scale), (f"|error| mean {error.mean() * 255:.2f}",)))
    return [top, bottom]


def _legend_tile(scale: float, size: tuple[int, int]) -> np.ndarray:
    """A white tile of ``size`` with the colour bar across its middle."""
    height, width = size
    tile = np.ones((height, width, 3), np.float32)
    bar_height = max(2, height // 8)
    bar = colour_bar(scale, width=max(width - 2 * (width // 10), 2), height=bar_height)
    row, column = (height - bar_height) // 2, width // 10
    tile[row : row + bar_height, column : column + bar.shape[1]] = bar
    return tile


def _resize_nearest(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """H×W×C -> size[0]×size[1]×C by nearest neighbour (shows an SR input on its result's grid)."""
    height, width = pixels.shape[:2]
    if (height, width) == tuple(size):
        return pixels
    rows = np.minimum((np.arange(size[0]) * height / size[0]).astype(int), height - 1)
    cols = np.minimum((np.arange(size[1]) * width / size[1]).astype(int), width - 1)
    return pixels[rows][:, cols]


def render_grid(
    rows: list[list[Tile]], min_side: int = 192, max_side: int = 512, font_size: int = 15
) -> np.ndarray:
    """Draw tiles on a white page with captions under each: H×W×3 uint8.

    Tiles smaller than ``min_side`` on their long side are enlarged by an integer
    factor (nearest neighbour, so pixels stay visible); larger than ``max_side``
    are reduced (Lanczos).
    """
    font = ImageFont.load_default(size=font_size)
    line_height = font_size + 5
    margin, gap = 12, 10
    pictures = [[_tile_picture(tile.pixels, min_side, max_side) for tile in row] for row in rows]
    tile_width = max(picture.width for row in pictures for picture in row)
    tile_height = max(picture.height for row in pictures for picture in row)
    caption_lines = [max(len(tile.lines) for tile in row) for row in rows]
    columns = max(len(row) for row in rows)
    width = 2 * margin + columns * tile_width + (columns - 1) * gap
    height = 2 * margin + sum(tile_height + lines * line_height + gap for lines in caption_lines) - gap
    page = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    top = margin
    for row, row_pictures, lines in zip(rows, pictures, caption_lines, strict=True):
        for column, (tile, picture) in enumerate(zip(row, row_pictures, strict=True)):
            left = margin + column * (tile_width + gap)
            page.paste(picture, (left + (tile_width - picture.width) // 2, top))
            for number, line in enumerate(tile.lines):
                text = _fit_text(draw, line, font, tile_width)
                text_width = draw.textlength(text, font=font)
                position = (
                    left + (tile_width - text_width) / 2,
                    top + tile_height + 3 + number * line_height,
                )
                draw.text(position, text, fill=(0, 0, 0) if number == 0 else (60, 60, 60), font=font)
        top += tile_height + lines * line_height + gap
    return np.asarray(page, dtype=np.uint8)


def _tile_picture(pixels: np.ndarray, min_side: int, max_side: int) -> PILImage.Image:
    array = to_uint8(pixels)
    array = np.repeat(array, 3, axis=2) if array.shape[2] == 1 else array
    picture = PILImage.fromarray(np.ascontiguousarray(array), "RGB")
    long_side = max(picture.size)
    if long_side < min_side:
        factor = math.ceil(min_side / long_side)
        return picture.resize((picture.width * factor, picture.height * factor), PILImage.Resampling.NEAREST)
    if long_side > max_side:
        ratio = max_side / long_side
        size = (max(1, round(picture.width * ratio)), max(1, round(picture.height * ratio)))
        return picture.resize(size, PILImage.Resampling.LANCZOS)
    return picture


def _fit_text(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits in ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while len(text) > 1 and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


# ------------------------------------------------------------------- export


def metrics_csv(comparison: Comparison) -> str:
    """``metrics.csv`` text: one row per method; psnr/ssim empty without a reference; params as JSON."""
    buffer = text_io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(METRICS_COLUMNS)
    for result in comparison.results:
        writer.writerow(
            [
                result.method,
                "" if result.psnr is None else f"{result.psnr:.4f}",
                "" if result.ssim is None else f"{result.ssim:.5f}",
                f"{result.seconds:.4f}",
                json.dumps(result.params, sort_keys=True),
            ]
        )
    return buffer.getvalue()


def result_filename(stem: str, method: str) -> str:
    """The file a result is exported to: ``<input stem>_<method>.png`` (PNG keeps 8 or 16 bits)."""
    return f"{stem}_{method}.png" if stem else f"{method}.png"


def rerun_record(comparison: Comparison, files: Mapping[str, str], sources: Mapping[str, str]) -> dict:
    """The JSON that ``workbench compare --rerun`` reads: inputs, task, every parameter (seeds included)."""
    problem = comparison.problem
    base = comparison.baseline
    return {
        "format": RERUN_FORMAT,
        "input": files["input"],
        "reference": files.get("reference"),
        "mask": files.get("mask"),
        "kernel": files.get("kernel"),
        "task": problem.task.value,
        "scale": problem.scale,
        "sources": dict(sources),
        "baseline": base.method if base is not None else None,
        "methods": [
            {
                "method": result.method,
                "params": result.params,
                "output": files[result.method],
                "psnr": result.psnr,
                "ssim": result.ssim,
                "seconds": result.seconds,
                "extras": _jsonable(result.extras),
            }
            for result in comparison.results
        ],
        "rerun": "workbench compare --rerun comparison.json -o NEW_FOLDER",
    }


def _jsonable(value: Any) -> Any:
    """``value`` with numpy scalars turned into Python numbers and other objects into strings."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def planned_files(problem: Problem, methods: Sequence[str], stem: str = "") -> dict[str, str]:
    """File names of an export: "input", "reference", "mask", "kernel" and each method -> name."""
    files = {"input": "input.png"}
    if problem.reference is not None:
        files["reference"] = "reference.png"
    if problem.mask is not None:
        files["mask"] = "mask.png"
    if problem.kernel is not None:
        files["kernel"] = "kernel.npy"
    for method in methods:
        files[method] = result_filename(stem, method)
    return files


def check_folder(folder: str | Path, files: Mapping[str, str], overwrite: bool = False) -> None:
    """InputError if ``folder`` is a file or, unless ``overwrite``, already holds a file of the export."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    names = [*files.values(), "grid.png", "metrics.csv", "comparison.json"]
    taken = [name for name in names if (folder / name).exists()]
    if taken and not overwrite:
        raise InputError(
            f"{folder}: would overwrite {', '.join(taken)} (choose an empty folder or --overwrite)"
        )


def export_comparison(
    comparison: Comparison,
    folder: str | Path,
    stem: str = "",
    sources: Mapping[str, str] | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write the comparison folder and return the paths written.

    Contents: ``<stem>_<method>.png`` per result and ``input.png`` (and ``reference.png``,
    ``mask.png``, ``kernel.npy`` when the problem has them) at the input's bit depth,
    ``grid.png`` (the labelled figure), ``metrics.csv`` (columns method, psnr, ssim,
    seconds, params) and ``comparison.json`` (see :func:`rerun_record`).

    Raises:
        InputError: a file to be written already exists and ``overwrite`` is False
            (checked before anything is written), or a write failed.
    """
    folder = Path(folder)
    problem = comparison.problem
    files = planned_files(problem, [result.method for result in comparison.results], stem)
    check_folder(folder, files, overwrite)
    folder.mkdir(parents=True, exist_ok=True)
    depth = problem.observed.bit_depth
    written = [
        io.write_image(problem.observed, folder / files["input"], bit_depth=depth, overwrite=overwrite)
    ]
    if problem.reference is not None:
        written.append(io.write_image(problem.reference, folder / files["reference"], overwrite=overwrite))
    if problem.mask is not None:
        written.append(io.write_mask(problem.mask, folder / files["mask"], overwrite=overwrite))
    if problem.kernel is not None:
        written.append(io.write_kernel(problem.kernel, folder / files["kernel"], overwrite=overwrite))
    for result in comparison.results:
        target = folder / files[result.method]
        written.append(io.write_image(result.image, target, bit_depth=depth, overwrite=overwrite))
    grid = Image(render_grid(grid_tiles(comparison)).astype(np.float32) / 255.0)
    written.append(io.write_image(grid, folder / "grid.png", bit_depth=8, overwrite=overwrite))
    written.append(_write_text(folder / "metrics.csv", metrics_csv(comparison)))
    record = rerun_record(comparison, files, sources or {})
    written.append(_write_text(folder / "comparison.json", json.dumps(_jsonable(record), indent=2) + "\n"))
    return written


def _write_text(path: Path, text: str) -> Path:
    """Write ``text`` through a temporary sibling so a failure never leaves half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({error.strerror or error})") from None
    return path


# -------------------------------------------------------------------- rerun


@dataclass
class RerunPlan:
    """What a ``comparison.json`` asks for: the problem's files, task, and each method's parameters."""

    input: Path
    reference: Path | None
    mask: Path | None
    kernel: Path | None
    task: Task
    scale: int
    runs: list[MethodRun]


def read_rerun(path: str | Path) -> RerunPlan:
    """Read a ``comparison.json`` written by :func:`export_comparison`; paths are relative to its folder.

    Raises:
        InputError: missing, not JSON, or not a comparison record.
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: not a comparison record ({error})") from None
    if not isinstance(record, dict) or record.get("format") != RERUN_FORMAT:
        raise InputError(f"{path}: not a comparison record (expected format {RERUN_FORMAT})")
    try:
        folder = path.parent

        def local(key: str) -> Path | None:
            return folder / record[key] if record.get(key) else None

        return RerunPlan(
            input=folder / record["input"],
            reference=local("reference"),
            mask=local("mask"),
            kernel=local("kernel"),
            task=Task.parse(record.get("task", "denoise")),
            scale=int(record.get("scale", 1)),
            runs=[MethodRun(entry["method"], dict(entry["params"])) for entry in record["methods"]],
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"{path}: incomplete comparison record ({error})") from None
