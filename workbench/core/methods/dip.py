"""Deep Image Prior as a restoration method: every task, through the DIP stepper.

The output is the image the run chose: the pick of the automatic stop when a rule fired
(ES-WMV, or the discrepancy principle when the noise level is known), else the running average
of the outputs. ``ctx.notes`` says which, and where it stopped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..dip.choices import DEFAULT_CPU_THREADS, PICKS, PRESETS
from ..jobs import RunContext
from ..loss_choices import LOSSES
from ..params import AUTO, BoolParam, ChoiceParam, FloatParam, IntParam, ParamSpec, SeedParam
from ..problem import Problem, Task
from ..registry import Method, register

if TYPE_CHECKING:
    from ..dip.request import DipRequest

PARAMS = ParamSpec(
    [
        ChoiceParam(
            "preset",
            "auto",
            "network and schedule: paper (the authors' settings), light (a small net for a CPU); "
            "auto = paper on a GPU, light on a CPU",
            choices=PRESETS,
        ),
        IntParam(
            "iterations",
            0,
            "step cap; 0 = the preset's",
            minimum=0,
            maximum=100_000,
            step=100,
            special="auto",
        ),
        BoolParam(
            "auto_stop",
            True,
            "stop without the clean image (ES-WMV, and the discrepancy principle when the noise level "
            "is known) and keep the pick",
        ),
        FloatParam(
            "noise_sigma",
            AUTO,
            "noise std of the input for the discrepancy stop; auto = the sigma the workbench added "
            "when it degraded the image, else unknown (ES-WMV alone); 0 = do not use it",
            minimum=0.0,
            maximum=100.0,
            step=1.0,
            unit="/255",
            allow_auto=True,
        ),
        BoolParam(
            "sure_stop",
            False,
            "denoising, experimental: also stop where the SURE-estimated PSNR of the average peaks "
            "(a shadow run doubles the time; sigma as for the discrepancy stop, else estimated)",
        ),
        IntParam(
            "es_window",
            0,
            "ES-WMV window W in steps; 0 = the preset's",
            minimum=0,
            maximum=5000,
            special="auto",
        ),
        IntParam(
            "es_patience",
            0,
            "ES-WMV patience P in steps; 0 = the preset's",
            minimum=0,
            maximum=50_000,
            special="auto",
        ),
        ChoiceParam(
            "loss",
            "l2",
            "what each step minimises between A(x) and y: l2, l1, ssim, ms_ssim or mix "
            "(0.84 MS-SSIM + 0.16 l1, Zhao et al. 2017)",
            choices=LOSSES,
        ),
        ChoiceParam("pick", "average", "what auto-stop keeps where its rule fired", choices=PICKS),
        SeedParam("seed", 0, "seeds the net, its input and the jitter"),
        IntParam(
            "threads",
            DEFAULT_CPU_THREADS,
            "torch CPU threads during the run (0 = torch's default)",
            minimum=0,
            maximum=256,
            special="default",
        ),
    ]
)


def request_for(params: dict) -> DipRequest:
    """The DIP request that the method's parameter values describe (``noise_sigma`` auto = the
    problem's, else /255 -> [0, 1]; the SURE rule as asked, so another task than denoising is refused)."""
    from ..dip.request import DipRequest

    sigma = params["noise_sigma"]
    return DipRequest(
        iterations=params["iterations"],
        es_window=params["es_window"],
        es_patience=params["es_patience"],
        loss=params["loss"],
        seed=params["seed"],
        auto_stop=params["auto_stop"],
        pick=params["pick"],
        noise_sigma=None if sigma == AUTO else sigma / 255.0,
        sure=params["sure_stop"],
    )


def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    from ..dip.request import dip_stepper
    from ..dip.threads import cpu_threads

    stepper = dip_stepper(problem, params["preset"], request_for(params), ctx.torch_device())
    with cpu_threads(params["threads"]):
        outcome = stepper.run(ctx)
    ctx.notes.update(
        {
            "dip_output": outcome.description,
            "iterations": outcome.iterations,
            "stop_reason": outcome.stop_reason,
            "es_iteration": outcome.es_iteration,
            "es_fired_at": outcome.es_fired_at,
            "stop_rule": outcome.stop_rule,
        }
    )
    return outcome.pixels


register(
    Method(
        "dip",
        "Deep Image Prior",
        "dip",
        frozenset(Task),
        PARAMS,
        run,
        "Fits an untrained hourglass network to this one image and stops before it fits the noise.",
    )
)
