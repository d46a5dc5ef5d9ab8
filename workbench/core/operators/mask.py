"""Pixel masks for inpainting: random pixels, a text overlay, or a rectangular hole.

Missing pixels are set to 0 in every channel; the mask (True = known) is returned.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..params import ChoiceParam, FloatParam, ParamSpec
from ..problem import Task
from .base import Degradation, Operator, register

WORDS = (
    "restore", "image", "noise", "prior", "signal", "pixel", "deep", "sparse", "filter", "kernel",
    "blur", "scale", "mask", "detail", "texture", "edge", "light", "lens", "sensor", "photon",
)  # fmt: skip


def random_mask(shape: tuple[int, int], fraction: float, rng: np.random.Generator) -> np.ndarray:
    """H×W bool with exactly round(fraction·H·W) pixels False (missing), chosen uniformly."""
    count = shape[0] * shape[1]
    mask = np.ones(count, dtype=bool)
    mask[rng.permutation(count)[: round(fraction * count)]] = False
    return mask.reshape(shape)


def hole_mask(shape: tuple[int, int], fraction: float, rng: np.random.Generator) -> np.ndarray:
    """H×W bool, False in one rectangle of the image's aspect covering about ``fraction`` of it."""
    height, width = shape
    side = math.sqrt(fraction)
    hole_h, hole_w = round(height * side), round(width * side)
    top = int(rng.integers(0, height - hole_h + 1))
    left = int(rng.integers(0, width - hole_w + 1))
    mask = np.ones(shape, dtype=bool)
    mask[top : top + hole_h, left : left + hole_w] = False
    return mask


def text_mask(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """H×W bool, False under lines of random words drawn across the whole image.

    The lettering scales with the image (about 20 lines on the taller side).
    """
    height, width = shape
    font = cv2.FONT_HERSHEY_SIMPLEX
    scale = max(height, width) / 640
    thickness = max(1, round(2 * scale))
    (_, text_height), _ = cv2.getTextSize("Ag", font, scale, thickness)
    step = max(2, round(text_height * 1.6))
    canvas = np.zeros(shape, dtype=np.uint8)
    for baseline in range(text_height, height + text_height, step):
        words = " ".join(rng.choice(WORDS, size=max(4, width // max(1, 2 * text_height))))
        offset = int(rng.integers(-step, 1))
        cv2.putText(canvas, words, (offset, baseline), font, scale, 255, thickness, cv2.LINE_8)
    return canvas == 0


def _mask(pixels: np.ndarray, params: dict, rng: np.random.Generator) -> Degradation:
    shape = pixels.shape[:2]
    kind = params["kind"]
    if kind == "random":
        mask = random_mask(shape, params["fraction"], rng)
    elif kind == "hole":
        mask = hole_mask(shape, params["fraction"], rng)
    else:
        mask = text_mask(shape, rng)
    observed = pixels * mask[:, :, None]
    return Degradation(observed=observed.astype(np.float32), task=Task.INPAINT, mask=mask, params=params)


register(
    Operator(
        name="mask",
        label="Missing pixels",
        task=Task.INPAINT,
        params=ParamSpec(
            [
                ChoiceParam("kind", "random", "which pixels go missing", choices=("random", "text", "hole")),
                FloatParam(
                    "fraction",
                    0.5,
                    "share of the pixels removed (random) or of the image covered by the hole; "
                    "text ignores it",
                    minimum=0.0,
                    maximum=0.99,
                    step=0.05,
                ),
            ]
        ),
        apply=_mask,
        summary="Sets pixels to 0 at random, under text or in a rectangular hole; the mask is returned.",
    )
)
