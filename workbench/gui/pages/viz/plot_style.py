"""The look shared by the page's plots: the viewer's dark background, light text at a readable
size, and axes whose ticks fall on whole numbers where the quantity is a count of pixels or layers."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from ...views.viewer import BACKGROUND

TEXT = "#dddddd"
"""Axis, tick and title text on the dark background."""
GRID_ALPHA = 0.18
FONT_PT = 10
"""Tick labels; axis labels and titles are one point larger."""
MARK = "#f5c542"
"""The measured value on a plot (the 95 % radius): the viewer's amber."""
BOUND = "#4fc3f7"
"""The theoretical value (the field's square): the viewer's region blue."""


def tick_font() -> QFont:
    font = QFont()
    font.setPointSize(FONT_PT)
    return font


class WholeNumberAxis(pg.AxisItem):
    """An axis whose ticks are whole numbers (steps of 1, 2, 5, 10 ...): a plot zoomed in on a few
    layers or pixels never labels 2.5 of them. No SI prefixes ("k" for thousands)."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels = super().tickSpacing(minVal, maxVal, size)
        return [(spacing, offset) for spacing, offset in levels if spacing >= 1] or [(1.0, 0.0)]


def whole_number_axes(*sides: str) -> dict[str, pg.AxisItem]:
    """``axisItems`` for a PlotWidget: a :class:`WholeNumberAxis` on each of ``sides``."""
    return {side: WholeNumberAxis(side) for side in sides}


def style_plot(plot: pg.PlotItem, x_label: str, y_label: str) -> None:
    """Light ``FONT_PT`` tick labels, labelled axes, a faint grid, no context menu or auto buttons."""
    label_style = {"color": TEXT, "font-size": f"{FONT_PT + 1}pt"}
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(side)
        axis.setStyle(tickFont=tick_font(), tickTextOffset=4)
        axis.setTextPen(TEXT)
        axis.setPen(pg.mkPen(TEXT))
        axis.enableAutoSIPrefix(False)
        axis.setLabel(text, **label_style)
    plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    plot.setMenuEnabled(False)
    plot.hideButtons()


def set_title(plot: pg.PlotItem, text: str) -> None:
    """Title ``plot``, then fit it to its view again: a title sets the plot's minimum width, and a
    plot once widened by a long title would otherwise stay wider than its view, cut on the right."""
    plot.setTitle(text, color=TEXT, size=f"{FONT_PT + 1}pt")
    view = plot.getViewWidget()
    if view is not None:
        plot.setGeometry(QRectF(view.rect()))


def dark_plot_widget(axis_items: dict[str, pg.AxisItem] | None = None) -> pg.PlotWidget:
    """A PlotWidget on the viewer's background that asks for little room (the page lays it out)."""
    widget = pg.PlotWidget(background=BACKGROUND, axisItems=axis_items)
    widget.setMinimumSize(240, 180)
    return widget
