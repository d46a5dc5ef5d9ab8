"""The main window: it assembles the parts and owns none of their work.

It makes the session (:mod:`workbench.gui.session` over the Qt-free
:class:`~workbench.core.session.Session`), the host pages see it through
(:mod:`.host`), the file controller (:mod:`workbench.gui.files`) and the Restore page
(:mod:`workbench.gui.pages.restore.page`), docks the Restore page's panels (method on the left;
degrade, history and histogram on the right), builds the actions (:mod:`.actions`) and keeps
the window on the screen (:mod:`.geometry`). Other pages are added by :func:`workbench.gui.app.add_pages`
through :meth:`MainWindow.add_deferred_page`, each built from the session and the host.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from workbench.core.image import Image
from workbench.core.session import Session

from ..files import FileController
from ..host import Host
from ..pages.restore.page import DOCK_MIN_WIDTH, RestorePage
from ..session import QtSession
from ..views.captions import describe_camera
from ..widgets.device_box import DeviceBox
from . import geometry
from .actions import build_actions
from .host import WindowHost, make_dock
from .job_status import JobStatus
from .page_stack import PageStack
from .settings import WindowSettings, default_settings

TITLE = "Restoration Workbench"
METHOD_DOCK_WIDTH = 280
"""The method dock's first width at least (px): a parameter row (slider, spin box, auto) fits."""
CLOSE_GRACE_MS = 5000
"""How long closing waits for a cancelled job before saying so in the log."""
CLOSE_PATIENCE_MS = 600_000
"""How long closing then keeps waiting, hidden, for a job inside an uninterruptible call."""

