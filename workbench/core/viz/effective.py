"""The effective receptive field (Luo et al., NeurIPS 2016): how strongly one output pixel reacts to
each input pixel, |d out(x, y) / d in|, with the network's real weights, for a real image."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.core.errors import ParameterError

from .probe import network_input, size_multiple
from .receptive_field import _first_tensor

MASS_FRACTION = 0.95


@dataclass
class EffectiveField:
    """The gradient of one output pixel with respect to the input image.

    Attributes:
        heat: float32 H×W, |d out(x, y) / d in| summed over input (and output) channels, on the
            image's pixel grid; zero outside the window that was evaluated.
        at: (x, y) = (column, row) of the output pixel.
        radius_95: radius in pixels of the disc around ``at`` holding 95 % of the gradient mass.
    """

    heat: np.ndarray
    at: tuple[int, int]
    radius_95: float


def _sorted_mass(heat: np.ndarray, at: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, float]:
    """(distances from ``at`` in increasing order, cumulative heat in that order, total heat)."""
    heat = np.asarray(heat, dtype=np.float64)
    rows, cols = np.indices(heat.shape)
    distance = np.hypot(cols - at[0], rows - at[1]).ravel()
    order = np.argsort(distance, kind="stable")
    return distance[order], np.cumsum(heat.ravel()[order]), float(heat.sum())


def radius_holding(heat: np.ndarray, at: tuple[int, int], fraction: float = MASS_FRACTION) -> float:
    """Smallest radius r (pixels, Euclidean) such that the pixels within r of ``at`` = (x, y) hold
    ``fraction`` of the total of the non-negative H×W ``heat``; 0.0 when the heat is all zero."""
    distance, mass, total = _sorted_mass(heat, at)
    if total <= 0:
        return 0.0
    return float(distance[np.searchsorted(mass, fraction * total * (1 - 1e-12))])


@dataclass
class MassProfile:
    """How the gradient mass of an effective field gathers around its pixel.

    Attributes:
        radius: float64 (N,), radii in pixels from 0 in steps of ``step``, increasing.
        fraction: float64 (N,), share in [0, 1] of the total |d out / d in| held by the pixels
            within ``radius`` (Euclidean distance, pixel centres) of the field's pixel.
    """

    radius: np.ndarray
    fraction: np.ndarray


def mass_profile(heat: np.ndarray, at: tuple[int, int], reach: float, step: float = 0.5) -> MassProfile:
    """The share of the non-negative H×W ``heat`` within r of ``at`` = (x, y) for r = 0, ``step``, ...
    up to ``reach`` pixels (at least one step); all zeros when the heat is all zero."""
    distance, mass, total = _sorted_mass(heat, at)
    radius = np.arange(0.0, max(reach, step) + step / 2, step)
    if total <= 0:
        return MassProfile(radius, np.zeros_like(radius))
    within = np.searchsorted(distance, radius, side="right")
    held = np.where(within > 0, mass[np.maximum(within - 1, 0)], 0.0)
    return MassProfile(radius, np.clip(held / total, 0.0, 1.0))


def _window(at: int, length: int, half: int, multiple: int) -> tuple[int, int]:
    """[start, stop) of a window reaching ``half`` pixels each side of ``at``, its start on the size grid."""
    start = max(0, at - half) // multiple * multiple
    return start, min(length, at + half + 1)


def effective_field(
    model, pixels: np.ndarray, at: tuple[int, int], window: int | None = None, device: object = "cpu"
) -> EffectiveField:
    """|d out(at) / d in| for ``model`` (any torch module mapping 1×C×H×W to an image of the same size)
    on H×W×C ``pixels`` in [0, 1], in eval mode, summed over channels.

    With ``window`` (a side in pixels, e.g. the theoretical field) only a window that wide around
    ``at`` is evaluated, aligned to the network's size multiple: the output pixel and its gradient are
    the same as on the whole image when the window holds the theoretical field, and the cost is
    that of a small image. ``model`` is put in eval mode for the call (pass a copy of a network that
    is being trained elsewhere).

    Raises:
        ParameterError: ``at`` lies outside the image, the output is not the input's size, or the
            output pixel does not depend on the input at all.
    """
    import torch

    height, width = pixels.shape[:2]
    x, y = int(at[0]), int(at[1])
    if not (0 <= x < width and 0 <= y < height):
        raise ParameterError(f"pixel ({x}, {y}) is outside the {width}x{height} image")
    multiple = size_multiple(model)
    half = max(height, width) if window is None else window // 2 + multiple
    top, bottom = _window(y, height, half, multiple)
    left, right = _window(x, width, half, multiple)
    crop_input = network_input(model, pixels[top:bottom, left:right], device).requires_grad_(True)
    was_training = model.training
    model.eval()
    try:
        output = _first_tensor(model(crop_input))
        if output.shape[-2:] != crop_input.shape[-2:]:
            raise ParameterError(
                f"the network's output is {tuple(output.shape[-2:])} for a {tuple(crop_input.shape[-2:])} "
                "input; the effective field needs an output the size of its input"
            )
        value = output[0, :, y - top, x - left].sum()
        gradient = torch.autograd.grad(value, crop_input)[0][0].abs().sum(0)
    finally:
        model.train(was_training)
    heat = np.zeros((height, width), dtype=np.float32)
    heat[top:bottom, left:right] = gradient.detach().float().cpu().numpy()[: bottom - top, : right - left]
    if not heat.any():
        raise ParameterError(
            f"output pixel ({x}, {y}) does not depend on the input (zero gradient): the network "
            "computes a constant there, e.g. a denoiser whose last layer is still all zeros"
        )
    return EffectiveField(heat, (x, y), radius_holding(heat, (x, y)))


def noise_probe(side: int, channels: int, seed: int = 0) -> np.ndarray:
    """A side×side×channels float32 image of uniform [0, 1] noise (seeded), a neutral input for the
    effective field when no image is given."""
    return np.random.default_rng(seed).random((side, side, channels), dtype=np.float32)
