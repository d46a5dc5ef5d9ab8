"""The Train page's settings form: data and noise, network and size, and the run's steps,
optimiser, validation, seed and checkpoint. Rows that a mode does not use are hidden, and
:meth:`TrainForm.settings` turns the form into the core's :class:`TrainSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from workbench.core.errors import ParameterError
from workbench.core.loss_choices import LABELS as LOSS_LABELS
from workbench.core.loss_choices import LOSSES
from workbench.core.train.setup import TrainSettings

from ...widgets.forms import float_spin, int_spin

NOISE_KINDS = (
    ("gaussian", "Gaussian", "signal-independent noise of std sigma"),
    (
        "poisson_gaussian",
        "Poisson–Gaussian",
        "photon (shot) noise of a camera plus Gaussian read noise sigma",
    ),
)

MODES = (
    ("supervised", "Supervised (clean folder)", "clean images with synthetic Gaussian noise added"),
    ("noise2noise", "Noise2Noise (noisy pairs)", "two folders of noisy shots of the same scenes"),
    ("blindspot", "Blind-spot (the open image)", "the open noisy image alone (Noise2Void)"),
)
ARCHITECTURES = ("dncnn", "ffdnet", "unet")
OPTIMIZER_CHOICES = (
    ("adam", "Adam", "moves every weight by about the learning rate, whatever its gradient"),
    ("sgd", "SGD, momentum 0.9", "moves weights along the mean gradient, as the DnCNN paper trains"),
)
DEFAULT_LR = {"adam": 1e-3, "sgd": 0.01}
"""Starting learning rate of each optimiser when the user has not set one."""
MODE_LABELS = {"supervised": "supervised", "noise2noise": "Noise2Noise", "blindspot": "blind-spot"}


@dataclass(frozen=True)
class SizeDefaults:
    """The form's starting sizes: small on a CPU, the usual ones on a GPU."""

    width: int
    depth: int
    batch: int
    patch: int


CPU_DEFAULTS = SizeDefaults(width=16, depth=8, batch=8, patch=48)
GPU_DEFAULTS = SizeDefaults(width=64, depth=17, batch=32, patch=64)


