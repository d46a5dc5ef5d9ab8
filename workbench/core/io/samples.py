"""Decoded sample arrays (any of uint8, uint16, bool, float; 1 to 4 channels) to the core's float pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError
from ..image import as_hwc, from_uint


def check_size(path: Path, width: int, height: int, max_pixels: int) -> None:
    """Refuse an image whose header promises more than ``max_pixels`` pixels, before it is decoded."""
    if width <= 0 or height <= 0:
        raise InputError(f"{path}: the header gives an empty size {width}x{height}")
    if width * height > max_pixels:
        raise InputError(
            f"{path}: is {width}x{height} ({width * height / 1e6:.0f} MP), "
            f"more than the {max_pixels / 1e6:.0f} MP limit"
        )


ALPHA_NOTICE = "alpha channel set aside: the colour is restored, the alpha is written back to PNG and TIFF"


def split_alpha(samples: np.ndarray, notices: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """(H×W×C gray or RGB samples, H×W alpha samples or None) from gray, gray+alpha, RGB or RGBA,
    saying in ``notices`` when an alpha channel was set aside."""
    if samples.ndim == 2:
        return samples[:, :, None], None
    channels = samples.shape[2]
    if channels in (2, 4):
        notices.append(ALPHA_NOTICE)
        return samples[:, :, : channels - 1], samples[:, :, channels - 1]
    if channels not in (1, 3):
        raise ValueError(f"{channels} channels")
    return samples, None


def to_pixels(
    path: Path, samples: np.ndarray, notices: list[str]
) -> tuple[np.ndarray, int, np.ndarray | None]:
    """(float32 H×W×C pixels in [0, 1], bit depth 8 or 16, float32 H×W alpha or None) from
    decoded samples.

    Floating-point samples are counted as 16-bit: NaN becomes 0, +inf 1 and -inf 0, and values
    outside [0, 1] are clipped, each with a notice when it changed any sample. Integer types other
    than 8/16-bit are refused with InputError.
    """
    try:
        samples, alpha = split_alpha(samples, notices)
    except ValueError as error:
        expected = "expected gray, gray+alpha, RGB or RGBA"
        raise InputError(f"{path}: unsupported layout ({error}); {expected}") from None
    pixels, depth = _unit_samples(path, samples, notices)
    if alpha is not None:
        alpha = _unit_samples(path, alpha, [])[0][:, :, 0]
    return pixels, depth, alpha


def _unit_samples(path: Path, samples: np.ndarray, notices: list[str]) -> tuple[np.ndarray, int]:
    if samples.dtype == np.bool_:
        return as_hwc(samples.astype(np.float32)), 8
    if samples.dtype in (np.uint8, np.uint16):
        return as_hwc(from_uint(samples)), 8 * samples.dtype.itemsize
    if np.issubdtype(samples.dtype, np.floating):
        pixels = samples.astype(np.float32)
        bad = np.count_nonzero(~np.isfinite(pixels))
        if bad:
            pixels = np.nan_to_num(pixels, nan=0.0, posinf=1.0, neginf=0.0)
            notices.append(f"{bad} NaN or infinite samples replaced (NaN and -inf by 0, +inf by 1)")
        if pixels.min(initial=0.0) < 0.0 or pixels.max(initial=0.0) > 1.0:
            notices.append("floating-point samples outside [0, 1] were clipped")
        return as_hwc(np.clip(pixels, 0.0, 1.0)), 16
    raise InputError(f"{path}: unsupported sample type {samples.dtype} (expected 8 or 16-bit integers)")
