"""What the compare page's tiles show in each mode: the results, or maps of what each method did."""

from __future__ import annotations

import numpy as np

from workbench.core import compare

RESULTS, ERRORS, NOISE, STRUCTURE = "results", "errors", "noise", "structure"
MODES = (
    (RESULTS, "Results", "the restored images"),
    (
        ERRORS,
        "Error map |result − reference|",
        "absolute error against the reference, one colour scale for all",
    ),
    (
        NOISE,
        "Removed noise: input − result",
        "what each method took away, one gray scale for all (mid-gray = 0)",
    ),
    (
        STRUCTURE,
        "Removed structure",
        "local correlation between what a method took away and what it kept: bright where it "
        "removed image detail (edges, texture) with the noise; no reference needed",
    ),
)
"""(mode, the button's text, its tooltip) of every mode, in the order the page offers them."""
TileContent = tuple[str, np.ndarray, tuple[str, ...]]
"""A tile's name, its H×W×C float pixels in [0, 1] and its caption lines."""


def mode_tiles(comparison: compare.Comparison, mode: str) -> list[TileContent]:
    """(name, pixels, caption lines) of every tile of ``comparison`` shown in ``mode``: the input,
    the reference and each result, or their error, removed-noise or removed-structure maps."""
    rows = compare.grid_tiles(comparison)
    top = rows[0]
    names = ["Input"] + (["Reference"] if comparison.problem.reference is not None else [])
    names += [compare.method_label(result.method) for result in comparison.results]
    if mode == ERRORS and len(rows) > 1:
        pictures = [tile.pixels for tile in rows[1]]
        lines = [(top_tile.lines[0], *tile.lines) for top_tile, tile in zip(top, rows[1], strict=True)]
        lines[1] = ("Colour scale", rows[1][1].lines[0])
        return list(zip(names, pictures, lines, strict=True))
    tiles = [(name, tile.pixels, tile.lines) for name, tile in zip(names, top, strict=True)]
    if mode == NOISE:
        maps = comparison.noise_maps() or {}
        scale = compare.shared_scale(maps.values())
        offset = len(tiles) - len(comparison.results)
        for index, result in enumerate(comparison.results, start=offset):
            if result.method in maps:
                name, _, lines = tiles[index]
                gray = compare.signed_gray(maps[result.method], scale)
                tiles[index] = (name, gray, (lines[0], f"removed noise, ±{scale * 255:.1f} (of 255)"))
    if mode == STRUCTURE:
        maps = comparison.structure_maps() or {}
        offset = len(tiles) - len(comparison.results)
        for index, result in enumerate(comparison.results, start=offset):
            if result.method in maps:
                name, _, lines = tiles[index]
                heat = compare.heat_colors(np.abs(maps[result.method]), 1.0)
                tiles[index] = (name, heat, (lines[0], "removed structure, |local correlation| 0 to 1"))
    return tiles
