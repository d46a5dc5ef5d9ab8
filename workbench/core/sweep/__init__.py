"""Resumable sweeps: methods x parameter grids x datasets x degradations x seeds, one task per cell.

:mod:`.spec` says what a study covers, :mod:`.cells` expands it into keyed cells and runs one,
:mod:`.table` keeps the rows (append-only Parquet), :mod:`.executors` runs cells here, in a local
process pool or on Ray, :mod:`.runner` ties them together and :mod:`.report` writes the figures.

The names load on first use (PEP 562), so that the command line's parser (which reads
``executors.available_cores``) does not load the Parquet table and its pyarrow.
"""

from __future__ import annotations

from workbench.core.lazy import lazy_getattr

_HOMES = {
    "Cell": "cells",
    "plan_cells": "cells",
    "run_cell": "cells",
    "InlineExecutor": "executors",
    "PoolExecutor": "executors",
    "RayExecutor": "executors",
    "make_executor": "executors",
    "summarise": "report",
    "write_report": "report",
    "SweepOutcome": "runner",
    "plan": "runner",
    "run_sweep": "runner",
    "saved_baseline": "runner",
    "DegradationSpec": "spec",
    "MethodGrid": "spec",
    "SweepSpec": "spec",
    "ResultTable": "table",
}

__all__ = sorted(_HOMES)

__getattr__ = lazy_getattr(__name__, _HOMES)
