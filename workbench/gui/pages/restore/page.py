"""The Restore page: the viewer in the middle, and the widgets of its docks (method and parameters,
degrade, history, histogram), running the selected method on the session's problem.

The page shows the session and changes it: a finished run goes into the session's history, the
degrade panel sets a new input, the task box sets the task; what it shows follows the session's
signals, so a result another page adds (a kept DIP run) appears here like one of its own. A
region marked on the input is restored first and drawn over the output (:mod:`.region_preview`);
File > Batch… runs the method over a folder (:mod:`workbench.gui.dialogs.batch`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from workbench.core import pipeline, registry
from workbench.core.errors import ParameterError, WorkbenchError
from workbench.core.history import HistoryEntry
from workbench.core.image import Image
from workbench.core.problem import Problem, Task
from workbench.core.registry import Method
from workbench.core.result import Result

from ...dialogs import raw as raw_dialog
from ...dialogs.batch import BatchDialog, BatchSetup
from ...files import FileController, input_pending
from ...host import Host
from ...session import QtSession
from ...shell.job_status import JobStatus
from ...shell.settings import WindowSettings
from ...views.captions import describe_image, first_step
from ...views.histogram import HistogramView
from ...views.viewer import ImageViewer
from ...widgets.device_box import DeviceBox
from ...workers.runner import JobRunner
from . import export
from .degrade import DegradePanel, degrade_input
from .history import HistoryList
from .methods import MethodSelector, ParametersBox, PresetStore, offered_method
from .region_preview import RegionPreview

DOCK_MIN_WIDTH = 250
"""The docks' narrowest width (px): their forms still read at 1280 px."""
NO_IMAGE = "No image - open one with Ctrl+O or drop it here"


