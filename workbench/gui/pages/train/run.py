"""A training run as the window's Train page follows it, without any Qt: side jobs and curves.

A run is a side job on the page's worker, :func:`prepare_job` (load the data, build the network),
then the live run itself (the core's ``TrainingRun``, see ``PreparedRun.live``). The page drains
its live feed on the GUI thread into :class:`TrainCurves`, and keeps the curves of a few earlier
runs as :class:`EarlierRun` to draw under the current one. :func:`apply_job` denoises the open
image with the trained network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.jobs import RunContext
from workbench.core.problem import Problem
from workbench.core.result import Result, make_result
from workbench.core.train.session import PreparedRun, denoise_with, noise_level, prepare_run
from workbench.core.train.setup import TrainSettings
from workbench.core.train.trainer import StepRecord, Trainer

CHECKPOINT_EVERY = 100
"""Steps between two checkpoints when a checkpoint file is set (one is also written at the end and
on cancel)."""
RATE_WINDOW_S = 5.0
"""Seconds of recent steps the steps/s figure is measured over (validation time included)."""
SMOOTHING = 0.9
"""Weight of the past in the smoothed loss curve (exponential moving average)."""


@dataclass
class TrainCurves:
    """The curves of the current run as plotted, and the recent step times behind steps/s."""

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    smooth: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_psnr: list[float] = field(default_factory=list)
    recent: list[tuple[float, int]] = field(default_factory=list)

    @classmethod
    def of_trainer(cls, trainer: Trainer) -> TrainCurves:
        """Curves holding what a (resumed) trainer has already recorded."""
        curves = cls()
        curves.extend([(record, None) for record in trainer.history])
        curves.add_validation(trainer.validation)
        return curves

    def extend(self, records: list[tuple[StepRecord, float | None]]) -> None:
        for record, when in records:
            loss = max(record.loss, 1e-12)
            previous = self.smooth[-1] if self.smooth else loss
            self.steps.append(record.step)
            self.loss.append(loss)
            self.smooth.append(SMOOTHING * previous + (1 - SMOOTHING) * loss)
            if when is not None:
                self.recent.append((when, record.step))
        if self.recent:
            cutoff = self.recent[-1][0] - RATE_WINDOW_S
            self.recent = [entry for entry in self.recent if entry[0] >= cutoff]

    def add_validation(self, scores: list[tuple[int, float]]) -> None:
        for step, value in scores:
            self.val_steps.append(step)
            self.val_psnr.append(value)

    def rate(self) -> float:
        """Steps per second over the last ``RATE_WINDOW_S`` seconds (0 before two timed steps)."""
        if len(self.recent) < 2:
            return 0.0
        (first_time, first_step), (last_time, last_step) = self.recent[0], self.recent[-1]
        return (last_step - first_step) / (last_time - first_time) if last_time > first_time else 0.0


@dataclass(frozen=True)
class EarlierRun:
    """A finished or cancelled run's curves, kept to compare the next run against.

    Attributes:
        label: what the run was, e.g. "run 1: dncnn 16×8, lr 0.001".
        curves: its smoothed loss and validation PSNR as plotted.
    """

    label: str
    curves: TrainCurves

    @classmethod
    def of(cls, number: int, settings: TrainSettings, curves: TrainCurves) -> EarlierRun:
        size = "×".join(
            str(settings.model_kwargs[key]) for key in ("width", "depth") if key in settings.model_kwargs
        )
        decay = f", decay {settings.weight_decay:g}" if settings.weight_decay else ""
        loss = f", {settings.loss}" if settings.loss != "l2" else ""
        optimiser = f"{settings.optimizer} lr {settings.lr:g}{decay}{loss}"
        return cls(f"run {number}: {settings.architecture} {size}, {optimiser}", curves)


def prepare_job(settings: TrainSettings, current, reference, resume: Path | None):
    """The first job of a run: load the data and build (or resume) the trainer on the job's device."""

    def run(ctx: RunContext) -> PreparedRun:
        return prepare_run(settings, current, reference, resume, str(ctx.torch_device()))

    return run


def apply_job(trainer: Trainer, settings: TrainSettings, problem: Problem):
    """A job that denoises the problem's image with the trained network and scores it when it can."""

    def run(ctx: RunContext) -> Result:
        start = time.perf_counter()
        sigma = noise_level(settings, problem.observed.pixels)
        pixels = denoise_with(trainer, problem.observed.pixels, sigma, ctx)
        params = {
            "mode": settings.mode,
            "network": trainer.config.architecture,
            "steps": trainer.step_count,
            "sigma": round(sigma, 2),
        }
        seconds = time.perf_counter() - start
        return make_result(problem, pixels, f"trained_{trainer.config.architecture}", params, seconds)

    return run
