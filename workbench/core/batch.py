"""Run one method with one set of parameters over every image of a folder.

Unreadable files are skipped and named; outputs are never overwritten: a name
already taken gets a numbered suffix instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import io, pipeline, registry
from .errors import Cancelled, ParameterError, WorkbenchError
from .jobs import RunContext
from .problem import Problem, Task


@dataclass
class BatchReport:
    """What a batch did: the files written, and each file skipped with its reason."""

    written: list[tuple[Path, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    seconds: float = 0.0


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
) -> BatchReport:
    """Restore every input with ``method`` into ``out_dir`` as ``<stem>_<method><suffix>``.

    Args:
        inputs: image or RAW files; each is read, restored and written independently.
        out_dir: created if missing; nothing in it is overwritten.
        values: parameter values for the method (validated once, before the first file).
        suffix: ".tif", ".png" or ".jpg".
        ctx: progress over the whole batch (files done plus the method's progress on the
            current file) and cancellation.
        bit_depth: 8 or 16 for PNG and TIFF; None keeps each source's depth. JPEG is 8-bit.
        raw: how camera RAW inputs are developed (``RawOptions()`` when None).
        task: the problem each image poses (one that needs nothing but the image: denoising
            or JPEG artefact removal).

    Raises:
        ParameterError: a bad method or parameter, or a task the method does not do, before
            any file is touched.
        Cancelled: the context was cancelled; the files finished so far stay written.
    """
    ctx = ctx or RunContext()
    chosen = registry.get(method)
    chosen.params.resolve(values, owner=method)
    if task not in chosen.tasks:
        raise ParameterError(f"method '{method}' does not do {task.value}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    start = time.perf_counter()
    for index, source in enumerate(inputs):
        ctx.progress(index / max(len(inputs), 1), f"{source.name} ({index + 1}/{len(inputs)})")
        try:
            image = io.read_image(source, raw=raw)
            file_ctx = file_context(ctx, index, len(inputs), source.name)
            result = pipeline.restore(Problem(image, task=task), method, values, file_ctx)
            target = free_path(out_dir / f"{source.stem}_{method}{suffix}")
            io.write_image(result.image, target, bit_depth=bit_depth)
        except Cancelled:
            raise
        except WorkbenchError as error:
            report.skipped.append((source, str(error)))
            continue
        report.written.append((source, target))
    ctx.progress(1.0, "done")
    report.seconds = time.perf_counter() - start
    return report
