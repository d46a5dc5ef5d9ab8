"""The linked-view kit: image views that zoom and pan together, fit and 100 %, and a before/after divider.

The Restore page's viewer and the Compare page's tiles and swipe view are built from these two
pieces, so that linking, fitting and the divider behave the same on both pages.

Coordinates are *canvas* coordinates: the pixel grid the views show (x to the right, y down).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

DIVIDER_COLOUR = "#f5c542"
DIVIDER_HOVER = "#ffe08a"


class LinkedViews:
    """ViewBoxes that show one range of one canvas: the first view added leads, the others follow.

    The views are fitted to the canvas (``fit``) and stay fitted as they are resized, until the
    user zooms or pans one of them; ``fit`` and ``actual_size`` act on the *active* view (the
    first added unless :meth:`set_active` says otherwise) and so on all of them.

    Args:
        padding: the margin ``fit`` leaves around the canvas, as a fraction of its size.
    """

    def __init__(self, padding: float = 0.02) -> None:
        self.padding = padding
        self.auto_fit = True
        self.views: list[pg.ViewBox] = []
        self.active: pg.ViewBox | None = None
        self._canvas = QRectF(0, 0, 1, 1)

    def add(self, view: pg.ViewBox) -> None:
        """Link ``view`` to the others (the first one added leads and becomes the active view)."""
        if self.views:
            view.setXLink(self.views[0])
            view.setYLink(self.views[0])
        else:
            self.active = view
        view.sigRangeChangedManually.connect(self._stop_auto_fit)
        view.sigResized.connect(self._refit)
        self.views.append(view)

    def clear(self) -> None:
        """Forget every view (their widgets are being replaced); the next ones start fitted."""
        self.views, self.active, self.auto_fit = [], None, True

    def set_active(self, view: pg.ViewBox) -> None:
        """Make ``view`` (one of the linked ones, or one that shares their range) the one fitted."""
        self.active = view

    def set_canvas(self, width: float, height: float) -> None:
        """The canvas is ``width`` × ``height`` pixels from now on (fitting shows all of it)."""
        self._canvas = QRectF(0, 0, max(width, 1), max(height, 1))

    def fit(self) -> None:
        """Show the whole canvas (key F); it stays fitted when the views are resized, until the user zooms."""
        self.auto_fit = True
        if self.active is not None:
            self.active.setRange(self._canvas, padding=self.padding)

    def actual_size(self) -> None:
        """One canvas pixel per screen pixel, centred where the view is centred now (key 1)."""
        self.auto_fit = False
        if self.active is None:
            return
        centre = self.active.viewRect().center()
        width, height = max(self.active.width(), 1.0), max(self.active.height(), 1.0)
        self.active.setRange(
            QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height), padding=0
        )

    def _stop_auto_fit(self, *_args: object) -> None:
        self.auto_fit = False

    def _refit(self, view: pg.ViewBox, *_args: object) -> None:
        if self.auto_fit and view is self.active:
            self.fit()


class BeforeAfterDivider:
    """A draggable vertical divider on ``view``: items put :meth:`after` it show right of it only,
    the rest of the view (the *before* picture) left of it.

    Attributes:
        line: the divider (a pyqtgraph InfiniteLine; ``line.value()`` is its x in canvas pixels).
        clip: the rectangle right of the divider that clips the *after* items.
    """

    def __init__(self, view: pg.ViewBox) -> None:
        self.clip = QGraphicsRectItem()
        self.clip.setPen(QPen(Qt.PenStyle.NoPen))
        self.clip.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape, True)
        view.addItem(self.clip)
        self.line = pg.InfiniteLine(pos=0, angle=90, movable=True, pen=pg.mkPen(DIVIDER_COLOUR, width=2))
        self.line.setHoverPen(pg.mkPen(DIVIDER_HOVER, width=3))
        self.line.setZValue(10)
        self.line.sigPositionChanged.connect(self.update_clip)
        view.addItem(self.line)
        self._size = (1, 1)

    def after(self, item: QGraphicsItem) -> None:
        """Show ``item`` right of the divider only."""
        item.setParentItem(self.clip)

    def set_canvas(self, width: int, height: int) -> None:
        """A canvas of ``width`` × ``height`` pixels: a new size puts the divider in the middle."""
        if (height, width) != self._size:
            self._size = (height, width)
            self.line.setBounds((0, width))
            self.line.setValue(width / 2)
        self.update_clip()

    def update_clip(self, *_args: object) -> None:
        height, width = self._size
        left = float(np.clip(self.line.value(), 0, width))
        self.clip.setRect(QRectF(left, 0, width - left, height))
