"""The Sweep page's PSNR chart: the report's Pillow chart drawn at the size the page gives it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from workbench.core.sweep.charts import Chart

SMALLEST = QSize(360, 220)
"""Below this the chart is drawn at this size (its fonts and legend need the room)."""


class ChartView(QLabel):
    """Shows a :class:`Chart`, redrawn whenever the widget is resized, so it fills its area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: Chart | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(SMALLEST)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def show_chart(self, chart: Chart) -> None:
        """Draw ``chart`` now and again at each new size."""
        self.chart = chart
        self._draw()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._draw()

    def _draw(self) -> None:
        if self.chart is None:
            return
        width, height = max(self.width(), SMALLEST.width()), max(self.height(), SMALLEST.height())
        picture = self.chart.render(width, height).convert("RGB")
        data, stride = picture.tobytes(), 3 * picture.width
        image = QImage(data, picture.width, picture.height, stride, QImage.Format.Format_RGB888)
        self.setPixmap(QPixmap.fromImage(image.copy()))
