"""The window's central pages: a stack of pages switched by a tab bar that lives in the toolbar.

Two guards keep the window on the screen. The tab bar sits at a fixed place in the toolbar, not
above the central area, so it does not move sideways when the Restore page's docks hide (the same
spot clicks the same tab on every page). And every page but the first is shown in a frameless
scroll area: a page wider or taller than the room it gets scrolls instead of raising the window's
minimum size (a stack is as large as its largest page, and a window grows to its minimum).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabBar,
    QWidget,
)

log = logging.getLogger(__name__)


class PageStack(QStackedWidget):
    """Pages by title, in tab order; ``tab_bar`` is the bar that switches them.

    A page can be *deferred* (:meth:`add_deferred_page`): a placeholder stands in its place until
    it is first shown, and only then is it built, so that its imports (torch) do not delay the
    window's start. ``widget(i)`` and ``currentWidget()`` give the page itself, not the scroll
    area around it.

    Signals:
        currentChanged(int): the stack's own, emitted when the shown page changes.
        pages_changed(): a page was added (the tab titles changed).
    """

    pages_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tab_bar = QTabBar()
        self.tab_bar.setDocumentMode(True)
        self.tab_bar.setExpanding(False)
        self.tab_bar.setDrawBase(False)
        self.tab_bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tab_bar.setUsesScrollButtons(False)
        self.tab_bar.setElideMode(Qt.TextElideMode.ElideNone)
        self.tab_bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.tab_bar.currentChanged.connect(self.setCurrentIndex)
        self.currentChanged.connect(self._follow_stack)
        self.currentChanged.connect(self._build_deferred_page)
        self._pages: list[QWidget] = []
        self._deferred: dict[QWidget, Callable[[], None]] = {}

    def add_page(self, title: str, page: QWidget) -> int:
        """Show ``page`` as the page titled ``title`` (in the place of a deferred page of that
        title, else as the last tab); returns its index."""
        for index in range(self.count()):
            placeholder = self.widget(index)
            if self.tabText(index) == title and placeholder in self._deferred:
                del self._deferred[placeholder]
                self.replace_page(index, page).deleteLater()
                return index
        index = self.addTab(page, title)
        self.pages_changed.emit()
        return index

    def add_deferred_page(self, title: str, build: Callable[[], None]) -> None:
        """A page titled ``title`` that ``build()`` makes (through :meth:`add_page`) the first time
        it is shown."""
        placeholder = QLabel(f"Loading {title}…")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._deferred[placeholder] = build
        self.addTab(placeholder, title)
        self.pages_changed.emit()

    def show_page(self, title: str) -> QWidget | None:
        """Bring the page titled ``title`` to the front (building it if deferred); returns it."""
        for index in range(self.count()):
            if self.tabText(index) == title:
                self.setCurrentIndex(index)
                return self.currentWidget()
        return None

    def _build_deferred_page(self, index: int) -> None:
        build = self._deferred.get(self.widget(index))
        if build is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            build()
        except Exception as error:  # a page that cannot be built must not take the window down
            log.exception("building a page failed")
            QMessageBox.warning(self, "Cannot show this page", f"{type(error).__name__}: {error}")
        finally:
            QApplication.restoreOverrideCursor()
        self.setCurrentIndex(index)

    def addTab(self, page: QWidget, title: str) -> int:
        return self.insertTab(self.count(), page, title)

    def insertTab(self, index: int, page: QWidget, title: str) -> int:
        """Insert ``page`` titled ``title`` at ``index`` (scrolling unless it is the first page)."""
        index = max(0, min(index, self.count()))
        self._pages.insert(index, page)
        index = self.insertWidget(index, self._frame(page, scrolls=index > 0))
        blocked = self.tab_bar.blockSignals(True)
        self.tab_bar.insertTab(index, title)
        self.tab_bar.setCurrentIndex(self.currentIndex())
        self.tab_bar.blockSignals(blocked)
        return index

    def replace_page(self, index: int, page: QWidget) -> QWidget:
        """Show ``page`` in place of the page at ``index`` (same title and place); returns the old page."""
        old = self._pages[index]
        current = self.currentIndex() == index
        blocked = self.blockSignals(True)
        frame = super().widget(index)
        self.removeWidget(frame)
        self._pages[index] = page
        self.insertWidget(index, self._frame(page, scrolls=index > 0))
        if current:
            self.setCurrentIndex(index)
        self.blockSignals(blocked)
        if frame is not old:
            frame.deleteLater()
        return old

    def tabText(self, index: int) -> str:
        return self.tab_bar.tabText(index)

    def widget(self, index: int) -> QWidget | None:
        return self._pages[index] if 0 <= index < len(self._pages) else None

    def currentWidget(self) -> QWidget | None:
        return self.widget(self.currentIndex())

    def _follow_stack(self, index: int) -> None:
        blocked = self.tab_bar.blockSignals(True)
        self.tab_bar.setCurrentIndex(index)
        self.tab_bar.blockSignals(blocked)

    @staticmethod
    def _frame(page: QWidget, scrolls: bool) -> QWidget:
        if not scrolls:
            return page
        area = QScrollArea()
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidgetResizable(True)
        area.setWidget(page)
        return area
