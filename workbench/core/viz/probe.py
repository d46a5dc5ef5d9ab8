"""What a visualisation needs to know to feed a network: its input channels and size multiple.

A network may declare ``in_channels`` and ``size_multiple`` attributes (the wrappers made by
:func:`workbench.core.viz.models.resolve_model` do); otherwise the input channels are those of the
first Conv2d and any size is accepted.
"""

from __future__ import annotations

import numpy as np

from workbench.core.image import as_hwc, to_gray

from .filters import first_conv


def input_channels(model) -> int:
    """Channels ``model`` expects: its ``in_channels`` attribute, else its first Conv2d's."""
    declared = getattr(model, "in_channels", None)
    if isinstance(declared, int):
        return declared
    return int(first_conv(model)[1].in_channels)


def size_multiple(model) -> int:
    """Input height and width must be multiples of this (the ``size_multiple`` attribute, else 1)."""
    declared = getattr(model, "size_multiple", None)
    return int(declared) if isinstance(declared, int) and declared > 0 else 1


CODE_SEED = 0
CODE_SCALE = 0.1


def match_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    """H×W×C pixels converted to H×W×``channels``: RGB to luma for 1, gray repeated for 3.

    A network taking another channel count is a generator fed a code, not an image (the Deep Image
    Prior hourglass): it gets the image-sized code DIP uses, U(0, 0.1) noise, seeded with 0.
    """
    array = np.asarray(pixels, dtype=np.float32)
    if array.ndim == 3 and array.shape[2] == channels:
        return np.ascontiguousarray(array)
    pixels = as_hwc(array)
    if channels not in (1, 3):
        code = np.random.default_rng(CODE_SEED).random((*pixels.shape[:2], channels), dtype=np.float32)
        return code * np.float32(CODE_SCALE)
    if channels == 1:
        return to_gray(pixels)
    return np.repeat(pixels, channels, axis=2)


def padded_to_multiple(pixels: np.ndarray, multiple: int) -> np.ndarray:
    """Pad H×W×C pixels at the bottom and right (by reflection, or edge copies when too small) so
    that both sides are multiples of ``multiple``; pixel (x, y) keeps its coordinates."""
    height, width = pixels.shape[:2]
    extra = ((-height) % multiple, (-width) % multiple)
    if extra == (0, 0):
        return pixels
    mode = "reflect" if extra[0] < height and extra[1] < width else "edge"
    return np.pad(pixels, ((0, extra[0]), (0, extra[1]), (0, 0)), mode=mode)


def network_input(model, pixels: np.ndarray, device: object = "cpu"):
    """A 1×C×H'×W' float32 tensor for ``model`` from H×W×C pixels in [0, 1] (channels matched,
    padded to the size multiple at the bottom/right)."""
    import torch

    array = padded_to_multiple(match_channels(pixels, input_channels(model)), size_multiple(model))
    return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))[None].to(device)
