"""Pictures for the visualisations, drawn with numpy and Pillow (no Qt, no plotting library):
a heat colour map, the effective field over an image with the theoretical square, a plot of the
receptive field per layer; and the values the window colours itself (the heat in decades below
its peak, the dimmed backdrop it is drawn over)."""

from __future__ import annotations

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from workbench.core.image import as_hwc, to_gray

from .receptive_field import RFReport
from .tiles import enlarge

HEAT_ANCHORS = np.array(
    [[0.0, 0.0, 0.02], [0.34, 0.06, 0.43], [0.73, 0.21, 0.33], [0.98, 0.55, 0.04], [0.99, 1.0, 0.64]],
    dtype=np.float32,
)
"""Colours of the heat map from 0 to 1 (dark, purple, red, orange, pale yellow: close to 'inferno')."""

SQUARE_COLOUR = (0.0, 0.9, 1.0)
MIN_PICTURE_SIDE = 256
HEAT_DECADES = 4
"""Decades below its peak that the window's heat scale spans (weaker gradients are not coloured)."""
BACKDROP_LEVEL = 0.55
"""Brightness of the gray image under a heat map, so that the map's colours stand out."""


def heat_colours(values: np.ndarray) -> np.ndarray:
    """Map H×W values in [0, 1] to float32 H×W×3 colours in [0, 1] (``HEAT_ANCHORS`` interpolated)."""
    position = np.clip(values, 0.0, 1.0) * (len(HEAT_ANCHORS) - 1)
    low = np.minimum(position.astype(int), len(HEAT_ANCHORS) - 2)
    weight = (position - low)[..., None]
    return ((1 - weight) * HEAT_ANCHORS[low] + weight * HEAT_ANCHORS[low + 1]).astype(np.float32)


def display_heat(heat: np.ndarray) -> np.ndarray:
    """H×W non-negative heat -> [0, 1] for display: divided by its maximum, then square-rooted so
    the tails of a peaked field stay visible (the numbers, such as radius_95, use the raw heat)."""
    peak = float(heat.max())
    return np.sqrt(heat / peak).astype(np.float32) if peak > 0 else np.zeros_like(heat, dtype=np.float32)


def log_heat(heat: np.ndarray, decades: int = HEAT_DECADES) -> np.ndarray:
    """H×W non-negative heat -> float32 H×W log10(heat / peak), clipped to [-``decades``, 0]
    (zero heat, and all of it when the peak is 0, lies at -``decades``)."""
    peak = float(np.max(heat)) if np.size(heat) else 0.0
    if peak <= 0:
        return np.full(np.shape(heat), -float(decades), dtype=np.float32)
    floor = peak * 10.0 ** (-decades)
    return np.log10(np.maximum(heat, floor) / peak).astype(np.float32)


def backdrop(pixels: np.ndarray) -> np.ndarray:
    """The image as dimmed gray (float32 H×W×3 in [0, ``BACKDROP_LEVEL``]) to draw a heat map over."""
    gray = to_gray(as_hwc(pixels))[..., 0]
    return np.repeat((BACKDROP_LEVEL * gray)[..., None], 3, axis=2).astype(np.float32)


def draw_square(pixels: np.ndarray, centre: tuple[float, float], side: float, colour=SQUARE_COLOUR) -> None:
    """Draw in place the one-pixel outline of a ``side``-pixel square centred on pixel ``centre`` = (x, y)
    of an H×W×3 image (clipped at the image's edges)."""
    height, width = pixels.shape[:2]
    half = (side - 1) / 2
    top, bottom = round(centre[1] - half), round(centre[1] + half)
    left, right = round(centre[0] - half), round(centre[0] + half)
    rows = slice(max(top, 0), min(bottom, height - 1) + 1)
    cols = slice(max(left, 0), min(right, width - 1) + 1)
    for row in (top, bottom):
        if 0 <= row < height:
            pixels[row, cols] = colour
    for col in (left, right):
        if 0 <= col < width:
            pixels[rows, col] = colour


def erf_overlay(pixels: np.ndarray, heat: np.ndarray, at: tuple[int, int], rf: int | None) -> np.ndarray:
    """The image in dimmed gray with the heat map blended over it (more opaque where hotter), the
    theoretical ``rf``×``rf`` square around ``at`` (skipped when None) and the pixel itself marked.
    Returns float32 H'×W'×3 in [0, 1], enlarged by an integer factor for images under 256 pixels."""
    shown = display_heat(heat)
    alpha = np.clip(shown * 1.5, 0, 1)[..., None]
    picture = (1 - alpha) * backdrop(pixels) + alpha * heat_colours(shown)
    factor = max(1, -(-MIN_PICTURE_SIDE // max(picture.shape[:2])))
    picture = np.ascontiguousarray(enlarge(picture.astype(np.float32), factor))
    centre = ((at[0] + 0.5) * factor - 0.5, (at[1] + 0.5) * factor - 0.5)
    if rf is not None:
        draw_square(picture, centre, rf * factor)
    draw_square(picture, centre, max(3, factor), colour=(1.0, 1.0, 1.0))
    return picture


def _font(size: int):
    return ImageFont.load_default(size=size)


def rf_plot(report: RFReport, width: int = 640, height: int = 400) -> np.ndarray:
    """The receptive field after each layer as a line plot on a white background, titled with the
    method and the final field. Returns uint8 height×width×3."""
    canvas = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    font, small = _font(14), _font(11)
    left, right, top, bottom = 56, width - 20, 40, height - 44
    values = [layer.rf for layer in report.layers] or [report.theoretical_rf]
    peak = max([*values, 1])
    suffix = " (at least: reached the probe's border)" if report.clipped else ""
    title = f"receptive field per layer ({report.method}): {report.theoretical_rf} px{suffix}"
    draw.text((left, 10), title, fill="black", font=font)
    draw.line([(left, top), (left, bottom), (right, bottom)], fill="black")
    for tick in np.linspace(0, peak, 5):
        y = bottom - (bottom - top) * tick / peak
        draw.line([(left - 4, y), (left, y)], fill="black")
        draw.line([(left + 1, y), (right, y)], fill=(225, 225, 225))
        draw.text((left - 8, y), f"{tick:.0f}", fill="black", font=small, anchor="rm")
    count = len(values)
    step = (right - left) / max(count, 1)
    points = [(left + step * (i + 0.5), bottom - (bottom - top) * v / peak) for i, v in enumerate(values)]
    if len(points) > 1:
        draw.line(points, fill=(30, 90, 200), width=2)
    label_every = max(1, count // 12)
    for index, (x, y) in enumerate(points):
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(30, 90, 200))
        if index % label_every == 0 or index == count - 1:
            draw.text((x, bottom + 6), str(index + 1), fill="black", font=small, anchor="mt")
    draw.text(((left + right) / 2, height - 16), "layer", fill="black", font=small, anchor="mm")
    draw.text((8, top - 20), "rf (px)", fill="black", font=small)
    return np.asarray(canvas, dtype=np.uint8)
