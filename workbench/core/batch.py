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
from .errors import Cancelled, WorkbenchError
from .jobs import RunContext
from .problem import Problem


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


def run_batch(
    inputs: list[Path],
    out_dir: Path,
    method: str,
    values: Mapping[str, Any] | None = None,
    suffix: str = ".tif",
    ctx: RunContext | None = None,
) -> BatchReport:
    """Restore every input with ``method`` into ``out_dir`` as ``<stem>_<method><suffix>``.

    Args:
        inputs: image or RAW files; each is read, denoised and written independently.
        out_dir: created if missing; nothing in it is overwritten.
        values: parameter values for the method (validated once, before the first file).
        suffix: ".tif" (16-bit when the source is), ".png" or ".jpg".
        ctx: progress over the whole batch (fraction of files done) and cancellation.

    Raises:
        ParameterError: a bad method or parameter, before any file is touched.
        Cancelled: the context was cancelled; the files finished so far stay written.
    """
    ctx = ctx or RunContext()
    registry.get(method).params.resolve(values, owner=method)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    start = time.perf_counter()
    for index, source in enumerate(inputs):
        ctx.progress(index / max(len(inputs), 1), f"{source.name} ({index + 1}/{len(inputs)})")
        try:
            image = io.read_image(source)
            result = pipeline.restore(Problem(image), method, values, ctx)
            target = free_path(out_dir / f"{source.stem}_{method}{suffix}")
            io.write_image(result.image, target)
        except Cancelled:
            raise
        except WorkbenchError as error:
            report.skipped.append((source, str(error)))
            continue
        report.written.append((source, target))
    ctx.progress(1.0, "done")
    report.seconds = time.perf_counter() - start
    return report
