"""Bayer colour-filter arrays: the sampling masks, the mosaic A x and its adjoint, and the ``mosaic``
degradation (optionally with Gaussian noise added on the mosaic, as a sensor adds it).

A pattern names the colours of the top-left 2×2 block row by row: "RGGB" has red at (0, 0),
green at (0, 1) and (1, 0), blue at (1, 1); the block repeats over the image. Each pixel of a
mosaic keeps one of its three colours, so A maps H×W×3 to H×W×1 and Aᵀ puts each sample back into
its own colour plane (zeros elsewhere); A Aᵀ is the identity.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..params import ChoiceParam, FloatParam, ParamSpec
from ..problem import PATTERNS, Task, check_pattern
from .base import Degradation, Operator, register
from .noise_models import SIGMA_HELP, add_gaussian, added_sigma

_CHANNEL = {"R": 0, "G": 1, "B": 2}


def channel_map(pattern: str, height: int, width: int) -> np.ndarray:
    """H×W int array: the colour (0 = R, 1 = G, 2 = B) each pixel of the mosaic samples."""
    block = np.array([_CHANNEL[letter] for letter in check_pattern(pattern)]).reshape(2, 2)
    return np.tile(block, ((height + 1) // 2, (width + 1) // 2))[:height, :width]


def cfa_masks(pattern: str, height: int, width: int) -> np.ndarray:
    """H×W×3 bool: True where the mosaic samples that colour (exactly one True per pixel)."""
    colours = channel_map(pattern, height, width)
    return colours[:, :, None] == np.arange(3)[None, None, :]


def mosaic(pixels: np.ndarray, pattern: str) -> np.ndarray:
    """A x: the Bayer mosaic (H×W×1 float32) of an H×W×3 image."""
    masks = cfa_masks(pattern, *pixels.shape[:2])
    return np.sum(pixels * masks, axis=2, keepdims=True, dtype=np.float32)


def mosaic_adjoint(samples: np.ndarray, pattern: str) -> np.ndarray:
    """Aᵀ y: an H×W×1 mosaic spread into its three colour planes (H×W×3, zeros where not sampled)."""
    masks = cfa_masks(pattern, *samples.shape[:2])
    return (samples[:, :, :1] * masks).astype(np.float32)


def _mosaic(pixels: np.ndarray, params: dict, rng: np.random.Generator) -> Degradation:
    if pixels.shape[2] != 3:
        raise ParameterError("a Bayer mosaic is made from a colour image; this one is gray")
    clean = mosaic(pixels, params["pattern"])
    observed = add_gaussian(clean, params["sigma"], rng, clip=True) if params["sigma"] > 0 else clean
    return Degradation(
        observed=observed.astype(np.float32),
        task=Task.DEMOSAIC,
        pattern=params["pattern"],
        params=params,
        noise_sigma=added_sigma(clean, observed, params["sigma"]),
    )


register(
    Operator(
        name="mosaic",
        label="Bayer mosaic",
        task=Task.DEMOSAIC,
        params=ParamSpec(
            [
                ChoiceParam(
                    "pattern",
                    "RGGB",
                    "colours of the top-left 2×2 block of the colour filter array, row by row",
                    choices=PATTERNS,
                ),
                FloatParam(
                    "sigma",
                    0.0,
                    SIGMA_HELP + ", added on the mosaic as a sensor does (clipped to [0, 1])",
                    minimum=0.0,
                    maximum=100.0,
                    step=1.0,
                    unit="/255",
                ),
            ]
        ),
        apply=_mosaic,
        summary="Keeps one colour per pixel through a Bayer filter (RGGB, BGGR, GRBG, GBRG), "
        "optionally with noise on the mosaic; the result is a one-channel raw image.",
    )
)
