"""The Sweep page: a resumable sweep on a folder, with the chosen method's parameters as the grid.

Left: the dataset folder and the sweep's folder, the method (the window's current one when the
page is built) with one field per parameter holding its current value (several values, comma
separated, make the grid), BM3D/CBM3D as the baseline, noise levels, crop, image limit and local
workers; Start, Cancel and progress. Right: the summary table and the PSNR chart, filling in as
cells finish. Everything is computed by :mod:`workbench.core.sweep` in a :class:`JobRunner`
job; rows reach the page through a queue drained by a timer on the GUI thread.
"""

from __future__ import annotations

import queue
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core import registry
from workbench.core.compare import BASELINES
from workbench.core.errors import ParameterError, WorkbenchError
from workbench.core.params import Param, PathParam, show_value
from workbench.core.problem import Task
from workbench.core.sweep import (
    DegradationSpec,
    MethodGrid,
    ResultTable,
    SweepSpec,
    make_executor,
    run_sweep,
    summarise,
)
from workbench.core.sweep.charts import Chart, Series
from workbench.core.sweep.executors import available_cores

from ...host import Host
from ...session import QtSession
from ...workers.runner import JobRunner, owned_runner
from .chart_view import ChartView

REFRESH_MS = 300
COLUMNS = ("degradation", "method", "setting", "images", "PSNR", "SSIM", "s/MP", "gain", "95 % CI", "win")


