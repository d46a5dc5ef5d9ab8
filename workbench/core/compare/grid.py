"""The comparison figure: labelled tiles of the input, reference and results over their error maps."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from .. import registry
from ..errors import ParameterError
from ..image import to_uint8
from ..result import Result
from .maps import colour_bar, error_map, heat_colors, shared_scale
from .run import Comparison


@dataclass(frozen=True)
class Tile:
    """One picture of the grid with up to three caption lines under it."""

    pixels: np.ndarray
    lines: tuple[str, ...]


def tile_captions(comparison: Comparison, result: Result) -> tuple[str, ...]:
    """Title lines of a result's tile: label, 'PSNR dB / SSIM' (with '· est. PSNR' when it was
    estimated; the estimate alone without a reference), 'gain vs BM3D · time'."""
    lines = [method_label(result.method)]
    estimate = None if result.psnr_est is None else f"est. {result.psnr_est:.2f}"
    if result.psnr is not None:
        scores = f"{format_psnr(result.psnr)} dB / {result.ssim:.3f}"
        lines.append(scores if estimate is None else f"{scores} · {estimate}")
    elif estimate is not None:
        lines.append(f"{estimate} dB (no reference)")
    gain = comparison.gain(result)
    base = comparison.baseline
    time_text = f"{result.seconds:.2f} s"
    if gain is not None and base is not None and result is not base:
        lines.append(f"{gain:+.2f} dB vs {base.method.upper()} · {time_text}")
    elif result is base and result.psnr is not None:
        lines.append(f"baseline · {time_text}")
    else:
        lines.append(time_text)
    return tuple(lines)


def format_psnr(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.2f}"


def method_label(name: str) -> str:
    """The label a method is shown under, or its name when it is not registered (an old record)."""
    try:
        return registry.get(name).label
    except ParameterError:
        return name


def grid_tiles(comparison: Comparison) -> list[list[Tile]]:
    """The figure's rows: input, reference and every result; then their error maps when a reference exists.

    The error row shares one scale taken from the results' maps (see :func:`shared_scale`;
    the input's larger error is clipped to it) with its colour bar under the reference column.
    """
    problem = comparison.problem
    shape = comparison.results[0].image.pixels.shape if comparison.results else problem.observed.pixels.shape
    observed = _resize_nearest(problem.observed.pixels, shape[:2])
    input_psnr, input_ssim = comparison.input_psnr()
    input_lines = ["Input"]
    if input_psnr is not None:
        input_lines.append(f"{format_psnr(input_psnr)} dB / {input_ssim:.3f}")
    top = [Tile(observed, tuple(input_lines))]
    if problem.reference is not None:
        top.append(Tile(problem.reference.pixels, ("Reference", "clean")))
    top += [Tile(result.image.pixels, tile_captions(comparison, result)) for result in comparison.results]
    maps = comparison.error_maps()
    if not maps:
        return [top]
    scale = shared_scale(maps.values())
    bottom = [
        Tile(
            heat_colors(error_map(observed, problem.reference.pixels), scale),
            ("|input - reference| (clipped)",),
        )
    ]
    bottom.append(Tile(_legend_tile(scale, shape[:2]), (f"|error| 0 to {scale * 255:.1f} (of 255)",)))
    for result in comparison.results:
        error = maps.get(result.method)
        if error is None:
            bottom.append(Tile(np.ones(shape, np.float32), ("size differs",)))
            continue
        bottom.append(Tile(heat_colors(error, scale), (f"|error| mean {error.mean() * 255:.2f}",)))
    return [top, bottom]


def _legend_tile(scale: float, size: tuple[int, int]) -> np.ndarray:
    """A white tile of ``size`` with the colour bar across its middle."""
    height, width = size
    tile = np.ones((height, width, 3), np.float32)
    bar_height = max(2, height // 8)
    bar = colour_bar(scale, width=max(width - 2 * (width // 10), 2), height=bar_height)
    row, column = (height - bar_height) // 2, width // 10
    tile[row : row + bar_height, column : column + bar.shape[1]] = bar
    return tile


def _resize_nearest(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """H×W×C -> size[0]×size[1]×C by nearest neighbour (shows an SR input on its result's grid)."""
    height, width = pixels.shape[:2]
    if (height, width) == tuple(size):
        return pixels
    rows = np.minimum((np.arange(size[0]) * height / size[0]).astype(int), height - 1)
    cols = np.minimum((np.arange(size[1]) * width / size[1]).astype(int), width - 1)
    return pixels[rows][:, cols]


def render_grid(
    rows: list[list[Tile]], min_side: int = 192, max_side: int = 512, font_size: int = 15
) -> np.ndarray:
    """Draw tiles on a white page with captions under each: H×W×3 uint8.

    Tiles smaller than ``min_side`` on their long side are enlarged by an integer
    factor (nearest neighbour, so pixels stay visible); larger than ``max_side``
    are reduced (Lanczos).
    """
    font = ImageFont.load_default(size=font_size)
    line_height = font_size + 5
    margin, gap = 12, 10
    pictures = [[_tile_picture(tile.pixels, min_side, max_side) for tile in row] for row in rows]
    tile_width = max(picture.width for row in pictures for picture in row)
    tile_height = max(picture.height for row in pictures for picture in row)
    caption_lines = [max(len(tile.lines) for tile in row) for row in rows]
    columns = max(len(row) for row in rows)
    width = 2 * margin + columns * tile_width + (columns - 1) * gap
    height = 2 * margin + sum(tile_height + lines * line_height + gap for lines in caption_lines) - gap
    page = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    top = margin
    for row, row_pictures, lines in zip(rows, pictures, caption_lines, strict=True):
        for column, (tile, picture) in enumerate(zip(row, row_pictures, strict=True)):
            left = margin + column * (tile_width + gap)
            page.paste(picture, (left + (tile_width - picture.width) // 2, top))
            for number, line in enumerate(tile.lines):
                text = _fit_text(draw, line, font, tile_width)
                text_width = draw.textlength(text, font=font)
                position = (
                    left + (tile_width - text_width) / 2,
                    top + tile_height + 3 + number * line_height,
                )
                draw.text(position, text, fill=(0, 0, 0) if number == 0 else (60, 60, 60), font=font)
        top += tile_height + lines * line_height + gap
    return np.asarray(page, dtype=np.uint8)


def _tile_picture(pixels: np.ndarray, min_side: int, max_side: int) -> PILImage.Image:
    array = to_uint8(pixels)
    array = np.repeat(array, 3, axis=2) if array.shape[2] == 1 else array
    picture = PILImage.fromarray(np.ascontiguousarray(array), "RGB")
    long_side = max(picture.size)
    if long_side < min_side:
        factor = math.ceil(min_side / long_side)
        return picture.resize((picture.width * factor, picture.height * factor), PILImage.Resampling.NEAREST)
    if long_side > max_side:
        ratio = max_side / long_side
        size = (max(1, round(picture.width * ratio)), max(1, round(picture.height * ratio)))
        return picture.resize(size, PILImage.Resampling.LANCZOS)
    return picture


def _fit_text(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits in ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while len(text) > 1 and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"
