"""The main window's side of the :class:`~workbench.gui.host.Host` interface, and its docks."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from ..host import Shutdown
from ..widgets.device_box import DeviceBox
from .page_stack import PageStack


def make_dock(window: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    """A movable, floatable, closable dock of ``widget`` in ``area`` of ``window``; its object
    name (``dock-<title>``) is what the saved layout knows it by."""
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock-{title.lower().replace(' ', '-')}")
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    window.addDockWidget(area, dock)
    return dock


class WindowHost:
    """The Host of ``window``: pages go into ``pages``, the device is ``device_box``'s.

    Extra docks are tabbed with the dock given to :meth:`place_docks` (then with each other) and
    listed in its menu; every shutdown handed over runs, in order, in :meth:`shut_down`.

    A status message belongs to the page shown when it was said: a page switch shows the new
    page's last message (for what is left of its timeout) or clears the bar (:meth:`page_shown`).
    """

    def __init__(self, window: QMainWindow, pages: PageStack, device_box: DeviceBox) -> None:
        self._window = window
        self._pages = pages
        self._device_box = device_box
        self._tab_with: QDockWidget | None = None
        self._menu: QMenu | None = None
        self._shutdowns: list[Shutdown] = []
        self._messages: dict[int, tuple[str, float | None]] = {}
        """Page index -> (its last status message, when it expires on the monotonic clock or None)."""

    def place_docks(self, tab_with: QDockWidget, menu: QMenu) -> None:
        """Tab extra docks with ``tab_with`` and list them in ``menu`` (View > Panels)."""
        self._tab_with, self._menu = tab_with, menu

    def add_page(self, title: str, page: QWidget, shutdown: Shutdown | None = None) -> int:
        if shutdown is not None:
            self._shutdowns.append(shutdown)
        return self._pages.add_page(title, page)

    def add_dock(self, title: str, widget: QWidget, shutdown: Shutdown | None = None) -> QDockWidget:
        dock = make_dock(self._window, title, widget, Qt.DockWidgetArea.RightDockWidgetArea)
        if self._tab_with is not None:
            self._window.tabifyDockWidget(self._tab_with, dock)
        self._tab_with = dock
        if self._menu is not None:
            self._menu.addAction(dock.toggleViewAction())
        if shutdown is not None:
            self._shutdowns.append(shutdown)
        return dock

    def device(self) -> str:
        return self._device_box.device()

    def show_status(self, message: str, timeout_ms: int = 0) -> None:
        expires = time.monotonic() + timeout_ms / 1000 if timeout_ms > 0 else None
        self._messages[self._pages.currentIndex()] = (message, expires)
        if message:
            self._window.statusBar().showMessage(message, timeout_ms)
        else:
            self._window.statusBar().clearMessage()

    def page_shown(self, index: int) -> None:
        """Page ``index`` is now shown: say its own last message if it has not expired, else nothing."""
        message, expires = self._messages.get(index, ("", None))
        left_ms = 0 if expires is None else round((expires - time.monotonic()) * 1000)
        if message and (expires is None or left_ms > 0):
            self._window.statusBar().showMessage(message, left_ms)
        else:
            self._window.statusBar().clearMessage()

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self._window, title, message)

    def dialog_parent(self) -> QWidget:
        return self._window

    def shut_down(self) -> None:
        """Run every page's and dock's shutdown (cancel and join their jobs)."""
        for shutdown in self._shutdowns:
            shutdown()
