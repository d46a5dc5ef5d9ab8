"""Training a step at a time: the :class:`Trainer` and the live run that schedules it.

A :class:`Trainer` holds the model, optimiser, counters and random states; ``step()`` is one
optimiser step on a fresh batch. A :class:`TrainingRun` is a live-run stepper
(``workbench.core.live``) around it: each step is followed, on schedule, by a validation score and
a checkpoint; it pauses, resumes, stops and keeps (the network as it is, validated and
checkpointed, ready to export with its card) or is cancelled (the checkpoint is written first).
The window runs a TrainingRun in its worker, the CLI through :meth:`Trainer.run`; either can
continue later from the checkpoint with :meth:`Trainer.from_checkpoint`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from torch import nn

from ..errors import Cancelled, InputError, ParameterError
from ..jobs import RunContext
from ..live import LiveControls, stopped_by
from ..losses import check_loss, loss_value
from ..models import build_model
from ..models.weights import save_weights
from .batches import Batch
from .choices import OPTIMIZERS


class BatchSource(Protocol):
    def next(self, rng: np.random.Generator, generator: torch.Generator) -> Batch: ...


@dataclass
class TrainConfig:
    """What to train and for how long.

    Attributes:
        architecture, model_kwargs: the model (see ``workbench.core.models.build_model``).
        steps: optimiser steps; training also ends after ``max_seconds`` of stepping when set.
        lr, lr_final: learning rate, decayed along a cosine from ``lr`` to ``lr_final`` over the
            run's progress (the larger of the step and time fractions).
        seed: seeds patch sampling, noise and initialisation.
        optimizer: "adam", or "sgd" (momentum 0.9, as the DnCNN paper trains; about 10× Adam's
            learning rate suits it: 0.01 trains a small batch-norm DnCNN, 0.05 kills it in its
            first steps). Adam moves every weight by about the learning rate whatever its
            gradient, SGD in proportion to the mean gradient.
        weight_decay: L2 penalty on every parameter (the DnCNN paper uses 1e-4 with SGD).
        precision: "fp32", or "bf16" to run the forward pass under bfloat16 autocast (weights,
            optimiser and loss stay float32); on CPUs with AMX it steps about 2.5× faster.
        loss: what is minimised, one of ``workbench.core.losses.LOSSES`` (l2, l1, ssim, ms_ssim,
            mix); a blind-spot run, which scores masked pixels only, takes l2 or l1.
    """

    architecture: str = "dncnn"
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    steps: int = 1000
    lr: float = 1e-3
    lr_final: float = 1e-5
    max_seconds: float | None = None
    seed: int = 0
    optimizer: str = "adam"
    weight_decay: float = 0.0
    precision: str = "fp32"
    loss: str = "l2"


PRECISIONS = ("fp32", "bf16")


@dataclass
class StepRecord:
    step: int
    loss: float
    lr: float
    seconds: float


class Trainer:
    """Trains one model on batches from ``source``.

    Attributes:
        history: one StepRecord per step; ``validation`` holds (step, PSNR dB) pairs.
    """

    def __init__(self, config: TrainConfig, source: BatchSource, device: torch.device | str = "cpu") -> None:
        self.config = config
        self.source = source
        self.device = torch.device(device)
        torch.manual_seed(config.seed)
        self.model = build_model(config.architecture, **config.model_kwargs).to(self.device)
        self.optimizer = make_optimizer(config, self.model.parameters())
        self.rng = np.random.default_rng(config.seed)
        self.generator = torch.Generator().manual_seed(config.seed)
        self.step_count = 0
        self.elapsed = 0.0
        self.history: list[StepRecord] = []
        self.validation: list[tuple[int, float]] = []

    @property
    def progress(self) -> float:
        """Fraction of the run done, in [0, 1]: steps or time, whichever is further along."""
        fraction = self.step_count / max(self.config.steps, 1)
        if self.config.max_seconds:
            fraction = max(fraction, self.elapsed / self.config.max_seconds)
        return min(fraction, 1.0)

    @property
    def done(self) -> bool:
        return self.progress >= 1.0

    def learning_rate(self) -> float:
        """Cosine decay from ``lr`` to ``lr_final`` over the run's progress."""
        lr, final = self.config.lr, self.config.lr_final
        return final + 0.5 * (lr - final) * (1 + math.cos(math.pi * self.progress))

    def step(self) -> StepRecord:
        """One optimiser step on a fresh batch; returns its loss (the configured one)."""
        start = time.perf_counter()
        lr = self.learning_rate()
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        batch = self.source.next(self.rng, self.generator)
        self.model.train()
        with torch.autocast(self.device.type, torch.bfloat16, enabled=self.config.precision == "bf16"):
            estimate = self.model(batch.inputs.to(self.device), batch.sigma.to(self.device))
        loss = loss_value(self.config.loss, estimate.float(), batch.targets.to(self.device), batch.mask)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.step_count += 1
        seconds = time.perf_counter() - start
        self.elapsed += seconds
        record = StepRecord(self.step_count, float(loss.detach()), lr, seconds)
        self.history.append(record)
        return record

    def run(
        self,
        ctx: RunContext | None = None,
        validate: Callable[[nn.Module], float] | None = None,
        validate_every: int = 0,
        checkpoint: str | Path | None = None,
        checkpoint_every: int = 0,
        on_step: Callable[[StepRecord], None] | None = None,
    ) -> TrainOutcome:
        """Step until done (or stopped); validate and checkpoint on schedule (see :class:`TrainingRun`).

        Raises:
            Cancelled: the context was cancelled (a checkpoint is written first when one is set).
        """
        run = TrainingRun(self, validate, validate_every, checkpoint, checkpoint_every)
        return run.run(ctx, on_step)

    def validate(self, validate: Callable[[nn.Module], float]) -> float:
        """Score the model with ``validate`` (in eval mode) and record (step, value)."""
        self.model.eval()
        with torch.inference_mode():
            value = float(validate(self.model))
        self.validation.append((self.step_count, value))
        return value

    def save_checkpoint(self, path: str | Path) -> Path:
        """Everything needed to continue: model, optimiser, counters, random states, history."""
        path = Path(path)
        state = {
            "config": asdict(self.config),
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "step": self.step_count,
            "elapsed": self.elapsed,
            "rng": self.rng.bit_generator.state,
            "generator": self.generator.get_state(),
            "history": [asdict(record) for record in self.history],
            "validation": [list(pair) for pair in self.validation],
        }
        partial = path.with_name(path.name + ".partial")
        torch.save(state, partial)
        partial.replace(path)
        return path

    @classmethod
    def from_checkpoint(
        cls, path: str | Path, source: BatchSource, device: torch.device | str = "cpu"
    ) -> Trainer:
        """A trainer restored from :meth:`save_checkpoint`'s file, ready to continue stepping.

        Raises:
            InputError: the file is missing or not a training checkpoint.
        """
        path = Path(path)
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            trainer = cls(TrainConfig(**state["config"]), source, device)
            trainer.model.load_state_dict(state["model"])
            trainer.optimizer.load_state_dict(state["optimizer"])
        except (OSError, KeyError, TypeError, RuntimeError, ValueError) as error:
            raise InputError(f"{path}: not a usable training checkpoint ({error})") from None
        trainer.step_count = int(state["step"])
        trainer.elapsed = float(state["elapsed"])
        trainer.rng.bit_generator.state = state["rng"]
        trainer.generator.set_state(state["generator"])
        trainer.history = [StepRecord(**record) for record in state["history"]]
        trainer.validation = [(int(step), float(value)) for step, value in state["validation"]]
        return trainer

    def export(self, path: str | Path, card: dict[str, Any], overwrite: bool = True) -> Path:
        """Write the trained weights in the project's format, the card completed with the run's facts
        (a run stopped before its step or time target says so: ``stopped_early``).

        ``overwrite`` False refuses (InputError) to replace an existing weight file or card.
        """
        facts = {
            "steps": self.step_count,
            "train_seconds": round(self.elapsed, 1),
            "lr": [self.config.lr, self.config.lr_final],
            "optimizer": self.config.optimizer,
            "weight_decay": self.config.weight_decay,
            "loss": self.config.loss,
            "seed": self.config.seed,
            "validation": [list(pair) for pair in self.validation],
        }
        if not self.done:
            facts["stopped_early"] = f"at step {self.step_count} of {self.config.steps}"
        return save_weights(
            path, self.model, self.config.architecture, self.config.model_kwargs, facts | card, overwrite
        )


