"""Noise-adaptive (VST) denoisers: gains on shot + read noise, estimated noise model, scaling, validation."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core import operators, registry
from workbench.core.errors import Cancelled, ParameterError
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.methods import stabilised
from workbench.core.methods._shared import sigma_param
from workbench.core.metrics import psnr
from workbench.core.params import ParamSpec
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task

VST_METHODS = ("vst_bm3d", "vst_nlm", "vst_dncnn")
PEAK, READ_SIGMA = 30.0, 5.0


def low_light_scene(size: int = 64, channels: int = 1) -> np.ndarray:
    """A size×size×channels picture in [0.02, 0.9]: a dark-to-bright ramp, a bright block, a black disc."""
    y, x = np.mgrid[0:size, 0:size] / size
    base = 0.05 + 0.85 * x + 0.05 * np.sin(10 * y)
    base[size // 4 : size // 2, size // 5 : size // 2] = 0.9
    base[(y - 0.7) ** 2 + (x - 0.3) ** 2 < 0.03] = 0.02
    planes = [base, np.roll(base, 7, axis=1), 0.8 * base.T + 0.05][:channels]
    return np.clip(np.stack(planes, axis=2), 0.0, 1.0).astype(np.float32)


def low_light_problem(channels: int = 1, seed: int = 1) -> Problem:
    """The scene with seeded Poisson–Gaussian noise (peak 30 photons, read noise 5/255, clipped)."""
    clean = Image(low_light_scene(channels=channels))
    values = {"peak": PEAK, "sigma": READ_SIGMA}
    observed, degradation = operators.degrade(clean, "poisson_gaussian", values, seed=seed)
    return degradation.problem(observed, clean)


@pytest.fixture(scope="module")
def problem() -> Problem:
    return low_light_problem()


def noisy_psnr(problem: Problem) -> float:
    return psnr(problem.observed.pixels, problem.reference.pixels)


@pytest.fixture
def spy_method(monkeypatch):
    """Register 'spy_identity', which records the pixels and sigma it is given and returns its input."""
    monkeypatch.setattr(registry, "_METHODS", dict(registry._METHODS))
    calls = []

    def run(problem, params, ctx):
        calls.append((problem.observed.pixels.copy(), params["sigma"]))
        return problem.observed.pixels

    spec = ParamSpec([sigma_param()])
    registry.register(registry.Method("spy_identity", "Spy", "test", frozenset({Task.DENOISE}), spec, run))
    return calls


def test_every_vst_method_is_listed_as_a_noise_adaptive_denoiser():
    listed = {method.name: method for method in registry.available()}
    for name in VST_METHODS:
        method = listed[name]
        assert method.family == stabilised.FAMILY
        assert method.tasks == frozenset({Task.DENOISE})
        assert "each channel" in method.summary
        assert method.params.defaults()["alpha"] == "auto"
        assert method.params.defaults()["sigma"] == "auto"


@pytest.mark.parametrize("name", VST_METHODS)
def test_vst_method_raises_psnr_over_the_noisy_input(problem, name):
    result = restore(problem, name)
    assert result.image.pixels.shape == problem.observed.pixels.shape
    assert result.psnr > noisy_psnr(problem) + 5.0


def test_vst_bm3d_beats_plain_bm3d_with_auto_sigma_on_signal_dependent_noise(problem):
    plain = restore(problem, "bm3d", {"sigma": "auto"})
    stabilised_result = restore(problem, "vst_bm3d")
    assert stabilised_result.psnr > plain.psnr + 2.0


def test_auto_alpha_and_sigma_are_estimated_and_reported(problem):
    result = restore(problem, "vst_nlm")
    assert result.extras["alpha"] == pytest.approx(1 / PEAK, rel=0.3)
    assert 0.0 <= result.extras["sigma"] <= 2 * READ_SIGMA


def test_given_alpha_and_sigma_are_used_as_they_are_and_not_reported(problem):
    result = restore(problem, "vst_nlm", {"alpha": 1 / PEAK, "sigma": READ_SIGMA})
    assert "alpha" not in result.extras and "sigma" not in result.extras
    assert result.psnr > noisy_psnr(problem) + 5.0


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("vst_bm3d", {"alpha": 0}),
        ("vst_bm3d", {"alpha": -0.1}),
        ("vst_nlm", {"alpha": 11}),
        ("vst_nlm", {"sigma": 101}),
        ("vst_dncnn", {"sigma": -1}),
        ("vst_dncnn", {"alpha": "often"}),
        ("vst_nlm", {"h_factor": 99}),
        ("vst_bm3d", {"profile": "fast"}),
    ],
)
def test_out_of_range_parameters_are_refused(problem, name, values):
    with pytest.raises(ParameterError):
        restore(problem, name, values)


def test_colour_is_denoised_channel_by_channel():
    colour = low_light_problem(channels=3)
    result = restore(colour, "vst_nlm")
    assert result.image.pixels.shape == colour.observed.pixels.shape
    assert result.psnr > noisy_psnr(colour) + 5.0


def test_progress_runs_from_zero_to_one_and_a_cancelled_run_stops(problem):
    seen = []
    restore(problem, "vst_nlm", ctx=RunContext(on_progress=lambda fraction, message: seen.append(fraction)))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)
    cancelled = RunContext()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        restore(problem, "vst_bm3d", ctx=cancelled)


def test_a_tiny_image_falls_back_to_gaussian_noise_and_says_so():
    pixels = np.random.default_rng(3).random((6, 5, 1)).astype(np.float32)
    result = restore(Problem(Image(pixels)), "vst_nlm")
    assert "Gaussian noise assumed" in result.extras["noise_model"]
    assert result.image.pixels.shape == pixels.shape


@pytest.mark.parametrize(("fixed_sigma", "expected"), [(None, None), (stabilised.DNCNN_SIGMA, 25.0)])
def test_inner_method_sees_noise_of_the_std_it_is_told(spy_method, fixed_sigma, expected):
    flat = np.full((128, 128), 0.5, dtype=np.float32)
    rng = np.random.default_rng(4)
    noisy = (rng.poisson(flat * PEAK) / PEAK).astype(np.float32)
    inner = stabilised.Inner("spy_identity", (), fixed_sigma=fixed_sigma)
    stabilised.denoise_plane(noisy, 1 / PEAK, 0.0, inner, {}, RunContext())
    seen, told = spy_method[0]
    if expected is None:
        assert seen.min() == pytest.approx(0.0, abs=1e-6) and seen.max() == pytest.approx(1.0, abs=1e-6)
    else:
        assert told == expected
    assert seen.std() * 255 == pytest.approx(told, rel=0.1)
