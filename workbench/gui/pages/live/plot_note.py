"""A short grey note in the middle of an empty plot ("fills after W steps"), until the plot has data.

The note lives in the plot's view box in screen pixels, not in data coordinates, so it stays
centred and upright whatever range or log scale the plot shows, and ``PlotItem.clear()`` (which a
page calls before each redraw) leaves it alone: the page says when it shows with :meth:`show_text`
and :meth:`hide`.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGraphicsSimpleTextItem

NOTE_COLOUR = "#9a9a9a"


class PlotNote:
    """A one-line text centred over ``plot``'s view box, hidden until :meth:`show_text`."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._view = plot.getViewBox()
        self.item = QGraphicsSimpleTextItem(self._view)
        self.item.setBrush(QBrush(QColor(NOTE_COLOUR)))
        self.item.setZValue(10)
        self.item.hide()
        self._shown = False
        self._view.sigResized.connect(lambda _view: self._centre())

    def show_text(self, text: str) -> None:
        """Show ``text`` in the middle of the plot."""
        self.item.setText(text)
        self.item.show()
        self._shown = True
        self._centre()

    def hide(self) -> None:
        self.item.hide()
        self._shown = False

    def text(self) -> str:
        """The note's text, empty while hidden."""
        return self.item.text() if self._shown else ""

    def _centre(self) -> None:
        area, size = self._view.boundingRect(), self.item.boundingRect()
        self.item.setPos(area.center().x() - size.width() / 2, area.center().y() - size.height() / 2)
