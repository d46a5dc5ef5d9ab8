"""Learned denoisers (DnCNN, FFDNet-style, U-Net, colour residual U-Net), the joint demosaicking
network, weight files, published imports.

Every denoiser takes ``(noisy N×C×H×W, sigma N on the [0, 1] scale or None)`` and returns the
denoised N×C×H×W tensor; ``uses_sigma``, ``receptive_radius`` and ``alignment`` tell callers
(tiling, training) what the model needs. The demosaicking network takes an N×1×H×W mosaic and
returns N×3×H×W; it is built and loaded like the others but is not a denoiser (``ARCHITECTURES``,
the names ``workbench train`` offers, leaves it out).
"""

from __future__ import annotations

from torch import nn

from .demosaicnet import DemosaicNet
from .dncnn import DnCNN
from .ffdnet import FFDNet
from .resunet import ResUNet
from .unet import UNet

ARCHITECTURES: dict[str, type[nn.Module]] = {
    "dncnn": DnCNN,
    "ffdnet": FFDNet,
    "unet": UNet,
    "resunet": ResUNet,
}
"""The denoisers."""
BUILDABLE: dict[str, type[nn.Module]] = ARCHITECTURES | {"demosaicnet": DemosaicNet}
"""Every architecture a weight file may name: the denoisers and the demosaicking network."""


def build_model(architecture: str, **kwargs) -> nn.Module:
    """A fresh model of ``architecture`` (a key of ``BUILDABLE``) built with ``kwargs``."""
    if architecture not in BUILDABLE:
        raise ValueError(f"unknown architecture {architecture!r}")
    return BUILDABLE[architecture](**kwargs)


__all__ = ["ARCHITECTURES", "BUILDABLE", "DemosaicNet", "DnCNN", "FFDNet", "ResUNet", "UNet", "build_model"]
