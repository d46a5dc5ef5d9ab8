"""A training run as the window sets it up: data, validation image, trainer, card, and applying the result.

The window's training panel gathers :class:`~.setup.TrainSettings` from its form, adds what the
window knows (the open image and its clean reference) and calls :func:`prepare_run` in a worker.
Validation scores the model on one image with a known clean version:

* supervised: the folder's last image is held out (when the folder has more than one), with
  seeded noise of the training kind at the middle of the sigma range; otherwise a crop of the
  open image's clean reference with that noise;
* noise2noise and blind-spot: a crop of the open image against its clean reference.

Without such an image there is no validation curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import InputError, ParameterError
from ..image import centre_crop
from ..jobs import RunContext
from ..metrics import psnr
from ..models import build_model
from ..noise import estimate_sigma
from ..tiling import denoise_image
from .data import load_folder
from .evaluate import add_gaussian
from .noise import NoiseModel
from .setup import TrainSettings, make_trainer
from .trainer import Trainer, TrainingRun

VALIDATION_SIDE = 128
"""Largest side of the validation crop (pixels): a few hundred ms per validation on a CPU."""

VALIDATION_SEED = 0
"""Seed of the synthetic noise on a clean validation image (the benchmark protocol's)."""


@dataclass
class ValidationImage:
    """A noisy image and its clean version; calling it scores a model by the PSNR (dB) of its estimate.

    Attributes:
        noisy, clean: H×W×C float32 arrays of the same shape.
        sigma: noise level (8-bit units) given to level-aware models.
        label: where the image comes from, for the user.
        estimate: the clipped estimate of the last scoring (None before one).
    """

    noisy: np.ndarray
    clean: np.ndarray
    sigma: float
    label: str
    estimate: np.ndarray | None = field(default=None, repr=False)

    def __call__(self, model: nn.Module) -> float:
        """PSNR of ``model``'s clipped estimate of the noisy image, run on the model's own device."""
        device = next(model.parameters()).device
        estimate = np.clip(denoise_image(model, self.noisy, self.sigma, tile=0, device=device), 0.0, 1.0)
        self.estimate = estimate.astype(np.float32)
        return psnr(self.estimate, self.clean)

    def previews(self) -> tuple[np.ndarray, ...]:
        """(the last estimate, the noisy image), H×W×C in [0, 1]; empty before the first scoring."""
        estimate = self.estimate
        return () if estimate is None else (estimate, np.clip(self.noisy, 0.0, 1.0))


@dataclass
class PreparedRun:
    """A trainer ready to step and the image it is validated on (None: no validation curve)."""

    trainer: Trainer
    validation: ValidationImage | None

    def live(
        self, validate_every: int, checkpoint: Path | None = None, checkpoint_every: int = 0
    ) -> TrainingRun:
        """The run as a live stepper: validated every ``validate_every`` steps and at both ends,
        checkpointed to ``checkpoint`` on schedule, the validation estimate as its preview."""
        validation = self.validation
        return TrainingRun(
            self.trainer,
            validation,
            validate_every,
            checkpoint,
            checkpoint_every,
            validation.previews if validation is not None else None,
        )


def with_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    """``pixels`` as the model sees them: a gray image repeated for a colour model, else unchanged.

    A one-channel model runs on each channel of a colour image (see ``denoise_image``).
    """
    if channels == 3 and pixels.shape[2] == 1:
        return np.repeat(pixels, 3, axis=2)
    return pixels


def training_planes(pixels: np.ndarray, channels: int) -> list[np.ndarray]:
    """An open image as training images: itself, or each channel of a colour image for a gray model.

    Raises:
        ParameterError: a colour model asked for on a gray image.
    """
    if channels == pixels.shape[2]:
        return [np.ascontiguousarray(pixels, dtype=np.float32)]
    if channels == 1:
        return [np.ascontiguousarray(pixels[:, :, [index]]) for index in range(pixels.shape[2])]
    raise ParameterError("a colour model needs a colour image; untick the colour model for a gray one")


def prepare_run(
    settings: TrainSettings,
    current: np.ndarray | None = None,
    reference: np.ndarray | None = None,
    resume: Path | None = None,
    device: str = "cpu",
) -> PreparedRun:
    """Load the data, build (or resume) the trainer and choose its validation image.

    Args:
        settings: the run's settings; for blind-spot ``settings.data`` is not read.
        current: the open image (H×W×C float32): the blind-spot training data.
        reference: the open image's clean reference, when there is one (validation).
        resume: a checkpoint to continue from; it must exist when given.
        device: where the model trains.

    Raises:
        ParameterError: bad settings (patch not a multiple of the model's alignment, ...).
        InputError: missing data or checkpoint, or unreadable files.
    """
    _check_patch(settings)
    if resume is not None and not resume.is_file():
        raise InputError(f"{resume}: no such checkpoint to resume from")
    images, validation = _data_and_validation(settings, current, reference)
    trainer = make_trainer(settings, resume, device, images)
    return PreparedRun(trainer, validation)


def _check_patch(settings: TrainSettings) -> None:
    kwargs = settings.config().model_kwargs
    try:
        align = int(getattr(build_model(settings.architecture, **kwargs), "alignment", 1))
    except (TypeError, ValueError) as error:
        raise ParameterError(f"model settings: {error}") from None
    if settings.patch % align:
        raise ParameterError(
            f"patch size {settings.patch} must be a multiple of {align} for {settings.architecture}"
        )


def _data_and_validation(
    settings: TrainSettings, current: np.ndarray | None, reference: np.ndarray | None
) -> tuple[list[np.ndarray] | None, ValidationImage | None]:
    """Training images in memory (None: the trainer reads ``settings.data``) and the validation image."""
    channels = settings.channels
    if settings.mode == "supervised":
        images = load_folder(settings.data, channels)
        if len(images) > 1:
            return images[:-1], noisy_copy(images[-1], settings, "the folder's last image (held out)")
        if reference is None:
            return images, None
        return images, noisy_copy(with_channels(reference, channels), settings, "a crop of the reference")
    if settings.mode == "blindspot" and current is None:
        raise InputError("blind-spot training needs an open image")
    images = training_planes(current, channels) if settings.mode == "blindspot" else None
    if current is None or reference is None or current.shape != reference.shape:
        return images, None
    validation = ValidationImage(
        centre_crop(with_channels(current, channels), VALIDATION_SIDE),
        centre_crop(with_channels(reference, channels), VALIDATION_SIDE),
        settings.sigma_min,
        "a crop of the open image against its reference",
    )
    return images, validation


def noisy_copy(clean: np.ndarray, settings: TrainSettings, label: str) -> ValidationImage:
    """A centre crop of H×W×C ``clean`` with seeded noise of the run's kind at its mid sigma.

    Gaussian noise follows the benchmark protocol (``add_gaussian``); Poisson–Gaussian noise is
    drawn by the training noise model itself, from a generator seeded with ``VALIDATION_SEED``.
    """
    crop = centre_crop(clean, VALIDATION_SIDE)
    sigma = (settings.sigma_min + settings.sigma_max) / 2
    if settings.noise == "gaussian":
        return ValidationImage(
            add_gaussian(crop, sigma, VALIDATION_SEED), crop, sigma, f"{label}, sigma {sigma:g}"
        )
    model = NoiseModel(settings.noise, sigma, sigma, settings.peak)
    generator = torch.Generator().manual_seed(VALIDATION_SEED)
    noisy, level = model.sample(torch.from_numpy(crop).permute(2, 0, 1)[None], generator)
    pixels = noisy[0].permute(1, 2, 0).numpy().astype(np.float32)
    text = f"{label}, {settings.peak:g} photons at white + read sigma {sigma:g}"
    return ValidationImage(pixels, crop, 255.0 * float(level[0]), text)


def training_card(
    settings: TrainSettings, training_data: str, validation: ValidationImage | None = None
) -> dict[str, Any]:
    """What a weight file's card says about a run beyond the trainer's own facts."""
    card: dict[str, Any] = {
        "mode": settings.mode,
        "training_data": training_data,
        "noise": {"kind": settings.noise, "sigma_range": [settings.sigma_min, settings.sigma_max]},
        "patch": settings.patch,
        "batch": settings.batch,
    }
    if settings.noise == "poisson_gaussian":
        card["noise"]["peak"] = settings.peak
    if validation is not None:
        card["validation_image"] = validation.label
    return card


def noise_level(settings: TrainSettings, pixels: np.ndarray) -> float:
    """The sigma (8-bit units) to give a level-aware model trained with ``settings`` on ``pixels``.

    Supervised models learnt a range: the image's estimated sigma, held inside that range.
    The other modes were trained at one stated level. For Poisson–Gaussian training the level a
    network was given is the total std at mid-grey (see ``NoiseModel.level_at_mid_grey``).
    """
    if settings.mode != "supervised":
        return settings.sigma_min
    model = NoiseModel(settings.noise, settings.sigma_min, settings.sigma_max, settings.peak)
    low, high = (
        255.0 * model.level_at_mid_grey(sigma / 255.0) for sigma in (settings.sigma_min, settings.sigma_max)
    )
    if low == high:
        return float(low)
    return float(np.clip(255.0 * estimate_sigma(pixels), low, high))


def denoise_with(
    trainer: Trainer, pixels: np.ndarray, sigma: float, ctx: RunContext | None = None
) -> np.ndarray:
    """The trained model's clipped estimate of an H×W×C image (tiled, cancellable between tiles).

    ``sigma`` (8-bit units) is given to level-aware models (see :func:`noise_level`).

    Raises:
        ParameterError: a colour model on a gray image.
    """
    channels = int(getattr(trainer.model, "channels", pixels.shape[2]))
    if channels == 3 and pixels.shape[2] == 1:
        raise ParameterError("this model was trained on colour images; the open image is gray")
    estimate = denoise_image(trainer.model, pixels, sigma, tile=256, ctx=ctx, device=trainer.device)
    return np.clip(estimate, 0.0, 1.0)
