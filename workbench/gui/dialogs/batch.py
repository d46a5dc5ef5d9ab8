"""File > Batch…: the window's method, with its current parameters, over every image of a folder.

The work is :func:`workbench.core.batch.run_batch` on the dialog's own :class:`JobRunner`:
progress and Cancel while it runs, nothing ever overwritten (a taken name gets a numbered
suffix), and at the end the files written and those skipped, each with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.batch import BatchReport, batch_inputs, run_batch
from workbench.core.errors import InputError, ParameterError, WorkbenchError
from workbench.core.io import RawOptions
from workbench.core.problem import Task
from workbench.core.registry import Method

from ..workers.runner import owned_runner

FORMATS = {".tif": "TIFF (.tif)", ".png": "PNG (.png)", ".jpg": "JPEG (.jpg, 8-bit, quality 95)"}
BIT_DEPTHS = {0: "As the source", 16: "16 bits per sample", 8: "8 bits per sample"}
BATCH_TASKS = (Task.DENOISE, Task.JPEG)
"""Tasks a folder can be restored for: they need nothing but the image (no mask, kernel or scale)."""
SKIPPED_COLOUR = QColor(200, 60, 50)
JOIN_MS = 600_000


@dataclass(frozen=True)
class BatchSetup:
    """What the window hands to a batch: the method, its resolved parameters, the task, how RAW
    files are developed and the device."""

    method: Method
    values: dict[str, Any]
    task: Task
    raw: RawOptions
    device: str = "auto"

    def describe(self) -> str:
        """One line such as "BM3D: sigma=25, profile=np"."""
        settings = ", ".join(
            f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}"
            for key, value in self.values.items()
        )
        return f"{self.method.label}: {settings}" if settings else self.method.label


def check_setup(setup: BatchSetup) -> None:
    """Raise ParameterError when the task cannot be batched or the method does not do it."""
    if setup.task not in BATCH_TASKS:
        raise ParameterError(
            f"a batch restores whole folders for {' or '.join(t.title.lower() for t in BATCH_TASKS)}; "
            f"{setup.task.title.lower()} needs a mask, kernel or scale per image"
        )
    if setup.task not in setup.method.tasks:
        raise ParameterError(f"{setup.method.label} does not do {setup.task.title.lower()}")


def report_lines(report: BatchReport) -> list[tuple[str, bool]]:
    """(text, skipped) for each file of a finished batch: the written ones first, then the skipped."""
    lines = [(f"{source.name}  →  {target.name}", False) for source, target in report.written]
    lines += [(f"skipped {source.name}: {reason}", True) for source, reason in report.skipped]
    return lines


class BatchDialog(QDialog):
    """Input folder, output folder, format and bit depth; Start, Cancel, and the outcome listed."""

    def __init__(self, setup: BatchSetup, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Batch")
        self.setup = setup
        self.settings = settings
        self.runner = owned_runner(self)
        self._out_dir: Path | None = None
        self._build()
        self._restore_choices()
        self._connect()
        self._set_running(False)
        self._count_inputs()

    # ----------------------------------------------------------------- building

    def _folder_row(self, edit: QLineEdit, title: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(edit, title))
        layout.addWidget(browse)
        return row

    def _build(self) -> None:
        self.in_edit = QLineEdit()
        self.out_edit = QLineEdit()
        self.in_count = QLabel()
        self.format_box = QComboBox()
        for suffix, label in FORMATS.items():
            self.format_box.addItem(label, suffix)
        self.depth_box = QComboBox()
        for depth, label in BIT_DEPTHS.items():
            self.depth_box.addItem(label, depth)
        method = QLabel(self.setup.describe())
        method.setWordWrap(True)
        raw = QLabel(f"{self.setup.raw.describe()} (File > Camera RAW options…)")
        raw.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Input folder", self._folder_row(self.in_edit, "Folder of images to restore"))
        form.addRow("", self.in_count)
        form.addRow("Output folder", self._folder_row(self.out_edit, "Folder for the results"))
        form.addRow("Method", method)
        form.addRow("Task", QLabel(self.setup.task.title))
        form.addRow("Camera RAW", raw)
        form.addRow("Format", self.format_box)
        form.addRow("Bit depth", self.depth_box)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Existing files are never replaced: a taken name gets -1, -2, …")
        self.status.setWordWrap(True)
        self.results = QListWidget()
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel batch")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 520)

    def _connect(self) -> None:
        self.in_edit.textChanged.connect(lambda _text: self._count_inputs())
        self.format_box.currentIndexChanged.connect(lambda _index: self._format_changed())
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)
        self.runner.progress.connect(self._on_progress)
        self.runner.idle.connect(lambda: self._set_running(False))

    def _restore_choices(self) -> None:
        self.in_edit.setText(str(self.settings.value("batch/in_dir", "")))
        self.out_edit.setText(str(self.settings.value("batch/out_dir", "")))
        self.format_box.setCurrentIndex(max(self.format_box.findData(self.settings.value("batch/format")), 0))
        depth = int(self.settings.value("batch/bit_depth", 0) or 0)
        self.depth_box.setCurrentIndex(max(self.depth_box.findData(depth), 0))
        self._format_changed()

    def _remember_choices(self) -> None:
        self.settings.setValue("batch/in_dir", self.in_edit.text())
        self.settings.setValue("batch/out_dir", self.out_edit.text())
        self.settings.setValue("batch/format", self.format_box.currentData())
        self.settings.setValue("batch/bit_depth", self.depth_box.currentData())

    # ----------------------------------------------------------------- choosing

    def _browse(self, edit: QLineEdit, title: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, title, edit.text() or str(Path.home()))
        if folder:
            edit.setText(folder)

    def _format_changed(self) -> None:
        jpeg = self.format_box.currentData() == ".jpg"
        self.depth_box.setEnabled(not jpeg)
        self.depth_box.setToolTip("JPEG is always 8-bit" if jpeg else "")

    def _count_inputs(self) -> None:
        folder = Path(self.in_edit.text().strip())
        if not self.in_edit.text().strip() or not folder.is_dir():
            self.in_count.setText("Choose the folder of images or camera RAW files")
            return
        count = len(batch_inputs(folder))
        plural = "s" if count != 1 else ""
        self.in_count.setText(f"{count} file{plural} (unreadable ones are skipped and named)")

    def chosen_folders(self) -> tuple[list[Path], Path]:
        """(the input files, the output folder) as chosen; InputError says what is wrong."""
        in_text, out_text = self.in_edit.text().strip(), self.out_edit.text().strip()
        if not in_text or not Path(in_text).is_dir():
            raise InputError(f"choose an input folder{f' ({in_text} is not a folder)' if in_text else ''}")
        if not out_text:
            raise InputError("choose an output folder")
        in_dir, out_dir = Path(in_text), Path(out_text)
        if out_dir.resolve() == in_dir.resolve():
            raise InputError("choose an output folder other than the input folder")
        inputs = batch_inputs(in_dir)
        if not inputs:
            raise InputError(f"{in_dir} holds no files")
        return inputs, out_dir

    # ----------------------------------------------------------------- running

    def start(self) -> bool:
        """Start the batch in the background; False (after a dialog saying why) when it cannot."""
        try:
            check_setup(self.setup)
            inputs, out_dir = self.chosen_folders()
        except WorkbenchError as error:
            QMessageBox.warning(self, "Cannot start the batch", str(error))
            return False
        self._remember_choices()
        self._out_dir = out_dir
        setup, suffix = self.setup, self.format_box.currentData()
        depth = int(self.depth_box.currentData()) or None

        def job(ctx) -> BatchReport:
            return run_batch(
                inputs,
                out_dir,
                setup.method.name,
                setup.values,
                suffix,
                ctx,
                bit_depth=depth,
                raw=setup.raw,
                task=setup.task,
                existing="copy",
            )

        self.results.clear()
        self.progress.setValue(0)
        self.status.setText(f"Restoring {len(inputs)} files into {out_dir}…")
        self.runner.start(job, setup.device)
        self._set_running(True)
        return True

    def cancel(self) -> None:
        """Stop after the current file's next progress check; the files written stay."""
        if self.runner.is_running():
            self.runner.cancel()
            self.status.setText("Cancelling…")

    def is_running(self) -> bool:
        return self.runner.is_running()

    def shutdown(self) -> bool:
        """Cancel a running batch and wait for its thread; False if it is still running after the wait."""
        return self.runner.shutdown(JOIN_MS)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.in_edit, self.out_edit, self.format_box):
            widget.setEnabled(not running)
        self.depth_box.setEnabled(not running and self.format_box.currentData() != ".jpg")

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 1000))
        if message:
            self.status.setText(message)

    def job_finished(self, report: object) -> None:
        if not isinstance(report, BatchReport):
            return
        self.progress.setValue(1000)
        for text, skipped in report_lines(report):
            item = QListWidgetItem(text)
            item.setToolTip(text)
            if skipped:
                item.setForeground(QBrush(SKIPPED_COLOUR))
            self.results.addItem(item)
        self.status.setText(
            f"{len(report.written)} written to {self._out_dir}, {len(report.skipped)} skipped "
            f"in {report.seconds:.1f} s"
        )

    def job_failed(self, message: str) -> None:
        self.status.setText(f"Failed: {message}")
        QMessageBox.warning(self, "Batch failed", message)

    def job_cancelled(self) -> None:
        self.status.setText(f"Cancelled; the files written so far stay in {self._out_dir}.")

    # ----------------------------------------------------------------- closing

    def done(self, result: int) -> None:
        """Closing the dialog cancels a running batch (the files written so far stay)."""
        self.hide()
        self.shutdown()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc cancels a running batch instead of closing the dialog."""
        if event.key() == Qt.Key.Key_Escape and self.runner.is_running():
            self.cancel()
            return
        super().keyPressEvent(event)
