"""The pictures of the compare page: a captioned tile per image, the grid that links them, and a
swipe view over two tiles (the kit of :mod:`workbench.gui.views.linked`, as in the Restore page's
viewer: linked zoom and pan, fit, the before/after divider)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ...views.display import display_array
from ...views.linked import BeforeAfterDivider, LinkedViews
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


def grid_columns(count: int) -> int:
    """Columns of a grid of ``count`` tiles: one row up to 3, then rows of about equal length."""
    if count <= 3:
        return max(count, 1)
    rows = 2 if count <= 8 else 3
    return math.ceil(count / rows)


class TileGrid(QWidget):
    """Tiles in a grid whose zoom and pan move together (``links``), each picture as tall as its
    image at the tile's width, so that the captions sit right under the pictures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[Tile] = []
        self.links = LinkedViews(padding=0.01)
        self.grid = QGridLayout(self)
        self.grid.setSpacing(6)

    def set_tiles(self, tiles: list[tuple[str, np.ndarray, tuple[str, ...]]]) -> bool:
        """Show (name, pixels, caption lines) ``tiles``: the grid is rebuilt when the names changed
        (True), else the pictures are updated in place and the zoom is kept (False)."""
        names = [name for name, _, _ in tiles]
        rebuilt = names != [tile.name for tile in self.tiles]
        if rebuilt:
            self._rebuild(names)
        for tile, (_, pixels, lines) in zip(self.tiles, tiles, strict=True):
            tile.show_image(pixels, lines)
        self._fit_tile_heights()
        if tiles:
            height, width = tiles[0][1].shape[:2]
            self.links.set_canvas(width, height)
            if self.links.auto_fit:
                self.links.fit()
        return rebuilt

    def _rebuild(self, names: list[str]) -> None:
        for tile in self.tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = [Tile(name) for name in names]
        columns = grid_columns(len(names))
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        self.grid.setRowStretch(-(-len(names) // columns), 1)
        self.links.clear()
        for index, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, index // columns, index % columns)
            self.links.add(tile.view)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_tile_heights()

    def _fit_tile_heights(self) -> None:
        """Make each tile's picture as tall as the image is at the tile's width (within the room),
        so that the spare height is below the grid."""
        if not self.tiles or self.tiles[0].pixels is None:
            return
        columns = grid_columns(len(self.tiles))
        rows = -(-len(self.tiles) // columns)
        margins, spacing = self.grid.contentsMargins(), self.grid.spacing()
        width = (self.width() - margins.left() - margins.right() - spacing * (columns - 1)) / columns
        room = (self.height() - margins.top() - margins.bottom() - spacing * (rows - 1)) / rows
        height, image_width = self.tiles[0].pixels.shape[:2]
        for tile in self.tiles:
            tile.fit_picture(width, room, height / image_width)


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
