"""Diffusion-style inpainting of unknown pixels: Telea's fast marching and Navier–Stokes (OpenCV).

``problem.mask`` is H×W bool, True where the observed pixel is known; the others are filled from
their surroundings, channel by channel in float32, and the known pixels are kept as they are.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..jobs import RunContext
from ..params import IntParam, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register
from ._shared import per_channel

INPAINT = frozenset({Task.INPAINT})


def inpaint(pixels: np.ndarray, known: np.ndarray, radius: int, flag: int) -> np.ndarray:
    """Fill the pixels of H×W×C ``pixels`` where ``known`` (H×W bool) is False; returns H×W×C float32."""
    holes = np.ascontiguousarray(~known, dtype=np.uint8)
    if not holes.any():
        return pixels
    # OpenCV's float inpainting works on the 0..255 scale.
    filled = per_channel(pixels * 255.0, lambda plane: cv2.inpaint(plane, holes, radius, flag)) / 255.0
    return np.where(known[..., None], pixels, filled)


def _runner(flag: int, name: str):
    def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
        ctx.progress(0.0, f"{name} inpainting")
        estimate = inpaint(
            problem.observed.pixels, np.asarray(problem.mask, dtype=bool), params["radius"], flag
        )
        ctx.progress(1.0, f"{name} inpainting done")
        return estimate

    return run


def _params() -> ParamSpec:
    return ParamSpec(
        [
            IntParam(
                "radius",
                3,
                "neighbourhood each filled pixel is computed from",
                minimum=1,
                maximum=50,
                unit="px",
            )
        ]
    )


register(
    Method(
        name="telea",
        label="Inpainting (Telea)",
        family="classical",
        tasks=INPAINT,
        params=_params(),
        run=_runner(cv2.INPAINT_TELEA, "Telea"),
        summary="Fast-marching inpainting (Telea 2004, OpenCV): fills holes from their border inwards.",
    )
)

register(
    Method(
        name="navier_stokes",
        label="Inpainting (Navier–Stokes)",
        family="classical",
        tasks=INPAINT,
        params=_params(),
        run=_runner(cv2.INPAINT_NS, "Navier–Stokes"),
        summary="Navier–Stokes inpainting (Bertalmio et al. 2001, OpenCV): continues isophotes into holes.",
    )
)
