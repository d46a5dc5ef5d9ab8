"""The effective field over the image, zoomable: the image in dimmed gray, the field in a
perceptually uniform colour map (decades below its peak, with a scale bar), the radius that holds
95 % of it as a circle, the theoretical field as a square, and the pixel itself as a cross.

Wheel zooms at the cursor, a drag pans, a click picks the pixel whose field is shown (the view
reports it; the page computes the field). Until the user zooms or pans, the view frames the whole
image, and each new field from close up (``around_pixel``); it keeps that framing when resized.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsRectItem, QSizePolicy, QWidget

from workbench.core.viz.render import HEAT_DECADES, backdrop

from ...views.display import display_array
from ...views.log_axis import power_label
from ...views.viewer import BACKGROUND
from .plot_style import BOUND, FONT_PT, MARK, TEXT, tick_font

COLOUR_MAP = "inferno"
MAP_START = 0.15
"""The dark end of the colour map left out, so that the weakest coloured gradient still shows over gray."""
SCALE_LABEL = "|∂out/∂in| ÷ its peak"
PIXEL_COLOUR = "#ffffff"
WHOLE, CLOSE_UP = "whole image", "around the pixel"
CLOSE_UP_SIDES = (2.0, 8.0)
"""A close-up spans this many theoretical fields, or 95 % radii if that is wider, ..."""
MIN_CLOSE_UP = 24
"""... and at least this many pixels."""
SCALE_TICKS_WIDTH = 58
"""Room (px) for the scale's tick labels ("0.001" at 10 pt)."""
WIDE_LEGEND = 620
"""A view at least this wide lays its legend out in one row, a narrower one in a column."""


def heat_colour_map() -> pg.ColorMap:
    """The heat scale: 'inferno' (perceptually uniform, dark to pale yellow) from ``MAP_START``."""
    base = pg.colormap.get(COLOUR_MAP)
    stops = np.linspace(MAP_START, 1.0, 16)
    return pg.ColorMap(np.linspace(0.0, 1.0, 16), base.map(stops, mode="byte"))


def heat_lut(colour_map: pg.ColorMap, entries: int = 256) -> np.ndarray:
    """uint8 entries×4 lookup table of ``colour_map`` whose opacity rises from 0 (no gradient:
    the image shows) to nearly opaque at the peak."""
    lut = colour_map.getLookupTable(nPts=entries, alpha=True).copy()
    rise = np.clip(np.linspace(0.0, 1.0, entries) * 1.3, 0.0, 1.0) ** 0.7
    lut[:, 3] = np.round(235 * rise).astype(np.uint8)
    return lut


class _ClickViewBox(pg.ViewBox):
    """A ViewBox for an image (y down, square pixels) that reports left clicks in image pixels."""

    def __init__(self) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.on_click = None

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or self.on_click is None:
            super().mouseClickEvent(ev)
            return
        ev.accept()
        point = self.mapSceneToView(ev.scenePos())
        self.on_click(point.x(), point.y())


