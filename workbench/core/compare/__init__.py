"""Side-by-side comparison: several methods on one problem, scored against the BM3D baseline.

The same code serves the window's compare view, ``workbench compare`` and the
tests: :func:`settings_for` spreads ``--set`` values over the chosen methods,
:func:`run_comparison` runs them in turn with per-method progress and one
cancel flag, :class:`Comparison` derives gains, error maps and removed-noise
maps, :func:`render_grid` draws the labelled figure with Pillow and
:func:`export_comparison` writes the folder (results, ``grid.png``,
``metrics.csv``, ``comparison.json``). Nothing here imports Qt.
"""

from .export import (
    METRICS_COLUMNS,
    RERUN_FORMAT,
    RerunPlan,
    check_folder,
    export_comparison,
    metrics_csv,
    planned_files,
    read_rerun,
    rerun_record,
    result_filename,
)
from .grid import Tile, format_psnr, grid_tiles, method_label, render_grid, tile_captions
from .maps import (
    ERROR_PERCENTILE,
    colour_bar,
    error_map,
    heat_colors,
    removed_noise,
    removed_structure,
    shared_scale,
    signed_gray,
)
from .plan import BASELINES, MethodRun, check_plan, parse_method_list, settings_for
from .run import Comparison, run_comparison

__all__ = [
    "BASELINES",
    "ERROR_PERCENTILE",
    "METRICS_COLUMNS",
    "RERUN_FORMAT",
    "Comparison",
    "MethodRun",
    "RerunPlan",
    "Tile",
    "check_folder",
    "check_plan",
    "colour_bar",
    "error_map",
    "export_comparison",
    "format_psnr",
    "grid_tiles",
    "heat_colors",
    "method_label",
    "metrics_csv",
    "parse_method_list",
    "planned_files",
    "read_rerun",
    "removed_noise",
    "removed_structure",
    "render_grid",
    "rerun_record",
    "result_filename",
    "run_comparison",
    "settings_for",
    "shared_scale",
    "signed_gray",
    "tile_captions",
]
