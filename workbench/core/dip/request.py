"""The one road from a problem and a request to a Deep Image Prior stepper.

The 'dip' method (``core/methods/dip.py``), ``workbench dip`` (``cli/dip.py``) and the window's
DIP page each turn what they were given (parameter values, flags, a form) into a
:class:`DipRequest` and call :func:`dip_stepper`; the preset, its overrides and the stepper's
options are put together here only, so the three build the same run from the same request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from ..problem import Problem
from .presets import DipSettings, preset_settings
from .stepper import DipStepper


@dataclass(frozen=True)
class DipRequest:
    """What a caller asks of a DIP run besides the problem and the preset.

    Attributes:
        iterations: the step cap; 0 = the preset's.
        es_window: ES-WMV window W in steps; 0 = the preset's.
        es_patience: ES-WMV patience P in steps; 0 = the preset's.
        loss: what each step minimises (``workbench.core.loss_choices.LOSSES``).
        seed: seeds the net's initial weights, the input code and the jitter.
        auto_stop: stop when a stopping rule fires and keep its pick.
        run_past: with ``auto_stop``, go on to the cap after it fires (the pick is kept).
        pick: what the auto-stop pick keeps, "average" or "current".
        noise_sigma: the observation's noise std on the [0, 1] scale for the discrepancy rule;
            None = the problem's (known when the workbench added it), 0 = do not use the rule.
        sure: follow the SURE-estimated PSNR and stop by it; denoising only (another task is
            refused with ParameterError).
    """

    iterations: int = 0
    es_window: int = 0
    es_patience: int = 0
    loss: str = "l2"
    seed: int = 0
    auto_stop: bool = False
    run_past: bool = False
    pick: str = "average"
    noise_sigma: float | None = None
    sure: bool = False


def dip_settings(problem: Problem, preset: str, request: DipRequest, device_type: str) -> DipSettings:
    """The settings of ``preset`` for ``problem``'s task (and scale) on a ``device_type`` ("cpu" or
    "cuda") device, with the request's non-zero cap, W and P and its loss applied.

    Raises:
        ParameterError: an unknown preset name.
    """
    settings = preset_settings(preset, problem.task, problem.scale, device_type)
    overrides = {
        "iterations": request.iterations,
        "es_window": request.es_window,
        "es_patience": request.es_patience,
    }
    settings = replace(settings, **{name: value for name, value in overrides.items() if value})
    return replace(settings, loss=request.loss)


def dip_stepper(
    problem: Problem, preset: str, request: DipRequest, device: torch.device | str = "cpu"
) -> DipStepper:
    """A stepper for ``problem`` with ``preset``'s settings as ``request`` changes them, on ``device``
    (mixed precision on CUDA). Nothing has stepped yet.

    Raises:
        ParameterError: an unknown preset, an unknown loss, SURE asked for another task than
            denoising, or an incomplete problem.
        OutOfMemory: a step of this net at this size would not fit on ``device``.
        ValueError: an unknown pick.
    """
    device = torch.device(device)
    return DipStepper(
        problem,
        dip_settings(problem, preset, request, device.type),
        device=device,
        seed=request.seed,
        auto_stop=request.auto_stop,
        run_past=request.run_past,
        pick=request.pick,
        amp=device.type == "cuda",
        noise_sigma=request.noise_sigma,
        sure=request.sure,
    )
