"""The frame of an empty step plot: steps from 0 to the run's length on plain numbers, and a
typical value range, instead of pyqtgraph's 0 to 1 (which it labels in thousandths of a step)."""

from __future__ import annotations

import pyqtgraph as pg


def frame_empty_plot(plot: pg.PlotItem, steps: int, y_range: tuple[float, float]) -> None:
    """Show steps 0..``steps`` and ``y_range`` (in log10 units on a log axis) until data comes.

    Auto-range stays on, so the first curve drawn replaces this frame with its own extent.
    """
    plot.getAxis("bottom").enableAutoSIPrefix(False)
    plot.getViewBox().setRange(xRange=(0, steps), yRange=y_range, padding=0, disableAutoRange=False)
