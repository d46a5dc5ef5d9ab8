"""The sweep's results: an append-only table of cell rows in Parquet files under ``OUT/cells/``.

Every finished cell is written at once as its own small Parquet file (through a temporary file
renamed into place, so a crash leaves no half file), so a sweep killed at any moment keeps every
cell it finished. :meth:`ResultTable.compact` merges the files into one at the end of a sweep;
rows are never changed or dropped, only copied (a copy left twice by a crash during compaction
is read once: rows are told apart by their ``attempt`` id). A cell run again (a failed one, with
``retry_failed``) adds a row; :meth:`ResultTable.latest` reads the newest row of each key.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError

COLUMNS = pa.schema(
    [
        ("key", pa.string()),
        ("dataset", pa.string()),
        ("image", pa.string()),
        ("image_digest", pa.string()),
        ("crop", pa.int64()),
        ("method", pa.string()),
        ("params", pa.string()),  # JSON: every parameter value
        ("swept", pa.string()),  # JSON: the values the grid varies
        ("degradation", pa.string()),  # label: "sigma 25", "real", "blur sigma=1.6"
        ("degradation_op", pa.string()),
        ("degradation_params", pa.string()),  # JSON
        ("seed", pa.int64()),
        ("status", pa.string()),  # "ok" or "failed"
        ("error", pa.string()),
        ("psnr", pa.float64()),  # dB
        ("ssim", pa.float64()),
        ("seconds", pa.float64()),  # the method's run alone
        ("megapixels", pa.float64()),  # of the restored image
        ("worker", pa.string()),  # host:pid
        ("attempt", pa.string()),  # unique id of this run of the cell
        ("finished_at", pa.float64()),  # Unix time
        ("version", pa.string()),
    ]
)
"""The table's columns and types; PSNR and SSIM are null where there is no reference or the cell failed."""


class ResultTable:
    """The rows of the sweep in ``folder`` (its ``cells/`` sub-folder holds the Parquet files)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "cells"

    def exists(self) -> bool:
        return self.folder.is_dir() and any(self._files())

    def append(self, rows: Iterable[dict[str, Any]]) -> Path | None:
        """Write ``rows`` as a new Parquet file; returns it (None for no rows).

        Raises:
            InputError: the folder cannot be written (full disk, permissions).
        """
        rows = list(rows)
        if not rows:
            return None
        return self._write(pa.Table.from_pylist(rows, schema=COLUMNS), "part")

    def rows(self) -> list[dict[str, Any]]:
        """Every row once, in the order they finished.

        Raises:
            InputError: a file of the table cannot be read.
        """
        tables = []
        for path in self._files():
            try:
                tables.append(pq.read_table(path, schema=COLUMNS))
            except (OSError, pa.ArrowException) as error:
                raise InputError(f"{path}: cannot read this part of the sweep table ({error})") from None
        if not tables:
            return []
        seen: set[str] = set()
        unique = []
        for row in pa.concat_tables(tables).to_pylist():
            if row["attempt"] not in seen:
                seen.add(row["attempt"])
                unique.append(row)
        return sorted(unique, key=lambda row: row["finished_at"] or 0.0)

    def latest(self) -> dict[str, dict[str, Any]]:
        """The newest row of each cell key."""
        return {row["key"]: row for row in self.rows()}

    def finished(self, retry_failed: bool = False) -> set[str]:
        """Keys of the cells a sweep skips: every recorded cell, or only the ones that succeeded
        when ``retry_failed``."""
        latest = self.latest()
        return {key for key, row in latest.items() if not retry_failed or row["status"] == "ok"}

    def compact(self) -> None:
        """Merge every file into one (the rows unchanged); the merged file is complete before any
        old file is removed."""
        files = self._files()
        if len(files) < 2:
            return
        rows = self.rows()
        self._write(pa.Table.from_pylist(rows, schema=COLUMNS), "cells")
        for path in files:
            path.unlink(missing_ok=True)

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.parquet"))

    def _write(self, table: pa.Table, prefix: str) -> Path:
        path = self.folder / f"{prefix}-{time.time_ns()}-{os.getpid()}.parquet"
        temporary = path.with_name(f".{path.name}.part")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, temporary)
            os.replace(temporary, path)
        except (OSError, pa.ArrowException) as error:
            temporary.unlink(missing_ok=True)
            reason = getattr(error, "strerror", None) or error
            raise InputError(f"{self.folder}: cannot write the sweep table ({reason})") from None
        return path
