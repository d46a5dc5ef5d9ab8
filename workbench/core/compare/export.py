"""Writing a comparison folder (results, grid.png, metrics.csv, comparison.json) and reading it back."""

from __future__ import annotations

import csv
import io as text_io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import io
from ..errors import InputError
from ..image import Image
from ..io.atomic import write_text
from ..io.outputs import OutputPlan
from ..problem import Problem, Task
from .grid import grid_tiles, render_grid
from .plan import MethodRun
from .run import Comparison

RERUN_FORMAT = "workbench-comparison/1"
METRICS_COLUMNS = ("method", "psnr", "ssim", "seconds", "params", "psnr_est", "tuned")


def metrics_csv(comparison: Comparison) -> str:
    """``metrics.csv`` text: one row per method; psnr/ssim empty without a reference; params as JSON;
    psnr_est (the PSNR estimated without the reference) empty when not estimated; tuned: the
    auto-tuning record as JSON (criterion, chosen values, score, trials), empty when not tuned."""
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
                "" if result.psnr_est is None else f"{result.psnr_est:.4f}",
                json.dumps(result.extras["tuned"], sort_keys=True) if "tuned" in result.extras else "",
            ]
        )
    return buffer.getvalue()


def result_filename(stem: str, method: str) -> str:
    """The file a result is exported to: ``<input stem>_<method>.png`` (PNG keeps 8 or 16 bits)."""
    return f"{stem}_{method}.png" if stem else f"{method}.png"


def rerun_record(comparison: Comparison, files: Mapping[str, str], sources: Mapping[str, str]) -> dict:
    """The JSON that ``workbench compare --rerun`` reads: inputs, task, known noise level, every parameter
    (seeds included)."""
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
        "pattern": problem.pattern,
        "noise_sigma": problem.noise_sigma,
        "sources": dict(sources),
        "baseline": base.method if base is not None else None,
        "methods": [
            {
                "method": result.method,
                "params": result.params,
                "output": files[result.method],
                "psnr": result.psnr,
                "ssim": result.ssim,
                "psnr_est": result.psnr_est,
                "seconds": result.seconds,
                "extras": _jsonable(result.extras),
            }
            for result in comparison.results
        ],
        "failed": [{"method": method, "error": reason} for method, reason in comparison.failed],
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


def check_folder(
    folder: str | Path,
    files: Mapping[str, str],
    overwrite: bool = False,
    inputs: Sequence[str | Path] = (),
) -> None:
    """InputError if ``folder`` is a file, an export file would replace one of ``inputs`` (the
    files the comparison read) or, unless ``overwrite``, ``folder`` already holds a file of the export."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    names = [*files.values(), "grid.png", "metrics.csv", "comparison.json"]
    plan = OutputPlan(overwrite=True)
    plan.create(folder)
    for path in inputs:
        plan.read(path, "input")
    for name in names:
        plan.write(folder / name, "comparison's " + name)
    plan.check()
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
    written.append(write_text(folder / "metrics.csv", metrics_csv(comparison), overwrite))
    record = rerun_record(comparison, files, sources or {})
    text = json.dumps(_jsonable(record), indent=2) + "\n"
    written.append(write_text(folder / "comparison.json", text, overwrite))
    return written


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
    noise_sigma: float | None = None
    pattern: str | None = None


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
            noise_sigma=float(record["noise_sigma"]) if record.get("noise_sigma") else None,
            pattern=record.get("pattern"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"{path}: incomplete comparison record ({error})") from None
