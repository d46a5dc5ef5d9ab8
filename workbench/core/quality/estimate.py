"""The estimated PSNR of a denoising result, without the clean image: SURE on the method itself.

A registered method becomes a black box f (:class:`MethodBox`); its noise model comes from the
problem (a known sigma), else from the image: a Poisson–Gaussian fit for the noise-adaptive
methods (which assume such noise), a Gaussian sigma estimate for the others. The estimate costs
one more run of the method, on the input plus a small ±1 probe (:func:`.sure.sure_mse`).
Parameters the method estimated ("auto") are pinned to the values it found, so that both runs
denoise with the same settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import registry
from ..jobs import RunContext
from ..noise_correlation import CORRELATED, neighbour_correlation
from ..params import AUTO, FloatParam
from ..problem import Problem, Task
from ..result import Result
from .sure import NoiseModel, psnr_from_mse, sure_mse

ESTIMATE_SEED = 0
"""Seed of the SURE probe: the same input gives the same estimate."""


class MethodBox:
    """A registered method as a function of its input pixels, for the risk estimates.

    Each call runs the method on ``problem`` with its observation replaced (no reference) and
    returns the pixels clipped to [0, 1], as :func:`workbench.core.pipeline.restore` does;
    ``notes`` holds what the last call's run noted. Cancelling ``ctx`` stops a call.
    """

    def __init__(self, problem: Problem, method: str, ctx: RunContext | None = None) -> None:
        self.problem = problem
        self.method = registry.get(method)
        self.ctx = ctx or RunContext()
        self.notes: dict[str, Any] = {}

    def __call__(self, pixels: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
        problem = dataclasses.replace(
            self.problem, observed=self.problem.observed.with_pixels(pixels), reference=None
        )
        child = RunContext(device=self.ctx.device, cancel_event=self.ctx.cancel_event)
        output = self.method.run(problem, dict(params), child)
        self.notes = dict(child.notes)
        return np.clip(np.asarray(output, dtype=np.float32), 0.0, 1.0)

    @property
    def eight_bit(self) -> bool:
        return self.method.eight_bit


def pin_auto(method: registry.Method, params: Mapping[str, Any], notes: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with each "auto" float replaced by the number the run noted for it (when it noted
    one number: a per-channel list, as the colour CNN notes, stays "auto")."""
    pinned = dict(params)
    for param in method.params:
        noted = notes.get(param.name)
        if (
            isinstance(param, FloatParam)
            and pinned.get(param.name) == AUTO
            and isinstance(noted, (int, float))
        ):
            pinned[param.name] = min(max(float(noted), param.minimum), param.maximum)
    return pinned


def noise_model(problem: Problem, method: registry.Method, params: Mapping[str, Any]) -> NoiseModel:
    """The noise the risk is estimated under (independent of the parameters a search varies):
    the problem's known sigma; for a method with a shot-noise gain, the gain and read noise given,
    else fitted; otherwise a Gaussian sigma estimated from the image."""
    if problem.noise_sigma is not None:
        return NoiseModel(float(problem.noise_sigma) ** 2)
    pixels = problem.observed.pixels
    if "alpha" in method.params:
        from ..methods.stabilised import noise_model as fitted

        gain, variance = fitted(pixels, params.get("alpha", AUTO), params.get("sigma", AUTO), RunContext())
        return NoiseModel(variance, gain)
    from ..noise import estimate_sigma

    return NoiseModel(float(estimate_sigma(pixels)) ** 2)


def can_estimate(problem: Problem, result: Result) -> str | None:
    """Why the PSNR of ``result`` cannot be estimated (None when it can): a task other than
    denoising, a size change, or, when the noise level is not known, noise that
    :func:`~workbench.core.noise_correlation.neighbour_correlation` finds correlated."""
    if problem.task is not Task.DENOISE:
        return "the estimate covers denoising only (SURE needs y = x + noise)"
    if result.image.pixels.shape != problem.observed.pixels.shape:
        return "the result and the input differ in size"
    if problem.noise_sigma is None and neighbour_correlation(problem.observed.pixels) >= CORRELATED:
        return (
            "the noise is correlated between neighbouring pixels (a camera JPEG?): SURE needs noise "
            "independent across pixels"
        )
    return None


def estimate_psnr(problem: Problem, result: Result, ctx: RunContext | None = None) -> Result:
    """Fill ``result.psnr_est`` (dB) and ``result.extras["psnr_est_by"]`` (the estimator and noise
    model in words); for a task other than denoising, ``extras["psnr_est_by"]`` says why not.

    Runs the method once more. Returns ``result`` itself.

    Raises:
        Cancelled: ``ctx`` was cancelled during the extra run.
    """
    reason = can_estimate(problem, result)
    if reason is not None:
        result.extras["psnr_est_by"] = reason
        return result
    box = MethodBox(problem, result.method, ctx)
    params = pin_auto(box.method, result.params, result.extras)
    noise = noise_model(problem, box.method, result.params)
    mse = sure_mse(
        lambda pixels: box(pixels, params),
        problem.observed.pixels,
        noise,
        estimate=result.image.pixels,
        seed=ESTIMATE_SEED,
        eight_bit=box.eight_bit,
    )
    result.psnr_est = psnr_from_mse(mse)
    name = "SURE" if noise.is_gaussian else "PG-URE"
    result.extras["psnr_est_by"] = f"{name} ({noise.describe()})"
    return result
