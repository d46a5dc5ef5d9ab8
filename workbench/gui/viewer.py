"""The image viewer: input and output side by side with locked zoom/pan, or one view split before/after.

Coordinates: every view uses *canvas* coordinates, the pixel grid of the
largest image shown (the output of a super-resolution is larger than its input;
the input is stretched over the same canvas so the two line up). Wheel zoom
happens at the cursor and dragging pans (pyqtgraph's ViewBox behaviour); the
three views share one range, so switching mode keeps the zoom.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .display import display_array, sample_text

SIDE_BY_SIDE = "side"
SPLIT = "split"
BACKGROUND = QColor(38, 38, 40)


def _view_box() -> pg.ViewBox:
    view = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
    view.disableAutoRange()
    return view


def _image_item() -> pg.ImageItem:
    return pg.ImageItem(axisOrder="row-major")


class _Layer:
    """One image drawn on the canvas: its float pixels, bit depth and pyqtgraph item."""

    def __init__(self, item: pg.ImageItem) -> None:
        self.item = item
        self.pixels: np.ndarray | None = None
        self.bit_depth = 8

    def show(self, pixels: np.ndarray | None, bit_depth: int, canvas: tuple[int, int]) -> None:
        self.pixels, self.bit_depth = pixels, bit_depth
        if pixels is None:
            self.item.clear()
            return
        self.item.setImage(display_array(pixels), levels=(0, 255), autoLevels=False)
        self.item.setRect(QRectF(0, 0, canvas[1], canvas[0]))

    def sample_at(self, x: float, y: float, canvas: tuple[int, int]) -> str | None:
        """The pixel under canvas point (x, y) as text in the source bit depth, or None outside."""
        if self.pixels is None:
            return None
        height, width = self.pixels.shape[:2]
        column = int(np.floor(x * width / canvas[1]))
        row = int(np.floor(y * height / canvas[0]))
        if not (0 <= row < height and 0 <= column < width):
            return None
        return sample_text(self.pixels[row, column], self.bit_depth)


class _Pane(QWidget):
    """A caption over a graphics view holding one ViewBox."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption)
        self.caption.setContentsMargins(6, 2, 6, 2)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.graphics = pg.GraphicsView(background=BACKGROUND)
        self.view = _view_box()
        self.graphics.setCentralItem(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.graphics, 1)


