"""A histogram of the input and output luminance, drawn as two step curves.

The key to the curves is a line of coloured words above the plot, not a legend inside it: in a
dock a few hundred pixels wide a legend box would cover the peaks it describes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from workbench.core.image import to_gray

BINS = 128
MAX_SAMPLES = 1_000_000
INPUT_COLOUR, OUTPUT_COLOUR = "#b0b0b0", "#f5a742"
KEY = (
    f"<span style='color:{INPUT_COLOUR}'>━ input</span>&nbsp;&nbsp;&nbsp;"
    f"<span style='color:{OUTPUT_COLOUR}'>━ output</span>"
)


def luminance_histogram(pixels: np.ndarray, bins: int = BINS) -> tuple[np.ndarray, np.ndarray]:
    """(edges of length bins+1 over [0, 1], fraction of pixels per bin) of an H×W×C float image.

    Large images are subsampled on a regular grid to at most ``MAX_SAMPLES`` pixels.
    """
    gray = to_gray(pixels)[:, :, 0]
    step = max(1, int(np.ceil(np.sqrt(gray.size / MAX_SAMPLES))))
    counts, edges = np.histogram(gray[::step, ::step], bins=bins, range=(0.0, 1.0))
    return edges, counts / max(counts.sum(), 1)


class HistogramView(pg.PlotWidget):
    """Input (grey) and output (amber) luminance histograms on one plot, their key above it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=(38, 38, 40))
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().hideAxis("left")
        self.setLabel("bottom", "luminance")
        self.setXRange(0, 1, padding=0)
        self.setTitle(KEY, size="8pt")
        self._input = self.plot([0, 1], [0], stepMode="center", pen=pg.mkPen(INPUT_COLOUR))
        self._output = self.plot([0, 1], [0], stepMode="center", pen=pg.mkPen(OUTPUT_COLOUR, width=2))
        self.setMinimumHeight(120)

    def set_input(self, pixels: np.ndarray | None) -> None:
        self._draw(self._input, pixels)
        self._draw(self._output, None)

    def set_output(self, pixels: np.ndarray | None) -> None:
        self._draw(self._output, pixels)

    @staticmethod
    def _draw(curve: pg.PlotDataItem, pixels: np.ndarray | None) -> None:
        if pixels is None:
            curve.clear()
            return
        edges, fractions = luminance_histogram(pixels)
        curve.setData(edges, fractions, stepMode="center")
