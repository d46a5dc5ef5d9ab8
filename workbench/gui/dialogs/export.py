"""Asking where and how to export: file name, format (PNG, TIFF, JPEG), bit depth and JPEG quality."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
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
    """Where to write and how: bit depth 8 or 16 (PNG/TIFF), quality 1..100 (JPEG)."""

    path: Path
    bit_depth: int = 8
    quality: int = 95

    @property
    def is_jpeg(self) -> bool:
        return self.path.suffix.lower() in (".jpg", ".jpeg")


def with_suffix_for_filter(path: str, chosen_filter: str) -> Path:
    """``path`` with the filter's extension added when it has no known image extension."""
    target = Path(path)
    if target.suffix.lower() not in KNOWN_SUFFIXES:
        target = target.with_name(target.name + FILTERS.get(chosen_filter, ".png"))
    return target


class ExportOptions(QDialog):
    """Bit depth for PNG/TIFF or quality for JPEG."""

    def __init__(self, path: Path, default_depth: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export {path.name}")
        self.depth = QComboBox()
        self.depth.addItem("8 bits per sample", 8)
        self.depth.addItem("16 bits per sample", 16)
        self.depth.setCurrentIndex(1 if default_depth == 16 else 0)
        self.quality = QSpinBox()
        self.quality.setRange(1, 100)
        self.quality.setValue(95)
        form = QFormLayout(self)
        if path.suffix.lower() in (".jpg", ".jpeg"):
            form.addRow("JPEG quality", self.quality)
        else:
            form.addRow("Bit depth", self.depth)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def ask_export_choice(parent: QWidget, start: Path, default_depth: int) -> ExportChoice | None:
    """Ask for a file and its options; None if the user cancelled either dialog.

    The overwrite question is asked separately (see :func:`confirm_overwrite`).
    """
    path, chosen_filter = QFileDialog.getSaveFileName(
        parent,
        "Export result",
        str(start),
        ";;".join(FILTERS),
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    if not path:
        return None
    target = with_suffix_for_filter(path, chosen_filter)
    options = ExportOptions(target, default_depth, parent)
    if options.exec() != QDialog.DialogCode.Accepted:
        return None
    return ExportChoice(target, int(options.depth.currentData()), int(options.quality.value()))


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
