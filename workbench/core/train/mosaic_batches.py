"""Training batches for joint demosaicking + denoising: noisy RGGB mosaics of clean colour patches.

Each clean patch (random crop, flip and rotation, corners on even pixels) is mosaicked with the
RGGB layout; Gaussian noise of a std drawn per patch is added on the mosaic, as a sensor adds it,
and the noisy mosaic is clipped to [0, 1] (as the ``mosaic`` degradation does). A share of the
patches stays noise-free, so that the network learns plain demosaicking too. The network is told
each patch's std; other Bayer layouts are handled at inference by padding (the network only ever
sees RGGB).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .batches import Batch
from .data import random_patches

NOISE_FREE = 0.2
"""Share of patches without noise."""


def rggb_mosaic(clean: torch.Tensor) -> torch.Tensor:
    """The RGGB mosaic (N×1×H×W) of N×3×H×W ``clean`` (H, W even)."""
    mosaic = clean[:, 1:2].clone()
    mosaic[:, :, 0::2, 0::2] = clean[:, 0:1, 0::2, 0::2]
    mosaic[:, :, 1::2, 1::2] = clean[:, 2:3, 1::2, 1::2]
    return mosaic


@dataclass
class MosaicBatches:
    """Noisy RGGB mosaics (inputs, N×1×P×P), their clean colour patches (targets, N×3×P×P) and each
    patch's noise std (sigma, N values on the [0, 1] scale; 0 for the noise-free share).

    Attributes:
        images: clean H×W×3 float32 training images in [0, 1].
        patch: patch side in pixels (even).
        batch: patches per batch.
        sigma_max: largest noise std in 8-bit units; the others are drawn uniformly below it.
    """

    images: list[np.ndarray]
    patch: int = 64
    batch: int = 16
    sigma_max: float = 20.0

    def __post_init__(self) -> None:
        if self.patch % 2:
            raise ValueError(f"the patch side must be even to keep the Bayer phase, not {self.patch}")

    def next(self, rng: np.random.Generator, generator: torch.Generator) -> Batch:
        clean = torch.from_numpy(random_patches(self.images, self.batch, self.patch, rng, align=2))
        mosaic = rggb_mosaic(clean)
        levels = torch.rand(self.batch, generator=generator) * self.sigma_max / 255
        levels = torch.where(torch.rand(self.batch, generator=generator) < NOISE_FREE, 0.0, levels)
        noise = torch.randn(mosaic.shape, generator=generator) * levels.reshape(-1, 1, 1, 1)
        return Batch((mosaic + noise).clamp(0.0, 1.0), clean, levels)
