"""The theoretical receptive field after each layer, as a live plot: zoom with the wheel, drag to
pan, hover a point to read its layer's name and field."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.core.viz import RFReport

from .plot_style import BOUND, dark_plot_widget, set_title, style_plot, whole_number_axes

CURVE = "#81c784"
EMPTY_TITLE = "Receptive field per layer: press Compute"


class ReceptiveFieldPlot(QWidget):
    """Field side (pixels) against layer number, with the whole network's field as a dashed line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = dark_plot_widget(whole_number_axes("bottom", "left"))
        self.plot = self.widget.getPlotItem()
        style_plot(self.plot, "layer (in the order they run)", "receptive field (px)")
        self.curve = self.plot.plot([], [], pen=pg.mkPen(CURVE, width=2))
        self.points = pg.ScatterPlotItem(
            size=8, brush=pg.mkBrush(CURVE), pen=pg.mkPen(None), hoverable=True, hoverSize=11, tip=_tip
        )
        self.plot.addItem(self.points)
        self.total = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(BOUND, width=1.5, style=Qt.PenStyle.DashLine),
            label="",
            labelOpts={"position": 0.08, "color": BOUND, "anchors": [(0, 1), (0, 1)]},
        )
        self.total.hide()
        self.plot.addItem(self.total)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)
        self.clear()

    def clear(self) -> None:
        """No report: an empty frame that says how to fill it."""
        self.curve.setData([], [])
        self.points.setData([], [])
        self.total.hide()
        self.plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0.05)
        set_title(self.plot, EMPTY_TITLE)

    def show_report(self, report: RFReport) -> None:
        """Draw ``report``: one point per layer (hover for its name), the network's field as a line."""
        numbers = np.arange(1, len(report.layers) + 1, dtype=float)
        fields = np.array([layer.rf for layer in report.layers], dtype=float)
        self.curve.setData(numbers, fields)
        self.points.setData(numbers, fields, data=[layer.name or "(output)" for layer in report.layers])
        bound = "at least " if report.clipped else ""
        self.total.show()
        self.total.setValue(report.theoretical_rf)
        self.total.label.setFormat(f"whole network: {bound}{report.theoretical_rf} px")
        top = max([report.theoretical_rf, *fields.tolist()]) if len(fields) else report.theoretical_rf
        self.plot.setRange(xRange=(0.5, max(len(fields), 1) + 0.5), yRange=(0, top * 1.08), padding=0.03)
        set_title(self.plot, f"Receptive field per layer ({report.method})")

    def shown(self) -> tuple[np.ndarray, np.ndarray]:
        """(layer numbers, field sides in px) drawn now; empty arrays before a report."""
        x, y = self.curve.getData()
        return (np.array([]), np.array([])) if x is None else (x, y)


def _tip(x: float, y: float, data: object) -> str:
    return f"layer {round(x)}: {data}\nfield {y:.0f} px"
