"""Building a trainer from plain settings (shared by ``workbench train`` and the window's panel)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, ParameterError
from ..losses import check_loss
from ..models import ARCHITECTURES, build_model
from .batches import BlindSpotBatches, PairBatches, SupervisedBatches
from .choices import MODES
from .data import SUFFIXES, load_folder, read_training_image
from .noise import NoiseModel
from .trainer import BatchSource, TrainConfig, Trainer


@dataclass
class TrainSettings:
    """Everything ``workbench train`` asks for.

    Attributes:
        mode: "supervised" (clean folder + synthetic noise), "noise2noise" (two folders of noisy
            shots with matching file names) or "blindspot" (noisy images alone).
        data: the clean folder, the noisy image/folder, or the first noisy folder.
        data_b: the second noisy folder (noise2noise).
        sigma_min, sigma_max: synthetic Gaussian std range in 8-bit units (supervised); for the
            other modes, the noise level given to level-aware models (sigma_min is used).
        loss: what training minimises (``workbench.core.losses.LOSSES``); blind-spot takes l2 or l1.
    """

    mode: str
    data: Path
    data_b: Path | None = None
    architecture: str = "dncnn"
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    channels: int = 1
    noise: str = "gaussian"
    sigma_min: float = 25.0
    sigma_max: float = 25.0
    peak: float = 30.0
    patch: int = 64
    batch: int = 16
    steps: int = 1000
    minutes: float | None = None
    lr: float = 1e-3
    seed: int = 0
    optimizer: str = "adam"
    weight_decay: float = 0.0
    loss: str = "l2"

    def config(self) -> TrainConfig:
        kwargs = {"channels": self.channels} | self.model_kwargs
        seconds = self.minutes * 60 if self.minutes else None
        return TrainConfig(
            architecture=self.architecture,
            model_kwargs=kwargs,
            steps=self.steps,
            lr=self.lr,
            lr_final=self.lr / 100,
            max_seconds=seconds,
            seed=self.seed,
            optimizer=self.optimizer,
            weight_decay=self.weight_decay,
            loss=self.loss,
        )


def make_source(settings: TrainSettings, images: list[np.ndarray] | None = None) -> BatchSource:
    """The batch source for ``settings.mode``.

    ``images`` (H×W×C float32 in [0, 1], ``settings.channels`` channels) are the training images
    themselves, in place of reading ``settings.data``: the clean images (supervised) or the noisy
    ones (blindspot), e.g. an image already open in the window. Noise2noise always reads its folders.

    Raises:
        ParameterError: unknown mode or architecture, bad model settings.
        InputError: missing or unreadable data.
    """
    if settings.architecture not in ARCHITECTURES:
        raise ParameterError(
            f"unknown architecture {settings.architecture!r} (known: {', '.join(ARCHITECTURES)})"
        )
    try:
        align = int(
            getattr(build_model(settings.architecture, **settings.config().model_kwargs), "alignment", 1)
        )
    except TypeError as error:
        raise ParameterError(f"model settings: {error}") from None
    check_loss(settings.loss, masked=settings.mode == "blindspot")
    common = {"patch": settings.patch, "batch": settings.batch, "align": align}
    if settings.mode == "supervised":
        noise = NoiseModel(settings.noise, settings.sigma_min, settings.sigma_max, settings.peak)
        clean = images if images is not None else load_folder(settings.data, settings.channels)
        return SupervisedBatches(clean, noise, **common)
    if settings.mode == "noise2noise":
        return PairBatches(_pairs(settings), settings.sigma_min, **common)
    if settings.mode == "blindspot":
        noisy = images if images is not None else _images(settings.data, settings.channels)
        return BlindSpotBatches(noisy, settings.sigma_min, **common)
    raise ParameterError(f"unknown training mode {settings.mode!r} (known: {', '.join(MODES)})")


def make_trainer(
    settings: TrainSettings,
    resume: Path | None = None,
    device: str = "cpu",
    images: list[np.ndarray] | None = None,
) -> Trainer:
    """A fresh trainer, or one continued from the checkpoint ``resume`` when that file exists.

    A resumed run keeps its model and schedule but takes the new step and time targets.
    ``images`` are training images in memory (see :func:`make_source`).
    """
    source = make_source(settings, images)
    if resume is None or not resume.is_file():
        return Trainer(settings.config(), source, device)
    trainer = Trainer.from_checkpoint(resume, source, device)
    trainer.config.steps = settings.steps
    trainer.config.max_seconds = settings.config().max_seconds
    return trainer


def _images(path: Path, channels: int) -> list:
    if path.is_file():
        return [read_training_image(path, channels)]
    return load_folder(path, channels)


def _pairs(settings: TrainSettings) -> list:
    if settings.data_b is None:
        raise ParameterError("noise2noise needs a second folder of noisy shots (--pair)")
    for folder in (settings.data, settings.data_b):
        if not folder.is_dir():
            raise InputError(f"{folder}: not a folder of noisy images")
    names = sorted(p.name for p in settings.data.iterdir() if p.suffix.lower() in SUFFIXES)
    pairs = []
    for name in names:
        other = settings.data_b / name
        if not other.is_file():
            raise InputError(f"{other}: missing (noise2noise pairs are matched by file name)")
        first = read_training_image(settings.data / name, settings.channels)
        second = read_training_image(other, settings.channels)
        if first.shape != second.shape:
            raise InputError(f"{name}: the two shots differ in size")
        pairs.append((first, second))
    if not pairs:
        raise InputError(f"{settings.data}: no images in it")
    return pairs
