"""The training panel: train a denoiser in the window and watch its loss and validation PSNR, live.

Three ways to train (the core's :mod:`workbench.core.train`): supervised on a folder of clean
images with synthetic Gaussian or Poisson–Gaussian noise at a sigma or over a range, Noise2Noise
on two folders of noisy shots paired by file name, and blind-spot (Noise2Void) on the window's
open image alone. The form picks the architecture and its size (small by default on a CPU),
steps and an optional time limit, batch, patch, learning rate, validation period, seed and an
optional checkpoint to write and resume from.

A run is two jobs on the panel's :class:`~workbench.gui.worker.JobRunner` (see
:mod:`.train_run`): the first loads the data and builds the network (its network then becomes
the window's live network), the second steps the trainer. A timer on the GUI thread drains the
run's feed a few times a second into the curves, the rate and the time left; the curves of the
last few runs stay drawn, faded, under the current one. After a run (finished or cancelled) the
network can be saved in the workbench's weight format with its card, or applied to the open
image, which puts the result into the window's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import ParameterError, WorkbenchError
from workbench.core.pipeline import Result
from workbench.core.problem import Problem
from workbench.core.train.session import PreparedRun, training_card
from workbench.core.train.setup import TrainSettings
from workbench.core.train.trainer import Trainer

from . import export_dialog
from .form_widgets import button_grid, float_spin, int_spin, push_button
from .train_plots import EARLIER_COLOURS, TrainPlots
from .train_run import (
    EarlierRun,
    TrainCurves,
    Trained,
    TrainFeed,
    apply_job,
    prepare_job,
    train_job,
)
from .worker import JobRunner

CONTROLS_WIDTH = 340
"""Pixels of the settings column; the curves take the rest."""
REFRESH_MS = 250
"""How often the panel drains the feed and redraws (a few times a second)."""
EARLIER_RUNS = len(EARLIER_COLOURS)
"""How many earlier runs' curves stay drawn under the current one."""
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


