"""A small residual U-Net denoiser that takes a per-pixel, per-channel noise map (DRUNet-style).

The image is pixel-unshuffled by 2, the noise map (average-pooled to the same half resolution)
is appended, and a three-level encoder–decoder of residual blocks (no normalisation, no biases,
strided 2×2 convolutions down, transposed 2×2 convolutions up, additive skips) predicts the
noise, which is subtracted from the input. Working at half resolution and at two coarser
scales gives a receptive field of about 200 px at a cost of about 190k multiply-adds per pixel
with the default widths: a colour model for photographs, noise levels 0-75 and camera noise.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional


class ResBlock(nn.Module):
    """``x + conv(relu(conv(x)))`` with bias-free 3×3 convolutions of ``width`` channels."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1, bias=False)
        with torch.no_grad():
            self.conv2.weight.mul_(0.2)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features + self.conv2(functional.relu(self.conv1(features)))


def _stage(width: int, blocks: int) -> nn.Sequential:
    return nn.Sequential(*[ResBlock(width) for _ in range(blocks)])


class ResUNet(nn.Module):
    """Noise-map-aware residual U-Net on the 2× pixel-unshuffled image.

    Args:
        channels: image channels (3 colour; 1 gray works too).
        widths: feature channels at half, quarter and eighth resolution.
        blocks: residual blocks per encoder stage, per decoder stage and in the bottom stage.

    ``forward(noisy, sigma)``: ``noisy`` is N×C×H×W (H, W multiples of :attr:`alignment`), ``sigma``
    the noise std on the [0, 1] scale as N values, N×C values or an N×C×H×W map.
    """

    uses_sigma = True
    low_precision_ok = True
    """Runs under bfloat16 (AMX CPUs) or float16 (CUDA) autocast in inference: see ``core.tiling``."""
    tile_margin = 48
    """Overlap of inference tiles in pixels, from ``benchmarks/tile_margin.py`` (kodim01, sigma 25):
    95 % of the effective field lies within 27 px (the theoretical radius is 108); at 48 px, 256-px
    tiles differ from one whole-image pass by at most 0.01 of an 8-bit level in float32 (0.5 under
    bfloat16, its own rounding), and the overlap costs 20 % at 1024-px tiles (49 % at 108 px)."""

    def __init__(self, channels: int = 3, widths: tuple[int, ...] = (64, 128, 256), blocks: int = 2) -> None:
        super().__init__()
        self.channels = channels
        self.widths = tuple(int(w) for w in widths)
        self.blocks = blocks
        packed = channels * 4
        self.head = nn.Conv2d(packed + channels, self.widths[0], 3, padding=1, bias=False)
        self.encoders = nn.ModuleList(_stage(w, blocks) for w in self.widths[:-1])
        self.downs = nn.ModuleList(
            nn.Conv2d(a, b, 2, stride=2, bias=False)
            for a, b in zip(self.widths, self.widths[1:], strict=False)
        )
        self.bottom = _stage(self.widths[-1], blocks)
        self.ups = nn.ModuleList(
            nn.ConvTranspose2d(b, a, 2, stride=2, bias=False)
            for a, b in zip(self.widths, self.widths[1:], strict=False)
        )
        self.decoders = nn.ModuleList(_stage(w, blocks) for w in self.widths[:-1])
        self.tail = nn.Conv2d(self.widths[0], packed, 3, padding=1, bias=False)
        nn.init.zeros_(self.tail.weight)

    @property
    def alignment(self) -> int:
        """Height and width must be multiples of this (2 for the unshuffle, 2 per coarser level)."""
        return 2 ** len(self.widths)

    @property
    def receptive_radius(self) -> int:
        """Pixels on each side that can influence one output pixel (the theoretical field is 2r+1).

        Each stage's 3×3 convolutions add one pixel of its own scale each; a 2×2 down- and
        up-sampling pair adds at most one pixel of the coarser scale each.
        """
        radius = 2  # head and tail, half resolution
        for level in range(len(self.widths)):
            scale = 2**level
            stages = 1 if level == len(self.widths) - 1 else 2
            radius += scale * (2 * self.blocks * stages + (2 if level else 0))
        return 2 * radius

    def forward(self, noisy: torch.Tensor, sigma: torch.Tensor | None = None) -> torch.Tensor:
        if sigma is None:
            raise ValueError("this model needs the noise level sigma")
        level_map = noise_map(sigma, noisy)
        packed = functional.pixel_unshuffle(noisy, 2)
        features = torch.cat([packed, functional.avg_pool2d(level_map, 2)], dim=1)
        features = self.head(features)
        skips = []
        for encoder, down in zip(self.encoders, self.downs, strict=True):
            features = encoder(features)
            skips.append(features)
            features = down(features)
        features = self.bottom(features)
        for up, decoder, skip in zip(
            reversed(self.ups), reversed(self.decoders), reversed(skips), strict=True
        ):
            features = decoder(up(features) + skip)
        residual = functional.pixel_shuffle(self.tail(features), 2)
        return noisy - residual.to(noisy.dtype)


def noise_map(sigma: torch.Tensor | float, like: torch.Tensor) -> torch.Tensor:
    """An N×C×H×W noise-std map shaped like ``like`` from N, N×C or N×C×H×W values (any scale)."""
    sigma = torch.as_tensor(sigma, dtype=like.dtype, device=like.device)
    count, channels, height, width = like.shape
    if sigma.dim() == 4:
        return sigma.expand(count, channels, height, width)
    if sigma.dim() <= 1:
        sigma = sigma.reshape(-1, 1).expand(count, channels)
    return sigma.reshape(count, channels, 1, 1).expand(count, channels, height, width)
