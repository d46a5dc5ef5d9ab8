"""Plug-and-play HQS as a restoration method: deblurring, super-resolution, inpainting, demosaicking
with any catalogue denoiser that takes a noise level (see ``workbench.core.pnp``).

Each iteration's estimate is offered as a preview, so the window shows the run converge; the
notes hold the noise level used and the PSNR after each iteration when a reference is known.
"""

from __future__ import annotations

import numpy as np

from ..jobs import RunContext
from ..params import AUTO, ChoiceParam, FloatParam, IntParam, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register

DENOISERS = ("ffdnet", "colour_cnn", "bm3d", "cbm3d")
"""Catalogue denoisers with a noise-level input that the prior can be."""

PARAMS = ParamSpec(
    [
        ChoiceParam(
            "denoiser",
            "ffdnet",
            "the prior: a denoiser told the noise level of each iteration (ffdnet: the noise-aware "
            "CNN; colour_cnn; bm3d per channel; cbm3d jointly on colour)",
            choices=DENOISERS,
        ),
        IntParam(
            "iterations",
            0,
            "data + denoising steps; 0 = the task's (deblur 8, sr 24, inpaint and demosaic 30)",
            minimum=0,
            maximum=500,
            step=1,
        ),
        FloatParam(
            "sigma_start",
            49.0,
            "the denoiser's noise level in the first iteration (DPIR: 49)",
            minimum=1.0,
            maximum=100.0,
            step=1.0,
            unit="/255",
        ),
        FloatParam(
            "sigma_end",
            AUTO,
            "the denoiser's level in the last iteration; auto = the input's noise level (at least 1)",
            minimum=0.1,
            maximum=100.0,
            step=0.5,
            unit="/255",
            allow_auto=True,
        ),
        FloatParam(
            "lam",
            0.23,
            "weight of the prior against the data (DPIR: 0.23): larger trusts the denoiser more",
            minimum=0.001,
            maximum=100.0,
            step=0.01,
        ),
        FloatParam(
            "noise_sigma",
            AUTO,
            "noise std of the input; auto = the sigma the workbench added when it degraded the image, "
            "else estimated from the input (0 for inpainting)",
            minimum=0.0,
            maximum=100.0,
            step=0.5,
            unit="/255",
            allow_auto=True,
        ),
    ]
)


def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    from ..pnp import DEFAULT_ITERATIONS, PnpSettings, PnpStepper, estimated_noise, registry_denoiser

    if params["noise_sigma"] != AUTO:
        noise = params["noise_sigma"] / 255
    elif problem.noise_sigma is not None:
        noise = problem.noise_sigma
    else:
        noise = estimated_noise(problem)
    settings = PnpSettings(
        iterations=params["iterations"] or DEFAULT_ITERATIONS[problem.task],
        sigma_start=params["sigma_start"],
        sigma_end=None if params["sigma_end"] == AUTO else params["sigma_end"],
        lam=params["lam"],
    )
    stepper = PnpStepper(problem, settings, registry_denoiser(params["denoiser"], ctx), noise_sigma=noise)
    outcome = stepper.run(ctx)
    ctx.notes["noise_sigma"] = round(noise * 255, 2)
    ctx.notes["iterations"] = stepper.iteration
    if outcome.records and outcome.records[-1].psnr is not None:
        ctx.notes["psnr_per_iteration"] = [round(record.psnr, 2) for record in outcome.records]
    return outcome.pixels


def check(params: dict) -> None:
    from .. import registry

    registry.prepare(params["denoiser"], {"sigma": 25.0}, Task.DENOISE)


register(
    Method(
        name="pnp_hqs",
        label="Plug-and-play HQS",
        family="pnp",
        tasks=frozenset({Task.DEBLUR, Task.SUPER_RESOLVE, Task.INPAINT, Task.DEMOSAIC}),
        params=PARAMS,
        run=run,
        check=check,
        summary="Half-quadratic splitting with a denoiser as the prior (DPIR schedule: its noise level "
        "falls from 49 to the input's): an exact data step for the task's operator, then a denoising step.",
    )
)