class TrainPanel(QWidget):
    """Train a denoiser, live. Give it the window's problem with :meth:`set_problem`, then press Start.

    Signals:
        net_started(object): the torch network a run has just started to train (for live views).
        run_finished(object): the ``Trainer`` of a run that ended by itself.
        applied(object): the ``Result`` of applying the trained network to the open image.
    """

    net_started = Signal(object)
    run_finished = Signal(object)
    applied = Signal(object)

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner or JobRunner(self)
        self.problem: Problem | None = None
        self.device = "auto"
        self.trainer: Trainer | None = None
        self.run_settings: TrainSettings | None = None
        self.run_data = ""
        self.validation_label = ""
        self.curves = TrainCurves()
        self.earlier: list[EarlierRun] = []
        self.run_number = 0
        self.target_steps = 0
        self._validation = None
        self._feed = TrainFeed()
        self._pending: tuple[TrainSettings, Path | None, str] | None = None
        self._phase = ""
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self._mode_changed()
        self._architecture_changed()
        self._set_running(False)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.settings_box = QWidget()
        self.form = QFormLayout(self.settings_box)
        self.form.setContentsMargins(0, 0, 0, 0)
        self._build_data_rows()
        self._build_model_rows()
        self._build_run_rows()
        self._build_buttons()
        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.plots = TrainPlots()
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.settings_box)
        column.addWidget(self.data_label)
        column.addLayout(self.buttons)
        column.addWidget(self.status)
        column.addStretch(1)
        controls.setMaximumWidth(CONTROLS_WIDTH)
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(self.plots, 1)

    def _build_data_rows(self) -> None:
        self.mode = QComboBox()
        for index, (mode, text, tip) in enumerate(MODES):
            self.mode.addItem(text, mode)
            self.mode.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.folder, self.folder_row = _path_row("folder of clean images", self._choose_folder)
        self.pair_folder, self.pair_row = _path_row(
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
        self.form.addRow("Mode", self.mode)
        self.form.addRow("Folder", self.folder_row)
        self.form.addRow("Pair folder", self.pair_row)
        self.form.addRow("Noise", self.noise_kind)
        self.form.addRow("Noise σ", sigma_row)
        self.form.addRow("Photons at white", self.peak)

    def _build_model_rows(self) -> None:
        sizes = GPU_DEFAULTS if torch.cuda.is_available() else CPU_DEFAULTS
        self.architecture = QComboBox()
        self.architecture.addItems(ARCHITECTURES)
        self.architecture.currentTextChanged.connect(self._architecture_changed)
        self.width = int_spin(2, 256, sizes.width, "feature channels (doubled at each U-Net level)", step=8)
        self.depth = int_spin(2, 30, sizes.depth, "convolutions (DnCNN, FFDNet)")
        self.colour = QCheckBox("Colour model (3 channels)")
        self.colour.setToolTip("Unticked: a gray model, run on each channel of a colour image")
        self.form.addRow("Network", self.architecture)
        self.form.addRow("Width", self.width)
        self.form.addRow("Depth", self.depth)
        self.form.addRow(self.colour)
        self._sizes = sizes

    def _build_run_rows(self) -> None:
        self.steps = int_spin(1, 1_000_000, 1000, "optimiser steps", step=100)
        self.minutes = float_spin(
            0, 100_000, 0, 5, "stop after this many minutes of training (0: no limit)", 2
        )
        self.minutes.setSpecialValueText("no limit")
        self.batch = int_spin(1, 512, self._sizes.batch, "patches per step")
        self.patch = int_spin(
            8, 512, self._sizes.patch, "patch side in pixels (a multiple of 4 suits every net)", 8
        )
        self.lr = float_spin(1e-5, 0.1, 1e-3, 1e-4, "learning rate (cosine decay to 1/100 of it)", 5)
        self.optimizer = QComboBox()
        for name, label, tip in OPTIMIZER_CHOICES:
            self.optimizer.addItem(label, name)
            self.optimizer.setItemData(self.optimizer.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.optimizer.currentIndexChanged.connect(self._optimizer_changed)
        self.weight_decay = float_spin(0, 0.1, 0, 1e-4, "L2 penalty on every weight (the paper: 1e-4)", 5)
        self.weight_decay.setSpecialValueText("none")
        self.validate_every = int_spin(1, 100_000, 20, "steps between two validation PSNR points", step=10)
        self.seed = int_spin(0, 2**31 - 1, 0, "seeds patches, noise and initialisation")
        self.checkpoint, checkpoint_row = _path_row("none (optional .ckpt file)", self._choose_checkpoint)
        self.resume = QCheckBox("Resume from the checkpoint")
        self.form.addRow("Steps", self.steps)
        self.form.addRow("Time limit (min)", self.minutes)
        self.form.addRow("Batch", self.batch)
        self.form.addRow("Patch", self.patch)
        self.form.addRow("Optimizer", self.optimizer)
        self.form.addRow("Learning rate", self.lr)
        self.form.addRow("Weight decay", self.weight_decay)
        self.form.addRow("Validate every", self.validate_every)
        self.form.addRow("Seed", self.seed)
        self.form.addRow("Checkpoint", checkpoint_row)
        self.form.addRow(self.resume)

    def _build_buttons(self) -> None:
        self.start_button = push_button("Start", self.start)
        self.cancel_button = push_button("Cancel", self.cancel)
        self.save_button = push_button("Save weights…", self.save_weights)
        self.apply_button = push_button("Apply to the current image", self.apply_to_current)
        self.forget_button = push_button(
            "Clear earlier runs' curves",
            self.forget_earlier,
            f"the last {EARLIER_RUNS} runs stay drawn, faded, under the current one",
        )
        self.buttons = button_grid(
            (self.start_button, self.cancel_button, self.save_button, self.apply_button, self.forget_button)
        )

    # ------------------------------------------------------------------ form

    def mode_name(self) -> str:
        """'supervised', 'noise2noise' or 'blindspot'."""
        return str(self.mode.currentData())

    def set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(self.mode.findData(mode))

    def _mode_changed(self) -> None:
        mode = self.mode_name()
        self.form.setRowVisible(self.folder_row, mode != "blindspot")
        self.form.setRowVisible(self.pair_row, mode == "noise2noise")
        self.folder.setPlaceholderText(
            "folder of clean images" if mode == "supervised" else "first folder of noisy shots"
        )
        supervised = mode == "supervised"
        poisson = supervised and self.noise_kind.currentData() == "poisson_gaussian"
        self.sigma_to.setVisible(supervised)
        self.sigma_to_label.setVisible(supervised)
        self.form.setRowVisible(self.noise_kind, supervised)
        self.form.setRowVisible(self.peak, poisson)
        if poisson:
            tip = "Gaussian read-noise std in 8-bit units (or the low end of a range)"
        elif supervised:
            tip = "synthetic noise std in 8-bit units (or the low end of a range)"
        else:
            tip = "the images' noise std in 8-bit units, given to level-aware networks (FFDNet, U-Net)"
        self.sigma.setToolTip(tip)
        self._show_data()

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

    def settings(self) -> TrainSettings:
        """The training settings the form describes.

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
            data=self._data_path(mode),
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
        )

    def _model_kwargs(self) -> dict[str, int]:
        if self.architecture.currentText() == "unet":
            return {"width": self.width.value()}
        return {"width": self.width.value(), "depth": self.depth.value()}

    def _data_path(self, mode: str) -> Path:
        if mode == "blindspot":
            return (
                Path(self.problem.observed.source)
                if self.problem and self.problem.observed.source
                else Path()
            )
        what = "a folder of clean images" if mode == "supervised" else "the first folder of noisy shots"
        return self._folder(self.folder, what)

    @staticmethod
    def _folder(field: QLineEdit, what: str) -> Path:
        text = field.text().strip()
        if not text:
            raise ParameterError(f"choose {what}")
        return Path(text).expanduser()

    def _checkpoint_path(self) -> Path | None:
        text = self.checkpoint.text().strip()
        if not text:
            if self.resume.isChecked():
                raise ParameterError("choose the checkpoint file to resume from")
            return None
        return Path(text).expanduser()

    # ------------------------------------------------------------------ window state

    def set_problem(self, problem: Problem | None) -> None:
        """The window's problem: its image is the blind-spot data and the image applied to."""
        self.problem = problem
        self._show_data()
        self._set_running(self.runner.is_running())

    def set_device(self, device: str) -> None:
        """'auto', 'cpu' or 'cuda' for the next run."""
        self.device = device

    def _show_data(self) -> None:
        if self.problem is None:
            text = "No open image: blind-spot training and Apply need one."
        else:
            image = self.problem.observed
            name = Path(image.source).name if image.source else "the degraded image"
            reference = "with a reference" if self.problem.reference is not None else "no reference"
            text = f"Open image: {name}, {image.width}×{image.height}, {reference}."
        self.data_label.setText(text)

    # ------------------------------------------------------------------ running

    def start(self) -> bool:
        """Load the data and build the network in the background, then train; False if it cannot start."""
        try:
            settings = self.settings()
            checkpoint = self._checkpoint_path()
        except WorkbenchError as error:
            self.status.setText(f"Cannot start: {error}")
            return False
        resume = checkpoint if self.resume.isChecked() else None
        current = self.problem.observed.pixels if self.problem is not None else None
        reference = self.problem.reference.pixels if self.problem and self.problem.reference else None
        self._pending = (settings, checkpoint, self._describe_data(settings))
        self._phase = "preparing"
        self.runner.start(prepare_job(settings, current, reference, resume), self.device)
        self._set_running(True)
        self.status.setText("Loading the data and building the network…")
        return True

    def _describe_data(self, settings: TrainSettings) -> str:
        if settings.mode == "blindspot":
            return f"the open image {settings.data.name or '(degraded in the window)'}"
        if settings.mode == "noise2noise":
            return f"{settings.data.resolve()} + {settings.data_b.resolve()}"
        return str(settings.data.resolve())

    def _begin_training(self, prepared: PreparedRun) -> None:
        settings, checkpoint, data = self._pending
        if prepared.trainer.step_count == 0:
            self._keep_as_earlier()
            self.run_number += 1
        self.trainer = prepared.trainer
        self.run_settings = settings
        self.run_data = data
        self._validation = prepared.validation
        self.validation_label = prepared.validation.label if prepared.validation else ""
        self.target_steps = prepared.trainer.config.steps
        self.curves = TrainCurves.of_trainer(prepared.trainer)
        self._feed = TrainFeed(seen=len(prepared.trainer.validation))
        self._phase = "training"
        self.net_started.emit(prepared.trainer.model)
        job = train_job(prepared, self._feed, checkpoint, self.validate_every.value())
        self.runner.start(job, self.device)
        self._set_running(True)
        self.plots.set_validation_title(self._validation_title())
        self.status.setText(f"Training from step {prepared.trainer.step_count}…")
        self.redraw()
        self._timer.start()

    def _keep_as_earlier(self) -> None:
        """Move the last run's curves (if any) under the next run's, keeping ``EARLIER_RUNS`` of them."""
        if self.trainer is None or not self.curves.steps:
            return
        self.earlier = [*self.earlier, EarlierRun.of(self.run_number, self.run_settings, self.curves)]
        self.earlier = self.earlier[-EARLIER_RUNS:]
        self._draw_earlier()

    def forget_earlier(self) -> None:
        """Stop drawing the earlier runs' curves."""
        self.earlier = []
        self._draw_earlier()

    def _draw_earlier(self) -> None:
        self.plots.draw_earlier(self.earlier)
        self.forget_button.setEnabled(bool(self.earlier))

    def _validation_title(self) -> str:
        if not self.validation_label:
            return "No validation PSNR: it needs a clean image (a folder of two or more, or a reference)"
        return f"Validation PSNR (dB) on {self.validation_label}"

    def cancel(self) -> None:
        """Stop the running job; a cancelled training run keeps its network (Save and Apply still work)."""
        if self.runner.is_running():
            self.runner.cancel()
            self.status.setText("Cancelling…")

    def apply_to_current(self) -> bool:
        """Denoise the open image with the trained network in the background; False if it cannot."""
        if self.runner.is_running():
            return False
        if self.trainer is None:
            self.status.setText("Train a network first.")
            return False
        if self.problem is None:
            self.status.setText("Open an image to apply the network to.")
            return False
        self._phase = "applying"
        self.runner.start(apply_job(self.trainer, self.run_settings, self.problem), str(self.trainer.device))
        self._set_running(True)
        self.status.setText("Applying the network to the open image…")
        return True

    def shutdown(self) -> None:
        """Cancel and join the worker (the window calls it when it closes)."""
        self._timer.stop()
        self.runner.shutdown()

    # ------------------------------------------------------------------ saving

    def save_weights(self) -> bool:
        """Ask for a file and write the trained network there; True when a file was written."""
        if self.trainer is None or self.runner.is_running():
            self.status.setText("Nothing to save yet: train a network first (and let it stop).")
            return False
        checkpoint = self.checkpoint.text().strip()
        start = (Path(checkpoint).expanduser().parent if checkpoint else Path.home()) / self._default_name()
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Save weights",
            str(start),
            "Workbench weights (*.pt)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return bool(chosen) and self.save_to(Path(chosen))

    def _default_name(self) -> str:
        return f"{self.run_settings.mode}_{self.trainer.config.architecture}_{self.trainer.step_count}.pt"

    def save_to(self, path: Path) -> bool:
        """Write the network and its card to ``path`` (``.pt`` added), asking before replacing a file."""
        if self.trainer is None or self.runner.is_running():
            return False
        path = path if path.suffix else path.with_suffix(".pt")
        if path.exists() and not export_dialog.confirm_overwrite(self, path):
            return False
        card = training_card(self.run_settings, self.run_data, self._validation)
        try:
            written = self.trainer.export(path, card)
        except (OSError, RuntimeError) as error:
            self.status.setText(f"Cannot save {path.name}: {error}")
            return False
        self.status.setText(f"Saved {written} (card: {written.with_suffix('.json').name}).")
        return True

    # ------------------------------------------------------------------ updates

    def refresh(self) -> None:
        """Drain the feed: extend the curves, redraw, and show the rate and time left."""
        records, validation = self._feed.take()
        if not records and not validation:
            return
        self.curves.extend(records)
        self.curves.add_validation(validation)
        self.redraw()
        self._show_rate()

    def redraw(self) -> None:
        """Draw the current run's curves."""
        self.plots.draw(self.curves)

    def _show_rate(self) -> None:
        if not self.curves.steps:
            return
        step = self.curves.steps[-1]
        rate = self.curves.rate()
        text = f"Step {step}/{self.target_steps}"
        if rate > 0:
            text += f" · {rate:.1f} steps/s · about {_duration(self._seconds_left(step, rate))} left"
        text += f" · loss {self.curves.smooth[-1]:.2e}"
        if self.curves.val_psnr:
            text += f" · validation {self.curves.val_psnr[-1]:.2f} dB"
        self.status.setText(text)

    def _seconds_left(self, step: int, rate: float) -> float:
        """Until the step target at ``rate`` steps/s, or the time limit when that comes first."""
        left = (self.target_steps - step) / rate
        limit = self.trainer.config.max_seconds if self.trainer is not None else None
        return min(left, max(0.0, limit - self.trainer.elapsed)) if limit else left

    def _set_running(self, running: bool) -> None:
        trained = self.trainer is not None and self.trainer.step_count > 0
        self.settings_box.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.save_button.setEnabled(trained and not running)
        self.apply_button.setEnabled(trained and not running and self.problem is not None)
        self.forget_button.setEnabled(bool(self.earlier))

    def _end(self, message: str) -> None:
        self._timer.stop()
        self.refresh()
        self._phase = ""
        self._set_running(False)
        self.status.setText(message)

    def _on_finished(self, outcome: object) -> None:
        if isinstance(outcome, PreparedRun) and self._phase == "preparing":
            self._begin_training(outcome)
        elif isinstance(outcome, Trained) and self._phase == "training":
            self._end(f"Finished: {self._summary()} Save the weights or apply them to the open image.")
            self.run_finished.emit(outcome.trainer)
        elif isinstance(outcome, Result) and self._phase == "applying":
            self._end(f"Applied to the open image in {outcome.seconds:.1f} s; the result is in the history.")
            self.applied.emit(outcome)

    def _summary(self) -> str:
        trainer = self.trainer
        text = f"{trainer.step_count} steps in {_duration(trainer.elapsed)}"
        if trainer.history:
            text += f", last loss {trainer.history[-1].loss:.2e}"
        if trainer.validation:
            text += f", validation {trainer.validation[-1][1]:.2f} dB"
        return text + "."

    def _on_failed(self, message: str) -> None:
        self._end(f"Failed: {message}")

    def _on_cancelled(self) -> None:
        if self._phase == "training":
            self._end(f"Cancelled: {self._summary()} The network is kept as it is: Save or Apply it.")
        else:
            self._end("Cancelled.")


def _duration(seconds: float) -> str:
    """'42 s', '3 min 05 s' or '1 h 02 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def _path_row(placeholder: str, browse) -> tuple[QLineEdit, QWidget]:
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


def attach(window) -> TrainPanel:
    """Add a 'Train' page to ``window`` (a MainWindow), following its image and device.

    A run's network becomes the window's live network; an applied network's output goes into the
    window's history and output view like any other method's result.
    """
    panel = TrainPanel()
    window.add_network_page("Train", panel)
    panel.applied.connect(lambda result: _show_in_window(window, panel, result))
    return panel


def _show_in_window(window, panel: TrainPanel, result: Result) -> None:
    """Put an applied network's output into the window's history and output view."""
    label = f"Trained {MODE_LABELS[panel.run_settings.mode]} ({panel.trainer.config.architecture})"
    image = result.image
    name = Path(image.source).name if image.source else "degraded image"
    window.add_result(result, label, f"{name}, {image.width}×{image.height}")
