"""The compare view: several methods on the current input, shown as a grid of locked viewers and a table.

Left: a checklist of the methods for the current task (BM3D/CBM3D ticked as the
baseline), the selected method's generated parameter panel, Run/Cancel with
progress per method, the display toggles (results, error map, removed noise,
swipe between two tiles) and Export. Right: one tile per image (input,
reference, each result) whose zoom and pan move together, titled with the
method, PSNR/SSIM, gain over BM3D and time; below it a sortable metrics table.
All computation is in :mod:`workbench.core.compare`; the job runs through a
:class:`JobRunner`. The tiles are :mod:`.tiles`, what they show in each mode :mod:`.modes`.

At about 440 lines this module is over the house's 400: it is one view's controls, their wiring
and its job's reporting, and the parts that stand alone (tiles, modes, table) are out already.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core import compare, registry
from workbench.core.errors import WorkbenchError
from workbench.core.problem import Problem, Task

from ...host import Host
from ...session import QtSession
from ...widgets.fitted_stack import FittedStack
from ...widgets.param_panel import ParamPanel
from ...workers.runner import JobRunner, owned_runner
from .modes import MODES, RESULTS, TileContent, mode_tiles
from .table import MetricsTable
from .tiles import SwipeView, Tile, TileGrid

STATUS_LINES = 2
"""Lines the status text is given from the start, so that a two-line message does not move the column."""


class CompareView(QWidget):
    """Choose methods, run them in turn on one input, and compare the results.

    It solves the problem given to :meth:`set_problem` (attached to the window: the session's).

    Args:
        runner: the JobRunner to use; a private one is made when None.
    """

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._listed: Task | None = None
        self._problem: Problem | None = None
        self.comparison: compare.Comparison | None = None
        self._count = 0
        self._finished: tuple[Problem | None, list] = (None, [])
        self.runner = owned_runner(self, runner)
        self._panels: dict[str, ParamPanel] = {}
        self.mode = RESULTS
        self._build()
        self._connect()
        self.refresh_methods(Task.DENOISE)

    # ----------------------------------------------------------------- building

    def _build(self) -> None:
        self.methods = QListWidget()
        self.methods.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.params = FittedStack()
        self.run_button = QPushButton("Compare")
        self.run_button.setToolTip("Run every ticked method in turn on the input")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel("Tick methods and press Compare")
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(STATUS_LINES * self.status.fontMetrics().lineSpacing())
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.estimate_box = QCheckBox("Estimate PSNR without the reference")
        self.estimate_box.setToolTip(
            "denoising: SURE at the known or estimated noise level (one more run of each method)"
        )
        self.estimate_box.setChecked(True)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Write results, grid.png, metrics.csv and comparison.json to a folder")
        self.export_button.setEnabled(False)

        show = QGroupBox("Show")
        self.mode_buttons = QButtonGroup(self)
        show_layout = QVBoxLayout(show)
        for mode, text, tip in MODES:
            button = QRadioButton(text)
            button.setToolTip(tip)
            button.setProperty("mode", mode)
            self.mode_buttons.addButton(button)
            show_layout.addWidget(button)
            button.setChecked(mode == RESULTS)
        self.swipe_box = QCheckBox("Swipe between")
        self.swipe_a, self.swipe_b = QComboBox(), QComboBox()
        swipe_pair = QFormLayout()
        swipe_pair.addRow("left", self.swipe_a)
        swipe_pair.addRow("and right", self.swipe_b)
        show_layout.addWidget(self.swipe_box)
        show_layout.addLayout(swipe_pair)

        controls = QWidget()
        left = QVBoxLayout(controls)
        self.baseline_label = QLabel()
        left.addWidget(self.baseline_label)
        left.addWidget(self.methods, 2)
        left.addWidget(self.params, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        left.addLayout(buttons)
        left.addWidget(self.estimate_box)
        left.addWidget(self.progress)
        left.addWidget(self.status)
        left.addWidget(show)
        left.addWidget(self.export_button)

        self.grid = TileGrid()
        self.swipe = SwipeView()
        self.pictures = QStackedWidget()
        self.pictures.addWidget(self.grid)
        self.pictures.addWidget(self.swipe)
        self.table = MetricsTable()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.pictures)
        right.addWidget(self.table)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        right.setSizes([700, 170])
        self.right_splitter = right
        self._name_baseline()

        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(250)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _connect(self) -> None:
        self.methods.currentItemChanged.connect(self._method_selected)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.export_button.clicked.connect(self.choose_export_folder)
        self.mode_buttons.buttonToggled.connect(self._mode_toggled)
        self.swipe_box.toggled.connect(self._update_swipe)
        self.swipe_a.currentIndexChanged.connect(self._update_swipe)
        self.swipe_b.currentIndexChanged.connect(self._update_swipe)
        self.runner.progress.connect(self._on_progress)

    # ----------------------------------------------------------------- methods

    def refresh_methods(self, task: Task) -> None:
        """List the methods for ``task``; ticks are kept by name, BM3D/CBM3D ticked the first time."""
        self._listed = task
        ticked = set(self.checked_methods()) if self.methods.count() else set(compare.BASELINES)
        selected = (
            self.methods.currentItem().data(Qt.ItemDataRole.UserRole) if self.methods.currentItem() else None
        )
        self.methods.clear()
        for method in registry.for_task(task):
            item = QListWidgetItem(method.label)
            item.setData(Qt.ItemDataRole.UserRole, method.name)
            item.setToolTip(method.summary or method.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if method.name in ticked else Qt.CheckState.Unchecked)
            self.methods.addItem(item)
            if method.name == selected:
                self.methods.setCurrentItem(item)
        if self.methods.currentItem() is None and self.methods.count():
            self.methods.setCurrentRow(0)

    def checked_methods(self) -> list[str]:
        items = (self.methods.item(row) for row in range(self.methods.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def panel(self, name: str) -> ParamPanel:
        """The parameter panel of method ``name`` (made on first use; its values persist)."""
        if name not in self._panels:
            self._panels[name] = ParamPanel(registry.get(name).params)
            self.params.addWidget(self._panels[name])
        return self._panels[name]

    def _method_selected(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is not None:
            self.params.setCurrentWidget(self.panel(item.data(Qt.ItemDataRole.UserRole)))

    def plan(self) -> list[compare.MethodRun]:
        """The ticked methods with the values of their panels (defaults for panels never opened)."""
        return [
            compare.MethodRun(name, self._panels[name].values() if name in self._panels else {})
            for name in self.checked_methods()
        ]

    # ----------------------------------------------------------------- inputs

    def set_problem(self, problem: Problem | None) -> None:
        """Solve ``problem`` (task, mask, kernel, reference included); None: no input.

        A new observed image or reference drops the results (cancelling a running comparison);
        a new task of the same input only lists that task's methods.
        """
        old, self._problem = self._problem, problem
        if problem is not None and problem.task is not self._listed:
            self.refresh_methods(problem.task)
        same = old is not None and problem is not None
        if same and old.observed is problem.observed and old.reference is problem.reference:
            return
        self.runner.cancel()
        self._name_baseline()
        self._show_inputs()

    def problem(self) -> Problem:
        """The problem the next comparison solves.

        Raises:
            WorkbenchError: no image yet.
        """
        if self._problem is None:
            raise WorkbenchError("open an image first")
        return self._problem

    def baseline_name(self) -> str:
        """The baseline's name as the header, tiles and table give it: CBM3D for a colour input."""
        if self.comparison is not None and self.comparison.baseline is not None:
            return self.comparison.baseline.method.upper()
        colour = self._problem is not None and self._problem.observed.is_color
        return "CBM3D" if colour else "BM3D"

    def _name_baseline(self) -> None:
        name = self.baseline_name()
        missing = self.comparison is not None and self.comparison.baseline is None
        hint = f"; tick {name} for the gains" if missing else ""
        self.baseline_label.setText(f"<b>Methods</b> ({name} is the baseline{hint})")
        self.baseline_label.setWordWrap(True)
        self.table.name_baseline(name)

    def _show_inputs(self) -> None:
        self.comparison = None
        self.export_button.setEnabled(False)
        self.table.setRowCount(0)
        if self._problem is None:
            self._set_tiles([])
            return
        tiles = [("Input", self._problem.observed.pixels, ("Input",))]
        if self._problem.reference is not None:
            tiles.append(("Reference", self._problem.reference.pixels, ("Reference", "clean")))
        self._set_tiles(tiles)

    # -------------------------------------------------------------------- run

    def run(self) -> bool:
        """Start the comparison job; a problem with the choice is shown as a dialog. True if started."""
        try:
            problem = self.problem()
            runs = self.plan()
            compare.check_plan(problem, runs)
        except WorkbenchError as error:
            QMessageBox.warning(self, "Cannot compare", str(error))
            return False
        self._count = len(runs)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(f"Running {len(runs)} methods…")
        finished: list = []
        self._finished = (problem, finished)
        estimate = self.estimate_box.isChecked() and problem.task is Task.DENOISE
        self.runner.start(
            lambda ctx: compare.run_comparison(
                problem, runs, ctx, on_result=finished.append, estimate=estimate
            )
        )
        return True

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 1000))
        index = min(int(fraction * self._count), self._count - 1) if self._count else 0
        within = fraction * self._count - index if self._count else fraction
        self.status.setText(f"Method {index + 1} of {self._count} - {within * 100:.0f} %\n{message}")

    def _job_over(self, text: str) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.status.setText(text)

    def job_finished(self, comparison: object) -> None:
        self.progress.setValue(1000)
        self._job_over("Done. Wheel to zoom, drag to pan: every tile follows.")
        self.show_comparison(comparison)

    def job_failed(self, message: str) -> None:
        self._job_over(f"Failed: {message}")
        QMessageBox.warning(self, "Comparison failed", message)

    def job_cancelled(self) -> None:
        """Show the methods that finished before the cancel (the job's thread has ended by now)."""
        self.progress.setValue(0)
        problem, finished = self._finished
        if not finished:
            self._job_over("Cancelled")
            return
        self._job_over(f"Cancelled: showing the {len(finished)} of {self._count} methods that finished.")
        self.show_comparison(compare.Comparison(problem, list(finished)))

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel the job and join its thread (call before the application quits)."""
        return self.runner.shutdown(timeout_ms)

    # ---------------------------------------------------------------- display

    def show_comparison(self, comparison: compare.Comparison) -> None:
        """Show the tiles and the metrics table of ``comparison``."""
        self.comparison = comparison
        self.export_button.setEnabled(bool(comparison.results))
        self.table.fill(comparison)
        self._name_baseline()
        self._fit_table()
        self._show_mode()

    def _fit_table(self) -> None:
        """Give the table the height of its rows (up to half the column), so a handful of methods
        shows without scrolling; the tiles keep the rest."""
        sizes = self.right_splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        wanted = min(self.table.rows_height(), total // 2)
        self.right_splitter.setSizes([total - wanted, wanted])

    def _show_mode(self) -> None:
        if self.comparison is not None:
            self._set_tiles(mode_tiles(self.comparison, self.mode))
        self._update_swipe()

    def _mode_toggled(self, button: QRadioButton, checked: bool) -> None:
        if checked:
            self.set_mode(button.property("mode"))

    def set_mode(self, mode: str) -> None:
        """RESULTS, ERRORS (|result - reference| heat maps, one scale), NOISE (input - result) or
        STRUCTURE (|local correlation| of removed noise and result)."""
        self.mode = mode
        for button in self.mode_buttons.buttons():
            if button.property("mode") == mode and not button.isChecked():
                button.setChecked(True)
        self._show_mode()

    def _set_tiles(self, tiles: list[TileContent]) -> None:
        """Show ``tiles``; when the set of tiles changed, the swipe boxes offer the new names."""
        if not self.grid.set_tiles(tiles):
            return
        names = [name for name, _, _ in tiles]
        for combo, default in ((self.swipe_a, 0), (self.swipe_b, len(names) - 1)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentIndex(default)
            combo.blockSignals(False)

    @property
    def tiles(self) -> list[Tile]:
        """The tiles shown now, in grid order."""
        return self.grid.tiles

    def fit(self) -> None:
        """Show the whole image in every tile; it stays fitted as the tiles resize, until the user zooms."""
        self.grid.links.fit()

    def _update_swipe(self, *_args: object) -> None:
        swiping = self.swipe_box.isChecked() and len(self.tiles) > 1
        self.pictures.setCurrentIndex(1 if swiping else 0)
        if swiping:
            self.swipe.show_pair(
                self.tiles[self.swipe_a.currentIndex()], self.tiles[self.swipe_b.currentIndex()]
            )
            self.swipe.view.setRange(self.tiles[0].view.viewRect(), padding=0)

    # ----------------------------------------------------------------- export

    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export comparison to folder")
        if folder:
            self.export_to(folder)

    def export_to(self, folder: str | Path) -> bool:
        """Write the comparison folder (see ``compare.export_comparison``); a failure is shown in a dialog."""
        if self.comparison is None:
            return False
        source = self.comparison.problem.observed.source
        sources = {"input": source} if source else {}
        try:
            compare.export_comparison(
                self.comparison, folder, stem=Path(source).stem if source else "", sources=sources
            )
        except WorkbenchError as error:
            QMessageBox.warning(self, "Export failed", str(error))
            return False
        self.status.setText(f"Exported to {folder}")
        return True


def attach(session: QtSession, host: Host) -> CompareView:
    """Add a Compare page that solves the session's problem and lists the methods of its task."""
    view = CompareView()
    host.add_page("Compare", view, shutdown=view.shutdown)
    session.task_changed.connect(view.refresh_methods)
    session.follow_problem(view.set_problem)
    return view
