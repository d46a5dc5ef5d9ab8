"""Line and scatter charts drawn with Pillow (no plotting library): the sweep report's figures."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

PALETTE = [
    (31, 119, 180),
    (214, 39, 40),
    (44, 160, 44),
    (148, 103, 189),
    (255, 127, 14),
    (23, 190, 207),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
]


@dataclass
class Series:
    """Points of one chart series; ``dashed`` draws a line without markers."""

    label: str
    xs: list[float]
    ys: list[float]
    dashed: bool = False
    colour: tuple[int, int, int] | None = None


@dataclass
class Chart:
    """A chart: its series, axis names and, for categorical x, the tick names at 0, 1, 2, ...

    Attributes:
        kind: "line" (points joined in x order) or "scatter" (points, and the diagonal y = x).
    """

    title: str
    xlabel: str
    ylabel: str
    series: list[Series] = field(default_factory=list)
    kind: str = "line"
    xticks: list[str] | None = None

    def render(self, width: int = 760, height: int = 500) -> PILImage.Image:
        """The chart as an RGB picture of ``width`` x ``height`` pixels, legend on the right."""
        canvas = PILImage.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(canvas)
        font, small = ImageFont.load_default(size=15), ImageFont.load_default(size=12)
        legend_width = min(260, max([draw.textlength(s.label, font=small) for s in self.series] + [0]) + 40)
        left, right, top, bottom = 64, width - legend_width - 16, 40, height - 50
        xs = [x for s in self.series for x in s.xs if math.isfinite(x)]
        ys = [y for s in self.series for y in s.ys if math.isfinite(y)]
        if not xs or not ys:
            draw.text((left, top), f"{self.title}: no data", fill="black", font=font)
            return canvas
        if self.kind == "scatter":
            low, high = _padded(min(xs + ys), max(xs + ys))
            x_range = y_range = (low, high)
        else:
            x_range = (
                _padded(min(xs), max(xs), 0.05) if self.xticks is None else (-0.5, len(self.xticks) - 0.5)
            )
            y_range = _padded(min(ys), max(ys))

        def at(x: float, y: float) -> tuple[float, float]:
            fx = (x - x_range[0]) / (x_range[1] - x_range[0])
            fy = (y - y_range[0]) / (y_range[1] - y_range[0])
            return left + fx * (right - left), bottom - fy * (bottom - top)

        draw.text((left, 10), self.title, fill="black", font=font)
        for tick in nice_ticks(*y_range):
            _, y = at(x_range[0], tick)
            draw.line([(left, y), (right, y)], fill=(230, 230, 230))
            draw.text((left - 6, y), _tick_text(tick), fill="black", font=small, anchor="rm")
        if self.xticks is None:
            ticks = [(tick, _tick_text(tick)) for tick in nice_ticks(*x_range)]
        else:
            ticks = list(enumerate(self.xticks))
        for tick, text in ticks:
            x, _ = at(tick, y_range[0])
            draw.line([(x, bottom), (x, bottom + 4)], fill="black")
            draw.text((x, bottom + 6), text, fill="black", font=small, anchor="mt")
        draw.rectangle([left, top, right, bottom], outline="black")
        if self.kind == "scatter":
            draw.line([at(x_range[0], x_range[0]), at(x_range[1], x_range[1])], fill=(160, 160, 160), width=1)
        for index, series in enumerate(self.series):
            colour = series.colour or PALETTE[index % len(PALETTE)]
            points = sorted((x, y) for x, y in zip(series.xs, series.ys, strict=True) if math.isfinite(y))
            pixels = [at(x, y) for x, y in points]
            if series.dashed:
                _dashed(draw, pixels, colour)
            elif self.kind == "line" and len(pixels) > 1:
                draw.line(pixels, fill=colour, width=2)
            if not series.dashed:
                radius = 3 if self.kind == "scatter" else 4
                for x, y in pixels:
                    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
            legend_y = top + 4 + 18 * index
            if legend_y < bottom:
                lx = right + 14
                if series.dashed:
                    _dashed(draw, [(lx, legend_y + 7), (lx + 18, legend_y + 7)], colour)
                else:
                    draw.line([(lx, legend_y + 7), (lx + 18, legend_y + 7)], fill=colour, width=3)
                draw.text((lx + 24, legend_y), series.label, fill="black", font=small)
        draw.text(((left + right) / 2, height - 18), self.xlabel, fill="black", font=small, anchor="mm")
        draw.text((8, top - 18), self.ylabel, fill="black", font=small)
        return canvas


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) within [low, high]."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _tick_text(value: float) -> str:
    return f"{value:.6g}" if abs(value) >= 1e-9 else "0"


def _padded(low: float, high: float, fraction: float = 0.08) -> tuple[float, float]:
    if high - low < 1e-9:
        return low - 0.5, high + 0.5
    pad = (high - low) * fraction
    return low - pad, high + pad


def _dashed(
    draw: ImageDraw.ImageDraw, points: Sequence[tuple[float, float]], colour: tuple[int, int, int]
) -> None:
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        for start in range(0, int(length), 12):
            a, b = start / length, min(start + 6, length) / length
            draw.line(
                [(x0 + a * (x1 - x0), y0 + a * (y1 - y0)), (x0 + b * (x1 - x0), y0 + b * (y1 - y0))],
                fill=colour,
                width=2,
            )
