"""The two previews of a live-run page, on the linked-view kit (``views.linked``).

The DIP, Train and Plug-and-play pages show a run's answer on the right (DIP's running average,
the trained network's estimate, plug-and-play's denoised estimate) and what it comes from on the
left (the current output, the noisy image, the data step's output). As in the Restore viewer and
the Compare tiles the two views zoom and pan together, Fit shows the whole picture and 100 % one
image pixel per screen pixel (buttons only: F and 1 are the Restore viewer's keys), and the
divider view shows the left picture left of a draggable divider and the right one right of it,
at the same zoom. Before the first picture (and after :meth:`PreviewPair.clear`) a calm note
takes their place instead of an empty black box.

Coordinates are canvas coordinates: the pixel grid of the larger picture shown (x right, y down).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ...views.display import display_array
from ...views.linked import BeforeAfterDivider, LinkedViews
from ...views.viewer import BACKGROUND
from ...widgets.elided_label import ElidedLabel
from ...widgets.forms import push_button

PLACEHOLDER = "The previews appear here when a run starts."
PAIR, SPLIT, EMPTY = 0, 1, 2
"""The pages of the preview stack: the two pictures, the divider view, the note shown before any picture."""


def _view_box() -> pg.ViewBox:
    view = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
    view.disableAutoRange()
    return view


def _image_item() -> pg.ImageItem:
    return pg.ImageItem(axisOrder="row-major")


class PreviewPair(QWidget):
    """Two linked pictures under a caption, with Fit, 100 % and a before/after divider view.

    Attributes:
        left_image, right_image: the side-by-side pictures (pyqtgraph ImageItems).
        left_view, right_view: their views; ``split_view`` is the divider view's.
        links: the :class:`LinkedViews` that keeps the three on one range.
        divider: the :class:`BeforeAfterDivider` of the divider view.
        split: the check box that shows the divider view instead of the pair.
        placeholder: the note shown until the first picture comes.
    """

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.caption = ElidedLabel(caption)
        self.links = LinkedViews(padding=0.02)
        self._canvas = (0, 0)
        self.pictures = pg.GraphicsLayoutWidget()
        self.pictures.setBackground(BACKGROUND)
        self.left_view, self.right_view = _view_box(), _view_box()
        self.pictures.addItem(self.left_view, row=0, col=0)
        self.pictures.addItem(self.right_view, row=0, col=1)
        self.left_image, self.right_image = _image_item(), _image_item()
        self.left_view.addItem(self.left_image)
        self.right_view.addItem(self.right_image)
        self.split_graphics = pg.GraphicsView(background=BACKGROUND)
        self.split_view = _view_box()
        self.split_graphics.setCentralItem(self.split_view)
        self._before, self._after = _image_item(), _image_item()
        self.split_view.addItem(self._before)
        self.divider = BeforeAfterDivider(self.split_view)
        self.divider.after(self._after)
        for view in (self.left_view, self.right_view, self.split_view):
            self.links.add(view)
        self.placeholder = QLabel(PLACEHOLDER)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet(f"background: {BACKGROUND.name()}; color: #9a9a9a;")
        self._stack = QStackedWidget()
        self._stack.addWidget(self.pictures)
        self._stack.addWidget(self.split_graphics)
        self._stack.addWidget(self.placeholder)
        self._stack.setCurrentIndex(EMPTY)
        self.fit_button = push_button("Fit", self.fit, "show the whole picture")
        self.actual_button = push_button("100 %", self.actual_size, "one image pixel per screen pixel")
        self.split = QCheckBox("Divider")
        self.split.setToolTip(
            "one view: the left picture left of a draggable divider, the right one right of it"
        )
        self.split.toggled.connect(self.set_split)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.caption, 1)
        for widget in (self.split, self.fit_button, self.actual_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self._stack, 1)

    def show_left(self, pixels: np.ndarray) -> None:
        """Show H×W×C float pixels in [0, 1] on the left (and left of the divider)."""
        self._reveal()
        for item in (self.left_image, self._before):
            self._draw(item, pixels)
        self._grow_canvas(pixels)

    def show_right(self, pixels: np.ndarray) -> None:
        """Show H×W×C float pixels in [0, 1] on the right (and right of the divider)."""
        self._reveal()
        for item in (self.right_image, self._after):
            self._draw(item, pixels)
        self._grow_canvas(pixels)

    def clear(self) -> None:
        """Remove both pictures (the note shows again); the next ones are fitted."""
        for item in (self.left_image, self.right_image, self._before, self._after):
            item.clear()
        self._stack.setCurrentIndex(EMPTY)
        self._canvas = (0, 0)
        self.links.auto_fit = True

    def set_split(self, on: bool) -> None:
        """Show the divider view (True) or the two pictures side by side; the zoom is kept."""
        if self.showing_pictures():
            self._stack.setCurrentIndex(SPLIT if on else PAIR)
        self.links.set_active(self.split_view if on else self.left_view)
        if self.links.auto_fit:
            self.fit()

    def showing_pictures(self) -> bool:
        """False while the note stands in for pictures not yet shown."""
        return self._stack.currentIndex() != EMPTY

    def _reveal(self) -> None:
        """Replace the note with the pictures (or the divider view, when ticked)."""
        if not self.showing_pictures():
            self._stack.setCurrentIndex(SPLIT if self.split.isChecked() else PAIR)

    def fit(self) -> None:
        """Show the whole canvas; it stays fitted as the views resize, until the user zooms or pans."""
        self.links.fit()

    def actual_size(self) -> None:
        """One canvas pixel per screen pixel, centred where the view is centred now."""
        self.links.actual_size()

    def _draw(self, item: pg.ImageItem, pixels: np.ndarray) -> None:
        item.setImage(display_array(pixels), levels=(0, 255), autoLevels=False)

    def _grow_canvas(self, pixels: np.ndarray) -> None:
        """Make the canvas the larger of itself and ``pixels``; every picture is stretched over it
        (a super-resolution's input under its output), and a new canvas is fitted."""
        height, width = pixels.shape[:2]
        canvas = (max(self._canvas[0], height), max(self._canvas[1], width))
        area = QRectF(0, 0, canvas[1], canvas[0])
        for item in (self.left_image, self.right_image, self._before, self._after):
            if item.image is not None:
                item.setRect(area)
        if canvas == self._canvas:
            return
        self._canvas = canvas
        self.links.set_canvas(canvas[1], canvas[0])
        self.divider.set_canvas(canvas[1], canvas[0])
        if self.links.auto_fit:
            self.fit()
