"""The per-step curve of a DIP run as CSV: iteration, seconds, loss, psnr, psnr_avg, es_stat, psnr_est."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from ..io.atomic import write_text
from .stepper import StepRecord

COLUMNS = ("iteration", "seconds", "loss", "psnr", "psnr_avg", "es_stat", "psnr_est")


def curve_csv(records: Iterable[StepRecord]) -> str:
    """The records as CSV text with a header; a missing value (no reference, window filling, no SURE
    rule) is empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(
            [
                record.iteration,
                f"{record.seconds:.4f}",
                f"{record.loss:.6g}",
                _optional(record.psnr, ".4f"),
                _optional(record.psnr_avg, ".4f"),
                _optional(record.es_stat, ".6g"),
                _optional(record.psnr_est, ".4f"),
            ]
        )
    return buffer.getvalue()


def write_curve(records: Iterable[StepRecord], path: str | Path, overwrite: bool = False) -> Path:
    """Write :func:`curve_csv` to ``path`` atomically and return the path.

    Raises:
        InputError: ``path`` exists and ``overwrite`` is False, or the write failed.
    """
    return write_text(path, curve_csv(records), overwrite)


def _optional(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)
