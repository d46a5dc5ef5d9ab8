"""The training panel: train a denoiser in the window and watch its loss and validation PSNR, live.

Three ways to train (the core's :mod:`workbench.core.train`): supervised on a folder of clean
images with synthetic Gaussian or Poisson–Gaussian noise at a sigma or over a range, Noise2Noise
on two folders of noisy shots paired by file name, and blind-spot (Noise2Void) on the window's
open image alone. The form (:mod:`.train_form`) picks the architecture and its size (small by
default on a CPU), steps and an optional time limit, batch, patch, optimiser, learning rate,
validation period, seed and an optional checkpoint to write and resume from.

The page is a live-run page (:mod:`..live.page`): a side job loads the data and builds the
network (which then becomes the window's live network), then the core's ``TrainingRun`` steps it
on the page's worker and can be paused, resumed, stopped and kept (validated and checkpointed at
the step it reached) or cancelled (the network stays as it is). The feed is drained a few times a
second into the curves, the rate and the time left, and the previews show the validation image
and the network's estimate of it at the last validation; the curves of the last few runs stay
drawn, faded, under the current one. After a run the network can be saved in the workbench's
weight format with its card (which says when the run was stopped early), or applied to the open
image, which puts the result into the window's history.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from workbench.core.errors import WorkbenchError
from workbench.core.pipeline import Result
from workbench.core.problem import Problem
from workbench.core.session import Session
from workbench.core.train.session import PreparedRun, training_card
from workbench.core.train.setup import TrainSettings
from workbench.core.train.trainer import StepRecord, Trainer, TrainOutcome

from ...dialogs import export as export_dialog
from ...host import Host
from ...session import QtSession
from ...widgets.forms import push_button
from ...workers.runner import JobRunner
from ..live.feed import Drained
from ..live.page import LiveRunPage
from ..network_page import attach_network_page
from .form import MODE_LABELS, TrainForm
from .plots import EARLIER_COLOURS, TrainPlots
from .run import CHECKPOINT_EVERY, EarlierRun, TrainCurves, apply_job, prepare_job

EARLIER_RUNS = len(EARLIER_COLOURS)
"""How many earlier runs' curves stay drawn under the current one."""
PREVIEW_CAPTION = "Validation image (left) · estimate at the last validation (right)"
NO_PREVIEW = "No preview: it shows the network on the validation image, and this run has none"


