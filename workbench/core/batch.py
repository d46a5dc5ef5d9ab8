"""Run one method with one set of parameters over every image of a folder.

Unreadable files are skipped and named. Each input has one planned output,
``<stem>_<method><suffix>`` (``<stem>_<ext>_<method><suffix>`` when two inputs share a stem);
what happens when it already exists is the ``existing`` choice: ``"skip"`` keeps it (so a batch
run again into the same folder resumes where it stopped; every output is written atomically, so
an existing one is complete), ``"copy"`` writes a numbered copy beside it, ``"overwrite"``
replaces it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import io, pipeline, registry
from .errors import Cancelled, InputError, WorkbenchError
from .io.outputs import OutputPlan
from .jobs import RunContext
from .problem import Problem, Task

EXISTING = ("skip", "copy", "overwrite")
"""What a batch does with an output that already exists: keep it, write a numbered copy, replace it."""


@dataclass
class BatchReport:
    """What a batch did: the files written, the outputs kept because they were there already, and
    each file skipped with its reason. Filled as the batch goes, so an interrupted batch's report
    says what it did so far."""

    written: list[tuple[Path, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    kept: list[tuple[Path, Path]] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)
    seconds: float = 0.0

    def untouched(self, inputs: list[Path]) -> list[Path]:
        """The inputs the batch has not dealt with (yet): neither written, kept nor skipped."""
        done = {source for source, _ in self.written + self.kept} | {source for source, _ in self.skipped}
        return [source for source in inputs if source not in done]


def batch_inputs(folder: Path) -> list[Path]:
    """Every visible file of ``folder``, sorted by name; unreadable ones are reported, not filtered."""
    return sorted(path for path in Path(folder).iterdir() if path.is_file() and not path.name.startswith("."))


def free_path(path: Path) -> Path:
    """``path`` if no file has that name yet, else ``stem-1.ext``, ``stem-2.ext``, ..."""
    candidate, number = path, 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def planned_outputs(inputs: list[Path], out_dir: Path, method: str, suffix: str) -> dict[Path, Path]:
    """Each input's output in ``out_dir``: ``<stem>_<method><suffix>``, with the input's extension
    added to the stem when two inputs share a stem (``a.png``, ``a.tif`` -> ``a_png_...``, ``a_tif_...``).

    Raises:
        InputError: the output folder is the input folder, or two inputs still map to one output.
    """
    out_dir = Path(out_dir)
    folders = {source.parent.resolve() for source in inputs}
    if out_dir.resolve() in folders:
        raise InputError(f"{out_dir}: choose an output folder other than the input folder")
    stems = [source.stem for source in inputs]
    targets = {}
    for source in inputs:
        stem = source.stem
        if stems.count(stem) > 1:
            stem = f"{stem}_{source.suffix.lstrip('.').lower()}"
        targets[source] = out_dir / f"{stem}_{method}{suffix}"
    plan = OutputPlan(overwrite=True)
    plan.create(out_dir)
    for source in inputs:
        plan.read(source, "input")
    for source, target in targets.items():
        plan.write(target, f"result of {source.name}")
    plan.check()
    return targets


def file_context(ctx: RunContext, index: int, count: int, name: str) -> RunContext:
    """A context for file ``index`` of ``count`` whose progress is the batch's share of that file.

    It shares ``ctx``'s device and cancellation; the method's messages are prefixed with the file.
    """

    def report(fraction: float, message: str) -> None:
        where = f"{name} ({index + 1}/{count})"
        ctx.progress((index + fraction) / count, f"{where}: {message}" if message else where)

    return RunContext(device=ctx.device, on_progress=report, cancel_event=ctx.cancel_event)


def run_batch(
    inputs: list[Path],
    out_dir: Path,
    method: str,
    values: Mapping[str, Any] | None = None,
    suffix: str = ".tif",
    ctx: RunContext | None = None,
    *,
    bit_depth: int | None = None,
    raw: io.RawOptions | None = None,
    task: Task = Task.DENOISE,
    existing: str = "skip",
    report: BatchReport | None = None,
) -> BatchReport:
    """Restore every input with ``method`` into ``out_dir`` (names: :func:`planned_outputs`).

    Args:
        inputs: image or RAW files; each is read, restored and written independently.
        out_dir: created if missing; not the inputs' folder.
        values: parameter values for the method (validated once, before the first file).
        suffix: ".tif", ".png" or ".jpg".
        ctx: progress over the whole batch (files done plus the method's progress on the
            current file) and cancellation.
        bit_depth: 8 or 16 for PNG and TIFF; None keeps each source's depth. JPEG is 8-bit.
        raw: how camera RAW inputs are developed (``RawOptions()`` when None).
        task: the problem each image poses (one that needs nothing but the image: denoising
            or JPEG artefact removal).
        existing: an output already there is kept ("skip": the batch resumes), gets a numbered
            copy beside it ("copy") or is replaced ("overwrite").
        report: filled as each file finishes (a new one when None), so that a caller still has
            it when the batch is cancelled or interrupted.

    Raises:
        ParameterError: a bad method or parameter, missing weights, or a task the method does
            not do, before any file is touched.
        InputError: the output folder is the input folder, or two inputs map to one output.
        Cancelled: the context was cancelled; the files finished so far stay written.
    """
    ctx = ctx or RunContext()
    if existing not in EXISTING:
        raise ValueError(f"existing must be one of {EXISTING}, not {existing!r}")
    registry.prepare(method, values, task)
    targets = planned_outputs(inputs, out_dir, method, suffix)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    report = report if report is not None else BatchReport()
    start = time.perf_counter()
    for index, source in enumerate(inputs):
        target = targets[source]
        if target.exists() and existing == "skip":
            report.kept.append((source, target))
            continue
        ctx.progress(index / max(len(inputs), 1), f"{source.name} ({index + 1}/{len(inputs)})")
        try:
            image = io.read_image(source, raw=raw)
            file_ctx = file_context(ctx, index, len(inputs), source.name)
            result = pipeline.restore(Problem(image, task=task), method, values, file_ctx)
            if existing == "copy":
                target = free_path(target)
            io.write_image(result.image, target, bit_depth=bit_depth, overwrite=existing == "overwrite")
            notes = result.notes + io.export_notices(result.image, target)
            report.notes += [(source, note) for note in notes]
        except Cancelled:
            raise
        except WorkbenchError as error:
            report.skipped.append((source, str(error)))
            continue
        finally:
            report.seconds = time.perf_counter() - start
        report.written.append((source, target))
    ctx.progress(1.0, "done")
    report.seconds = time.perf_counter() - start
    return report
