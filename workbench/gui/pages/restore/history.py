"""The history dock: one row per finished run (a :class:`~workbench.core.history.HistoryEntry`)
with thumbnail, method, parameters, metrics and time."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from workbench.core.history import HistoryEntry

from ...views.display import thumbnail

ENTRY_ROLE = Qt.ItemDataRole.UserRole


class HistoryList(QListWidget):
    """Results, newest first; selecting one emits it so the page can show or export it again.

    Signals:
        entry_chosen(object): the HistoryEntry of the selected row.
    """

    entry_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIconSize(QSize(56, 56))
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.currentItemChanged.connect(self._changed)

    def add(self, entry: HistoryEntry) -> None:
        """Insert ``entry`` at the top and select it."""
        item = QListWidgetItem(QIcon(thumbnail(entry.result.image.pixels)), entry.text())
        item.setData(ENTRY_ROLE, entry)
        item.setToolTip(f"Input: {entry.input_caption}\n{entry.text()}")
        self.insertItem(0, item)
        self.blockSignals(True)
        self.setCurrentItem(item)
        self.blockSignals(False)

    def entries(self) -> list[HistoryEntry]:
        """Every entry, newest first."""
        return [self.item(row).data(ENTRY_ROLE) for row in range(self.count())]

    def selected(self) -> HistoryEntry | None:
        item = self.currentItem()
        return item.data(ENTRY_ROLE) if item is not None else None

    def _changed(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.entry_chosen.emit(item.data(ENTRY_ROLE))
