"""Learned denoisers (DnCNN, FFDNet-style, U-Net, colour residual U-Net), weight files, published imports.

Every model takes ``(noisy N×C×H×W, sigma N on the [0, 1] scale or None)`` and returns the
denoised N×C×H×W tensor; ``uses_sigma``, ``receptive_radius`` and ``alignment`` tell callers
(tiling, training) what the model needs.
"""

from __future__ import annotations

from torch import nn

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


def build_model(architecture: str, **kwargs) -> nn.Module:
    """A fresh model of ``architecture`` ('dncnn', 'ffdnet', 'unet', 'resunet') built with ``kwargs``."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}")
    return ARCHITECTURES[architecture](**kwargs)


__all__ = ["ARCHITECTURES", "DnCNN", "FFDNet", "ResUNet", "UNet", "build_model"]
