"""Plug-and-play HQS and ADMM as restoration methods: deblurring, super-resolution, inpainting,
demosaicking with any catalogue denoiser that takes a noise level (see ``workbench.core.pnp``).

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
            special="auto",
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


def runner(solver: str):
    """The run function of the plug-and-play method with ``solver`` ("hqs" or "admm")."""

    def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
        from ..pnp import stepper_for

        stepper = stepper_for(problem, params, ctx, solver)
        outcome = stepper.run(ctx)
        ctx.notes["noise_sigma"] = round(stepper.noise_sigma * 255, 2)
        ctx.notes["iterations"] = stepper.iteration
        if outcome.records and outcome.records[-1].psnr is not None:
            ctx.notes["psnr_per_iteration"] = [round(record.psnr, 2) for record in outcome.records]
        return outcome.pixels

    return run


def check(params: dict) -> None:
    from .. import registry

    registry.prepare(params["denoiser"], {"sigma": 25.0}, Task.DENOISE)


TASKS = frozenset({Task.DEBLUR, Task.SUPER_RESOLVE, Task.INPAINT, Task.DEMOSAIC})

register(
    Method(
        name="pnp_hqs",
        label="Plug-and-play HQS",
        family="pnp",
        tasks=TASKS,
        params=PARAMS,
        run=runner("hqs"),
        check=check,
        summary="Half-quadratic splitting with a denoiser as the prior (DPIR schedule: its noise level "
        "falls from 49 to the input's): an exact data step for the task's operator, then a denoising step.",
    )
)
register(
    Method(
        name="pnp_admm",
        label="Plug-and-play ADMM",
        family="pnp",
        tasks=TASKS,
        params=PARAMS,
        run=runner("admm"),
        check=check,
        summary="ADMM with a denoiser as the prior, on the same schedule as HQS: the data step, the "
        "denoising step, and a dual that adds back what the denoiser took away.",
    )
)
