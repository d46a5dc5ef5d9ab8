"""The image viewer: input and output side by side with locked zoom/pan, or one view split before/after.

Coordinates: every view uses *canvas* coordinates, the pixel grid of the
largest image shown (the output of a super-resolution is larger than its input;
the input is stretched over the same canvas so the two line up). Wheel zoom
happens at the cursor and dragging pans (pyqtgraph's ViewBox behaviour); the
three views share one range, so switching mode keeps the zoom.

A left drag with Shift held (or any left drag in region mode) marks a *region*
instead of panning: its outline is drawn on every view and ``region_selected``
gives it in input-image pixels, so that a method can be tried on that part first;
its result is drawn over the output at the same place.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.region import Rect

from ..widgets.elided_label import ElidedLabel
from .display import display_array, sample_text
from .linked import BeforeAfterDivider, LinkedViews

SIDE_BY_SIDE = "side"
SPLIT = "split"
BACKGROUND = QColor(38, 38, 40)
REGION_COLOUR = "#4fc3f7"
MIN_REGION = 4
"""A region drag narrower or shorter than this many input pixels is a click: it clears the region."""

RegionDragged = Callable[[QRectF, bool], None]


class _SelectingViewBox(pg.ViewBox):
    """A ViewBox that pans on a left drag, or marks a rectangle when Shift is held or in region mode
    (where a click clears it).

    ``on_region_drag(area, finished)`` receives the rectangle in view (canvas) coordinates
    while the drag goes on, and once more with ``finished`` True when the button is released.
    """

    def __init__(self) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.disableAutoRange()
        self.region_mode = False
        self.on_region_drag: RegionDragged | None = None
        self._marking = False

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.isStart():
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            left = ev.button() == Qt.MouseButton.LeftButton
            self._marking = left and (shift or self.region_mode) and self.on_region_drag is not None
        if not self._marking:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos(ev.button()))
        end = self.mapSceneToView(ev.scenePos())
        self.on_region_drag(QRectF(start, end).normalized(), ev.isFinish())
        if ev.isFinish():
            self._marking = False

    def mouseClickEvent(self, ev) -> None:
        """A left click where a drag would mark a region marks an empty one: it clears the region."""
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        marking = (shift or self.region_mode) and self.on_region_drag is not None
        if ev.button() != Qt.MouseButton.LeftButton or not marking:
            super().mouseClickEvent(ev)
            return
        ev.accept()
        point = self.mapSceneToView(ev.scenePos())
        self.on_region_drag(QRectF(point, point), True)


def _image_item() -> pg.ImageItem:
    return pg.ImageItem(axisOrder="row-major")


def _outline() -> QGraphicsRectItem:
    item = QGraphicsRectItem()
    item.setPen(pg.mkPen(REGION_COLOUR, width=1.5, style=Qt.PenStyle.DashLine))
    item.setZValue(20)
    item.hide()
    return item


class _Layer:
    """One image drawn over an area of the canvas: its float pixels, bit depth and pyqtgraph item."""

    def __init__(self, item: pg.ImageItem) -> None:
        self.item = item
        self.pixels: np.ndarray | None = None
        self.bit_depth = 8
        self.area = QRectF(0, 0, 1, 1)

    def show(self, pixels: np.ndarray | None, bit_depth: int, area: QRectF) -> None:
        """Draw ``pixels`` stretched over ``area`` (canvas coordinates); None clears the layer."""
        self.pixels, self.bit_depth, self.area = pixels, bit_depth, QRectF(area)
        if pixels is None:
            self.item.clear()
            return
        self.item.setImage(display_array(pixels), levels=(0, 255), autoLevels=False)
        self.item.setRect(self.area)

    def sample_at(self, x: float, y: float) -> str | None:
        """The pixel under canvas point (x, y) as text in the source bit depth, or None outside."""
        if self.pixels is None or self.area.isEmpty():
            return None
        height, width = self.pixels.shape[:2]
        column = int(np.floor((x - self.area.x()) * width / self.area.width()))
        row = int(np.floor((y - self.area.y()) * height / self.area.height()))
        if not (0 <= row < height and 0 <= column < width):
            return None
        return sample_text(self.pixels[row, column], self.bit_depth)


class _Pane(QWidget):
    """A caption over a graphics view holding one ViewBox."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = ElidedLabel(caption)
        self.caption.setContentsMargins(6, 2, 6, 2)
        self.graphics = pg.GraphicsView(background=BACKGROUND)
        self.view = _SelectingViewBox()
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
        region_selected(object): the :class:`Rect` (input pixels) the user marked, or None when
            a click cleared it.
    """

    readout = Signal(str)
    region_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._canvas = (1, 1)
        self.links = LinkedViews(padding=0.02)
        self._input_pane = _Pane("Input")
        self._output_pane = _Pane("Output")
        self._split_pane = _Pane(
            "Before (input) on the left, after (output) on the right - drag the amber divider"
        )
        self._input = _Layer(_image_item())
        self._output = _Layer(_image_item())
        self._before = _Layer(_image_item())
        self._after = _Layer(_image_item())
        self._region_out = _Layer(_image_item())
        self._region_after = _Layer(_image_item())
        self._region: Rect | None = None
        self._outlines = [_outline() for _pane in self._panes()]
        self._input_pane.view.addItem(self._input.item)
        self._output_pane.view.addItem(self._output.item)
        self._output_pane.view.addItem(self._region_out.item)
        self._region_out.item.setZValue(1)
        self._build_split_view()
        for pane in self._panes():
            self.links.add(pane.view)
            pane.graphics.scene().sigMouseMoved.connect(
                lambda position, view=pane.view: self._hover(view, position)
            )
            pane.view.on_region_drag = self._region_dragged
        for pane, outline in zip(self._panes(), self._outlines, strict=True):
            pane.view.addItem(outline)
        side = QSplitter(Qt.Orientation.Horizontal)
        side.addWidget(self._input_pane)
        side.addWidget(self._output_pane)
        side.setChildrenCollapsible(False)
        side.setStretchFactor(0, 1)
        side.setStretchFactor(1, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(side)
        self._stack.addWidget(self._split_pane)
        self.readout_label = ElidedLabel("Move the mouse over the image to read pixel values")
        self.readout_label.setContentsMargins(6, 2, 6, 2)
        self.readout.connect(self._show_readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self.readout_label)

    def _build_split_view(self) -> None:
        self._split_pane.view.addItem(self._before.item)
        self.divider = BeforeAfterDivider(self._split_pane.view)
        self.divider.after(self._after.item)
        self.divider.after(self._region_after.item)
        self._region_after.item.setZValue(1)

    def _panes(self) -> tuple[_Pane, _Pane, _Pane]:
        return self._input_pane, self._output_pane, self._split_pane

    @property
    def mode(self) -> str:
        return SPLIT if self._stack.currentIndex() == 1 else SIDE_BY_SIDE

    def set_mode(self, mode: str) -> None:
        """SIDE_BY_SIDE or SPLIT; the zoom and pan are kept."""
        self._stack.setCurrentIndex(1 if mode == SPLIT else 0)
        self.links.set_active(self._active_view())
        if self.links.auto_fit:
            self.fit()

    def set_input(
        self,
        pixels: np.ndarray | None,
        bit_depth: int = 8,
        caption: str = "Input",
        same_scene: bool = False,
    ) -> None:
        """Show a new input (H×W×C float [0, 1]); clears the output and the region.

        When the size changed the view is fitted, unless ``same_scene`` says the new pixels show
        the same picture at another resolution (a RAW developed at full size after its preview)
        and the user has zoomed: then the view keeps showing the same part of the picture.
        """
        old_canvas = self._canvas
        self.set_region(None)
        self._output.show(None, 8, self._canvas_area())
        self._after.show(None, 8, self._canvas_area())
        self._canvas = (1, 1) if pixels is None else tuple(pixels.shape[:2])
        self._input.show(pixels, bit_depth, self._canvas_area())
        self._before.show(pixels, bit_depth, self._canvas_area())
        self._set_caption(self._input_pane, caption)
        self._set_caption(self._output_pane, "Output - run a method (Ctrl+R)")
        self._set_canvas()
        if self._canvas != old_canvas:
            if same_scene and not self.links.auto_fit:
                self._rescale_view(old_canvas)
            else:
                self.fit()

    def set_output(self, pixels: np.ndarray | None, bit_depth: int = 8, caption: str = "Output") -> None:
        """Show a result or a preview (removing a region's result drawn over the output); a larger
        output (super-resolution) enlarges the canvas."""
        if pixels is not None and pixels.shape[0] > self._canvas[0]:
            self._canvas = tuple(pixels.shape[:2])
            self._input.show(self._input.pixels, self._input.bit_depth, self._canvas_area())
            self._before.show(self._before.pixels, self._before.bit_depth, self._canvas_area())
            self._set_canvas()
            self._place_region()
            self.fit()
        self._show_region_pixels(None, 8)
        self._output.show(pixels, bit_depth, self._canvas_area())
        self._after.show(pixels, bit_depth, self._canvas_area())
        self._set_caption(self._output_pane, caption)

    def _set_canvas(self) -> None:
        height, width = self._canvas
        self.links.set_canvas(width, height)
        self.divider.set_canvas(width, height)

    def _canvas_area(self) -> QRectF:
        return QRectF(0, 0, self._canvas[1], self._canvas[0])

    def _rescale_view(self, old_canvas: tuple[int, int]) -> None:
        view = self._active_view()
        shown = view.viewRect()
        across, down = self._canvas[1] / old_canvas[1], self._canvas[0] / old_canvas[0]
        view.setRange(
            QRectF(shown.x() * across, shown.y() * down, shown.width() * across, shown.height() * down),
            padding=0,
        )

    # ------------------------------------------------------------- regions

    def set_region_mode(self, on: bool) -> None:
        """In region mode a plain left drag marks a region (without it, Shift + drag does)."""
        for pane in self._panes():
            pane.view.region_mode = on
            if on:
                pane.graphics.viewport().setCursor(Qt.CursorShape.CrossCursor)
            else:
                pane.graphics.viewport().unsetCursor()

    def region(self) -> Rect | None:
        """The marked region in input pixels, or None."""
        return self._region

    def set_region(self, rect: Rect | None) -> None:
        """Outline ``rect`` (input pixels) on every view; None removes the outline and a region's result."""
        self._region = rect
        if rect is None:
            self._show_region_pixels(None, 8)
        self._place_region()

    def show_region_result(self, pixels: np.ndarray, bit_depth: int, rect: Rect, caption: str) -> None:
        """Draw a region's restored pixels over the output, where ``rect`` (input pixels) lies."""
        self._region = rect
        self._place_region()
        self._show_region_pixels(pixels, bit_depth)
        self._set_caption(self._output_pane, caption)

    def set_output_caption(self, caption: str) -> None:
        """Change the output view's caption only (e.g. to report a region's progress)."""
        self._set_caption(self._output_pane, caption)

    def _show_region_pixels(self, pixels: np.ndarray | None, bit_depth: int) -> None:
        area = self._region_area(self._region) if self._region is not None else QRectF()
        for layer in (self._region_out, self._region_after):
            layer.show(pixels, bit_depth, area)

    def _region_area(self, rect: Rect) -> QRectF:
        """Where input-pixel rectangle ``rect`` lies on the canvas."""
        height, width = self._input_size()
        across, down = self._canvas[1] / width, self._canvas[0] / height
        return QRectF(rect.x * across, rect.y * down, rect.width * across, rect.height * down)

    def _input_size(self) -> tuple[int, int]:
        pixels = self._input.pixels
        return self._canvas if pixels is None else pixels.shape[:2]

    def _place_region(self) -> None:
        if self._region is None:
            for outline in self._outlines:
                outline.hide()
            return
        area = self._region_area(self._region)
        self._draw_outlines(area)
        for layer in (self._region_out, self._region_after):
            if layer.pixels is not None:
                layer.show(layer.pixels, layer.bit_depth, area)

    def _draw_outlines(self, area: QRectF) -> None:
        for outline in self._outlines:
            outline.setRect(area)
            outline.show()

    def _region_dragged(self, area: QRectF, finished: bool) -> None:
        self._draw_outlines(area)
        if finished:
            rect = self.input_rect(area)
            self.set_region(rect)
            self.region_selected.emit(rect)

    def input_rect(self, area: QRectF) -> Rect | None:
        """The input pixels under canvas rectangle ``area``, clipped to the image; None for a
        rectangle under ``MIN_REGION`` pixels across (a click) or one outside the image."""
        if self._input.pixels is None:
            return None
        height, width = self._input_size()
        across, down = width / self._canvas[1], height / self._canvas[0]
        left, top = max(int(np.floor(area.left() * across)), 0), max(int(np.floor(area.top() * down)), 0)
        right = min(int(np.ceil(area.right() * across)), width)
        bottom = min(int(np.ceil(area.bottom() * down)), height)
        if right - left < MIN_REGION or bottom - top < MIN_REGION:
            return None
        return Rect(left, top, right - left, bottom - top)

    @staticmethod
    def _set_caption(pane: _Pane, text: str) -> None:
        pane.caption.setText(text)

    def fit(self) -> None:
        """Show the whole canvas (key F); it stays fitted when the window is resized, until the user zooms."""
        self.links.fit()

    def actual_size(self) -> None:
        """One canvas pixel per screen pixel, centred where the view is centred now (key 1)."""
        self.links.actual_size()

    def _active_view(self) -> pg.ViewBox:
        return self._split_pane.view if self.mode == SPLIT else self._input_pane.view

    def readout_at(self, x: float, y: float) -> str:
        """The readout text for canvas point (x, y); a region's result counts as the output there."""
        parts = [f"x {int(np.floor(x))}  y {int(np.floor(y))}"]
        for name, layers in (("input", (self._input,)), ("output", (self._region_out, self._output))):
            text = next((t for t in (layer.sample_at(x, y) for layer in layers) if t is not None), None)
            if text is not None:
                parts.append(f"{name} {text}")
        return "   ".join(parts) if len(parts) > 1 else ""

    def _show_readout(self, text: str) -> None:
        if text:
            self.readout_label.setText(text)

    def _hover(self, view: pg.ViewBox, position: QPointF) -> None:
        point = view.mapSceneToView(position)
        self.readout.emit(self.readout_at(point.x(), point.y()))
