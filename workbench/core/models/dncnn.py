"""DnCNN (Zhang et al., TIP 2017): a plain stack of 3×3 convolutions that predicts the noise.

Layer order matches the published PyTorch model (``body.0`` conv + ReLU, then conv, batch norm,
ReLU triples, then the last conv), so imported weights load by index.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

BN_EPS = 1e-4
"""Batch-norm epsilon of the published DnCNN (the PyTorch code uses 1e-4)."""


class DnCNN(nn.Module):
    """DnCNN-S/B (residual) or FDnCNN (noise-level map input, direct output).

    Args:
        channels: image channels (1 gray, 3 colour).
        depth: number of convolutions (17 for DnCNN-S, 20 for DnCNN-B).
        width: feature channels of the hidden convolutions.
        batch_norm: batch norm after every hidden convolution (False once it is folded into the convs).
        noise_map: a constant sigma map is concatenated as one extra input channel (FDnCNN).
        residual: the network predicts the noise and the output is ``input - network(input)``.
        unshuffle: 1 for the classic full-resolution network; 2 runs the same body on the 2×
            pixel-unshuffled image (4 sub-images per channel, about 4× cheaper per pixel, twice
            the receptive field in image pixels); H and W must then be even.
    """

    uses_sigma: bool

    def __init__(
        self,
        channels: int = 1,
        depth: int = 17,
        width: int = 64,
        batch_norm: bool = True,
        noise_map: bool = False,
        residual: bool = True,
        unshuffle: int = 1,
    ) -> None:
        super().__init__()
        if depth < 2:
            raise ValueError("DnCNN needs at least 2 convolutions")
        self.channels = channels
        self.depth = depth
        self.uses_sigma = noise_map
        self.residual = residual
        self.unshuffle = unshuffle
        packed = channels * unshuffle * unshuffle
        layers: list[nn.Module] = [
            nn.Conv2d(packed + int(noise_map), width, 3, padding=1, bias=True),
            nn.ReLU(inplace=True),
        ]
        for _ in range(depth - 2):
            layers.append(nn.Conv2d(width, width, 3, padding=1, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm2d(width, eps=BN_EPS))
            layers.append(nn.ReLU(inplace=True))
        layers.append(nn.Conv2d(width, packed, 3, padding=1, bias=not batch_norm))
        self.body = nn.Sequential(*layers)
        initialise(self.body)

    @property
    def receptive_radius(self) -> int:
        """Pixels on each side that can influence one output pixel (theoretical field is 2r+1)."""
        return self.unshuffle * (self.depth + 1)

    @property
    def alignment(self) -> int:
        """Height and width must be multiples of this."""
        return self.unshuffle

    def forward(self, noisy: torch.Tensor, sigma: torch.Tensor | None = None) -> torch.Tensor:
        """Denoise N×C×H×W ``noisy`` (values near [0, 1]); ``sigma`` is N, on the [0, 1] scale."""
        features = functional.pixel_unshuffle(noisy, self.unshuffle) if self.unshuffle > 1 else noisy
        if self.uses_sigma:
            features = torch.cat([features, sigma_map(sigma, features)], dim=1)
        out = self.body(features)
        if self.unshuffle > 1:
            out = functional.pixel_shuffle(out, self.unshuffle)
        return noisy - out if self.residual else out


def initialise(body: nn.Sequential) -> None:
    """Orthogonal convolution filters, zero biases, and a zero last layer (the net starts as identity).

    With the default initialisation and batch norm the first output is large noise and training
    stalls for hundreds of steps; starting from the identity it learns at once.
    """
    convs = [layer for layer in body if isinstance(layer, nn.Conv2d)]
    for conv in convs:
        nn.init.orthogonal_(conv.weight)
        if conv.bias is not None:
            nn.init.zeros_(conv.bias)
    nn.init.zeros_(convs[-1].weight)


def sigma_map(sigma: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    """A N×1×H×W constant map of the per-image noise level ``sigma`` (N values, [0, 1] scale)."""
    if sigma is None:
        raise ValueError("this model needs the noise level sigma")
    sigma = torch.as_tensor(sigma, dtype=like.dtype, device=like.device).reshape(-1, 1, 1, 1)
    return sigma.expand(like.shape[0], 1, like.shape[2], like.shape[3])