class TrainForm(QWidget):
    """The settings of the next training run, one row per setting (``rows`` is the layout)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = QFormLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        sizes = GPU_DEFAULTS if torch.cuda.is_available() else CPU_DEFAULTS
        self._build_data_rows()
        self._build_model_rows(sizes)
        self._build_run_rows(sizes)
        self._mode_changed()
        self._architecture_changed()

    def _build_data_rows(self) -> None:
        self.mode = QComboBox()
        for index, (mode, text, tip) in enumerate(MODES):
            self.mode.addItem(text, mode)
            self.mode.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.folder, self.folder_row = path_row("folder of clean images", self._choose_folder)
        self.pair_folder, self.pair_row = path_row(
            "second folder (same file names)", self._choose_pair_folder
        )
        self.sigma = float_spin(0, 255, 25, 1, "noise std in 8-bit units")
        self.sigma_to = float_spin(0, 255, 25, 1, "upper end of the sigma range (equal: one sigma)")
        self.sigma_to_label = QLabel("to")
        sigma_row = QHBoxLayout()
        for widget in (self.sigma, self.sigma_to_label, self.sigma_to):
            sigma_row.addWidget(widget)
        self.noise_kind = QComboBox()
        for index, (kind, text, tip) in enumerate(NOISE_KINDS):
            self.noise_kind.addItem(text, kind)
            self.noise_kind.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.noise_kind.currentIndexChanged.connect(self._mode_changed)
        self.peak = float_spin(1, 100_000, 30, 5, "photons at white: larger is less shot noise", 1)
        self.rows.addRow("Mode", self.mode)
        self.rows.addRow("Folder", self.folder_row)
        self.rows.addRow("Pair folder", self.pair_row)
        self.rows.addRow("Noise", self.noise_kind)
        self.rows.addRow("Noise σ", sigma_row)
        self.rows.addRow("Photons at white", self.peak)

    def _build_model_rows(self, sizes: SizeDefaults) -> None:
        self.architecture = QComboBox()
        self.architecture.addItems(ARCHITECTURES)
        self.architecture.currentTextChanged.connect(self._architecture_changed)
        self.width = int_spin(2, 256, sizes.width, "feature channels (doubled at each U-Net level)", step=8)
        self.depth = int_spin(2, 30, sizes.depth, "convolutions (DnCNN, FFDNet)")
        self.colour = QCheckBox("Colour model (3 channels)")
        self.colour.setToolTip("Unticked: a gray model, run on each channel of a colour image")
        self.rows.addRow("Network", self.architecture)
        self.rows.addRow("Width", self.width)
        self.rows.addRow("Depth", self.depth)
        self.rows.addRow(self.colour)

    def _build_run_rows(self, sizes: SizeDefaults) -> None:
        self.steps = int_spin(1, 1_000_000, 1000, "optimiser steps", step=100)
        self.minutes = float_spin(
            0, 100_000, 0, 5, "stop after this many minutes of training (0: no limit)", 2
        )
        self.minutes.setSpecialValueText("no limit")
        self.batch = int_spin(1, 512, sizes.batch, "patches per step")
        self.patch = int_spin(
            8, 512, sizes.patch, "patch side in pixels (a multiple of 4 suits every net)", 8
        )
        self.lr = float_spin(1e-5, 0.1, 1e-3, 1e-4, "learning rate (cosine decay to 1/100 of it)", 5)
        self.optimizer = QComboBox()
        for name, label, tip in OPTIMIZER_CHOICES:
            self.optimizer.addItem(label, name)
            self.optimizer.setItemData(self.optimizer.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.optimizer.currentIndexChanged.connect(self._optimizer_changed)
        self.loss = QComboBox()
        for name in LOSSES:
            self.loss.addItem(LOSS_LABELS[name], name)
        self.loss.setToolTip(
            "what training minimises; mix = 0.84 MS-SSIM + 0.16 l1 (Zhao et al. 2017); "
            "blind-spot scores single pixels and takes l2 or l1 only"
        )
        self.weight_decay = float_spin(0, 0.1, 0, 1e-4, "L2 penalty on every weight (the paper: 1e-4)", 5)
        self.weight_decay.setSpecialValueText("none")
        self.validate_every = int_spin(1, 100_000, 20, "steps between two validation PSNR points", step=10)
        self.seed = int_spin(0, 2**31 - 1, 0, "seeds patches, noise and initialisation")
        self.checkpoint, checkpoint_row = path_row("none (optional .ckpt file)", self._choose_checkpoint)
        self.resume = QCheckBox("Resume from the checkpoint")
        self.rows.addRow("Steps", self.steps)
        self.rows.addRow("Time limit (min)", self.minutes)
        self.rows.addRow("Batch", self.batch)
        self.rows.addRow("Patch", self.patch)
        self.rows.addRow("Optimizer", self.optimizer)
        self.rows.addRow("Loss", self.loss)
        self.rows.addRow("Learning rate", self.lr)
        self.rows.addRow("Weight decay", self.weight_decay)
        self.rows.addRow("Validate every", self.validate_every)
        self.rows.addRow("Seed", self.seed)
        self.rows.addRow("Checkpoint", checkpoint_row)
        self.rows.addRow(self.resume)

    def mode_name(self) -> str:
        """'supervised', 'noise2noise' or 'blindspot'."""
        return str(self.mode.currentData())

    def set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(self.mode.findData(mode))

    def _mode_changed(self) -> None:
        mode = self.mode_name()
        self.rows.setRowVisible(self.folder_row, mode != "blindspot")
        self.rows.setRowVisible(self.pair_row, mode == "noise2noise")
        self.folder.setPlaceholderText(
            "folder of clean images" if mode == "supervised" else "first folder of noisy shots"
        )
        supervised = mode == "supervised"
        poisson = supervised and self.noise_kind.currentData() == "poisson_gaussian"
        self.sigma_to.setVisible(supervised)
        self.sigma_to_label.setVisible(supervised)
        self.rows.setRowVisible(self.noise_kind, supervised)
        self.rows.setRowVisible(self.peak, poisson)
        if poisson:
            tip = "Gaussian read-noise std in 8-bit units (or the low end of a range)"
        elif supervised:
            tip = "synthetic noise std in 8-bit units (or the low end of a range)"
        else:
            tip = "the images' noise std in 8-bit units, given to level-aware networks (FFDNet, U-Net)"
        self.sigma.setToolTip(tip)

    def _optimizer_changed(self) -> None:
        """Swap the learning rate to the new optimiser's default while it is at the other's."""
        chosen = str(self.optimizer.currentData())
        if any(abs(self.lr.value() - lr) < 1e-9 for name, lr in DEFAULT_LR.items() if name != chosen):
            self.lr.setValue(DEFAULT_LR[chosen])

    def _architecture_changed(self) -> None:
        self.depth.setEnabled(self.architecture.currentText() != "unet")

    def _choose_folder(self) -> None:
        self._choose_directory(self.folder, "Training folder")

    def _choose_pair_folder(self) -> None:
        self._choose_directory(self.pair_folder, "Second folder of noisy shots")

    def _choose_directory(self, field: QLineEdit, title: str) -> None:
        chosen = QFileDialog.getExistingDirectory(self, title, field.text() or str(Path.home()))
        if chosen:
            field.setText(chosen)

    def _choose_checkpoint(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Checkpoint file",
            self.checkpoint.text() or str(Path.home() / "training.ckpt"),
            "Training checkpoints (*.ckpt);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            self.checkpoint.setText(chosen)

    def settings(self, open_image: Path) -> TrainSettings:
        """The training settings the form describes; ``open_image`` is the blind-spot data (the
        window's image file, or an empty path for an image degraded in the window).

        Raises:
            ParameterError: a folder the mode needs is not given, or the sigma range is reversed.
        """
        mode = self.mode_name()
        low = self.sigma.value()
        high = self.sigma_to.value() if mode == "supervised" else low
        if high < low:
            raise ParameterError(f"the sigma range {low:g} to {high:g} is reversed")
        pair = None
        if mode == "noise2noise":
            pair = self._folder(self.pair_folder, "the second folder of noisy shots")
        return TrainSettings(
            mode=mode,
            data=open_image if mode == "blindspot" else self._data_path(mode),
            data_b=pair,
            architecture=self.architecture.currentText(),
            model_kwargs=self._model_kwargs(),
            channels=3 if self.colour.isChecked() else 1,
            noise=str(self.noise_kind.currentData()) if mode == "supervised" else "gaussian",
            sigma_min=low,
            sigma_max=high,
            peak=self.peak.value(),
            patch=self.patch.value(),
            batch=self.batch.value(),
            steps=self.steps.value(),
            minutes=self.minutes.value() or None,
            lr=self.lr.value(),
            seed=self.seed.value(),
            optimizer=str(self.optimizer.currentData()),
            weight_decay=self.weight_decay.value(),
            loss=str(self.loss.currentData()),
        )

    def _model_kwargs(self) -> dict[str, int]:
        if self.architecture.currentText() == "unet":
            return {"width": self.width.value()}
        return {"width": self.width.value(), "depth": self.depth.value()}

    def _data_path(self, mode: str) -> Path:
        what = "a folder of clean images" if mode == "supervised" else "the first folder of noisy shots"
        return self._folder(self.folder, what)

    @staticmethod
    def _folder(field: QLineEdit, what: str) -> Path:
        text = field.text().strip()
        if not text:
            raise ParameterError(f"choose {what}")
        return Path(text).expanduser()

    def checkpoint_path(self) -> Path | None:
        """The checkpoint file to write (and resume from when ticked), or None.

        Raises:
            ParameterError: Resume is ticked without a checkpoint file.
        """
        text = self.checkpoint.text().strip()
        if not text:
            if self.resume.isChecked():
                raise ParameterError("choose the checkpoint file to resume from")
            return None
        return Path(text).expanduser()


def path_row(placeholder: str, browse) -> tuple[QLineEdit, QWidget]:
    """A line edit with a '…' button beside it; returns the edit and the row widget (its parent)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    button = QToolButton()
    button.setText("…")
    button.clicked.connect(browse)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return edit, row