class SweepView(QWidget):
    """Set up, run, watch and cancel a sweep.

    Attributes:
        rows: every table row shown (those found in the sweep's folder, then the new ones).
    """

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = owned_runner(self, runner)
        self.rows: list[dict[str, Any]] = []
        self._feed: queue.Queue = queue.Queue()
        self._fields: dict[str, QLineEdit] = {}
        self._baseline: str | None = None
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.set_method(registry.for_task(Task.DENOISE)[0].name)

    # ----------------------------------------------------------------- building

    def _build(self) -> None:
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("clean images, or real noisy/clean pairs")
        self.out = QLineEdit()
        self.out.setPlaceholderText("where the table and report go (run again to resume)")
        self.method = QComboBox()
        self.method.addItems(sorted(method.name for method in registry.for_task(Task.DENOISE)))
        self.method.currentTextChanged.connect(self.set_method)
        self.grid_form = QFormLayout()
        values = QGroupBox("Values (comma separated: a grid)")
        values.setLayout(self.grid_form)
        self.baseline = QCheckBox("BM3D / CBM3D as the baseline")
        self.baseline.setChecked(True)
        self.sigmas = QLineEdit("15, 25, 50")
        self.sigmas.setToolTip("Gaussian noise levels in 8-bit units (ignored for real pairs)")
        self.crop = QSpinBox()
        self.crop.setRange(0, 8192)
        self.crop.setValue(128)
        self.crop.setSpecialValueText("whole images")
        self.limit = QSpinBox()
        self.limit.setRange(0, 100_000)
        self.limit.setSpecialValueText("all")
        self.workers = QSpinBox()
        self.workers.setRange(0, 256)
        self.workers.setValue(available_cores())
        self.workers.setToolTip("local worker processes (0 = in the window's own worker thread)")
        self.start_button = QPushButton("Start")
        self.cancel_button = QPushButton("Cancel")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.progress = QProgressBar()
        self.status = QLabel("Choose a folder, a sweep folder and the values to try")
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Dataset", _with_browse(self.folder, self._choose_folder))
        form.addRow("Sweep folder", _with_browse(self.out, self._choose_out))
        form.addRow("Method", self.method)
        form.addRow(values)
        form.addRow(self.baseline)
        form.addRow("Noise σ", self.sigmas)
        form.addRow("Crop", self.crop)
        form.addRow("Images", self.limit)
        form.addRow("Workers", self.workers)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        column.addStretch(1)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = ChartView()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.table)
        right.addWidget(self.chart)
        right.setSizes([300, 400])
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._set_running(False)

    def set_method(self, name: str, values: dict[str, Any] | None = None) -> None:
        """Show ``name``'s parameters, each field holding ``values`` (its defaults where missing)."""
        method = registry.get(name)
        if self.method.currentText() != name:
            blocked = self.method.blockSignals(True)
            self.method.setCurrentText(name)
            self.method.blockSignals(blocked)
        while self.grid_form.rowCount():
            self.grid_form.removeRow(0)
        self._fields = {}
        current = method.params.defaults() | (values or {})
        for param in method.params:
            field = QLineEdit(_field_text(param, current[param.name]))
            field.setToolTip(param.help)
            self.grid_form.addRow(param.title, field)
            self._fields[param.name] = field

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Dataset folder")
        if chosen:
            self.folder.setText(chosen)

    def _choose_out(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Sweep folder (new or one to resume)")
        if chosen:
            self.out.setText(chosen)

    # ----------------------------------------------------------------- running

    def spec(self) -> SweepSpec:
        """The sweep the form describes.

        Raises:
            ParameterError, InputError: a bad value, folder or method.
        """
        name = self.method.currentText()
        method = registry.get(name)
        fixed, grid = {}, {}
        for param_name, field in self._fields.items():
            param = method.params[param_name]
            texts = [text.strip() for text in field.text().split(",") if text.strip()]
            if not texts:
                raise ParameterError(f"{param.title}: give a value")
            values = [param.parse(text) for text in texts]
            if len(values) > 1:
                grid[param_name] = values
            elif values[0] != param.default:
                fixed[param_name] = values[0]
        methods = [MethodGrid(name, fixed, grid)]
        if self.baseline.isChecked():
            methods += [MethodGrid(base) for base in BASELINES if base != name]
        sigmas = [float(text) for text in self.sigmas.text().replace(" ", "").split(",") if text]
        if not self.folder.text().strip():
            raise ParameterError("choose a dataset folder")
        return SweepSpec(
            [Path(self.folder.text().strip())],
            methods,
            [DegradationSpec.gaussian(sigma) for sigma in sigmas],
            crop=self.crop.value(),
            limit=self.limit.value(),
        )

    def start(self) -> bool:
        """Start the sweep (resuming the sweep folder's); False, with the reason shown, when the
        form is not valid."""
        try:
            spec = self.spec()
            if not self.out.text().strip():
                raise ParameterError("choose a sweep folder")
            out = Path(self.out.text().strip())
            executor = make_executor("local", self.workers.value())
            self.rows = list(ResultTable(out).latest().values()) if out.is_dir() else []
        except (WorkbenchError, ValueError) as error:
            self.status.setText(f"Not started: {error}")
            return False
        self._baseline = spec.baseline_method
        self._feed = feed = queue.Queue()

        def job(ctx):
            return run_sweep(
                spec, out, executor, lambda row, outcome: feed.put((row, outcome)), ctx.cancel_event
            )

        self.status.setText("Planning…")
        self._set_running(True)
        self.refresh()
        self.runner.start(job)
        self._timer.start()
        return True

    def refresh(self) -> None:
        """Take the rows finished since the last call and redraw the table and the chart."""
        outcome = None
        while True:
            try:
                row, outcome = self._feed.get_nowait()
            except queue.Empty:
                break
            self.rows.append(row)
        if outcome is not None:
            done = outcome.resumed + outcome.ran
            self.progress.setRange(0, outcome.total)
            self.progress.setValue(done)
            self.status.setText(
                f"{done} of {outcome.total} cells ({outcome.resumed} resumed, {outcome.failed} failed)"
            )
        self._show_table()

    def _show_table(self) -> None:
        stats = summarise(list({row["key"]: row for row in self.rows}.values()), self._baseline)
        self.table.setRowCount(len(stats))
        for index, entry in enumerate(stats):
            group = entry.group
            gain = "baseline" if entry.is_baseline else _number(entry.gain, "+.2f")
            interval = (
                ""
                if entry.gain is None
                else f"[{_number(entry.gain_low, '+.2f')}, {_number(entry.gain_high, '+.2f')}]"
            )
            win = "" if entry.win_rate is None else f"{entry.win_rate:.0%}"
            scores = [
                _number(entry.psnr, ".2f"),
                _number(entry.ssim, ".4f"),
                _number(entry.seconds_per_mp, ".2f"),
            ]
            cells = [
                group.degradation,
                group.method,
                group.setting,
                str(entry.n),
                *scores,
                gain,
                interval,
                win,
            ]
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self._show_chart(stats)

    def _show_chart(self, stats) -> None:
        """Mean PSNR per noise level: a line per method and setting."""
        chart = Chart("mean PSNR per degradation", "degradation", "PSNR (dB)")
        places = list(dict.fromkeys(entry.group.degradation for entry in stats))
        lines: dict[str, Series] = {}
        for entry in stats:
            series = lines.setdefault(entry.group.label, Series(entry.group.label, [], []))
            series.xs.append(float(places.index(entry.group.degradation)))
            series.ys.append(entry.psnr)
        chart.series, chart.xticks = list(lines.values()), places
        self.chart.show_chart(chart)

    def _summary(self, outcome) -> str:
        where = f"; report: {outcome.report / 'report.md'}" if outcome.report else ""
        return f"Done: {outcome.total} cells, {outcome.ran} run now ({outcome.failed} failed){where}"

    def job_finished(self, outcome: object) -> None:
        self._ended(self._summary(outcome))

    def job_failed(self, message: str) -> None:
        self._ended(f"Failed: {message}")

    def job_cancelled(self) -> None:
        self._ended("Cancelled: the finished cells are kept")

    def _ended(self, message: str) -> None:
        self._timer.stop()
        self.refresh()
        self.status.setText(message)
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel a running sweep and wait for its worker (the finished cells stay in the table);
        False if it is still running after ``timeout_ms``."""
        self._timer.stop()
        return self.runner.shutdown(timeout_ms)


def _with_browse(field: QLineEdit, choose) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field)
    button = QPushButton("…")
    button.clicked.connect(choose)
    layout.addWidget(button)
    return row


def _field_text(param: Param, value: Any) -> str:
    """``value`` as the field shows it and reads it back: an integer's special word for its
    sentinel ("auto"), a path in full."""
    return show_value(value) if isinstance(param, PathParam) else param.show(value)


def _number(value: float | None, spec: str) -> str:
    if value is None or value != value:
        return ""
    return format(value, spec)


def attach(session: QtSession, host: Host) -> SweepView:
    """Add a Sweep page, starting from the method and values selected on the Restore page."""
    view = SweepView()
    choice = session.model.method
    if choice is not None and session.model.task is Task.DENOISE:
        view.set_method(choice.name, choice.values)
    host.add_page("Sweep", view, shutdown=view.shutdown)
    return view
