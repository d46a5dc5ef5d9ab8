"""The pictures of the compare page: a captioned tile per image, and a swipe view over two tiles
(the divider of :mod:`workbench.gui.views.linked`, as in the Restore page's split view)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...views.display import display_array
from ...views.linked import BeforeAfterDivider
from ...views.viewer import BACKGROUND

PAPER = BACKGROUND
"""The tiles' background: the Restore viewer's, so both pages look alike."""
MIN_PICTURE = 60
"""The shortest a tile's picture gets (pixels)."""
CAPTION_LINES = 3
"""Every caption is this many lines high, so all tiles have one size and linked views show one range."""


def _view_box() -> pg.ViewBox:
    view = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
    view.disableAutoRange()
    return view


class Tile(QWidget):
    """One picture of the grid: a locked-aspect view over an image with caption lines under it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.graphics = pg.GraphicsView(background=PAPER)
        self.graphics.setMinimumSize(120, 120)
        self.view = _view_box()
        self.graphics.setCentralItem(self.view)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.item)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.caption.setFixedHeight(CAPTION_LINES * self.caption.fontMetrics().lineSpacing() + 6)
        self.pixels: np.ndarray | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption)

    def fit_picture(self, width: float, room: float, aspect: float) -> None:
        """Make the picture as tall as an image of ``aspect`` (height / width) is at the tile's
        ``width``, within ``room`` (the tile's height share, caption included)."""
        margins = self.layout().contentsMargins()
        inner_width = width - margins.left() - margins.right()
        spare = room - margins.top() - margins.bottom() - self.caption.height() - self.layout().spacing()
        self.graphics.setFixedHeight(max(MIN_PICTURE, round(min(inner_width * aspect, spare))))

    def show_image(self, pixels: np.ndarray, lines: tuple[str, ...]) -> None:
        """Show H×W×C float pixels in [0, 1] with caption ``lines`` (the first in bold)."""
        self.pixels = pixels
        self.item.setImage(display_array(pixels), levels=(0, 255), autoLevels=False)
        self.item.setRect(QRectF(0, 0, pixels.shape[1], pixels.shape[0]))
        self.caption.setText(caption_html(lines))
        self.caption.setToolTip("\n".join(lines))


def caption_html(lines: tuple[str, ...]) -> str:
    """Caption lines as centred rich text, the first (the name) in bold."""
    if not lines:
        return ""
    escaped = [line.replace("&", "&amp;").replace("<", "&lt;") for line in lines]
    return "<b>" + escaped[0] + "</b>" + "".join(f"<br>{line}" for line in escaped[1:])


class SwipeView(QWidget):
    """Two tiles' pictures on one view, A left of a draggable divider and B right of it.

    It opens on the region the tiles show (centred; its own zoom and pan from there).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsView(background=PAPER)
        self.view = _view_box()
        self.graphics.setCentralItem(self.view)
        self.left = pg.ImageItem(axisOrder="row-major")
        self.right = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.left)
        self.divider = BeforeAfterDivider(self.view)
        self.divider.after(self.right)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption)

    def show_pair(self, left: Tile, right: Tile) -> None:
        """Show ``left``'s picture left of the divider and ``right``'s to its right."""
        if left.pixels is None or right.pixels is None:
            return
        height, width = left.pixels.shape[:2]
        for item, tile in ((self.left, left), (self.right, right)):
            item.setImage(display_array(tile.pixels), levels=(0, 255), autoLevels=False)
            item.setRect(QRectF(0, 0, width, height))
        self.divider.set_canvas(width, height)
        self.caption.setText(f"<b>{left.name}</b> (left) ⟷ <b>{right.name}</b> (right) - drag the divider")
