"""A small U-Net denoiser: two 2× down-samplings, skip connections, residual output."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

from .dncnn import sigma_map


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1),
        nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    """Encoder–decoder with average-pool down-sampling and nearest up-sampling.

    The last 1×1 conv starts at zero, so an untrained net returns its input.

    Args:
        channels: image channels.
        width: features at full resolution (doubled at each level).
        noise_map: append a constant sigma map as an extra input channel.
    """

    alignment = 4
    """Height and width must be multiples of 4 (two 2× poolings)."""

    def __init__(self, channels: int = 1, width: int = 32, noise_map: bool = True) -> None:
        super().__init__()
        self.channels = channels
        self.uses_sigma = noise_map
        self.enc0 = _block(channels + int(noise_map), width)
        self.enc1 = _block(width, 2 * width)
        self.mid = _block(2 * width, 4 * width)
        self.dec1 = _block(6 * width, 2 * width)
        self.dec0 = _block(3 * width, width)
        self.out = nn.Conv2d(width, channels, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    @property
    def receptive_radius(self) -> int:
        """A bound on the pixels each side that can influence one output pixel.

        Full-resolution convs: 4 px; half resolution: 4 convs (8 px) plus pooling (1 px);
        quarter resolution: 2 convs (8 px) plus pooling (3 px); nearest up-sampling adds up to 3 px.
        """
        return 28

    def forward(self, noisy: torch.Tensor, sigma: torch.Tensor | None = None) -> torch.Tensor:
        """Denoise N×C×H×W ``noisy`` (H, W multiples of 4); ``sigma`` is N values, [0, 1] scale."""
        features = torch.cat([noisy, sigma_map(sigma, noisy)], dim=1) if self.uses_sigma else noisy
        e0 = self.enc0(features)
        e1 = self.enc1(functional.avg_pool2d(e0, 2))
        m = self.mid(functional.avg_pool2d(e1, 2))
        d1 = self.dec1(torch.cat([functional.interpolate(m, scale_factor=2.0, mode="nearest"), e1], dim=1))
        d0 = self.dec0(torch.cat([functional.interpolate(d1, scale_factor=2.0, mode="nearest"), e0], dim=1))
        return noisy - self.out(d0)
