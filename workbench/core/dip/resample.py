"""Lanczos-2 down-sampling inside the hourglass (a fixed, separable, per-channel low-pass filter)."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

SUPPORT = 2
"""Lobes of the Lanczos window (Lanczos-2)."""


def lanczos_taps(factor: int, support: int = SUPPORT) -> np.ndarray:
    """1-D Lanczos taps for down-sampling by ``factor``: 2·support·factor float32 taps summing to 1.

    The taps sit at half-pixel offsets (an even-length filter), so the output grid
    is centred on the input grid, as in the Deep Image Prior code.
    """
    count = 2 * support * factor
    offsets = (np.arange(count) + 0.5 - count / 2) / factor
    taps = np.array([_sinc(x) * _sinc(x / support) for x in offsets])
    return (taps / taps.sum()).astype(np.float32)


def _sinc(x: float) -> float:
    return 1.0 if x == 0 else math.sin(math.pi * x) / (math.pi * x)


class LanczosDown(nn.Module):
    """Down-samples 1×C×H×W by ``factor`` (H, W multiples of it) with replicate borders; no weights."""

    def __init__(self, factor: int) -> None:
        super().__init__()
        self.factor = factor
        self.register_buffer("taps", torch.from_numpy(lanczos_taps(factor)), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels = x.shape[1]
        count = self.taps.numel()
        pad = (count - self.factor) // 2
        x = F.pad(x, (pad, pad, pad, pad), mode="replicate")
        taps = self.taps.to(x.dtype)
        rows = taps.view(1, 1, count, 1).expand(channels, 1, count, 1)
        cols = taps.view(1, 1, 1, count).expand(channels, 1, 1, count)
        x = F.conv2d(x, rows, stride=(self.factor, 1), groups=channels)
        return F.conv2d(x, cols, stride=(1, self.factor), groups=channels)
