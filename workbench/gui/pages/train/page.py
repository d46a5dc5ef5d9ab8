"""The training panel: train a denoiser in the window and watch its loss and validation PSNR, live.

Three ways to train (the core's :mod:`workbench.core.train`): supervised on a folder of clean
images with synthetic Gaussian or Poisson–Gaussian noise at a sigma or over a range, Noise2Noise
on two folders of noisy shots paired by file name, and blind-spot (Noise2Void) on the window's
open image alone. The form (:mod:`.train_form`) picks the architecture and its size (small by
default on a CPU), steps and an optional time limit, batch, patch, optimiser, learning rate,
validation period, seed and an optional checkpoint to write and resume from.

A run is two jobs on the panel's :class:`~workbench.gui.worker.JobRunner` (see
:mod:`.train_run`): the first loads the data and builds the network (its network then becomes
the window's live network), the second steps the trainer. A timer on the GUI thread drains the
run's feed a few times a second into the curves, the rate and the time left; the curves of the
last few runs stay drawn, faded, under the current one. After a run (finished or cancelled) the
network can be saved in the workbench's weight format with its card, or applied to the open
image, which puts the result into the window's history.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.pipeline import Result
from workbench.core.problem import Problem
from workbench.core.session import Session
from workbench.core.train.session import PreparedRun, training_card
from workbench.core.train.setup import TrainSettings
from workbench.core.train.trainer import Trainer

from ...dialogs import export as export_dialog
from ...host import Host
from ...session import QtSession
from ...widgets.forms import button_grid, push_button
from ...workers.runner import JobRunner
from ..network_page import attach_network_page
from .form import MODE_LABELS, TrainForm
from .plots import EARLIER_COLOURS, TrainPlots
from .run import (
    EarlierRun,
    TrainCurves,
    Trained,
    TrainFeed,
    apply_job,
    prepare_job,
    train_job,
)

CONTROLS_WIDTH = 340
"""Pixels of the settings column; the curves take the rest."""
REFRESH_MS = 250
"""How often the panel drains the feed and redraws (a few times a second)."""
EARLIER_RUNS = len(EARLIER_COLOURS)
"""How many earlier runs' curves stay drawn under the current one."""


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
        self._set_running(False)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.form = TrainForm()
        self._build_buttons()
        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.plots = TrainPlots()
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form)
        column.addWidget(self.data_label)
        column.addLayout(self.buttons)
        column.addWidget(self.status)
        column.addStretch(1)
        controls.setMaximumWidth(CONTROLS_WIDTH)
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(self.plots, 1)

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
            settings = self.form.settings(self._open_image_path())
            checkpoint = self.form.checkpoint_path()
        except WorkbenchError as error:
            self.status.setText(f"Cannot start: {error}")
            return False
        resume = checkpoint if self.form.resume.isChecked() else None
        current = self.problem.observed.pixels if self.problem is not None else None
        reference = self.problem.reference.pixels if self.problem and self.problem.reference else None
        self._pending = (settings, checkpoint, self._describe_data(settings))
        self._phase = "preparing"
        self.runner.start(prepare_job(settings, current, reference, resume), self.device)
        self._set_running(True)
        self.status.setText("Loading the data and building the network…")
        return True

    def _open_image_path(self) -> Path:
        """The open image's file (blind-spot data), or an empty path when it has none."""
        if self.problem is None or not self.problem.observed.source:
            return Path()
        return Path(self.problem.observed.source)

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
        job = train_job(prepared, self._feed, checkpoint, self.form.validate_every.value())
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
        checkpoint = self.form.checkpoint.text().strip()
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
        self.form.setEnabled(not running)
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


def attach(session: QtSession, host: Host) -> TrainPanel:
    """Add a 'Train' page that trains on the session's image (blind-spot) and the host's device.

    A run's network becomes the session's live network; an applied network's output goes into
    the session's history like any other method's result.
    """
    panel = TrainPanel()
    attach_network_page(session, host, "Train", panel)
    panel.applied.connect(lambda result: _keep(session.model, panel, result))
    return panel


def _keep(session: Session, panel: TrainPanel, result: Result) -> None:
    """Put an applied network's output into the session's history."""
    label = f"Trained {MODE_LABELS[panel.run_settings.mode]} ({panel.trainer.config.architecture})"
    image = result.image
    name = Path(image.source).name if image.source else "degraded image"
    session.add_result(result, label, f"{name}, {image.width}×{image.height}")
