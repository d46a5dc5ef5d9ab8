"""Asking where and how to export, in one dialog: file name, format (PNG, TIFF, JPEG), bit depth
or JPEG quality, and whether to replace a file that exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

FILTERS = {
    "PNG image (*.png)": ".png",
    "TIFF image (*.tif *.tiff)": ".tif",
    "JPEG image (*.jpg *.jpeg)": ".jpg",
}
KNOWN_SUFFIXES = (".png", ".tif", ".tiff", ".jpg", ".jpeg")


@dataclass(frozen=True)
class ExportChoice:
    """Where to write and how: bit depth 8 or 16 (PNG/TIFF), quality 1..100 (JPEG), and whether
    replacing an existing file was agreed."""

    path: Path
    bit_depth: int = 8
    quality: int = 95
    overwrite: bool = False
    """True when the user has already agreed to replace an existing ``path``."""

    @property
    def is_jpeg(self) -> bool:
        return self.path.suffix.lower() in (".jpg", ".jpeg")


def with_suffix_for_filter(path: str, chosen_filter: str) -> Path:
    """``path`` with the filter's extension added when it has no known image extension."""
    target = Path(path)
    if target.suffix.lower() not in KNOWN_SUFFIXES:
        target = target.with_name(target.name + FILTERS.get(chosen_filter, ".png"))
    return target


class ExportDialog(QDialog):
    """One dialog for an export: the file (typed, or chosen with Browse…), its format's option
    (bit depth for PNG/TIFF, quality for JPEG) and, when the file exists already, a warning on
    the dialog itself and a button that says Replace: every question in the order it arises."""

    def __init__(self, start: Path, default_depth: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export result")
        self.path_edit = QLineEdit(str(start))
        self.path_edit.setMinimumWidth(420)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.depth = QComboBox()
        self.depth.addItem("8 bits per sample", 8)
        self.depth.addItem("16 bits per sample", 16)
        self.depth.setCurrentIndex(1 if default_depth == 16 else 0)
        self.quality = QSpinBox()
        self.quality.setRange(1, 100)
        self.quality.setValue(95)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b35900;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout(self)
        self.form.addRow("File", row)
        self.form.addRow("Bit depth", self.depth)
        self.form.addRow("JPEG quality", self.quality)
        self.form.addRow(self.warning)
        self.form.addRow(self.buttons)
        self.path_edit.textChanged.connect(self._update)
        self._update()

    def target(self) -> Path:
        """The file to write, with ``.png`` added when it names no image format."""
        return with_suffix_for_filter(self.path_edit.text().strip(), "")

    def choice(self) -> ExportChoice:
        """The answers as an ExportChoice (``overwrite`` True when the dialog said it replaces)."""
        target = self.target()
        return ExportChoice(target, int(self.depth.currentData()), int(self.quality.value()), target.exists())

    def browse(self) -> None:
        """Choose the file in a file dialog wide enough for its columns, starting at the typed one."""
        dialog = QFileDialog(self, "Export result", str(self.target()), ";;".join(FILTERS))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)
        dialog.setViewMode(QFileDialog.ViewMode.Detail)
        dialog.resize(860, 520)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.selectedFiles():
            chosen = with_suffix_for_filter(dialog.selectedFiles()[0], dialog.selectedNameFilter())
            self.path_edit.setText(str(chosen))

    def _update(self) -> None:
        target = self.target()
        jpeg = target.suffix.lower() in (".jpg", ".jpeg")
        self.form.setRowVisible(1, not jpeg)
        self.form.setRowVisible(2, jpeg)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        folder_missing = not target.parent.is_dir()
        if folder_missing:
            self.warning.setText(f"The folder {target.parent} does not exist.")
        elif target.exists():
            self.warning.setText(f"{target.name} already exists in {target.parent}: Export replaces it.")
        else:
            self.warning.setText("")
        self.warning.setVisible(bool(self.warning.text()))
        ok.setText("Replace" if target.exists() else "Export")
        ok.setEnabled(bool(self.path_edit.text().strip()) and not folder_missing)


def ask_export_choice(parent: QWidget, start: Path, default_depth: int) -> ExportChoice | None:
    """Ask for the file and its options in one dialog; None if the user cancelled."""
    dialog = ExportDialog(start, default_depth, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()


def confirm_overwrite(parent: QWidget, path: Path) -> bool:
    """Ask before replacing an existing file; True when the user agreed."""
    answer = QMessageBox.question(
        parent,
        "Replace file?",
        f"{path.name} already exists in {path.parent}.\nDo you want to replace it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
