"""A picture widget for small drawings (filter grids, feature maps, heat maps) that reports clicks
in the drawing's own pixel grid."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from workbench.core.image import to_uint8


class PixelLabel(QLabel):
    """An H×W×3 float [0, 1] picture scaled to fit (aspect kept; hard pixel edges when enlarged,
    smoothed when shrunk so that lines and text stay legible).

    ``logical_size`` (width, height) is the grid clicks are reported in, when the picture is an
    enlarged drawing of a smaller image. Signal clicked(int, int): (x, y) in that grid.
    """

    clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(QSize(120, 120))
        self._pixmap: QPixmap | None = None
        self._logical = (1, 1)

    def set_pixels(self, pixels: np.ndarray | None, logical_size: tuple[int, int] | None = None) -> None:
        """Show H×W×3 (or H×W×1) float pixels in [0, 1]; None clears the picture."""
        if pixels is None:
            self._pixmap = None
            self.clear()
            return
        array = to_uint8(pixels)
        if array.ndim == 2 or array.shape[2] == 1:
            array = np.repeat(array.reshape(*array.shape[:2], 1), 3, axis=2)
        array = np.ascontiguousarray(array)
        rows, cols = array.shape[:2]
        image = QImage(array.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()
        self._pixmap = QPixmap.fromImage(image)
        self._logical = logical_size or (cols, rows)
        self._rescale()

    def has_picture(self) -> bool:
        return self._pixmap is not None

    def _drawn_rect(self) -> tuple[float, float, float]:
        """(left, top, screen pixels per logical pixel) of the picture inside the label."""
        width, height = self._logical
        scale = min(self.width() / width, self.height() / height)
        return (self.width() - width * scale) / 2, (self.height() - height * scale) / 2, scale

    def widget_point(self, x: float, y: float) -> QPoint:
        """The label point over the centre of logical pixel (x, y)."""
        left, top, scale = self._drawn_rect()
        return QPoint(int(left + (x + 0.5) * scale), int(top + (y + 0.5) * scale))

    def _rescale(self) -> None:
        if self._pixmap is not None:
            _left, _top, scale = self._drawn_rect()
            size = QSize(max(1, round(self._logical[0] * scale)), max(1, round(self._logical[1] * scale)))
            mode = Qt.TransformationMode.FastTransformation
            if scale < 1:
                mode = Qt.TransformationMode.SmoothTransformation
            self.setPixmap(self._pixmap.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, mode))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pixmap is None or event.button() != Qt.MouseButton.LeftButton:
            return
        left, top, scale = self._drawn_rect()
        x = int((event.position().x() - left) // scale)
        y = int((event.position().y() - top) // scale)
        if 0 <= x < self._logical[0] and 0 <= y < self._logical[1]:
            self.clicked.emit(x, y)
