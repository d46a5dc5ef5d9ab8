"""Inpainting masks and blur kernels as files: NumPy ``.npy`` or images (PNG/TIFF/...)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..image import Image
from ..problem import EMPTY_MASK
from .atomic import atomic_output
from .formats import read_head
from .reader import read_image
from .writer import write_image


def _load_npy(path: Path) -> np.ndarray:
    read_head(path)
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise InputError(f"{path}: not a readable .npy array ({error})") from None


def _load_plane(path: Path, what: str) -> np.ndarray:
    """A 2-D float array from a .npy file or the gray version of an image file."""
    if path.suffix.lower() == ".npy":
        array = _load_npy(path)
        if array.ndim == 3 and array.shape[2] == 1:
            array = array[:, :, 0]
        if array.ndim != 2 or array.size == 0:
            raise InputError(f"{path}: a {what} must be a non-empty 2-D array, got shape {array.shape}")
        if array.dtype != np.bool_ and not np.issubdtype(array.dtype, np.number):
            raise InputError(f"{path}: a {what} must hold numbers, got {array.dtype}")
        return array.astype(np.float32)
    pixels = read_image(path).pixels
    return pixels.mean(axis=2) if pixels.shape[2] == 3 else pixels[:, :, 0]


def read_mask(path: str | PathLike, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """An inpainting mask as H×W bool, True = known pixel.

    Images: white (> 0.5 after gray conversion) is known. ``.npy``: bool, or numbers > 0.5.

    Args:
        path: the mask file.
        shape: the image's shape (H, W[, C]); a mask of another height or width is refused.

    Raises:
        InputError: unreadable file, not 2-D, all black (no known pixel), or a size that does
            not match ``shape``.
    """
    path = Path(path)
    mask = _load_plane(path, "mask") > 0.5
    if shape is not None and mask.shape != tuple(shape[:2]):
        raise InputError(
            f"{path}: the mask is {mask.shape[1]}x{mask.shape[0]} but the image is {shape[1]}x{shape[0]}"
        )
    if not mask.any():
        raise InputError(f"{path}: {EMPTY_MASK}")
    return mask


def write_mask(mask: np.ndarray, path: str | PathLike, overwrite: bool = False) -> Path:
    """Write an H×W bool mask (True = known) as ``.npy`` or as an 8-bit image, known = white."""
    path = Path(path)
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2:
        raise InputError(f"{path}: a mask must be 2-D, got shape {mask.shape}")
    if path.suffix.lower() == ".npy":
        with atomic_output(path, overwrite) as target, target.open("wb") as handle:
            np.save(handle, mask)
        return path
    return write_image(Image(mask.astype(np.float32), bit_depth=8), path, overwrite=overwrite)


def read_kernel(path: str | PathLike) -> np.ndarray:
    """A blur kernel as a 2-D float32 array normalised to sum 1 (``.npy`` or a gray image).

    Raises:
        InputError: unreadable file, not 2-D, non-finite values, or a sum that is not positive.
    """
    path = Path(path)
    kernel = _load_plane(path, "kernel").astype(np.float64)
    if not np.all(np.isfinite(kernel)):
        raise InputError(f"{path}: the kernel holds NaN or infinite values")
    total = kernel.sum()
    if total <= 0:
        raise InputError(f"{path}: the kernel's values sum to {total:g}; it must be positive")
    return (kernel / total).astype(np.float32)


def write_kernel(kernel: np.ndarray, path: str | PathLike, overwrite: bool = False) -> Path:
    """Write a 2-D kernel exactly as float32 ``.npy``, or as a 16-bit image scaled so its peak is white."""
    path = Path(path)
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.ndim != 2 or kernel.size == 0:
        raise InputError(f"{path}: a kernel must be a non-empty 2-D array, got shape {kernel.shape}")
    if path.suffix.lower() == ".npy":
        with atomic_output(path, overwrite) as target, target.open("wb") as handle:
            np.save(handle, kernel)
        return path
    peak = float(np.abs(kernel).max()) or 1.0
    return write_image(Image(np.clip(kernel / peak, 0, 1), bit_depth=16), path, overwrite=overwrite)