@dataclass
class TrainOutcome:
    """How a training run ended: its trainer (the network as it is) and ``stop_reason``
    ("done" at the step or time target, "user" when stopped and kept)."""

    trainer: Trainer
    stop_reason: str

    @property
    def stopped_by(self) -> str:
        return stopped_by(self.stop_reason)


class TrainingRun(LiveControls):
    """A trainer stepped to its target with validation and checkpoints on schedule.

    Args:
        trainer: a fresh or resumed trainer.
        validate: scores a model (PSNR, dB); done every ``validate_every`` steps (0 = never on
            schedule) and at both ends of the run (before the first step, unless the trainer was
            already scored at its step, and when it ends, also when stopped and kept).
        checkpoint: a file written every ``checkpoint_every`` steps (0 = never on schedule), when
            the run ends and before a cancellation is raised.
        previews: the pictures a window shows (e.g. the validation image and the network's
            latest estimate of it, see ``session.ValidationImage.previews``).
    """

    def __init__(
        self,
        trainer: Trainer,
        validate: Callable[[nn.Module], float] | None = None,
        validate_every: int = 0,
        checkpoint: str | Path | None = None,
        checkpoint_every: int = 0,
        previews: Callable[[], tuple[np.ndarray, ...]] | None = None,
    ) -> None:
        super().__init__()
        self.trainer = trainer
        self.validate = validate
        self.validate_every = validate_every if validate is not None else 0
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every if checkpoint else 0
        self._previews = previews
        self._started = False

    @property
    def records(self) -> list[StepRecord]:
        return self.trainer.history

    def step(self) -> StepRecord:
        """One optimiser step (the first preceded by a validation), then a validation and a
        checkpoint when they are due."""
        if not self._started:
            self._validate_once()
            self._started = True
        record = self.trainer.step()
        step = self.trainer.step_count
        if self.validate_every and step % self.validate_every == 0:
            self.trainer.validate(self.validate)
        if self.checkpoint_every and step % self.checkpoint_every == 0:
            self.trainer.save_checkpoint(self.checkpoint)
        return record

    def _validate_once(self) -> None:
        """Score the model at its current step unless it was already scored there."""
        scores = self.trainer.validation
        if self.validate is not None and (not scores or scores[-1][0] != self.trainer.step_count):
            self.trainer.validate(self.validate)

    def end_reason(self) -> str | None:
        return "done" if self.trainer.done else None

    @property
    def progress(self) -> float:
        return self.trainer.progress

    def describe(self, record: StepRecord) -> str:
        return f"step {record.step}, loss {record.loss:.3e}"

    def previews(self) -> tuple[np.ndarray, ...]:
        return self._previews() if self._previews is not None else ()

    def outcome(self, stop_reason: str) -> TrainOutcome:
        """Validate and checkpoint the network as it is, and hand it on."""
        self._validate_once()
        if self.checkpoint:
            self.trainer.save_checkpoint(self.checkpoint)
        return TrainOutcome(self.trainer, stop_reason)

    def run(
        self, ctx: RunContext | None = None, on_record: Callable[[StepRecord], None] | None = None
    ) -> TrainOutcome:
        """Step to the target or a stop (see ``workbench.core.live.run``).

        Raises:
            Cancelled: the context was cancelled; the checkpoint, when set, is written first.
        """
        try:
            return super().run(ctx, on_record)
        except Cancelled:
            if self.checkpoint:
                self.trainer.save_checkpoint(self.checkpoint)
            raise


def make_optimizer(config: TrainConfig, parameters) -> torch.optim.Optimizer:
    """The optimiser ``config`` names, over ``parameters``.

    Raises:
        ParameterError: an unknown optimiser or a negative weight decay.
    """
    if config.optimizer not in OPTIMIZERS:
        raise ParameterError(f"unknown optimizer {config.optimizer!r} (known: {', '.join(OPTIMIZERS)})")
    if config.precision not in PRECISIONS:
        raise ParameterError(f"unknown precision {config.precision!r} (known: {', '.join(PRECISIONS)})")
    check_loss(config.loss)
    if config.weight_decay < 0:
        raise ParameterError(f"weight decay must be 0 or more, not {config.weight_decay}")
    if config.optimizer == "sgd":
        return torch.optim.SGD(parameters, lr=config.lr, momentum=0.9, weight_decay=config.weight_decay)
    return torch.optim.Adam(parameters, lr=config.lr, weight_decay=config.weight_decay)