class RestorePage(QObject):
    """The viewer (``viewer``, the page itself) and its docks' widgets: ``method_panel`` (selector,
    parameters, device, Run), ``degrade_panel``, ``history_panel`` (history and Export) and
    ``histogram``. ``runner`` runs the whole-image jobs, ``region`` the region previews.

    Signals:
        busy_changed(bool): a job of this page (a run or a region preview) started or ended.
    """

    busy_changed = Signal(bool)

    def __init__(
        self,
        session: QtSession,
        host: Host,
        files: FileController,
        settings: WindowSettings,
        device_box: DeviceBox,
        job_status: JobStatus,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.model = session.model
        self.host = host
        self.settings = settings
        self.job_status = job_status
        self.viewer = ImageViewer()
        self.runner = JobRunner(self)
        self._job: tuple[str, str] | None = None
        self._batch_dialog: BatchDialog | None = None
        self._build_method_panel(device_box)
        self._build_side_panels()
        self.region = RegionPreview(self.viewer, self.run_request, self.model, host, self)
        self._connect(files)
        self._show_input()

    # ----------------------------------------------------------------- building

    def _build_method_panel(self, device_box: DeviceBox) -> None:
        self.selector = MethodSelector()
        self.params_box = ParametersBox(PresetStore(self.settings.store))
        self.run_button = QPushButton("Run  (Ctrl+R)")
        self.run_button.setDefault(True)
        self.run_button.setMinimumHeight(32)
        bottom = QWidget()
        row = QHBoxLayout(bottom)
        row.setContentsMargins(4, 0, 4, 4)
        row.addWidget(QLabel("Device"))
        row.addWidget(device_box, 1)
        row.addWidget(self.run_button, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.selector)
        splitter.addWidget(self.params_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.method_panel = QWidget()
        layout = QVBoxLayout(self.method_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(bottom)
        self.method_panel.setMinimumWidth(DOCK_MIN_WIDTH)

    def _build_side_panels(self) -> None:
        self.degrade_panel = DegradePanel()
        self.history = HistoryList()
        self.histogram = HistogramView()
        self.history_panel = QWidget()
        layout = QVBoxLayout(self.history_panel)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.history, 1)
        self.export_button = QPushButton("Export shown result…")
        layout.addWidget(self.export_button)

    def _connect(self, files: FileController) -> None:
        self.selector.method_chosen.connect(self._method_chosen)
        self.selector.task_chosen.connect(self.model.set_task)
        self.run_button.clicked.connect(self.run_method)
        self.params_box.tune_requested.connect(self.tune_method)
        self.degrade_panel.degrade_requested.connect(self.degrade)
        self.degrade_panel.clean_requested.connect(self.use_clean_image)
        self.history.entry_chosen.connect(self.model.show)
        self.export_button.clicked.connect(self.export_shown)
        self.runner.progress.connect(self._on_progress)
        self.runner.preview.connect(self._on_preview)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.region.busy_changed.connect(lambda _busy: self.busy_changed.emit(self.is_busy()))
        self.region.ended.connect(self._show_output)
        self.session.task_changed.connect(self._follow_task)
        self.session.input_changed.connect(self._input_changed)
        self.session.result_added.connect(self.history.add)
        self.session.shown_changed.connect(lambda _entry: self._show_output())
        files.preview_shown.connect(self._show_preview)
        files.preview_ended.connect(self._show_input)
        if self.selector.current_method():
            self._method_chosen(self.selector.current_method())

    # ------------------------------------------------------------- degrading

    def degrade(self, name: str, values: dict, seed: int) -> bool:
        """Apply core operator ``name`` to the clean image; the clean image becomes the reference."""
        if input_pending(self.model, self.host):
            return False
        try:
            degrade_input(self.model, name, values, seed)
        except WorkbenchError as error:
            self.host.show_error("Cannot degrade", str(error))
            return False
        self.degrade_panel.show_state(f"Input: {self.model.input_caption}. The clean image is the reference.")
        return True

    def use_clean_image(self) -> None:
        clean = self.model.clean
        if clean is not None:
            self.model.set_input(clean, None, caption=describe_image(clean, "input"))
            self.degrade_panel.show_state("Input: the clean image (no reference).")

    # ------------------------------------------------------------- running

    def _method_chosen(self, name: str) -> None:
        self.params_box.set_method(registry.get(name))
        self.params_box.panel.changed.connect(self.region.timer.start)
        self.params_box.panel.changed.connect(self._offer_method)
        self._offer_method()
        self.region.timer.start()

    def _offer_method(self) -> None:
        """Keep the session's record of the selected method and values (other pages start from it)."""
        self.model.choose_method(self.selector.current_method(), self.params_box.values())

    def _follow_task(self, task: Task) -> None:
        blocked = self.selector.blockSignals(True)
        self.selector.set_task(task)
        self.selector.blockSignals(blocked)

    def run_request(self) -> tuple[Method, Problem, dict]:
        """The selected method, the problem and the resolved parameter values of the next run.

        Raises:
            WorkbenchError: no method or image yet, or a bad parameter value.
        """
        name = self.selector.current_method()
        if name is None:
            raise ParameterError("choose a method first")
        problem = self.model.current_problem()
        method = registry.get(name)
        return method, problem, method.params.resolve(self.params_box.values(), owner=method.label)

    def run_method(self) -> bool:
        """Start the selected method on the current problem in the background; False if it could not start."""
        if input_pending(self.model, self.host):
            return False
        try:
            method, problem, values = self.run_request()
        except WorkbenchError as error:
            self.host.show_error("Cannot run", str(error))
            return False
        name = method.name
        estimate = self.params_box.estimate_box.isChecked() and problem.task is Task.DENOISE
        self._start(
            method.label,
            lambda ctx: pipeline.restore(problem, name, values, ctx, estimate=estimate),
            first_step(method.family, values),
        )
        return True

    def tune_method(self, criterion: str = "sure") -> bool:
        """Auto-tune: choose the selected method's tunable parameters on the current image by
        ``criterion`` in the background, then run with them (the panel takes the chosen values
        when the job finishes). False if it could not start."""
        from workbench.core.quality.tune import restore_tuned

        if input_pending(self.model, self.host):
            return False
        try:
            method, problem, values = self.run_request()
        except WorkbenchError as error:
            self.host.show_error("Cannot auto-tune", str(error))
            return False
        name = method.name
        self._start(
            f"{method.label} (auto-tuned)",
            lambda ctx: restore_tuned(problem, name, values, criterion, ctx),
            "searching the parameters…",
        )
        return True

    def _start(self, label: str, job, first: str) -> None:
        self._job = (label, self.model.input_caption)
        self.runner.start(job, self.host.device())
        self.job_status.show_started(label, first)
        self._set_busy(True)

    def cancel_job(self) -> None:
        """Esc: stop the running restoration and region preview (a RAW development goes on)."""
        self.region.cancel()
        if self.runner.is_running():
            self.runner.cancel()
            self.job_status.show_cancelling()

    def is_busy(self) -> bool:
        """True while a whole-image run or a region preview of this page runs."""
        return self._job is not None or self.region.is_running()

    def open_batch(self) -> BatchDialog | None:
        """File > Batch…: a dialog running the selected method, as set now, over a folder."""
        name = self.selector.current_method()
        try:
            if name is None:
                raise ParameterError("choose a method first")
            method = registry.get(name)
            values = method.params.resolve(self.params_box.values(), owner=method.label)
        except WorkbenchError as error:
            self.host.show_error("Cannot start a batch", str(error))
            return None
        setup = BatchSetup(
            method,
            values,
            self.model.task,
            raw_dialog.load_raw_options(self.settings.store),
            self.host.device(),
        )
        if self._batch_dialog is not None and self._batch_dialog.is_running():
            self._batch_dialog.raise_()
            return self._batch_dialog
        if self._batch_dialog is not None:
            self._batch_dialog.deleteLater()
        self._batch_dialog = BatchDialog(setup, self.settings.store, self.host.dialog_parent())
        self._batch_dialog.show()
        return self._batch_dialog

    def export_shown(self) -> bool:
        """Ask for a file and write the shown result; True when a file was written."""
        return export.export_shown(self.model, self.host, self.settings)

    def shut_down_batch(self) -> None:
        """Cancel and join a running batch (the window is closing)."""
        if self._batch_dialog is not None:
            self._batch_dialog.shutdown()

    def _on_progress(self, fraction: float, message: str) -> None:
        if self._job is not None:
            self.job_status.show_progress(self._job[0], fraction, message)

    def _on_preview(self, pixels: object) -> None:
        if self._job is None:
            return
        bit_depth = self.model.problem.observed.bit_depth if self.model.problem else 8
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
        entry = self.model.add_result(result, label, caption)
        self.host.show_status(f"{label} done in {result.seconds:.2f} s · {entry.metrics_text()}", 10000)

    def _on_failed(self, message: str) -> None:
        if self._job is None:
            return
        label = self._job[0]
        self._job_done()
        self._show_output()
        self.host.show_error(f"{label} failed", message)

    def _on_cancelled(self) -> None:
        if self._job is None:
            return
        self._job_done()
        self._show_output()
        self.host.show_status("Cancelled; the input and earlier results are unchanged.", 6000)

    def _job_done(self) -> None:
        self._job = None
        self.job_status.show_idle()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setText("Restart  (Ctrl+R)" if busy else "Run  (Ctrl+R)")
        self.busy_changed.emit(self.is_busy())

    # ------------------------------------------------------------- showing

    def _input_changed(self, problem: Problem) -> None:
        """A new input: stop this page's jobs, offer the default method, show it."""
        self.runner.cancel()
        self.region.cancel()
        self._preselect_default(problem.observed, problem.task)
        self._show_input()

    def _show_input(self) -> None:
        problem = self.model.problem
        if problem is None:
            self.viewer.set_input(None, caption=NO_IMAGE)
            self.histogram.set_input(None)
            return
        observed = problem.observed
        self.viewer.set_input(
            observed.pixels,
            observed.bit_depth,
            f"Input: {self.model.input_caption}",
            same_scene=self.model.same_scene,
        )
        self._show_output()
        self.histogram.set_input(observed.pixels)

    def _show_preview(self, preview: Image) -> None:
        """A RAW's half-size preview while its full image develops (this page's jobs stop)."""
        self.runner.cancel()
        self.region.cancel()
        self.model.show(None)
        name = Path(preview.source).name
        self.viewer.set_input(
            preview.pixels, preview.bit_depth, f"Input: {name} - half-size preview, developing…"
        )
        self.viewer.set_output(None, caption="Output - run a method once the full image is shown")
        self.histogram.set_input(preview.pixels)
        self.histogram.set_output(None)

    def _show_output(self) -> None:
        entry = self.model.shown
        if entry is not None:
            self._show_entry(entry)
            return
        reference = self.model.problem.reference if self.model.problem else None
        name = Path(reference.source).name if reference and reference.source else "the clean image"
        scored = f" · scored against {name}" if reference else ""
        self.viewer.set_output(None, caption=f"Output - run a method (Ctrl+R){scored}")
        self.histogram.set_output(None)

    def _show_entry(self, entry: HistoryEntry) -> None:
        image = entry.result.image
        self.viewer.set_output(
            image.pixels, image.bit_depth, f"Output: {entry.label} · {entry.metrics_text()}"
        )
        self.histogram.set_output(image.pixels)

    def _preselect_default(self, observed: Image, task: Task) -> None:
        """Offer the default method for ``task`` on an image like ``observed``, unless the user
        has chosen a method this session (see :func:`.methods.offered_method`)."""
        if self.selector.user_chose:
            return
        name, note = offered_method(task, observed.channels)
        if note:
            self.host.show_status(note, 10000)
        if name is not None:
            self.selector.preselect(name)