class TrainPanel(LiveRunPage):
    """Train a denoiser, live. Give it the window's problem with :meth:`set_problem`, then press Start.

    ``net_started`` carries the network a run has just started to train, ``run_finished`` the
    ``Trainer`` of a run that ended by itself or by Stop and keep.

    Signals:
        applied(object): the ``Result`` of applying the trained network to the open image.
    """

    applied = Signal(object)

    CONTROLS_WIDTH = 340

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(PREVIEW_CAPTION, runner, parent)
        self.trainer: Trainer | None = None
        self.run_settings: TrainSettings | None = None
        self.run_data = ""
        self.validation_label = ""
        self.curves = TrainCurves()
        self.earlier: list[EarlierRun] = []
        self.run_number = 0
        self.target_steps = 0
        self._validation = None
        self._pending: tuple[TrainSettings, Path | None, str] | None = None
        self.form = TrainForm()
        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        self.plots = TrainPlots()
        self.save_button = push_button("Save weights…", self.save_weights)
        self.apply_button = push_button(
            "Apply to image", self.apply_to_current, "restore the current image with the trained network"
        )
        self.forget_button = push_button(
            "Clear earlier runs",
            self.forget_earlier,
            f"the last {EARLIER_RUNS} runs stay drawn, faded, under the current one",
        )
        extra = (self.save_button, self.apply_button, self.forget_button)
        self.assemble([self.form, self.data_label], self.plots, extra)

    # ------------------------------------------------------------------ window state

    def set_problem(self, problem: Problem | None) -> None:
        """The window's problem: its image is the blind-spot data and the image applied to."""
        self.problem = problem
        self._show_data()
        self.set_running(self.running())

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
        job = prepare_job(settings, current, reference, resume)
        self.run_job(job, self._begin_training, "Loading the data and building the network…")
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
        self.net_started.emit(prepared.trainer.model)
        every = CHECKPOINT_EVERY if checkpoint is not None else 0
        run = prepared.live(self.form.validate_every.value(), checkpoint, every)
        self.plots.set_validation_title(self._validation_title())
        self.previews.clear()
        self.previews.caption.setText(PREVIEW_CAPTION if prepared.validation is not None else NO_PREVIEW)
        self.start_live(run, f"Training from step {prepared.trainer.step_count}…")
        self.redraw()

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

    def apply_to_current(self) -> bool:
        """Denoise the open image with the trained network in the background; False if it cannot."""
        if self.running():
            return False
        if self.trainer is None:
            self.status.setText("Train a network first.")
            return False
        if self.problem is None:
            self.status.setText("Open an image to apply the network to.")
            return False
        job = apply_job(self.trainer, self.run_settings, self.problem)
        self.run_job(job, self._applied, "Applying the network to the open image…", str(self.trainer.device))
        return True

    def _applied(self, result: Result) -> None:
        self.end(f"Applied to the open image in {result.seconds:.1f} s; the result is in the history.")
        self.applied.emit(result)

    # ------------------------------------------------------------------ saving

    def save_weights(self) -> bool:
        """Ask for a file and write the trained network there; True when a file was written."""
        if self.trainer is None or self.running():
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
        if self.trainer is None or self.running():
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

    def show_records(self, drained: Drained) -> None:
        """Extend the curves with the steps and the validation scores that came, and redraw."""
        self.curves.extend(list(zip(drained.records, drained.times, strict=True)))
        self._take_validation()
        self.redraw()

    def _take_validation(self) -> None:
        """The trainer's validation scores not on the curves yet (the worker appends them)."""
        self.curves.add_validation(self.trainer.validation[len(self.curves.val_steps) :])

    def redraw(self) -> None:
        """Draw the current run's curves."""
        self.plots.draw(self.curves)

    def status_text(self, record: StepRecord) -> str:
        """Step, rate and time left, smoothed loss and the last validation score."""
        step = self.curves.steps[-1]
        rate = self.curves.rate()
        text = f"Step {step}/{self.target_steps}"
        if rate > 0:
            text += f" · {rate:.1f} steps/s · about {_duration(self._seconds_left(step, rate))} left"
        text += f" · loss {self.curves.smooth[-1]:.2e}"
        if self.curves.val_psnr:
            text += f" · validation {self.curves.val_psnr[-1]:.2f} dB"
        return text

    def _seconds_left(self, step: int, rate: float) -> float:
        """Until the step target at ``rate`` steps/s, or the time limit when that comes first."""
        left = (self.target_steps - step) / rate
        limit = self.trainer.config.max_seconds if self.trainer is not None else None
        return min(left, max(0.0, limit - self.trainer.elapsed)) if limit else left

    def update_controls(self, running: bool) -> None:
        trained = self.trainer is not None and self.trainer.step_count > 0
        self.form.setEnabled(not running)
        self.save_button.setEnabled(trained and not running)
        self.apply_button.setEnabled(trained and not running and self.problem is not None)
        self.forget_button.setEnabled(bool(self.earlier))

    def kept(self, outcome: TrainOutcome) -> str:
        """The final validation on the curves; the trainer handed on (``run_finished``)."""
        self._take_validation()
        self.redraw()
        self.run_finished.emit(outcome.trainer)
        if outcome.stop_reason == "user":
            return (
                f"Stopped and kept: {self._summary()} Save the weights (the card says where it stopped) "
                "or apply them to the open image."
            )
        return f"Finished: {self._summary()} Save the weights or apply them to the open image."

    def _summary(self) -> str:
        trainer = self.trainer
        text = f"{trainer.step_count} steps in {_duration(trainer.elapsed)}"
        if trainer.history:
            text += f", last loss {trainer.history[-1].loss:.2e}"
        if trainer.validation:
            text += f", validation {trainer.validation[-1][1]:.2f} dB"
        return text + "."

    def cancelled_text(self, live: bool) -> str:
        if live:
            return f"Cancelled: {self._summary()} The network is kept as it is: Save or Apply it."
        return "Cancelled."


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