PageAttach = Callable[[QtSession, Host], object]
"""A page package's ``attach(session, host)``: builds the page and adds it through the host."""

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The workbench window.

    Attributes:
        session: the shared state (``session.model``) and its signals.
        host: what pages and docks are given instead of the window.
        files: opening images, references and RAW files.
        restore: the Restore page (viewer, method, degrade, history, histogram).
        pages: the central pages; ``commands``: the actions, menus and toolbar.
    """

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        self.settings = WindowSettings(settings if settings is not None else default_settings())
        self.session = QtSession(Session(), self)
        self.pages = PageStack()
        self.device_box = DeviceBox()
        self.host = WindowHost(self, self.pages, self.device_box)
        self.files = FileController(self.session, self.host, self.settings, self)
        self.camera_label = QLabel()
        self.camera_label.setContentsMargins(6, 0, 6, 0)
        self.statusBar().addPermanentWidget(self.camera_label)
        self.job_status = JobStatus(self.statusBar(), self)
        self.restore = RestorePage(
            self.session, self.host, self.files, self.settings, self.device_box, self.job_status, self
        )
        self.pages.add_page("Restore", self.restore.viewer)
        self.setCentralWidget(self.pages)
        self._build_docks()
        self.commands = build_actions(self, self.files, self.restore, self.pages, self._docks)
        self.host.place_docks(self.histogram_dock, self.commands.panels_menu)
        self._hidden_by_page: list[QDockWidget] = []
        self._heights_on_restore: dict[QDockWidget, int] = {}
        self._connect()
        self.commands.name_pages(self.pages)
        self._update_actions()
        if not geometry.restore_layout(self, self.settings):
            geometry.first_size(self)
            self._share_dock_width(self.width())
        self.device_box.set_device(self.settings.device())
        self._show_input(self._observed())
        self.device_box.probe_in_background()

    def _build_docks(self) -> None:
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.method_dock = make_dock(self, "Method", self.restore.method_panel, left)
        self.degrade_dock = make_dock(self, "Degrade", self.restore.degrade_panel, right)
        self.history_dock = make_dock(self, "History", self.restore.history_panel, right)
        self.histogram_dock = make_dock(self, "Histogram", self.restore.histogram, right)
        self._docks = (self.method_dock, self.degrade_dock, self.history_dock, self.histogram_dock)
        self._restore_only_docks = (self.method_dock, self.history_dock, self.histogram_dock)
        self.resizeDocks(list(self._docks[1:]), [260, 300, 160], Qt.Orientation.Vertical)

    def _connect(self) -> None:
        self.job_status.cancel_button.clicked.connect(self.restore.cancel_job)
        self.device_box.currentIndexChanged.connect(
            lambda _index: self.settings.set_device(self.device_box.device())
        )
        self.pages.currentChanged.connect(self._fit_docks_to_page)
        self.pages.currentChanged.connect(self.host.page_shown)
        self.pages.pages_changed.connect(lambda: self.commands.name_pages(self.pages))
        self.restore.busy_changed.connect(lambda _busy: self._update_actions())
        self.session.input_changed.connect(lambda problem: self._show_input(problem.observed))
        self.files.preview_shown.connect(self._show_input)
        self.files.preview_ended.connect(lambda: self._show_input(self._observed()))

    def _share_dock_width(self, width: int) -> None:
        """The method dock about 22 % of ``width`` (its parameter rows need 280 px), the right-hand
        docks about 20 % (at least their minimum); the image panes keep the rest."""
        left = max(METHOD_DOCK_WIDTH, min(380, round(width * 0.22)))
        right = max(DOCK_MIN_WIDTH, min(360, round(width * 0.2)))
        self.resizeDocks([self.method_dock, self.degrade_dock], [left, right], Qt.Orientation.Horizontal)

    def add_deferred_page(self, title: str, attach: PageAttach) -> None:
        """A page titled ``title`` that ``attach(session, host)`` builds the first time it is shown."""
        self.pages.add_deferred_page(title, lambda: attach(self.session, self.host))

    def open_paths(self, paths: Iterable[str | Path]) -> bool:
        """Open the first path as the input and a second one, if given, as its reference."""
        return self.files.open_paths(paths)

    def _observed(self) -> Image | None:
        problem = self.session.model.problem
        return problem.observed if problem is not None else None

    def _show_input(self, image: Image | None) -> None:
        """The input's name in the title bar, its camera, ISO and exposure in the status bar."""
        metadata = image.metadata if image is not None else {}
        name = Path(image.source).name if image is not None and image.source else "degraded image"
        self.setWindowTitle(TITLE if image is None else f"{TITLE} - {name}")
        text = describe_camera(metadata)
        self.camera_label.setText(text)
        self.camera_label.setToolTip(f"Taken {metadata['datetime']}" if "datetime" in metadata else "")
        self.camera_label.setVisible(bool(text))

    def _update_actions(self) -> None:
        self.commands.enable_restore(self.pages.currentIndex() == 0, self.restore.is_busy())

    def _fit_docks_to_page(self, index: int) -> None:
        """Other pages get the room of the Restore page's own docks (method, history, histogram);
        those come back as they were, at the heights they had, when the Restore page is shown again."""
        self._update_actions()
        if index == 0:
            for dock in self._hidden_by_page:
                dock.show()
            self._hidden_by_page = []
            if self._heights_on_restore:
                docks = list(self._heights_on_restore)
                self.resizeDocks(docks, list(self._heights_on_restore.values()), Qt.Orientation.Vertical)
            return
        if not self._hidden_by_page:
            self._heights_on_restore = {
                dock: dock.height() for dock in self._docks[1:] if dock.isVisible() and not dock.isFloating()
            }
        for dock in self._restore_only_docks:
            if dock.isVisible():
                dock.hide()
                self._hidden_by_page.append(dock)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.open_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout, cancel the running jobs and join their threads before the window goes.

        A method stops at its next progress check; one inside a long call that cannot be
        interrupted is waited for with the window already hidden (a thread must never
        outlive the application).
        """
        self.job_status.show_idle()
        self._fit_docks_to_page(0)
        geometry.save_layout(self, self.settings)
        self.settings.sync()
        self.hide()
        self.host.shut_down()
        self.restore.shut_down_batch()
        for worker in (self.restore.runner, self.restore.region, self.files):
            if not worker.shutdown(CLOSE_GRACE_MS):
                log.warning("waiting for a running job to reach a point where it can stop")
                worker.shutdown(CLOSE_PATIENCE_MS)
        self.device_box.wait_for_probe()
        super().closeEvent(event)
