"""How a camera RAW is developed: demosaic, white balance, output curve and bit depth.

The demosaic list holds LibRaw's algorithms, then the workbench's own demosaickers, which run on
the camera's Bayer data with the same white balance, colour matrix and tone curve as LibRaw's
development (``workbench.core.io.raw_bayer``), so the two can be compared. The choice is
remembered in QSettings under ``raw/`` and offered again (preselected) each time a RAW file is
opened, unless the user asked not to be asked; File > Camera RAW options… changes it at any time.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from workbench.core.errors import ParameterError
from workbench.core.io import RawOptions
from workbench.core.io.raw import BIT_DEPTHS, DEMOSAIC_CHOICES, OUTPUTS, WHITE_BALANCES

DEMOSAIC_LABELS = {
    "ahd": "AHD - adaptive homogeneity (LibRaw's default)",
    "aahd": "AAHD - AHD with fewer artefacts",
    "dcb": "DCB - sharp, few mazes",
    "dht": "DHT - good on fine diagonals",
    "ppg": "PPG - patterned pixel grouping (fast)",
    "vng": "VNG - variable number of gradients",
    "linear": "Bilinear (fastest, softest)",
    "demosaic_bilinear": "Workbench bilinear",
    "demosaic_malvar": "Workbench Malvar-He-Cutler (gradient-corrected)",
    "demosaic_menon": "Workbench Menon 2007 (directional, slower)",
    "demosaic_net": "Workbench CNN - demosaicks and denoises",
}
WHITE_BALANCE_LABELS = {"camera": "As shot (the camera's)", "auto": "Automatic (grey world)"}
OUTPUT_LABELS = {
    "srgb": "sRGB - tone curve and brightening, for viewing",
    "linear": "Linear sRGB - raw response, for noise models",
}
BIT_DEPTH_LABELS = {16: "16 bits per sample", 8: "8 bits per sample"}
FIELDS = ("demosaic", "white_balance", "output", "bit_depth")
ASK_KEY = "raw/ask"


def load_raw_options(settings: QSettings) -> RawOptions:
    """The options chosen last time (full size), or the defaults when none or bad ones are stored."""
    stored = {name: settings.value(f"raw/{name}") for name in FIELDS}
    chosen = {name: value for name, value in stored.items() if value is not None}
    try:
        if "bit_depth" in chosen:
            chosen["bit_depth"] = int(chosen["bit_depth"])
        return RawOptions(**chosen)
    except (ParameterError, TypeError, ValueError):
        return RawOptions()


def save_raw_options(settings: QSettings, options: RawOptions) -> None:
    """Remember ``options`` (without half_size, which is only ever used for previews)."""
    for name in FIELDS:
        settings.setValue(f"raw/{name}", getattr(options, name))


def asks_each_time(settings: QSettings) -> bool:
    """True unless the user asked to open RAW files with the remembered options without asking."""
    return str(settings.value(ASK_KEY, "true")).lower() == "true"


def _combo(labels: dict, allowed: tuple, current: object) -> QComboBox:
    box = QComboBox()
    for value in allowed:
        box.addItem(labels.get(value, str(value)), value)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


class RawDialog(QDialog):
    """The RAW options form: four choices and "ask each time"."""

    def __init__(
        self, options: RawOptions, ask: bool, path: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Develop {path.name}" if path else "Camera RAW options")
        self.demosaic = _combo(DEMOSAIC_LABELS, DEMOSAIC_CHOICES, options.demosaic)
        self.demosaic.setToolTip(
            "LibRaw's algorithms, or the workbench's own demosaickers on the camera's Bayer data "
            "(same white balance, colour matrix and tone curve)"
        )
        self.white_balance = _combo(WHITE_BALANCE_LABELS, WHITE_BALANCES, options.white_balance)
        self.output = _combo(OUTPUT_LABELS, OUTPUTS, options.output)
        self.bit_depth = _combo(BIT_DEPTH_LABELS, BIT_DEPTHS, options.bit_depth)
        self.ask = QCheckBox("Ask each time a camera RAW is opened")
        self.ask.setChecked(ask)
        self.ask.setToolTip("Without asking, RAW files open with these options; File > Camera RAW options…")
        note = QLabel(
            "A quick half-size preview is shown while the full image is developed. The workbench's "
            "demosaickers take seconds per megapixel (Menon and the CNN the longest); they show "
            "progress and can be cancelled, LibRaw's cannot."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open" if path else "OK")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Demosaic", self.demosaic)
        form.addRow("White balance", self.white_balance)
        form.addRow("Output", self.output)
        form.addRow("Bit depth", self.bit_depth)
        form.addRow(self.ask)
        form.addRow(note)
        form.addRow(buttons)

    def options(self) -> RawOptions:
        """The options as chosen in the form."""
        return RawOptions(
            demosaic=self.demosaic.currentData(),
            white_balance=self.white_balance.currentData(),
            output=self.output.currentData(),
            bit_depth=int(self.bit_depth.currentData()),
        )


def edit_raw_options(parent: QWidget, settings: QSettings, path: Path | None = None) -> RawOptions | None:
    """Show the form with the remembered options; remember and return the choice, None if cancelled."""
    dialog = RawDialog(load_raw_options(settings), asks_each_time(settings), path, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    options = dialog.options()
    save_raw_options(settings, options)
    settings.setValue(ASK_KEY, "true" if dialog.ask.isChecked() else "false")
    return options


def ask_raw_options(parent: QWidget, settings: QSettings, path: Path) -> RawOptions | None:
    """The options to develop ``path`` with: asked (see :func:`edit_raw_options`) unless the user
    chose not to be asked, then the remembered ones. None if the user cancelled."""
    if not asks_each_time(settings):
        return load_raw_options(settings)
    return edit_raw_options(parent, settings, path)
