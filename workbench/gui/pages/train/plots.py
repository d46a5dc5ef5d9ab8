"""The Train page's two plots: training loss (log scale) and validation PSNR, over steps, with
the last few runs' curves drawn dashed under the current run's."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...views.log_axis import sparse_log_axes
from ...views.plot_frame import frame_empty_plot
from .run import EarlierRun, TrainCurves

AXIS_WIDTH = 56
"""Pixels of both plots' left axes, so that their steps line up."""
LOSS_MIN_DECADES = 1.0
"""Smallest span of the loss axis, in decades (a log axis shows no tick labels inside one decade)."""
EMPTY_STEPS = 1000
EMPTY_LOSS = (-3.0, -1.0)
"""Before the first run: log10 of the per-step MSE shown."""
EMPTY_PSNR = (20.0, 32.0)
"""Before the first run: validation PSNR (dB) shown."""
EARLIER_COLOURS = ("#9e9e9e", "#e6a15c", "#74b979")
"""Muted pens of the earlier runs, oldest first (at most this many are drawn)."""


class TrainPlots(pg.GraphicsLayoutWidget):
    """Loss above, validation PSNR below, their step axes linked."""

    def __init__(self) -> None:
        super().__init__()
        self.loss_plot = self.addPlot(
            row=0, col=0, title="Training loss (MSE per step)", axisItems=sparse_log_axes()
        )
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.setLimits(minYRange=LOSS_MIN_DECADES)
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.addLegend(offset=(-10, 10))
        self.psnr_plot = self.addPlot(row=1, col=0, title="Validation PSNR (dB)")
        self.psnr_plot.setLabel("bottom", "step")
        self.psnr_plot.setXLink(self.loss_plot)
        for plot, y_range in ((self.loss_plot, EMPTY_LOSS), (self.psnr_plot, EMPTY_PSNR)):
            plot.getAxis("left").setWidth(AXIS_WIDTH)
            frame_empty_plot(plot, EMPTY_STEPS, y_range)
        self.loss_curve = self.loss_plot.plot([], [], pen=pg.mkPen("#9ecae1", width=1), name="per step")
        self.smooth_curve = self.loss_plot.plot([], [], pen=pg.mkPen("#08519c", width=2), name="smoothed")
        self._origin = self.loss_plot.plot([], [], pen=pg.mkPen(None))
        self.psnr_curve = self.psnr_plot.plot(
            [], [], pen=pg.mkPen("#d62728", width=2), symbol="o", symbolSize=5, symbolBrush="#d62728"
        )
        self._earlier_items: list = []

    def draw(self, curves: TrainCurves) -> None:
        """Draw the current run; an unseen point at step 0 keeps the step-0 validation score in view."""
        self._origin.setData([0] if curves.loss else [], curves.loss[:1])
        self.loss_curve.setData(curves.steps, curves.loss)
        self.smooth_curve.setData(curves.steps, curves.smooth)
        self.psnr_curve.setData(curves.val_steps, curves.val_psnr)

    def draw_earlier(self, runs: list[EarlierRun]) -> None:
        """Replace the dashed curves of earlier runs by ``runs`` (oldest first, the last
        ``len(EARLIER_COLOURS)`` drawn), each smoothed loss named in the legend."""
        for plot, item in self._earlier_items:
            plot.removeItem(item)
        self._earlier_items = []
        runs = runs[-len(EARLIER_COLOURS) :]
        colours = EARLIER_COLOURS[-len(runs) :] if runs else ()
        for run, colour in zip(runs, colours, strict=True):
            pen = pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine)
            loss = self.loss_plot.plot(run.curves.steps, run.curves.smooth, pen=pen, name=run.label)
            psnr = self.psnr_plot.plot(run.curves.val_steps, run.curves.val_psnr, pen=pen)
            for plot, item in ((self.loss_plot, loss), (self.psnr_plot, psnr)):
                item.setZValue(-1)
                self._earlier_items.append((plot, item))

    def set_validation_title(self, title: str) -> None:
        self.psnr_plot.setTitle(title)
