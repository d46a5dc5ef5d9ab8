"""What a page, a dock or a dialog may ask of the window: the :class:`Host` interface.

Pages are built by their package's ``attach(session, host)`` from the session
(:class:`~workbench.gui.session.QtSession`) and this host, never from the window itself, so the
window's insides can change without a page noticing, and a test can hand a page a stand-in host.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QDockWidget, QWidget

Shutdown = Callable[[], object]
"""Cancels a page's background jobs and joins their threads; called once when the window closes."""


class Host(Protocol):
    """The window as a page sees it."""

    def add_page(self, title: str, page: QWidget, shutdown: Shutdown | None = None) -> int:
        """Show ``page`` as a central page titled ``title``; ``shutdown`` runs when the window
        closes. Returns the page's tab index."""
        ...

    def add_dock(self, title: str, widget: QWidget, shutdown: Shutdown | None = None) -> QDockWidget:
        """Dock ``widget`` on the right (tabbed with the other extra docks, listed in View >
        Panels); ``shutdown`` runs when the window closes."""
        ...

    def device(self) -> str:
        """The compute device chosen in the window: "auto", "cpu" or "cuda:N"."""
        ...

    def show_status(self, message: str, timeout_ms: int = 0) -> None:
        """Say ``message`` in the status bar (for ``timeout_ms``, 0: until the next one; "" clears)."""
        ...

    def show_error(self, title: str, message: str) -> None:
        """Tell the user why something could not be done (a warning dialog)."""
        ...

    def dialog_parent(self) -> QWidget:
        """The widget dialogs and file choosers open over."""
        ...
