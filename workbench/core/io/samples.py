"""Decoded sample arrays (any of uint8, uint16, bool, float; 1 to 4 channels) to the core's float pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError
from ..image import from_uint


def check_size(path: Path, width: int, height: int, max_pixels: int) -> None:
    """Refuse an image whose header promises more than ``max_pixels`` pixels, before it is decoded."""
    if width <= 0 or height <= 0:
        raise InputError(f"{path}: the header gives an empty size {width}x{height}")
    if width * height > max_pixels:
        raise InputError(
            f"{path}: is {width}x{height} ({width * height / 1e6:.0f} MP), "
            f"more than the {max_pixels / 1e6:.0f} MP limit"
        )


def drop_alpha(samples: np.ndarray, notices: list[str]) -> np.ndarray:
    """H×W×C samples with gray+alpha or RGBA reduced to gray or RGB, saying so in ``notices``."""
    if samples.ndim == 2:
        return samples[:, :, None]
    channels = samples.shape[2]
    if channels in (2, 4):
        notices.append("alpha channel dropped (the workbench restores gray or RGB)")
        return samples[:, :, : channels - 1]
    if channels not in (1, 3):
        raise ValueError(f"{channels} channels")
    return samples


def to_pixels(path: Path, samples: np.ndarray, notices: list[str]) -> tuple[np.ndarray, int]:
    """(float32 H×W×C pixels in [0, 1], bit depth 8 or 16) from decoded samples.

    Floating-point samples are clipped to [0, 1] (with a notice when that changes any) and
    counted as 16-bit; integer types other than 8/16-bit are refused with InputError.
    """
    try:
        samples = drop_alpha(samples, notices)
    except ValueError as error:
        expected = "expected gray, gray+alpha, RGB or RGBA"
        raise InputError(f"{path}: unsupported layout ({error}); {expected}") from None
    if samples.dtype == np.bool_:
        return samples.astype(np.float32), 8
    if samples.dtype in (np.uint8, np.uint16):
        return from_uint(samples), 8 * samples.dtype.itemsize
    if np.issubdtype(samples.dtype, np.floating):
        pixels = np.nan_to_num(samples.astype(np.float32), nan=0.0)
        if pixels.min(initial=0.0) < 0.0 or pixels.max(initial=0.0) > 1.0:
            notices.append("floating-point samples outside [0, 1] were clipped")
        return np.clip(pixels, 0.0, 1.0), 16
    raise InputError(f"{path}: unsupported sample type {samples.dtype} (expected 8 or 16-bit integers)")
