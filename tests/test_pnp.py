"""Plug-and-play HQS: the data step solves its normal equations for every operator, the schedule
falls from sigma_start to the noise level, runs stream records and stop, cancel works, and with the
noise-aware CNN it beats the classical baselines on small crops."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter

from workbench.core import operators, registry
from workbench.core.errors import Cancelled
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.pipeline import restore
from workbench.core.pnp import DataStep, PnpSettings, PnpStepper, schedule
from workbench.core.problem import Task

DEGRADATIONS = {
    "deblur": ("blur", {"kind": "gaussian", "sigma": 1.6, "noise_sigma": 2.55}),
    "sr": ("downsample", {"scale": "2"}),
    "inpaint": ("mask", {"fraction": 0.5}),
    "demosaic": ("mosaic", {"pattern": "GRBG", "sigma": 5}),
}


def textured(size: int = 48, channels: int = 3) -> Image:
    rng = np.random.default_rng(1)
    base = gaussian_filter(rng.random((size, size)), 2.0)
    base = (base - base.min()) / (base.max() - base.min())
    edge = (np.arange(size)[None, :] > size // 2).astype(np.float64)
    gray = 0.2 + 0.5 * base + 0.2 * edge
    planes = [gray * (0.8 + 0.1 * c) for c in range(channels)]
    return Image(np.stack(planes, axis=2).astype(np.float32))


def problem_for(name: str, channels: int = 3):
    clean = textured(channels=channels)
    op, values = DEGRADATIONS[name]
    observed, degradation = operators.degrade(clean, op, values, seed=0)
    return degradation.problem(observed, clean)


@pytest.mark.parametrize("name", list(DEGRADATIONS))
def test_the_data_step_zeroes_the_gradient_of_its_objective(name):
    problem = problem_for(name)
    step = DataStep(problem, cg_steps=60)
    height, width = problem.output_shape
    z = torch.rand(1, 3, height, width, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    alpha = 0.3
    x = step(z, alpha)
    A = step.operator
    gradient = A.A_adjoint(A.A(x) - step.y) + alpha * (x - z)
    assert float(gradient.abs().max()) < 1e-6 * max(1.0, float(step.aty.abs().max()))


def test_the_schedule_falls_geometrically_from_the_start_to_the_noise_level():
    levels = schedule(PnpSettings(iterations=5, sigma_start=49), noise_sigma=7.65 / 255)
    assert levels[0] == pytest.approx(49) and levels[-1] == pytest.approx(7.65)
    ratios = levels[1:] / levels[:-1]
    assert np.allclose(ratios, ratios[0]) and ratios[0] < 1
    assert schedule(PnpSettings(iterations=3), noise_sigma=0.0)[-1] == pytest.approx(1.0)


def smoothing(pixels: np.ndarray, sigma: float) -> np.ndarray:
    """A stand-in prior: Gaussian smoothing whose width grows with the noise level."""
    return gaussian_filter(pixels, sigma=(0.02 * sigma + 0.3, 0.02 * sigma + 0.3, 0))


def test_a_run_records_each_iteration_previews_it_and_rises_above_its_start():
    problem = problem_for("inpaint")
    previews = []
    ctx = RunContext(on_preview=previews.append)
    stepper = PnpStepper(problem, PnpSettings(iterations=6), smoothing)
    outcome = stepper.run(ctx)
    assert [record.iteration for record in outcome.records] == list(range(1, 7))
    assert len(previews) == 6 and previews[-1].shape == (48, 48, 3)
    assert outcome.records[-1].psnr > outcome.records[0].psnr
    assert all(b.seconds >= a.seconds for a, b in zip(outcome.records, outcome.records[1:], strict=False))


def test_stop_keeps_the_estimate_so_far_and_cancel_raises():
    problem = problem_for("deblur")
    stepper = PnpStepper(problem, PnpSettings(iterations=8), smoothing)
    stepper.step()
    stepper.stop()
    outcome = stepper.run()
    assert outcome.stop_reason == "user" and len(outcome.records) == 1
    ctx = RunContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        PnpStepper(problem, PnpSettings(iterations=8), smoothing).run(ctx)


@pytest.mark.parametrize("name", ["pnp_hqs", "pnp_admm"])
def test_pnp_is_listed_for_the_four_tasks_with_typed_parameters(name):
    method = registry.get(name)
    assert method.family == "pnp"
    assert method.tasks == {Task.DEBLUR, Task.SUPER_RESOLVE, Task.INPAINT, Task.DEMOSAIC}
    assert method.params["denoiser"].choices[0] == "ffdnet"
    assert method.params["sigma_start"].default == 49.0


def test_admm_carries_what_the_denoiser_removed_and_differs_from_hqs():
    problem = problem_for("deblur")
    hqs = PnpStepper(problem, PnpSettings(iterations=4), smoothing)
    admm = PnpStepper(problem, PnpSettings(iterations=4, solver="admm"), smoothing)
    hqs.run()
    admm.run()
    assert not np.allclose(hqs.estimate, admm.estimate)
    assert admm.records[-1].psnr > admm.records[0].psnr
    assert hqs.dual is None and np.abs(admm.dual).max() > 0
    assert admm.data_fit.shape == admm.estimate.shape == (48, 48, 3)
    with pytest.raises(ValueError, match="solver"):
        PnpStepper(problem, PnpSettings(solver="fista"), smoothing)


@pytest.mark.parametrize(
    ("name", "baseline", "method"),
    [
        ("deblur", "wiener", "pnp_hqs"),
        ("sr", "bicubic", "pnp_hqs"),
        ("inpaint", "telea", "pnp_hqs"),
        ("deblur", "wiener", "pnp_admm"),
        ("sr", "bicubic", "pnp_admm"),
    ],
)
def test_pnp_with_the_noise_aware_cnn_beats_the_classical_baseline_on_a_gray_crop(name, baseline, method):
    problem = problem_for(name, channels=1)
    pnp = restore(problem, method, {"iterations": 8})
    assert pnp.psnr > restore(problem, baseline).psnr + 1.0
    assert len(pnp.extras["psnr_per_iteration"]) == 8


def test_a_demosaic_run_gives_three_channels_from_the_mosaic():
    problem = problem_for("demosaic")
    result = restore(problem, "pnp_hqs")
    assert result.image.pixels.shape == (48, 48, 3)
    assert result.psnr > restore(problem, "demosaic_bilinear").psnr
