"""Run a sweep into a folder: plan the cells, skip those already in its table, run the rest,
append each row as it arrives, and write the report.

The folder ``OUT`` holds ``cells/`` (the table, see :mod:`.table`), ``sweep.json`` (the last
sweep's plan: what ran, and the baseline the report uses) and ``report/`` (rewritten from the
table at the end of every sweep, finished or interrupted; see :mod:`.report`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Cancelled, InputError
from ..io.atomic import write_text
from .cells import Cell, plan_cells
from .report import write_report
from .spec import SweepSpec
from .table import ResultTable

PLAN_FILE = "sweep.json"


@dataclass
class SweepOutcome:
    """What a sweep did.

    Attributes:
        total: cells in the plan.
        resumed: cells found in the table already (not run again).
        ran: cells run now (ok and failed).
        failed: cells run now that failed.
        skipped: a line per method and degradation that do not go together.
        report: the report folder, once written.
    """

    total: int = 0
    resumed: int = 0
    ran: int = 0
    failed: int = 0
    skipped: list[str] = field(default_factory=list)
    report: Path | None = None


def plan(spec: SweepSpec, out: Path, retry_failed: bool = False) -> tuple[list[Cell], list[Cell], list[str]]:
    """(every cell of ``spec``, the cells still to run in ``out``, the skipped combinations)."""
    cells, skipped = plan_cells(spec)
    unique = list({cell.key: cell for cell in cells}.values())
    done = ResultTable(out).finished(retry_failed)
    return unique, [cell for cell in unique if cell.key not in done], skipped


def run_sweep(
    spec: SweepSpec,
    out: Path,
    executor: Any,
    on_row: Callable[[dict[str, Any], SweepOutcome], None] | None = None,
    cancel: threading.Event | None = None,
    retry_failed: bool = False,
) -> SweepOutcome:
    """Run the cells of ``spec`` not yet in ``out``'s table with ``executor`` and write the report.

    Args:
        out: the sweep's folder (made if missing; its parent must exist).
        executor: see :mod:`.executors`.
        on_row: called with each new row (in the calling thread) and the outcome so far.
        cancel: set it to stop; the rows finished stay in the table.
        retry_failed: run again the cells whose recorded row failed.

    Raises:
        ParameterError, InputError: a bad spec or folder, before any cell runs.
        Cancelled, KeyboardInterrupt: the sweep was stopped (table and report keep what finished).
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError(f"{out}: the folder {out.parent} does not exist")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a folder")
    cells, todo, skipped = plan(spec, out, retry_failed)
    outcome = SweepOutcome(total=len(cells), resumed=len(cells) - len(todo), skipped=skipped)
    out.mkdir(exist_ok=True)
    baseline = spec.baseline_method
    write_text(
        out / PLAN_FILE, json.dumps(plan_record(spec, cells, baseline), indent=2) + "\n", overwrite=True
    )
    table = ResultTable(out)

    def record(row: dict[str, Any]) -> None:
        table.append([row])
        outcome.ran += 1
        outcome.failed += row["status"] != "ok"
        if on_row is not None:
            on_row(row, outcome)

    try:
        executor.run(todo, record, cancel or threading.Event())
    except (Cancelled, KeyboardInterrupt):
        _finish(table, out, baseline, outcome)
        raise
    _finish(table, out, baseline, outcome)
    return outcome


def _finish(table: ResultTable, out: Path, baseline: str | None, outcome: SweepOutcome) -> None:
    table.compact()
    if table.exists():
        outcome.report = write_report(out, baseline)


def plan_record(spec: SweepSpec, cells: list[Cell], baseline: str | None) -> dict[str, Any]:
    """The plan as JSON: datasets, methods with their grids, degradations, seeds, cell count."""
    return {
        "datasets": [str(Path(folder).resolve()) for folder in spec.datasets],
        "methods": [{"method": g.method, "fixed": g.fixed, "grid": g.grid} for g in spec.methods],
        "degradations": [{"op": d.name, "values": d.values, "label": d.label} for d in spec.degradations],
        "seeds": spec.seeds,
        "crop": spec.crop,
        "limit": spec.limit,
        "baseline": baseline,
        "cells": len(cells),
    }


def saved_baseline(out: Path) -> str | None:
    """The baseline of the last sweep into ``out`` (from its plan file), None when there is none."""
    try:
        return json.loads((Path(out) / PLAN_FILE).read_text(encoding="utf-8")).get("baseline")
    except (OSError, ValueError):
        return None
