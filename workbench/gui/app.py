"""Starting the window: ``workbench [INPUT [REFERENCE]]`` or, with no files, the bundled sample."""

from __future__ import annotations

import importlib
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from . import collector
from .host import Host
from .session import QtSession
from .shell.main_window import TITLE, MainWindow, PageAttach

log = logging.getLogger(__name__)

SAMPLE_INPUT = "sample_noisy.png"
SAMPLE_REFERENCE = "sample.png"
PAGES = (
    ("Compare", "pages.compare.page"),
    ("Deep Image Prior", "pages.dip.page"),
    ("Plug-and-play", "pages.pnp.page"),
    ("Inside the network", "pages.viz.page"),
    ("Train", "pages.train.page"),
    ("Sweep", "pages.sweep.page"),
)
"""(tab title, module under workbench.gui with an ``attach(session, host)``) of the window's central pages."""


def sample_paths() -> list[Path]:
    """The bundled noisy sample and its clean reference, those that exist."""
    from workbench.resources import path

    return [path(name) for name in (SAMPLE_INPUT, SAMPLE_REFERENCE) if path(name).is_file()]


def application(args: list[str] | None = None) -> QApplication:
    """The running QApplication, created (named, with the Fusion style) if there is none; its
    garbage is collected on the GUI thread (:mod:`.collector`)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *(args or [])])
        app.setApplicationName(TITLE)
        app.setOrganizationName("RestorationWorkbench")
        app.setStyle("Fusion")
    collector.install(app)
    return app


def report_unexpected(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """sys.excepthook for the window: log the traceback, show the user one readable line."""
    log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, error, trace)))
    parent = QApplication.activeWindow()
    QMessageBox.critical(parent, "Unexpected error", f"unexpected error: {kind.__name__}: {error}")


def add_pages(window: MainWindow) -> None:
    """Give ``window`` the pages of ``PAGES``, each built the first time it is shown."""
    for title, module in PAGES:
        window.add_deferred_page(title, _attach(module))


def _attach(module: str) -> PageAttach:
    """The ``attach(session, host)`` of page module ``module``, imported when it is called."""

    def attach(session: QtSession, host: Host) -> object:
        return importlib.import_module(f"{__package__}.{module}").attach(session, host)

    return attach


def build_window() -> MainWindow:
    """The main window with its pages, showing no image yet."""
    window = MainWindow()
    add_pages(window)
    return window


def create_window(paths: list[str]) -> MainWindow:
    """A window showing ``paths`` (input, then optional reference), or the bundled sample without paths."""
    window = build_window()
    if paths:
        window.open_paths(paths)
    else:
        samples = sample_paths()
        if samples:
            window.open_paths(samples)
    return window


def run_app(args: list[str]) -> int:
    """Open the window on ``args`` (image files) and run the event loop; returns the exit code.

    Files named on the command line open once the window is on screen, so that a question they
    raise (a camera RAW's development options) has the window as its parent.
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = application(args)
    sys.excepthook = report_unexpected
    files = [arg for arg in args if not arg.startswith("-")]
    window = build_window() if files else create_window([])
    window.show()
    if files:
        QTimer.singleShot(0, lambda: window.open_paths(files))
    return int(app.exec())
