"""The main window: pages in the middle (the restore viewer first), method and parameters on the
left, degrade/history/histogram on the right.

Large views (compare, DIP, viz) are central pages (:meth:`MainWindow.add_page`, or
:meth:`MainWindow.add_deferred_page` to build one the first time it is shown); small ones dock
(:meth:`MainWindow.add_panel`). They follow the image through the ``image_changed`` /
``reference_changed`` signals and :meth:`MainWindow.current_problem`; for background work each
creates its own :class:`JobRunner` (the window's ``runner`` only reports the window's own runs)
and offers ``shutdown()``, which the window calls when it closes.

The photographer's path: a camera RAW opens with its development options asked
(:mod:`.raw_dialog`), a half-size preview at once and the full image developed in the
background (:mod:`.raw_development`); a region marked on the input (Shift + drag, or View > Preview region) is
restored first and drawn over the output, and again whenever a parameter changes
(:mod:`.region_preview`); File > Batch… runs the method over a folder (:mod:`.batch_dialog`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core import io, pipeline, registry
from workbench.core.errors import ParameterError, WorkbenchError
from workbench.core.image import Image
from workbench.core.methods.defaults import default_method
from workbench.core.pipeline import Result
from workbench.core.problem import Problem, Task
from workbench.core.registry import Method

from ..dialogs import export as export_dialog
from ..dialogs import raw as raw_dialog
from ..dialogs.batch import BatchDialog, BatchSetup
from ..pages.restore.degrade import DegradePanel
from ..pages.restore.history import HistoryEntry, HistoryList
from ..pages.restore.methods import MethodSelector, ParametersBox, PresetStore, method_unavailable
from ..pages.restore.region_preview import RegionPreview
from ..views.captions import describe_camera, describe_image, first_step
from ..views.histogram import HistogramView
from ..views.viewer import SPLIT, ImageViewer
from ..widgets.device_box import DeviceBox
from ..workers.raw_development import RawDevelopment
from ..workers.runner import JobRunner
from .actions import build_actions
from .job_status import JobStatus
from .page_stack import PageStack
from .settings import WindowSettings, default_settings

TITLE = "Restoration Workbench"
SMALL_SCREEN = (1500, 940)
"""A screen with less free room than this (width, height) gets a maximised window at first launch."""
DOCK_MIN_WIDTH = 250
"""The docks' narrowest width (px): their forms still read at 1280 px."""
METHOD_DOCK_WIDTH = 280
"""The method dock's first width at least (px): a parameter row (slider, spin box, auto) fits."""
FALLBACK_METHOD = "ffdnet"
"""Preselected instead of a default method that cannot run here (its weights are missing)."""
CLOSE_GRACE_MS = 5000
"""How long closing waits for a cancelled job before saying so in the log."""
CLOSE_PATIENCE_MS = 600_000
"""How long closing then keeps waiting, hidden, for a job inside an uninterruptible call."""

log = logging.getLogger(__name__)


def open_filter() -> str:
    """The file dialog filter: every image and RAW suffix the core reads, then all files."""
    patterns = " ".join(f"*{suffix}" for suffix in (*io.IMAGE_SUFFIXES, *io.RAW_SUFFIXES))
    return f"Images and camera RAW ({patterns});;All files (*)"


def is_raw_path(path: str | Path) -> bool:
    """True for a file named as a camera RAW (one of ``io.RAW_SUFFIXES``)."""
    return Path(path).suffix.lower() in io.RAW_SUFFIXES


