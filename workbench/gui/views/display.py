"""Turning float pixels into what Qt and pyqtgraph draw, and pixel values into readable numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from workbench.core.image import to_uint8


def display_array(pixels: np.ndarray) -> np.ndarray:
    """H×W×C float [0, 1] -> uint8 H×W (gray) or H×W×3 (colour), row-major, for an ImageItem."""
    array = to_uint8(pixels)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    return np.ascontiguousarray(array)


def thumbnail(pixels: np.ndarray, size: int = 64) -> QPixmap:
    """A QPixmap of at most ``size``×``size`` screen pixels showing ``pixels`` (H×W×C float [0, 1])."""
    height, width = pixels.shape[:2]
    step = max(1, int(np.ceil(max(height, width) / (size * 2))))
    array = display_array(pixels[::step, ::step])
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    array = np.ascontiguousarray(array)
    rows, cols = array.shape[:2]
    image = QImage(array.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(image).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def sample_text(values: np.ndarray, bit_depth: int) -> str:
    """One pixel's samples (floats in [0, 1]) in the source's bit depth: '128' or '(12, 34, 56)'."""
    top = (1 << int(bit_depth)) - 1
    numbers = [round(float(value) * top) for value in np.ravel(values)]
    if len(numbers) == 1:
        return str(numbers[0])
    return "(" + ", ".join(str(number) for number in numbers) + ")"
