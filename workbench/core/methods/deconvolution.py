"""Deconvolution for a known blur kernel: Wiener and Richardson–Lucy (scikit-image).

The ``boundary`` parameter says how the blur met the image border: "circular" (as the workbench's
own blur operator makes) is handled natively by Wiener's FFT and by wrap-padding for
Richardson–Lucy, whose convolution has zero borders; "reflect" (real photographs) mirror-pads the
image first and crops afterwards, so the borders neither ring nor darken. Colour images are
deconvolved channel by channel.
Pixels are float32 H×W×C in [0, 1]; ``problem.kernel`` is kh×kw, summing to 1.
"""

from __future__ import annotations

import numpy as np

from ..jobs import RunContext
from ..params import FloatParam, IntParam, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register
from ._shared import boundary_param, deconvolve_planes

DEBLUR = frozenset({Task.DEBLUR})


def _run_wiener(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    from skimage.restoration import wiener

    kernel = np.asarray(problem.kernel, dtype=np.float64)
    ctx.progress(0.0, "Wiener deconvolution")
    estimate = deconvolve_planes(
        problem.observed.pixels.astype(np.float64),
        kernel,
        params["boundary"],
        lambda plane: wiener(plane, kernel, params["balance"], clip=False),
    )
    ctx.progress(1.0, "Wiener deconvolution done")
    return estimate


def _run_richardson_lucy(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    from skimage.restoration import richardson_lucy

    kernel = np.asarray(problem.kernel, dtype=np.float64)
    ctx.progress(0.0, f"Richardson–Lucy, {params['iterations']} iterations")
    estimate = deconvolve_planes(
        np.clip(problem.observed.pixels, 0.0, 1.0).astype(np.float64),
        kernel,
        params["boundary"],
        lambda plane: richardson_lucy(plane, kernel, num_iter=params["iterations"], clip=False),
        circular_pad=True,
    )
    ctx.progress(1.0, "Richardson–Lucy done")
    return estimate


register(
    Method(
        name="wiener",
        label="Wiener deconvolution",
        family="classical",
        tasks=DEBLUR,
        params=ParamSpec(
            [
                FloatParam(
                    "balance",
                    0.01,
                    "regularisation (noise-to-signal power): larger is smoother, smaller sharper but noisier",
                    minimum=1e-5,
                    maximum=10.0,
                    step=0.001,
                ),
                boundary_param(),
            ]
        ),
        run=_run_wiener,
        summary="Wiener filter for a known blur kernel (scikit-image, Laplacian regulariser).",
    )
)

register(
    Method(
        name="richardson_lucy",
        label="Richardson–Lucy",
        family="classical",
        tasks=DEBLUR,
        params=ParamSpec(
            [
                IntParam(
                    "iterations",
                    30,
                    "multiplicative updates: more sharpens further but amplifies noise",
                    minimum=1,
                    maximum=1000,
                    step=5,
                ),
                boundary_param(),
            ]
        ),
        run=_run_richardson_lucy,
        summary="Richardson–Lucy deconvolution of a known kernel (scikit-image): Poisson maximum likelihood.",
    )
)
