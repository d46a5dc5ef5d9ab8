"""Arranging many small images into one grid, and finding which tile a grid pixel belongs to."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GridLayout:
    """Where the tiles of a grid lie: ``count`` tiles of ``tile_height``×``tile_width`` pixels,
    ``columns`` per row, separated by ``gap`` pixels (also around the border)."""

    count: int
    columns: int
    tile_height: int
    tile_width: int
    gap: int

    @property
    def rows(self) -> int:
        return math.ceil(self.count / self.columns)

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) of the whole grid in pixels."""
        height = self.rows * (self.tile_height + self.gap) + self.gap
        width = self.columns * (self.tile_width + self.gap) + self.gap
        return height, width

    def origin(self, index: int) -> tuple[int, int]:
        """(row, column) in pixels of the top-left corner of tile ``index``."""
        row, column = divmod(index, self.columns)
        return (
            self.gap + row * (self.tile_height + self.gap),
            self.gap + column * (self.tile_width + self.gap),
        )

    def tile_at(self, x: float, y: float) -> int | None:
        """The index of the tile holding grid pixel (x = column, y = row), or None on a gap or outside."""
        column, inside_x = divmod(int(x) - self.gap, self.tile_width + self.gap)
        row, inside_y = divmod(int(y) - self.gap, self.tile_height + self.gap)
        if not (0 <= column < self.columns and 0 <= row < self.rows):
            return None
        if inside_x >= self.tile_width or inside_y >= self.tile_height:
            return None
        index = row * self.columns + column
        return index if index < self.count else None


def square_columns(count: int) -> int:
    """Columns of a near-square grid of ``count`` tiles."""
    return max(1, math.ceil(math.sqrt(count)))


def grid_layout(
    count: int, tile_shape: tuple[int, int], columns: int | None = None, gap: int = 1
) -> GridLayout:
    """The layout of ``count`` tiles of ``tile_shape`` (height, width); near-square unless ``columns``."""
    if count < 1:
        raise ValueError("a grid needs at least one tile")
    columns = square_columns(count) if columns is None else max(1, min(columns, count))
    return GridLayout(count, columns, int(tile_shape[0]), int(tile_shape[1]), gap)


def tile_grid(tiles: np.ndarray, layout: GridLayout, background: float = 1.0) -> np.ndarray:
    """Place ``tiles`` (N×h×w×C float in [0, 1]) on a grid; returns a float32 H×W×C image in [0, 1]."""
    tiles = np.asarray(tiles, dtype=np.float32)
    height, width = layout.shape
    grid = np.full((height, width, tiles.shape[3]), background, dtype=np.float32)
    for index, tile in enumerate(tiles):
        top, left = layout.origin(index)
        grid[top : top + layout.tile_height, left : left + layout.tile_width] = tile
    return grid


def normalise(values: np.ndarray) -> np.ndarray:
    """Min-max scale ``values`` (any shape) to [0, 1] as float32; a constant array becomes 0.5."""
    values = np.asarray(values, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12 * max(1.0, abs(high)):
        return np.full_like(values, 0.5)
    return (values - low) / (high - low)


def enlarge(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour up-scaling of an H×W(×C) array by an integer ``factor`` (each pixel a square)."""
    if factor <= 1:
        return pixels
    return np.repeat(np.repeat(pixels, factor, axis=0), factor, axis=1)
