"""Scoring a demosaicking network on a folder of clean colour images (the ``benchmarks/demosaic.py``
protocol): each image mosaicked with RGGB, Gaussian noise of ``sigma`` on the mosaic (8-bit units,
clipped, drawn from the degradation's generator seeded with the image's index in name order), the
network given that sigma, colour PSNR over the whole image."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from torch import nn

from ..metrics import psnr
from .data import load_folder


@dataclass
class MosaicSet:
    """Clean H×W×3 images and their noisy H×W RGGB mosaics at one noise level (8-bit units)."""

    clean: list[np.ndarray]
    mosaics: list[np.ndarray]
    sigma: float

    @classmethod
    def from_folder(cls, folder: str | Path, sigma: float, every: int = 1) -> MosaicSet:
        """Every ``every``-th image of ``folder`` (the seed stays the index among all its images)."""
        from ..image import Image
        from ..operators import degrade

        clean, mosaics = [], []
        for index, pixels in enumerate(load_folder(folder, channels=3)):
            if index % every:
                continue
            observed, _ = degrade(Image(pixels), "mosaic", {"pattern": "RGGB", "sigma": sigma}, seed=index)
            clean.append(pixels)
            mosaics.append(observed.pixels[..., 0])
        return cls(clean, mosaics, sigma)

    def mean_psnr(self, net: nn.Module) -> float:
        """Mean colour PSNR (dB) of ``net``'s estimates (a DemosaicNet) against the clean images."""
        from ..methods.joint_demosaic import demosaic_with_net

        scores = [
            psnr(demosaic_with_net(net, mosaic, "RGGB", self.sigma, tile=0), clean)
            for clean, mosaic in zip(self.clean, self.mosaics, strict=True)
        ]
        return float(np.mean(scores))