def _sample(symbol: str, colour: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> pg.ScatterPlotItem:
    """An item for the legend only, drawn as one outlined symbol."""
    return pg.ScatterPlotItem(symbol=symbol, size=14, pen=pg.mkPen(colour, width=2, style=style), brush=None)


class FieldView(pg.GraphicsLayoutWidget):
    """The image with its effective field; a colour bar beside it and a legend under it.

    Signals:
        clicked(int, int): (x, y) of the image pixel the user clicked.
    """

    clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground(BACKGROUND)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(240, 200)
        self._size: tuple[int, int] | None = None
        self._framing: str | None = WHOLE
        self._field_area = QRectF()
        self.view = _ClickViewBox()
        self.view.on_click = self._clicked
        self.addItem(self.view, row=0, col=0)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.heat_item = pg.ImageItem(axisOrder="row-major")
        self.heat_item.setZValue(1)
        self.colour_map = heat_colour_map()
        self.heat_item.setLookupTable(heat_lut(self.colour_map))
        self.circle = QGraphicsEllipseItem()
        self.circle.setPen(pg.mkPen(MARK, width=2))
        self.square = QGraphicsRectItem()
        self.square.setPen(pg.mkPen(BOUND, width=2, style=Qt.PenStyle.DashLine))
        self.pixel = pg.ScatterPlotItem(symbol="+", size=14, pen=pg.mkPen(PIXEL_COLOUR, width=2), brush=None)
        for z, item in enumerate((self.image_item, self.heat_item, self.square, self.circle, self.pixel)):
            item.setZValue(z)
            self.view.addItem(item)
        self.scale = self._scale_bar()
        self.addItem(self.scale, row=0, col=1)
        self.legend = pg.LegendItem(colCount=3, labelTextColor=TEXT, labelTextSize=f"{FONT_PT}pt")
        self.addItem(self.legend, row=1, col=0, colspan=2)
        self.view.sigRangeChangedManually.connect(self._zoomed_by_hand)
        self.view.sigResized.connect(self._resized)
        self.clear_field()

    def _scale_bar(self) -> pg.ColorBarItem:
        bar = pg.ColorBarItem(
            values=(-HEAT_DECADES, 0),
            colorMap=self.colour_map,
            interactive=False,
            width=14,
            colorMapMenu=False,
        )
        ticks = [(float(value), power_label(value)) for value in range(-HEAT_DECADES, 1)]
        bar.axis.setTicks([ticks, []])
        bar.axis.setWidth(SCALE_TICKS_WIDTH)
        for side in ("left", "right"):
            axis = bar.getAxis(side)
            axis.setTextPen(TEXT)
            axis.setStyle(tickFont=tick_font())
        bar.getAxis("left").setLabel(SCALE_LABEL, color=TEXT, **{"font-size": f"{FONT_PT}pt"})
        return bar

    # ----------------------------------------------------------------- content

    def set_image(self, pixels: np.ndarray | None) -> None:
        """Show H×W×C float [0, 1] ``pixels`` as dimmed gray with no field; None clears the view."""
        self.clear_field()
        if pixels is None:
            self._size = None
            self.image_item.clear()
            return
        size = tuple(pixels.shape[:2])
        self.image_item.setImage(display_array(backdrop(pixels)), levels=(0, 255), autoLevels=False)
        if size != self._size:
            self._size = size
            self.fit()

    def has_picture(self) -> bool:
        return self._size is not None

    def show_field(
        self, heat: np.ndarray, at: tuple[int, int], radius_95: float, rf: int | None, clipped: bool = False
    ) -> None:
        """Colour H×W ``heat`` (log10 of the gradient over its peak, in [-HEAT_DECADES, 0]), circle
        ``radius_95`` around pixel ``at`` = (x, y) and draw the ``rf``-pixel square (None: none)."""
        self.heat_item.setImage(heat, levels=(-HEAT_DECADES, 0), autoLevels=False)
        self.heat_item.show()
        centre = QPointF(at[0] + 0.5, at[1] + 0.5)
        radius = max(radius_95, 0.5)
        self.circle.setRect(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius))
        self.circle.show()
        self.pixel.setData([centre.x()], [centre.y()])
        self.legend.clear()
        self.legend.addItem(_sample("+", PIXEL_COLOUR), f"pixel {at}")
        self.legend.addItem(_sample("o", MARK), f"95 % of the field: {radius_95:.1f} px")
        if rf is not None:
            half = rf / 2
            self.square.setRect(QRectF(centre.x() - half, centre.y() - half, rf, rf))
            self.square.show()
            bound = "≥ " if clipped else ""
            self.legend.addItem(
                _sample("s", BOUND, Qt.PenStyle.DashLine), f"theoretical field: {bound}{rf} px"
            )
        else:
            self.square.hide()
        side = max(CLOSE_UP_SIDES[0] * (rf or 0), CLOSE_UP_SIDES[1] * radius_95, MIN_CLOSE_UP)
        self._field_area = QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side)
        if self._framing is not None:
            self.around_pixel()

    def clear_field(self) -> None:
        """Remove the field, its marks and the legend (the image stays)."""
        self.heat_item.hide()
        self.circle.hide()
        self.square.hide()
        self.pixel.setData([], [])
        self._field_area = QRectF()
        self.legend.clear()
        self.legend.addItem(_sample("+", PIXEL_COLOUR), "click a pixel")

    def field_shown(self) -> bool:
        return self.heat_item.isVisible() and self.heat_item.image is not None

    def legend_texts(self) -> list[str]:
        return [label.text for _sample_item, label in self.legend.items]

    # ----------------------------------------------------------------- zoom and clicks

    def fit(self) -> None:
        """Show the whole image (kept on resizes until the user zooms or pans)."""
        self._framing = WHOLE
        if self._size is not None:
            height, width = self._size
            self.view.setRange(QRectF(0, 0, width, height), padding=0.02)

    def around_pixel(self) -> None:
        """Show the field from close up: a square around its pixel twice the theoretical field (or
        eight 95 % radii, if wider), inside the image; the whole image while there is no field."""
        if self._field_area.isEmpty() or self._size is None:
            self.fit()
            return
        self._framing = CLOSE_UP
        height, width = self._size
        self.view.setRange(self._field_area.intersected(QRectF(0, 0, width, height)), padding=0.02)

    def framing(self) -> str | None:
        """WHOLE, CLOSE_UP, or None once the user has zoomed or panned."""
        return self._framing

    def widget_point(self, x: float, y: float) -> QPoint:
        """The viewport point over the centre of image pixel (x, y) (for tests and tooltips)."""
        scene = self.view.mapViewToScene(QPointF(x + 0.5, y + 0.5))
        return self.mapFromScene(scene)

    def _clicked(self, x: float, y: float) -> None:
        if self._size is None:
            return
        column, row = int(np.floor(x)), int(np.floor(y))
        height, width = self._size
        if 0 <= column < width and 0 <= row < height:
            self.clicked.emit(column, row)

    def _zoomed_by_hand(self, *_args: object) -> None:
        self._framing = None

    def _resized(self, *_args: object) -> None:
        self.legend.setColumnCount(3 if self.width() >= WIDE_LEGEND else 1)
        if self._framing == WHOLE:
            self.fit()
        elif self._framing == CLOSE_UP:
            self.around_pixel()
