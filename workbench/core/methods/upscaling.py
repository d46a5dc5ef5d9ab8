"""Interpolating up-scalers for super-resolution: bicubic and Lanczos (OpenCV).

The result is ``problem.scale`` times the observation in each direction; pixels are float32
H×W×C in [0, 1] (Lanczos may overshoot slightly; the pipeline clips).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..jobs import RunContext
from ..params import ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register
from ._shared import as_hwc

SUPER_RESOLVE = frozenset({Task.SUPER_RESOLVE})


def upscale(pixels: np.ndarray, scale: int, interpolation: int) -> np.ndarray:
    """H×W×C ``pixels`` resized to (scale·H)×(scale·W)×C with an OpenCV interpolation flag."""
    height, width, channels = pixels.shape
    resized = cv2.resize(pixels, (width * scale, height * scale), interpolation=interpolation)
    return as_hwc(resized, channels)


def _runner(interpolation: int):
    def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
        return upscale(problem.observed.pixels, problem.scale, interpolation)

    return run


register(
    Method(
        name="bicubic",
        label="Bicubic up-scaling",
        family="classical",
        tasks=SUPER_RESOLVE,
        params=ParamSpec(),
        run=_runner(cv2.INTER_CUBIC),
        summary="Bicubic interpolation (OpenCV, a = -0.75): the usual super-resolution baseline.",
    )
)

register(
    Method(
        name="lanczos",
        label="Lanczos up-scaling",
        family="classical",
        tasks=SUPER_RESOLVE,
        params=ParamSpec(),
        run=_runner(cv2.INTER_LANCZOS4),
        summary="Lanczos interpolation over 8×8 neighbours (OpenCV): a little sharper than bicubic.",
    )
)
