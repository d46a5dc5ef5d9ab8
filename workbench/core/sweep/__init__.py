"""Resumable sweeps: methods x parameter grids x datasets x degradations x seeds, one task per cell.

:mod:`.spec` says what a study covers, :mod:`.cells` expands it into keyed cells and runs one,
:mod:`.table` keeps the rows (append-only Parquet), :mod:`.executors` runs cells here, in a local
process pool or on Ray, :mod:`.runner` ties them together and :mod:`.report` writes the figures.
"""

from .cells import Cell, plan_cells, run_cell
from .executors import InlineExecutor, PoolExecutor, RayExecutor, make_executor
from .report import summarise, write_report
from .runner import SweepOutcome, plan, run_sweep, saved_baseline
from .spec import DegradationSpec, MethodGrid, SweepSpec
from .table import ResultTable

__all__ = [
    "Cell",
    "DegradationSpec",
    "InlineExecutor",
    "MethodGrid",
    "PoolExecutor",
    "RayExecutor",
    "ResultTable",
    "SweepOutcome",
    "SweepSpec",
    "make_executor",
    "plan",
    "plan_cells",
    "run_cell",
    "run_sweep",
    "saved_baseline",
    "summarise",
    "write_report",
]
