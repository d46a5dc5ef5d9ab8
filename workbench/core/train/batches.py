"""Where training batches come from: clean images + synthetic noise, noisy pairs, or one noisy image.

Each source's ``next(rng, generator)`` returns a :class:`Batch` of N×C×P×P float32 tensors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .data import random_patches
from .noise import NoiseModel


@dataclass
class Batch:
    """Network input, target, noise level (N values, [0, 1] scale) and, for blind-spot, the loss mask."""

    inputs: torch.Tensor
    targets: torch.Tensor
    sigma: torch.Tensor
    mask: torch.Tensor | None = None


@dataclass
class SupervisedBatches:
    """Clean patches with synthetic noise added: input noisy, target clean."""

    images: list[np.ndarray]
    noise: NoiseModel
    patch: int = 64
    batch: int = 32
    align: int = 1

    def next(self, rng: np.random.Generator, generator: torch.Generator) -> Batch:
        clean = torch.from_numpy(random_patches(self.images, self.batch, self.patch, rng, self.align))
        noisy, sigma = self.noise.sample(clean, generator)
        return Batch(noisy, clean, sigma)


@dataclass
class PairBatches:
    """Noise2Noise: the same patch of two independent noisy shots; input one, target the other."""

    pairs: list[tuple[np.ndarray, np.ndarray]]
    sigma: float
    patch: int = 64
    batch: int = 32
    align: int = 1

    def next(self, rng: np.random.Generator, generator: torch.Generator) -> Batch:
        stacked = [np.concatenate(pair, axis=2) for pair in self.pairs]
        patches = torch.from_numpy(random_patches(stacked, self.batch, self.patch, rng, self.align))
        first, second = patches.chunk(2, dim=1)
        swap = torch.rand(self.batch, generator=generator).reshape(-1, 1, 1, 1) < 0.5
        inputs = torch.where(swap, second, first)
        targets = torch.where(swap, first, second)
        return Batch(inputs, targets, torch.full((self.batch,), self.sigma / 255.0))


@dataclass
class BlindSpotBatches:
    """Noise2Void: patches of the noisy image with a few pixels replaced by a random neighbour.

    The loss is taken only at the replaced pixels, where the network cannot see the value it
    must predict, so it learns to predict the clean signal from the surroundings.
    """

    images: list[np.ndarray]
    sigma: float
    patch: int = 64
    batch: int = 32
    align: int = 1
    ratio: float = 0.015
    radius: int = 2

    def next(self, rng: np.random.Generator, generator: torch.Generator) -> Batch:
        noisy = torch.from_numpy(random_patches(self.images, self.batch, self.patch, rng, self.align))
        mask = torch.rand(noisy.shape, generator=generator) < self.ratio
        inputs = torch.where(mask, neighbour_values(noisy, self.radius, generator), noisy)
        return Batch(inputs, noisy, torch.full((self.batch,), self.sigma / 255.0), mask)


def neighbour_values(images: torch.Tensor, radius: int, generator: torch.Generator) -> torch.Tensor:
    """For every pixel of N×C×H×W ``images``, the value of a random other pixel within ``radius``.

    Offsets are drawn per pixel from the (2r+1)² window without its centre; an offset that leaves
    the image is flipped (so the chosen pixel is never the pixel itself). H and W must exceed 2r.
    """
    count, channels, height, width = images.shape
    window = 2 * radius + 1
    choice = torch.randint(window * window - 1, images.shape, generator=generator)
    choice = choice + (choice >= window * window // 2).long()
    dy = choice // window - radius
    dx = choice % window - radius
    rows = _shifted(torch.arange(height).reshape(1, 1, -1, 1), dy, height)
    cols = _shifted(torch.arange(width).reshape(1, 1, 1, -1), dx, width)
    flat = images.reshape(count, channels, -1)
    return flat.gather(2, (rows * width + cols).reshape(count, channels, -1)).reshape(images.shape)


def _shifted(index: torch.Tensor, offset: torch.Tensor, size: int) -> torch.Tensor:
    moved = index + offset
    return torch.where((moved < 0) | (moved >= size), index - offset, moved)
