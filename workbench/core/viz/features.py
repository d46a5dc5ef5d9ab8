"""Feature maps: the activations of one layer of a network for one image."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from skimage.transform import downscale_local_mean

from workbench.core.errors import ParameterError

from .layers import named_layers
from .probe import network_input, size_multiple
from .tiles import GridLayout, enlarge, grid_layout, normalise, tile_grid

PROBE_SIZE = 32
"""Side in pixels of the blank image used to find which layers produce feature maps."""


@dataclass
class FeatureMaps:
    """The output of one layer for one image.

    Attributes:
        layer: the module's name in the model.
        maps: float32 C×h×w raw activations (h, w: the layer's resolution, which may be lower
            than the image's after down-sampling).
    """

    layer: str
    maps: np.ndarray

    @property
    def channels(self) -> int:
        return self.maps.shape[0]

    def channel(self, index: int) -> np.ndarray:
        """Channel ``index`` as float32 h×w, min-max normalised to [0, 1]."""
        if not 0 <= index < self.channels:
            raise ParameterError(f"channel {index} out of range: layer {self.layer} has {self.channels}")
        return normalise(self.maps[index])


def _leaf_modules(model) -> list[tuple[str, object]]:
    return [(name, module) for name, module in named_layers(model) if not list(module.children())]


def _run_with_hooks(model, x, modules: list[tuple[str, object]], keep) -> list[tuple[str, object]]:
    """Run ``model(x)`` recording (name, output) of each module call whose output ``keep`` accepts."""
    import torch

    seen: list[tuple[str, object]] = []
    handles = []
    for name, module in modules:

        def hook(_module, _inputs, output, name=name):
            if isinstance(output, torch.Tensor) and output.dim() == 4 and keep(name):
                seen.append((name, output.detach()))

        handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return seen


def feature_layers(model) -> list[str]:
    """Names of the leaf modules whose output is an image-shaped (1×C×h×w) tensor, in the order the
    forward pass calls them (found by running a blank ``PROBE_SIZE`` image through ``model``)."""
    side = max(PROBE_SIZE, 2 * size_multiple(model))
    blank = np.full((side, side, 1), 0.5, dtype=np.float32)
    was_training = model.training
    model.eval()
    try:
        calls = _run_with_hooks(model, network_input(model, blank), _leaf_modules(model), lambda _n: True)
    finally:
        model.train(was_training)
    names: list[str] = []
    for name, _output in calls:
        if name not in names:
            names.append(name)
    return names


def feature_maps(model, layer: str, pixels: np.ndarray, device: object = "cpu") -> FeatureMaps:
    """The activations of module ``layer`` of ``model`` for H×W×C ``pixels`` in [0, 1] (eval mode,
    no gradients; the first call of the module if the forward pass calls it more than once).

    Raises:
        ParameterError: ``layer`` is not a module of the model or gives no image-shaped output.
    """
    modules = dict(_leaf_modules(model))
    if layer not in modules:
        raise ParameterError(f"layer {layer!r} is not a module of {type(model).__name__}")
    was_training = model.training
    model.eval()
    try:
        calls = _run_with_hooks(model, network_input(model, pixels, device), [(layer, modules[layer])], bool)
    finally:
        model.train(was_training)
    if not calls:
        raise ParameterError(f"layer {layer!r} produced no image-shaped output for this network")
    return FeatureMaps(layer, calls[0][1][0].float().cpu().numpy())


def _fit_tile(channel: np.ndarray, min_tile: int, max_tile: int) -> np.ndarray:
    """Enlarge (nearest neighbour) a small h×w map to at least ``min_tile`` pixels wide, or shrink
    (block mean) a large one to at most ``max_tile``."""
    side = max(channel.shape)
    if side > max_tile:
        step = -(-side // max_tile)
        return downscale_local_mean(channel, (step, step)).astype(np.float32)
    return enlarge(channel, max(1, -(-min_tile // side)))


def feature_grid(
    features: FeatureMaps, min_tile: int = 48, max_tile: int = 128, gap: int = 2
) -> tuple[np.ndarray, GridLayout]:
    """All channels as gray tiles, each min-max normalised on its own: (float32 H×W×3 in [0, 1], layout).
    Tiles are between ``min_tile`` and ``max_tile`` pixels wide (see :func:`_fit_tile`)."""
    tiles = np.stack([_fit_tile(features.channel(i), min_tile, max_tile) for i in range(features.channels)])
    tiles = np.repeat(tiles[..., None], 3, axis=3)
    layout = grid_layout(len(tiles), tiles.shape[1:3], gap=gap)
    return tile_grid(tiles, layout), layout