class ImageViewer(QWidget):
    """Input/output viewer with fit, 100 %, a pixel readout (a line under the views) and a before/after split.

    Signals:
        readout(str): what lies under the mouse, e.g. "x 10  y 4   input 128   output 131".
    """

    readout = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._canvas = (1, 1)
        self._auto_fit = True
        self._input_pane = _Pane("Input")
        self._output_pane = _Pane("Output")
        self._split_pane = _Pane(
            "Before (input) on the left, after (output) on the right - drag the amber divider"
        )
        self._input = _Layer(_image_item())
        self._output = _Layer(_image_item())
        self._before = _Layer(_image_item())
        self._after = _Layer(_image_item())
        self._input_pane.view.addItem(self._input.item)
        self._output_pane.view.addItem(self._output.item)
        self._build_split_view()
        for pane in (self._output_pane, self._split_pane):
            pane.view.setXLink(self._input_pane.view)
            pane.view.setYLink(self._input_pane.view)
        for pane in self._panes():
            pane.graphics.scene().sigMouseMoved.connect(
                lambda position, view=pane.view: self._hover(view, position)
            )
            pane.view.sigRangeChangedManually.connect(self._stop_auto_fit)
            pane.view.sigResized.connect(self._refit)
        side = QSplitter(Qt.Orientation.Horizontal)
        side.addWidget(self._input_pane)
        side.addWidget(self._output_pane)
        side.setChildrenCollapsible(False)
        side.setStretchFactor(0, 1)
        side.setStretchFactor(1, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(side)
        self._stack.addWidget(self._split_pane)
        self.readout_label = QLabel("Move the mouse over the image to read pixel values")
        self.readout_label.setContentsMargins(6, 2, 6, 2)
        self.readout_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.readout.connect(self._show_readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self.readout_label)

    def _build_split_view(self) -> None:
        view = self._split_pane.view
        view.addItem(self._before.item)
        self._clip = QGraphicsRectItem()
        self._clip.setPen(QPen(Qt.PenStyle.NoPen))
        self._clip.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape, True)
        view.addItem(self._clip)
        self._after.item.setParentItem(self._clip)
        self.divider = pg.InfiniteLine(pos=0, angle=90, movable=True, pen=pg.mkPen("#f5c542", width=2))
        self.divider.setHoverPen(pg.mkPen("#ffe08a", width=3))
        self.divider.setZValue(10)
        self.divider.sigPositionChanged.connect(self._update_clip)
        view.addItem(self.divider)

    def _panes(self) -> tuple[_Pane, _Pane, _Pane]:
        return self._input_pane, self._output_pane, self._split_pane

    @property
    def mode(self) -> str:
        return SPLIT if self._stack.currentIndex() == 1 else SIDE_BY_SIDE

    def set_mode(self, mode: str) -> None:
        """SIDE_BY_SIDE or SPLIT; the zoom and pan are kept."""
        self._stack.setCurrentIndex(1 if mode == SPLIT else 0)
        if self._auto_fit:
            self.fit()

    def set_input(self, pixels: np.ndarray | None, bit_depth: int = 8, caption: str = "Input") -> None:
        """Show a new input (H×W×C float [0, 1]); clears the output, fits the view if the size changed."""
        old_canvas = self._canvas
        self._output.show(None, 8, self._canvas)
        self._after.show(None, 8, self._canvas)
        self._canvas = (1, 1) if pixels is None else tuple(pixels.shape[:2])
        self._input.show(pixels, bit_depth, self._canvas)
        self._before.show(pixels, bit_depth, self._canvas)
        self._set_caption(self._input_pane, caption)
        self._set_caption(self._output_pane, "Output - run a method (Ctrl+R)")
        self._update_clip()
        if self._canvas != old_canvas:
            self.divider.setBounds((0, self._canvas[1]))
            self.divider.setValue(self._canvas[1] / 2)
            self.fit()

    def set_output(self, pixels: np.ndarray | None, bit_depth: int = 8, caption: str = "Output") -> None:
        """Show a result or a preview; a larger output (super-resolution) enlarges the canvas."""
        if pixels is not None and pixels.shape[0] > self._canvas[0]:
            self._canvas = tuple(pixels.shape[:2])
            self._input.show(self._input.pixels, self._input.bit_depth, self._canvas)
            self._before.show(self._before.pixels, self._before.bit_depth, self._canvas)
            self.divider.setBounds((0, self._canvas[1]))
            self.divider.setValue(self._canvas[1] / 2)
            self.fit()
        self._output.show(pixels, bit_depth, self._canvas)
        self._after.show(pixels, bit_depth, self._canvas)
        self._set_caption(self._output_pane, caption)
        self._update_clip()

    @staticmethod
    def _set_caption(pane: _Pane, text: str) -> None:
        pane.caption.setText(text)
        pane.caption.setToolTip(text)

    def output_pixels(self) -> np.ndarray | None:
        return self._output.pixels

    def fit(self) -> None:
        """Show the whole canvas (key F); it stays fitted when the window is resized, until the user zooms."""
        self._auto_fit = True
        self._active_view().setRange(QRectF(0, 0, self._canvas[1], self._canvas[0]), padding=0.02)

    def actual_size(self) -> None:
        """One canvas pixel per screen pixel, centred where the view is centred now (key 1)."""
        self._auto_fit = False
        view = self._active_view()
        centre = view.viewRect().center()
        width, height = max(view.width(), 1.0), max(view.height(), 1.0)
        view.setRange(QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height), padding=0)

    def zoom_factor(self) -> float:
        """Screen pixels per canvas pixel of the visible view (1.0 at 100 %)."""
        view = self._active_view()
        return view.width() / max(view.viewRect().width(), 1e-9)

    def _active_view(self) -> pg.ViewBox:
        return self._split_pane.view if self.mode == SPLIT else self._input_pane.view

    def _stop_auto_fit(self, *_args: object) -> None:
        self._auto_fit = False

    def _refit(self, view: pg.ViewBox, *_args: object) -> None:
        if self._auto_fit and view is self._active_view():
            self.fit()

    def _update_clip(self) -> None:
        left = float(np.clip(self.divider.value(), 0, self._canvas[1]))
        self._clip.setRect(QRectF(left, 0, self._canvas[1] - left, self._canvas[0]))

    def readout_at(self, x: float, y: float) -> str:
        """The readout text for canvas point (x, y)."""
        parts = [f"x {int(np.floor(x))}  y {int(np.floor(y))}"]
        for name, layer in (("input", self._input), ("output", self._output)):
            text = layer.sample_at(x, y, self._canvas)
            if text is not None:
                parts.append(f"{name} {text}")
        return "   ".join(parts) if len(parts) > 1 else ""

    def _show_readout(self, text: str) -> None:
        if text:
            self.readout_label.setText(text)

    def _hover(self, view: pg.ViewBox, position: QPointF) -> None:
        point = view.mapSceneToView(position)
        self.readout.emit(self.readout_at(point.x(), point.y()))
