"""Training images and random patches with flips and rotations."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError
from ..image import as_hwc, from_uint

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")


def load_folder(
    folder: str | Path, channels: int = 1, scales: tuple[float, ...] = (1.0,)
) -> list[np.ndarray]:
    """Every image in ``folder`` as float32 H×W×C in [0, 1], with ``channels`` 1 (gray) or 3.

    Each image also appears resized by every factor in ``scales`` (area interpolation), the
    DnCNN recipe for more variety from few images.

    Raises:
        InputError: no such folder, or no readable image in it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of training images")
    images = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUFFIXES:
            continue
        pixels = read_training_image(path, channels)
        for scale in scales:
            images.append(pixels if scale == 1.0 else _resize(pixels, scale))
    if not images:
        raise InputError(f"{folder}: no readable training images in it")
    return images


def read_training_image(path: Path, channels: int = 1) -> np.ndarray:
    """One image file as float32 H×W×C in [0, 1] with ``channels`` 1 or 3; InputError if unreadable."""
    flag = cv2.IMREAD_GRAYSCALE if channels == 1 else cv2.IMREAD_COLOR
    array = cv2.imread(str(path), flag | cv2.IMREAD_ANYDEPTH)
    if array is None:
        raise InputError(f"{path}: cannot read this training image")
    if channels == 3:
        array = array[..., ::-1]
    return as_hwc(from_uint(np.ascontiguousarray(array)))


def _resize(pixels: np.ndarray, scale: float) -> np.ndarray:
    height, width = pixels.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return as_hwc(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA))


def augment(patch: np.ndarray, mode: int) -> np.ndarray:
    """One of the 8 flips/rotations (``mode`` 0..7) of an H×W×C patch."""
    out = np.rot90(patch, k=mode % 4, axes=(0, 1))
    return np.ascontiguousarray(out[:, ::-1] if mode >= 4 else out)


def random_patches(
    images: list[np.ndarray], count: int, size: int, rng: np.random.Generator, align: int = 1
) -> np.ndarray:
    """``count`` random ``size``×``size`` patches as count×C×size×size float32, randomly flipped/rotated.

    Corners are chosen on multiples of ``align`` (keeps pixel-unshuffle phases meaningful).
    Images smaller than ``size`` are skipped.
    """
    usable = [image for image in images if min(image.shape[:2]) >= size]
    if not usable:
        raise InputError(f"no training image is at least {size}×{size} pixels")
    batch = np.empty((count, usable[0].shape[2], size, size), dtype=np.float32)
    for index in range(count):
        image = usable[rng.integers(len(usable))]
        top = rng.integers((image.shape[0] - size) // align + 1) * align
        left = rng.integers((image.shape[1] - size) // align + 1) * align
        patch = augment(image[top : top + size, left : left + size], int(rng.integers(8)))
        batch[index] = patch.transpose(2, 0, 1)
    return batch
