"""How the effective field gathers around its pixel: the share of |d out / d in| within a radius,
against the radius in pixels, with the 95 % level, the radius that reaches it and the half side of
the theoretical square marked. A live plot: wheel to zoom, drag to pan."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.core.viz import MassProfile
from workbench.core.viz.effective import MASS_FRACTION

from .plot_style import BOUND, MARK, TEXT, dark_plot_widget, set_title, style_plot, whole_number_axes

CURVE = "#e0e0e0"
EMPTY_TITLE = "Share of the field: click a pixel of the image"


def _line(
    angle: int, colour: str, style: Qt.PenStyle, position: float, anchor: tuple[float, float] = (0, 0)
) -> pg.InfiniteLine:
    """A hidden marker line; its label's ``anchor`` corner sits at ``position`` along it."""
    line = pg.InfiniteLine(
        angle=angle,
        pen=pg.mkPen(colour, width=1.5, style=style),
        label="",
        labelOpts={"position": position, "color": colour, "anchors": [anchor, anchor]},
    )
    line.hide()
    return line


def _mark(line: pg.InfiniteLine, value: float, text: str) -> None:
    """Show ``line`` at ``value`` labelled ``text`` (a hidden line's label ignores new text)."""
    line.show()
    line.setValue(value)
    line.label.setFormat(text)


class MassPlot(QWidget):
    """Share (%) of the field's gradient mass within r of its pixel, against r (px)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = dark_plot_widget(whole_number_axes("bottom"))
        self.plot = self.widget.getPlotItem()
        style_plot(self.plot, "radius around the pixel (px)", "share of |∂out/∂in| within it (%)")
        self.plot.setLimits(yMin=-5, yMax=105)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(CURVE, width=2))
        self.level = _line(0, TEXT, Qt.PenStyle.DotLine, 0.02)
        self.measured = _line(90, MARK, Qt.PenStyle.SolidLine, 0.3)
        self.theoretical = _line(90, BOUND, Qt.PenStyle.DashLine, 0.12, anchor=(1, 0))
        for line in (self.level, self.measured, self.theoretical):
            self.plot.addItem(line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)
        self.clear()

    def clear(self) -> None:
        """No field: an empty 0-100 % frame that says how to fill it."""
        self.curve.setData([], [])
        for line in (self.level, self.measured, self.theoretical):
            line.hide()
        self.plot.setRange(xRange=(0, 30), yRange=(0, 100), padding=0.03)
        set_title(self.plot, EMPTY_TITLE)

    def show_profile(
        self, profile: MassProfile, radius_95: float, theoretical_rf: int | None, clipped: bool = False
    ) -> None:
        """Draw ``profile``; mark ``radius_95`` and, when known, half of the ``theoretical_rf`` side
        ("at least" when the measured field was ``clipped``)."""
        self.curve.setData(profile.radius, 100 * profile.fraction)
        _mark(self.level, 100 * MASS_FRACTION, f"{100 * MASS_FRACTION:.0f} %")
        _mark(self.measured, radius_95, f"95 % within {radius_95:.1f} px")
        reach = float(profile.radius[-1]) if len(profile.radius) else radius_95
        if theoretical_rf is not None:
            half = theoretical_rf / 2
            bound = "≥ " if clipped else ""
            _mark(self.theoretical, half, f"theoretical half side {bound}{half:g} px")
        else:
            self.theoretical.hide()
        self.plot.setRange(xRange=(0, max(reach, 1.0)), yRange=(0, 100), padding=0.03)
        set_title(self.plot, "Share of the field within a radius")

    def shown(self) -> tuple[np.ndarray, np.ndarray]:
        """(radii in px, shares in %) drawn now; empty arrays before a field."""
        x, y = self.curve.getData()
        return (np.array([]), np.array([])) if x is None else (x, y)