class MainWindow(QMainWindow):
    """The workbench window.

    Signals:
        image_changed(object): the current observed Image (after open or degrade).
        reference_changed(object): the clean reference Image, or None.
        live_network(object): a torch network another panel has started to optimise (DIP,
            training), for views that follow it live; the latest is kept in ``live_net``.
    """

    image_changed = Signal(object)
    reference_changed = Signal(object)
    live_network = Signal(object)

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        self.settings = WindowSettings(settings if settings is not None else default_settings())
        self.runner = JobRunner(self)
        self.raw = RawDevelopment(self)
        self._batch_dialog: BatchDialog | None = None
        self._clean: Image | None = None
        self._problem: Problem | None = None
        self._input_caption = ""
        self._shown: HistoryEntry | None = None
        self._job: tuple[str, str] | None = None
        self._extra_docks: list[QDockWidget] = []
        self._deferred: dict[QWidget, Callable[[], None]] = {}
        self.live_net: object | None = None
        self.live_network.connect(lambda net: setattr(self, "live_net", net))

        self.viewer = ImageViewer()
        self.pages = PageStack()
        self.pages.addTab(self.viewer, "Restore")
        self.pages.currentChanged.connect(self._build_deferred_page)
        self.setCentralWidget(self.pages)
        self._build_left_dock()
        self._build_right_docks()
        self._restore_only_docks = (self.method_dock, self.history_dock, self.histogram_dock)
        self._hidden_by_page: list[QDockWidget] = []
        self.pages.currentChanged.connect(self._fit_docks_to_page)
        self._build_status_bar()
        self.region = RegionPreview(
            self.viewer,
            self._run_request,
            lambda: not self._waiting_for_development(),
            self.device_box.device,
            lambda: self._input_caption,
            self._show_output_state,
            self._error,
            self,
        )
        build_actions(self)
        self._name_page_actions()
        self._set_busy(False)
        self._connect()
        self._restore_settings()
        self._show_input_state()
        self.device_box.probe_in_background()

    # ----------------------------------------------------------------- building

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower().replace(' ', '-')}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_left_dock(self) -> None:
        self.selector = MethodSelector()
        self.params_box = ParametersBox(PresetStore(self.settings.store))
        self.run_button = QPushButton("Run  (Ctrl+R)")
        self.run_button.setDefault(True)
        self.run_button.setMinimumHeight(32)
        self.device_box = DeviceBox()
        bottom = QWidget()
        row = QHBoxLayout(bottom)
        row.setContentsMargins(4, 0, 4, 4)
        row.addWidget(QLabel("Device"))
        row.addWidget(self.device_box, 1)
        row.addWidget(self.run_button, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.selector)
        splitter.addWidget(self.params_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        container = QWidget()
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(bottom)
        container.setMinimumWidth(DOCK_MIN_WIDTH)
        self.method_dock = self._dock("Method", container, Qt.DockWidgetArea.LeftDockWidgetArea)

    def _build_right_docks(self) -> None:
        self.degrade_panel = DegradePanel()
        self.history = HistoryList()
        self.histogram = HistogramView()
        history_box = QWidget()
        layout = QVBoxLayout(history_box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.history, 1)
        self.export_button = QPushButton("Export shown result…")
        layout.addWidget(self.export_button)
        self.degrade_dock = self._dock("Degrade", self.degrade_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.history_dock = self._dock("History", history_box, Qt.DockWidgetArea.RightDockWidgetArea)
        self.histogram_dock = self._dock("Histogram", self.histogram, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks(
            [self.degrade_dock, self.history_dock, self.histogram_dock],
            [260, 300, 160],
            Qt.Orientation.Vertical,
        )

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.camera_label = QLabel()
        self.camera_label.setContentsMargins(6, 0, 6, 0)
        bar.addPermanentWidget(self.camera_label)
        self.job_status = JobStatus(bar, self)

    def _connect(self) -> None:
        self.selector.method_chosen.connect(self._method_chosen)
        self.selector.task_chosen.connect(self._task_chosen)
        self.run_button.clicked.connect(self.run_method)
        self.params_box.tune_requested.connect(self.tune_method)
        self.job_status.cancel_button.clicked.connect(self.cancel_job)
        self.device_box.currentIndexChanged.connect(
            lambda _index: self.settings.set_device(self.device_box.device())
        )
        self.degrade_panel.degrade_requested.connect(self.degrade)
        self.degrade_panel.clean_requested.connect(self.use_clean_image)
        self.history.entry_chosen.connect(self.show_entry)
        self.export_button.clicked.connect(self.export_shown)
        self.runner.progress.connect(self._on_progress)
        self.runner.preview.connect(self._on_preview)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.raw.developed.connect(self._on_developed)
        self.raw.failed.connect(self._on_development_failed)
        self.raw.cancelled.connect(self._on_development_cancelled)
        self.region.busy_changed.connect(self._update_restore_actions)
        if self.selector.current_method():
            self._method_chosen(self.selector.current_method())

    def _first_size(self) -> None:
        """Without a saved layout that fits: the size follows the screen. On a small screen (under
        about 1500×940 free) the window is maximised, on a larger one it takes 94 % of the free
        area, centred; the docks get a share of that width, so the image panes keep most of it."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            self.resize(1440, 900)
            return
        free = screen.availableGeometry()
        if free.width() < SMALL_SCREEN[0] or free.height() < SMALL_SCREEN[1]:
            self.setGeometry(free)
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            width, height = round(free.width() * 0.94), round(free.height() * 0.94)
            left, top = free.x() + (free.width() - width) // 2, free.y() + (free.height() - height) // 2
            self.setGeometry(left, top, width, height)
        self._share_dock_width(self.width())

    def _share_dock_width(self, width: int) -> None:
        """The method dock about 22 % of ``width`` (its parameter rows need 280 px), the right-hand
        docks about 20 % (at least their minimum); the image panes keep the rest."""
        left = max(METHOD_DOCK_WIDTH, min(380, round(width * 0.22)))
        right = max(DOCK_MIN_WIDTH, min(360, round(width * 0.2)))
        self.resizeDocks([self.method_dock, self.degrade_dock], [left, right], Qt.Orientation.Horizontal)

    def _restore_settings(self) -> None:
        """The saved size, place and dock layout, if they were saved on a screen of this size and
        still fit it; otherwise the first-launch layout (a layout saved on another screen, or
        after a page had pushed the window past the screen, is discarded)."""
        geometry, state = self.settings.layout(self._screen_size())
        if geometry is None or not self.restoreGeometry(geometry) or not self._fits_screen():
            self._first_size()
            state = None
        if state is not None:
            self.restoreState(state)
        self.device_box.set_device(self.settings.device())

    def _screen_size(self) -> tuple[int, int]:
        """(width, height) of the free area of the screen the window is on (0, 0 without one)."""
        screen = self.screen() or QApplication.primaryScreen()
        free = screen.availableGeometry() if screen is not None else None
        return (free.width(), free.height()) if free is not None else (0, 0)

    def _fits_screen(self) -> bool:
        """True when the window is maximised, or its frame lies within the free area of its screen."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None or self.isMaximized():
            return True
        return screen.availableGeometry().contains(self.frameGeometry())

    def _save_layout(self) -> None:
        """Keep the layout for the next launch, unless the window has outgrown its screen."""
        if self._fits_screen():
            self.settings.set_layout(self.saveGeometry(), self.saveState(), self._screen_size())
        else:
            self.settings.forget_layout()

    # ------------------------------------------------------------ public API

    def add_panel(self, title: str, widget: QWidget) -> QDockWidget:
        """Attach another engineer's panel as a dock, tabbed with the histogram; returns the dock."""
        dock = self._dock(title, widget, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self._extra_docks[-1] if self._extra_docks else self.histogram_dock, dock)
        self._extra_docks.append(dock)
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def add_page(self, title: str, widget: QWidget) -> int:
        """Show ``widget`` as a central page titled ``title`` (taking the place of a deferred page of
        that title); returns its tab index."""
        for index in range(self.pages.count()):
            placeholder = self.pages.widget(index)
            if self.pages.tabText(index) == title and placeholder in self._deferred:
                del self._deferred[placeholder]
                self.pages.replace_page(index, widget).deleteLater()
                return index
        index = self.pages.addTab(widget, title)
        self._name_page_actions()
        return index

    def add_deferred_page(self, title: str, build: Callable[[], None]) -> None:
        """A page titled ``title`` whose widget ``build()`` makes (through :meth:`add_page`) the first
        time the page is shown, so that its imports (torch) do not delay the window's start."""
        placeholder = QLabel(f"Loading {title}…")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._deferred[placeholder] = build
        self.pages.addTab(placeholder, title)
        self._name_page_actions()

    def show_page(self, title: str) -> QWidget | None:
        """Bring the page titled ``title`` to the front (building it if deferred); returns its widget."""
        for index in range(self.pages.count()):
            if self.pages.tabText(index) == title:
                self.pages.setCurrentIndex(index)
                return self.pages.widget(self.pages.currentIndex())
        return None

    def _build_deferred_page(self, index: int) -> None:
        build = self._deferred.get(self.pages.widget(index))
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
        self.pages.setCurrentIndex(index)

    def _name_page_actions(self) -> None:
        """Ctrl+1 ... Ctrl+9 go to the pages in tab order (View > Go to page names them)."""
        for index, action in enumerate(self.page_actions):
            exists = index < self.pages.count()
            action.setText(self.pages.tabText(index) if exists else "")
            action.setVisible(exists)
            action.setEnabled(exists)

    def _update_restore_actions(self) -> None:
        """The toolbar's run, view and export actions act on the Restore page: enabled there only
        (Cancel only while a job of the Restore page runs)."""
        on_restore = self.pages.currentIndex() == 0
        for action in self.restore_actions:
            action.setEnabled(on_restore)
        self.cancel_action.setEnabled(on_restore and (self._job is not None or self.region.is_running()))

    def _fit_docks_to_page(self, index: int) -> None:
        """Other pages get the room of the restore page's own docks (method, history, histogram);
        those come back as they were when the restore page is shown again."""
        self._update_restore_actions()
        if index == 0:
            for dock in self._hidden_by_page:
                dock.show()
            self._hidden_by_page = []
            return
        for dock in self._restore_only_docks:
            if dock.isVisible():
                dock.hide()
                self._hidden_by_page.append(dock)

    def add_network_page(self, title: str, page: QWidget) -> int:
        """Add a page that optimises a network on the window's problem (DIP, training): it follows
        the problem (``page.set_problem``), starts on the window's device (``page.start_button``,
        ``page.set_device``) and offers its network as the live one (``page.net_started``)."""
        index = self.add_page(title, page)
        page.net_started.connect(self.live_network)
        self.follow_problem(page.set_problem)
        page.start_button.pressed.connect(lambda: page.set_device(self.device_box.device()))
        return index

    def follow_problem(self, receive: Callable[[Problem | None], None]) -> None:
        """Call ``receive`` with the current problem (None without an image) now and whenever the
        image or its reference changes: how a page keeps to the window's input."""

        def send(_image: object = None) -> None:
            try:
                receive(self.current_problem())
            except WorkbenchError:
                receive(None)

        self.image_changed.connect(send)
        self.reference_changed.connect(send)
        send()

    def add_result(self, result: Result, label: str, input_caption: str) -> HistoryEntry:
        """Put a result another page made into the history and the output view; returns its entry."""
        entry = HistoryEntry(result, label, input_caption)
        self.history.add(entry)
        self.show_entry(entry)
        return entry

    def current_problem(self) -> Problem:
        """A copy of the problem the next run will solve (observed image, task, mask, kernel, reference).

        Raises:
            ParameterError: no image is open yet.
        """
        if self._problem is None:
            raise ParameterError("open an image first (File > Open, Ctrl+O)")
        return dataclasses.replace(self._problem, task=self.selector.task)

    def shown_result(self) -> Result | None:
        """The result in the output view (None before the first run)."""
        return self._shown.result if self._shown is not None else None

    # ------------------------------------------------------------- opening

    def open_paths(self, paths: Iterable[str | Path]) -> bool:
        """Open the first path as the input and a second one, if given, as its reference."""
        paths = [Path(path) for path in paths]
        if not paths or not self.open_image(paths[0]):
            return False
        if len(paths) > 1 and self.raw.is_developing():
            self.raw.reference_after = paths[1]
        elif len(paths) > 1:
            return self.open_reference(paths[1])
        return True

    def open_image(self, path: str | Path) -> bool:
        """Read ``path`` and make it the clean image and the input; a dialog explains a failure.

        A camera RAW is developed as :meth:`open_raw` says (its options are asked first).
        """
        if is_raw_path(path):
            return self.open_raw(path)
        image = self._read(path)
        if image is None:
            return False
        self.settings.add_recent(path)
        self.settings.set_last_folder(Path(path).resolve().parent)
        self.set_images(image, None)
        if image.notices:
            self.statusBar().showMessage("; ".join(image.notices), 8000)
        return True

    def open_reference(self, path: str | Path) -> bool:
        """Read ``path`` as the clean reference of the current input (same size required)."""
        image = self._read(path)
        if image is None or self._problem is None:
            return False
        observed = self._problem.observed
        if (image.height, image.width) != (observed.height, observed.width):
            self._error(
                "Reference not used",
                f"{Path(path).name} is {image.width}×{image.height}, the input is "
                f"{observed.width}×{observed.height}; a reference must have the input's size.",
            )
            return False
        self.set_images(observed, image)
        return True

    def open_raw(self, path: str | Path, options: io.RawOptions | None = None) -> bool:
        """Develop a camera RAW: a half-size preview shown at once, the full image in the background.

        ``options`` default to the user's choice in the RAW options dialog (False when cancelled).
        The input becomes the RAW when its full-size development arrives; until then running,
        region previews and degrading wait.
        """
        path = Path(path)
        if options is None:
            options = raw_dialog.ask_raw_options(self, self.settings.store, path)
            if options is None:
                return False
        preview = self._read(path, dataclasses.replace(options, half_size=True))
        if preview is None:
            return False
        self.settings.add_recent(path)
        self.settings.set_last_folder(path.resolve().parent)
        self.runner.cancel()
        self.region.cancel()
        self.raw.start(path, options)
        self._shown = None
        self._show_raw_preview(preview)
        self.statusBar().showMessage(f"Developing {path.name} at full size ({options.describe()})…")
        return True

    def edit_raw_options(self) -> bool:
        """File > Camera RAW options…: change how RAW files are developed; True when saved."""
        return raw_dialog.edit_raw_options(self, self.settings.store) is not None

    def _show_raw_preview(self, preview: Image) -> None:
        name = Path(preview.source).name
        self.viewer.set_input(
            preview.pixels, preview.bit_depth, f"Input: {name} - half-size preview, developing…"
        )
        self.viewer.set_output(None, caption="Output - run a method once the full image is shown")
        self.histogram.set_input(preview.pixels)
        self.histogram.set_output(None)
        self._show_camera(preview.metadata)
        self.setWindowTitle(f"{TITLE} - {name}")

    def _on_developed(self, image: Image, reference: Path | None) -> None:
        self.set_images(image, None, same_scene=True)
        self.statusBar().showMessage("; ".join(image.notices), 8000)
        if reference is not None:
            self.open_reference(reference)

    def _on_development_failed(self, message: str) -> None:
        self.statusBar().clearMessage()
        self._show_input_state()
        self._error("Cannot open file", message)

    def _on_development_cancelled(self) -> None:
        self.statusBar().clearMessage()
        self._show_input_state()

    def _waiting_for_development(self) -> bool:
        """True (and says so in the status bar) while a RAW is still being developed."""
        if self.raw.path is None:
            return False
        self.statusBar().showMessage(
            f"One moment: {self.raw.path.name} is still being developed at full size.", 4000
        )
        return True

    def set_images(
        self,
        observed: Image,
        reference: Image | None,
        problem: Problem | None = None,
        caption: str = "",
        *,
        same_scene: bool = False,
    ) -> None:
        """Make ``observed`` the input (cancelling running jobs); ``reference`` is the clean image.

        ``problem`` carries what a degradation knows (task, mask, kernel, scale); without it the
        input is a denoising problem of the selected task. ``caption`` names the input in the viewer.
        ``same_scene`` keeps the zoomed view on the same part of the picture when ``observed``
        shows what the previous input showed at another size (a RAW after its preview).
        """
        self.runner.cancel()
        self.region.cancel()
        if self.raw.stop():
            self.statusBar().clearMessage()
        self._clean = reference if reference is not None else observed
        self._problem = problem or Problem(observed, task=self.selector.task, reference=reference)
        self._input_caption = caption or describe_image(observed, "input")
        self._shown = None
        self._preselect_default(observed, self._problem.task)
        self._show_input_state(same_scene)
        self.image_changed.emit(observed)
        self.reference_changed.emit(reference)

    def _preselect_default(self, observed: Image, task: Task) -> None:
        """Offer the default method for ``task`` on an image like ``observed`` (colour_cnn for colour,
        ffdnet for gray), unless the user has chosen a method this session; a default whose
        weights are not here gives way to FFDNet, and the status bar says so."""
        name = default_method(task, observed.channels)
        if name is None or self.selector.user_chose:
            return
        missing = method_unavailable(name)
        if missing and name != FALLBACK_METHOD and not method_unavailable(FALLBACK_METHOD):
            self.statusBar().showMessage(
                f"{registry.get(name).label} is not available here (no weights); "
                f"{registry.get(FALLBACK_METHOD).label} is selected instead.",
                10000,
            )
            name = FALLBACK_METHOD
        self.selector.preselect(name)

    def choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", self.settings.last_folder(), open_filter())
        if path:
            self.open_image(path)

    def choose_reference(self) -> None:
        if self._problem is None:
            self._error("No input", "Open an input image before its reference.")
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Open reference", self.settings.last_folder(), open_filter()
        )
        if path:
            self.open_reference(path)

    def _read(self, path: str | Path, raw: io.RawOptions | None = None) -> Image | None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return io.read_image(path, raw=raw or raw_dialog.load_raw_options(self.settings.store))
        except WorkbenchError as error:
            self._error("Cannot open file", str(error))
        except OSError as error:
            self._error("Cannot open file", f"{path}: {error.strerror or error}")
        finally:
            QApplication.restoreOverrideCursor()
        return None

    def fill_recent_menu(self) -> None:
        """File > Open recent, filled as it opens: the recent files by name, newest first."""
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, chosen=path: self.open_image(chosen))
        if not recent:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    # ------------------------------------------------------------- degrading

    def degrade(self, name: str, values: dict, seed: int) -> bool:
        """Apply core operator ``name`` to the clean image; the clean image becomes the reference."""
        if self._waiting_for_development():
            return False
        if self._clean is None:
            self._error("No image", "Open an image before degrading it.")
            return False
        from workbench.core import operators

        try:
            observed, degradation = operators.degrade(self._clean, name, values, seed=seed)
            problem = degradation.problem(observed, self._clean)
        except WorkbenchError as error:
            self._error("Cannot degrade", str(error))
            return False
        self.selector.blockSignals(True)
        self.selector.set_task(problem.task)
        self.selector.blockSignals(False)
        settings = ", ".join(
            f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}"
            for key, value in degradation.params.items()
        )
        label = operators.get(name).label + (f" ({settings})" if settings else "")
        self.set_images(observed, self._clean, problem, f"{label}, {observed.width}×{observed.height}")
        self.degrade_panel.show_state(f"Input: {self._input_caption}. The clean image is the reference.")
        return True

    def use_clean_image(self) -> None:
        if self._clean is not None:
            self.set_images(self._clean, None)
            self.degrade_panel.show_state("Input: the clean image (no reference).")

    # ------------------------------------------------------------- running

    def _method_chosen(self, name: str) -> None:
        self.params_box.set_method(registry.get(name))
        self.params_box.panel.changed.connect(self.region.timer.start)
        self.region.timer.start()

    def _task_chosen(self, task: Task) -> None:
        if self._problem is not None:
            self._problem = dataclasses.replace(self._problem, task=task)

    def _run_request(self) -> tuple[Method, Problem, dict]:
        """The selected method, the problem and the resolved parameter values of the next run.

        Raises:
            WorkbenchError: no method or image yet, or a bad parameter value.
        """
        name = self.selector.current_method()
        if name is None:
            raise ParameterError("choose a method first")
        problem = self.current_problem()
        method = registry.get(name)
        return method, problem, method.params.resolve(self.params_box.values(), owner=method.label)

    def run_method(self) -> bool:
        """Start the selected method on the current problem in the background; False if it could not start."""
        if self._waiting_for_development():
            return False
        try:
            method, problem, values = self._run_request()
        except WorkbenchError as error:
            self._error("Cannot run", str(error))
            return False
        name = method.name
        estimate = self.params_box.estimate_box.isChecked() and problem.task is Task.DENOISE
        self._job = (method.label, self._input_caption)
        self.runner.start(
            lambda ctx: pipeline.restore(problem, name, values, ctx, estimate=estimate),
            self.device_box.device(),
        )
        self.job_status.show_started(method.label, first_step(method.family, values))
        self._set_busy(True)
        return True

    def tune_method(self, criterion: str = "sure") -> bool:
        """Auto-tune: choose the selected method's tunable parameters on the current image by
        ``criterion`` in the background, then run with them (the panel takes the chosen values
        when the job finishes). False if it could not start."""
        from workbench.core.quality.tune import restore_tuned

        if self._waiting_for_development():
            return False
        try:
            method, problem, values = self._run_request()
        except WorkbenchError as error:
            self._error("Cannot auto-tune", str(error))
            return False
        name = method.name
        label = f"{method.label} (auto-tuned)"
        self._job = (label, self._input_caption)
        self.runner.start(
            lambda ctx: restore_tuned(problem, name, values, criterion, ctx), self.device_box.device()
        )
        self.job_status.show_started(label, "searching the parameters…")
        self._set_busy(True)
        return True

    def cancel_job(self) -> None:
        """Esc: stop the running restoration and region preview (the RAW development goes on)."""
        self.region.cancel()
        if self.runner.is_running():
            self.runner.cancel()
            self.job_status.show_cancelling()

    # ------------------------------------------------------------- batch

    def open_batch(self) -> BatchDialog | None:
        """File > Batch…: a dialog running the selected method, as set now, over a folder."""
        name = self.selector.current_method()
        try:
            if name is None:
                raise ParameterError("choose a method first")
            method = registry.get(name)
            values = method.params.resolve(self.params_box.values(), owner=method.label)
        except WorkbenchError as error:
            self._error("Cannot start a batch", str(error))
            return None
        setup = BatchSetup(
            method,
            values,
            self.selector.task,
            raw_dialog.load_raw_options(self.settings.store),
            self.device_box.device(),
        )
        if self._batch_dialog is not None and self._batch_dialog.is_running():
            self._batch_dialog.raise_()
            return self._batch_dialog
        if self._batch_dialog is not None:
            self._batch_dialog.deleteLater()
        self._batch_dialog = BatchDialog(setup, self.settings.store, self)
        self._batch_dialog.show()
        return self._batch_dialog

    def _on_progress(self, fraction: float, message: str) -> None:
        if self._job is None:
            return
        self.job_status.show_progress(self._job[0], fraction, message)

    def _on_preview(self, pixels: object) -> None:
        if self._job is None:
            return
        bit_depth = self._problem.observed.bit_depth if self._problem else 8
        self.viewer.set_output(pixels, bit_depth, f"Output - preview of {self._job[0]}")

    def _on_finished(self, result: object) -> None:
        if self._job is None or not isinstance(result, Result):
            return
        label, caption = self._job
        self._job_done()
        tuned = result.extras.get("tuned")
        shown = self.params_box.method
        if isinstance(tuned, dict) and shown is not None and shown.name == result.method:
            self.params_box.panel.set_values(tuned["values"])
        entry = HistoryEntry(result, label, caption)
        self.history.add(entry)
        self.show_entry(entry)
        self.statusBar().showMessage(
            f"{label} done in {result.seconds:.2f} s · {entry.metrics_text()}", 10000
        )

    def _on_failed(self, message: str) -> None:
        if self._job is None:
            return
        label = self._job[0]
        self._job_done()
        self._show_output_state()
        self._error(f"{label} failed", message)

    def _on_cancelled(self) -> None:
        if self._job is None:
            return
        self._job_done()
        self._show_output_state()
        self.statusBar().showMessage("Cancelled; the input and earlier results are unchanged.", 6000)

    def _job_done(self) -> None:
        self._job = None
        self.job_status.show_idle()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self._update_restore_actions()
        self.run_button.setText("Restart  (Ctrl+R)" if busy else "Run  (Ctrl+R)")

    # ------------------------------------------------------------- showing

    def _show_input_state(self, same_scene: bool = False) -> None:
        if self._problem is None:
            self.viewer.set_input(None, caption="No image - open one with Ctrl+O or drop it here")
            self.histogram.set_input(None)
            self._show_camera({})
            self.setWindowTitle(TITLE)
            return
        observed = self._problem.observed
        self.viewer.set_input(
            observed.pixels, observed.bit_depth, f"Input: {self._input_caption}", same_scene=same_scene
        )
        self._show_output_state()
        self.histogram.set_input(observed.pixels)
        self._show_camera(observed.metadata)
        name = Path(observed.source).name if observed.source else "degraded image"
        self.setWindowTitle(f"{TITLE} - {name}")

    def _show_camera(self, metadata: dict) -> None:
        """Camera, ISO and exposure of the input in the status bar (hidden when none is known)."""
        text = describe_camera(metadata)
        self.camera_label.setText(text)
        self.camera_label.setToolTip(f"Taken {metadata['datetime']}" if "datetime" in metadata else "")
        self.camera_label.setVisible(bool(text))

    def _show_output_state(self) -> None:
        if self._shown is not None:
            self.show_entry(self._shown)
        else:
            reference = self._problem.reference if self._problem else None
            name = Path(reference.source).name if reference and reference.source else "the clean image"
            scored = f" · scored against {name}" if reference else ""
            self.viewer.set_output(None, caption=f"Output - run a method (Ctrl+R){scored}")
            self.histogram.set_output(None)

    def show_entry(self, entry: HistoryEntry) -> None:
        """Put a history entry's result in the output view (it is what Export writes)."""
        self._shown = entry
        image = entry.result.image
        self.viewer.set_output(
            image.pixels, image.bit_depth, f"Output: {entry.label} · {entry.metrics_text()}"
        )
        self.histogram.set_output(image.pixels)

    def set_view_mode(self, mode: str) -> None:
        self.viewer.set_mode(mode)
        (self.split_action if mode == SPLIT else self.side_action).setChecked(True)

    # ------------------------------------------------------------- export

    def export_shown(self) -> bool:
        """Ask for a file and write the shown result; True when a file was written."""
        if self._shown is None:
            self._error("Nothing to export", "Run a method first; its result is what gets exported.")
            return False
        image = self._shown.result.image
        stem = Path(image.source).stem if image.source else "result"
        start = self._export_folder() / f"{stem}_{self._shown.result.method}.png"
        choice = export_dialog.ask_export_choice(self, start, image.bit_depth)
        return choice is not None and self.export_to(choice)

    def _export_folder(self) -> Path:
        """Where Export starts: the last export folder, else the opened image's folder (unless it is
        the bundled sample's, inside the program), else the home folder."""
        last = self.settings.last_export_folder()
        if last is not None and last.is_dir():
            return last
        source = self._problem.observed.source if self._problem is not None else None
        folder = Path(source).resolve().parent if source else None
        from workbench.resources import path as resource_path

        bundled = resource_path("sample.png").resolve().parent
        if folder is not None and folder.is_dir() and folder != bundled:
            return folder
        return Path.home()

    def export_to(self, choice: export_dialog.ExportChoice) -> bool:
        """Write the shown result as ``choice`` says, asking before replacing a file (unless the
        export dialog has asked already)."""
        exists = choice.path.exists()
        if exists and not choice.overwrite and not export_dialog.confirm_overwrite(self, choice.path):
            return False
        try:
            written = io.write_image(
                self._shown.result.image,
                choice.path,
                bit_depth=8 if choice.is_jpeg else choice.bit_depth,
                quality=choice.quality,
                overwrite=exists,
            )
        except WorkbenchError as error:
            self._error("Export failed", str(error))
            return False
        self.settings.set_last_export_folder(written.parent)
        self.statusBar().showMessage(f"Exported {written}", 8000)
        return True

    # ------------------------------------------------------------- errors, closing

    def _error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout, cancel the running job and join its thread before the window goes.

        A method stops at its next progress check; one inside a long call that cannot be
        interrupted is waited for with the window already hidden (a thread must never
        outlive the application).
        """
        self.job_status.show_idle()
        self._fit_docks_to_page(0)
        self._save_layout()
        self.settings.sync()
        self.hide()
        self._shut_down_pages()
        if self._batch_dialog is not None:
            self._batch_dialog.shutdown()
        for worker in (self.runner, self.region, self.raw):
            if not worker.shutdown(CLOSE_GRACE_MS):
                log.warning("waiting for a running job to reach a point where it can stop")
                worker.shutdown(CLOSE_PATIENCE_MS)
        self.device_box.wait_for_probe()
        super().closeEvent(event)

    def _shut_down_pages(self) -> None:
        """Cancel and join the jobs of every page and docked panel that has ``shutdown()``."""
        widgets = [self.pages.widget(index) for index in range(self.pages.count())]
        widgets += [dock.widget() for dock in self._extra_docks]
        for widget in widgets:
            shutdown = getattr(widget, "shutdown", None)
            if callable(shutdown):
                shutdown()
