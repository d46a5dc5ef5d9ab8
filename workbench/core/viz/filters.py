"""First-layer filters of a network as a tile grid (colour tiles when the filters see RGB)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.core.errors import ParameterError

from .filter_stats import FilterStats, filter_stats, initial_correlation
from .layers import input_unshuffle, named_layers
from .tiles import GridLayout, enlarge, grid_layout, normalise, tile_grid

MIN_TILE_PIXELS = 24
"""Filters are enlarged (nearest neighbour) until a tile is at least this many pixels wide."""


@dataclass
class FilterGrid:
    """First-layer filters drawn as tiles.

    Attributes:
        pixels: float32 H×W×3 in [0, 1]; each tile is one filter (one filter and input channel when
            the layer has neither 1 nor 3 input channels), min-max normalised on its own, so mid-gray
            is not necessarily zero.
        layout: where the tiles lie in ``pixels``.
        layer: the name of the convolution in the model (e.g. "body.0").
        weight_shape: (out_channels, in_channels, kernel height, kernel width).
        colour: True when each tile shows a three-input-channel filter as RGB.
        stats: zero-sum count and orientation selectivity of the drawn filters, against random ones.
        start_correlation: median correlation of the filters with the ones the model started from
            (``start_filters`` and ``start_label`` of a ``VizNet``), or None when that is not known.
        start_label: what that start was ("the start of the run"); empty when not known.
        order: the filter index of each tile, in row-major tile order (model order unless the grid
            was asked for the most changed filters first).
        most_changed_first: True when ``order`` runs from the filter that moved furthest from its
            start (lowest correlation with it) to the one that moved least.
    """

    pixels: np.ndarray
    layout: GridLayout
    layer: str
    weight_shape: tuple[int, int, int, int]
    colour: bool
    stats: FilterStats
    start_correlation: float | None = None
    start_label: str = ""
    order: tuple[int, ...] = ()
    most_changed_first: bool = False

    def numbers(self) -> str:
        """One line for a caption: the filter statistics and, when known, the start correlation."""
        if self.start_correlation is None:
            return self.stats.summary()
        text = (
            f"{self.stats.summary()}; median correlation with the filters at {self.start_label}: "
            f"{self.start_correlation:.2f}"
        )
        if self.most_changed_first:
            text += "; tiles from the filter furthest from its start to the nearest"
        return text


def first_conv(model) -> tuple[str, object]:
    """(name, module) of the first spatial ``torch.nn.Conv2d`` (kernel wider than 1×1) in ``model``'s
    module order, or of the first Conv2d when all are 1×1.

    1×1 convolutions are skipped because they have no picture to show: the Deep Image Prior
    hourglass, for one, lists its 1×1 skip branch before the 3×3 layer that reads the same input.

    Raises:
        ParameterError: the model holds no Conv2d.
    """
    import torch

    convs = [
        (name, module)
        for name, module in [("(model)", model), *named_layers(model)]
        if isinstance(module, torch.nn.Conv2d)
    ]
    if not convs:
        raise ParameterError(f"model {type(model).__name__} has no Conv2d layer, so no first-layer filters")
    spatial = [(name, module) for name, module in convs if max(module.kernel_size) > 1]
    return (spatial or convs)[0]


def strongest_channels(weight: np.ndarray) -> np.ndarray:
    """O×1×h×w: each filter of an O×I×h×w ``weight`` reduced to its input channel of largest norm."""
    strongest = np.linalg.norm(weight.reshape(*weight.shape[:2], -1), axis=2).argmax(axis=1)
    return weight[np.arange(len(weight)), strongest][:, None]


def _filter_tiles(weight: np.ndarray) -> tuple[np.ndarray, bool, int | None]:
    """(N×h×w×3 tiles in [0, 1], colour?, columns) from an O×I×h×w weight array."""
    out_channels, in_channels = weight.shape[:2]
    if in_channels == 3:
        tiles = np.stack([normalise(kernel) for kernel in weight]).transpose(0, 2, 3, 1)
        return tiles, True, None
    normalised = np.stack([normalise(kernel) for kernel in weight])
    gray = normalised.reshape(out_channels * in_channels, *weight.shape[2:])[..., None]
    if in_channels == 1:
        return np.repeat(gray, 3, axis=3), False, None
    per_row = max(1, math.ceil(math.sqrt(out_channels / in_channels)))
    return np.repeat(gray, 3, axis=3), False, per_row * in_channels


def image_space_weight(model, weight: np.ndarray) -> np.ndarray:
    """The first layer's O×I×h×w ``weight`` as filters on the image itself.

    A model that pixel-unshuffles its input by r (``unshuffle`` attribute, the workbench's DnCNN
    variants and FFDNet) convolves r² sub-images; that equals a stride-r convolution of the image
    with an (r·h)×(r·w) kernel, which is returned as O×C×(r·h)×(r·w) (a noise-level map channel
    past the C·r² image channels is left out). Other weights are returned unchanged.
    """
    import torch

    factor = input_unshuffle(model)
    image_channels = weight.shape[1] // (factor * factor)
    if factor <= 1 or image_channels < 1:
        return weight
    packed = torch.from_numpy(np.ascontiguousarray(weight[:, : image_channels * factor * factor]))
    return torch.nn.functional.pixel_shuffle(packed, factor).numpy()


def filter_grid(
    model, gap: int = 1, most_changed_first: bool = False, strongest_channel: bool = False
) -> FilterGrid:
    """The first Conv2d's filters of ``model`` (any ``torch.nn.Module``) as one RGB image.

    Each filter is min-max normalised over all its input channels together (so the colour of an RGB
    filter, or the balance between its input channels, is kept). With 3 input channels a tile is
    the filter in colour; with 1 it is gray; otherwise each (filter, input channel) pair is a gray
    tile and one row holds whole filters. Filters of a pixel-unshuffling model are first folded back
    into image space (:func:`image_space_weight`). Tiles are enlarged to at least
    ``MIN_TILE_PIXELS`` pixels; ``weight_shape`` is the shape of the drawn (folded) filters.

    With ``most_changed_first`` and a known start (``start_filters`` of a ``VizNet``), the tiles
    run from the filter least correlated with its start to the most: the filters training shaped
    come first, those still near their random start last. Without a known start it has no effect.

    With ``strongest_channel``, a filter with neither 1 nor 3 input channels is drawn as one tile,
    its input channel of largest norm (:func:`strongest_channels`), instead of one tile per input
    channel (a Deep Image Prior net's 128 filters over 32 code channels would be 4096 tiles).
    """
    name, weight = first_layer_weights(model)
    start = getattr(model, "start_filters", None)
    known = start is not None and start.shape == weight.shape
    correlation = initial_correlation(weight, start) if known else None
    sorted_ = correlation is not None and most_changed_first
    order = np.argsort(correlation, kind="stable") if sorted_ else np.arange(len(weight))
    drawn = weight[order]
    if strongest_channel and weight.shape[1] not in (1, 3):
        drawn = strongest_channels(drawn)
    tiles, colour, columns = _filter_tiles(drawn)
    factor = max(1, math.ceil(MIN_TILE_PIXELS / max(tiles.shape[1:3])))
    tiles = np.stack([enlarge(tile, factor) for tile in tiles])
    layout = grid_layout(len(tiles), tiles.shape[1:3], columns=columns, gap=gap)
    return FilterGrid(
        tile_grid(tiles, layout),
        layout,
        name,
        tuple(weight.shape),
        colour,
        filter_stats(weight),
        float(np.median(correlation)) if correlation is not None else None,
        getattr(model, "start_label", "") if known else "",
        tuple(int(index) for index in order),
        sorted_,
    )


def first_layer_weights(model) -> tuple[str, np.ndarray]:
    """(name, float32 O×I×h×w copy of the weights) of :func:`first_conv`, folded into image space
    (:func:`image_space_weight`): the filters as the grid draws them."""
    name, conv = first_conv(model)
    return name, image_space_weight(model, conv.weight.detach().float().cpu().numpy().copy())
