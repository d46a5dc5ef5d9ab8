"""Training batches for the colour noise-aware model: Gaussian and camera noise, with noise maps.

Each patch of a batch gets one of three kinds of noise:

- known Gaussian (45 %): std drawn uniformly in [0, ``sigma_max``] (8-bit units), for a quarter of
  the patches separately per channel, for a sixth of them varying across the patch along a
  random ramp; the model is given the true per-pixel, per-channel std map;
- estimated Gaussian (20 %): the same noise, but the model is given :func:`haar_level` of the
  noisy patch, as it is when a user leaves sigma on auto;
- camera noise (35 %): :func:`camera_noisy` (Poisson–Gaussian on a linear mosaic, demosaicked,
  gamma, sometimes JPEG), with the :func:`haar_level` map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .batches import Batch
from .camera_noise import camera_noisy, haar_level
from .data import random_patches

KNOWN, ESTIMATED = 0.45, 0.20
PER_CHANNEL, RAMP = 0.25, 1 / 6


@dataclass
class MixedNoiseBatches:
    """Clean colour patches with mixed synthetic noise; ``sigma`` in the Batch is an N×C×P×P map."""

    images: list[np.ndarray]
    patch: int = 96
    batch: int = 8
    align: int = 8
    sigma_max: float = 75.0

    def next(self, rng: np.random.Generator, generator: torch.Generator) -> Batch:
        clean = torch.from_numpy(random_patches(self.images, self.batch, self.patch, rng, self.align))
        kinds = torch.rand(self.batch, generator=generator)
        levels = gaussian_levels(clean.shape, self.sigma_max, generator)
        noisy = clean + torch.randn(clean.shape, generator=generator) * levels
        camera = kinds >= KNOWN + ESTIMATED
        if camera.any():
            noisy[camera] = camera_noisy(clean[camera], generator, rng)
        estimated = haar_level(noisy)[:, :, None, None].expand_as(levels)
        sigma = torch.where((kinds < KNOWN).reshape(-1, 1, 1, 1), levels, estimated)
        return Batch(noisy, clean, sigma.contiguous())


def gaussian_levels(shape: torch.Size, sigma_max: float, generator: torch.Generator) -> torch.Tensor:
    """An N×C×H×W map of noise std on the [0, 1] scale, drawn as the module doc describes."""
    count, channels, height, width = shape
    base = torch.rand(count, 1, generator=generator) * sigma_max / 255
    own = torch.rand(count, channels, generator=generator) * sigma_max / 255
    per_channel = torch.rand(count, 1, generator=generator) < PER_CHANNEL
    levels = torch.where(per_channel, own, base.expand(count, channels)).reshape(count, channels, 1, 1)
    angle = torch.rand(count, generator=generator) * 2 * np.pi
    rows = torch.linspace(-0.5, 0.5, height).reshape(1, height, 1)
    cols = torch.linspace(-0.5, 0.5, width).reshape(1, 1, width)
    ramp = 1 + 1.2 * (angle.cos().reshape(-1, 1, 1) * rows + angle.sin().reshape(-1, 1, 1) * cols)
    varying = (torch.rand(count, generator=generator) < RAMP).reshape(-1, 1, 1)
    factor = torch.where(varying, ramp, torch.ones_like(ramp)).unsqueeze(1)
    return levels * factor
