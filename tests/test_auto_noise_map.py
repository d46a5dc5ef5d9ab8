"""The colour CNN's auto noise map: white against correlated noise, and the gain it is given."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import convolve1d, gaussian_filter

from workbench.core import registry
from workbench.core.auto_noise_map import GAINS, auto_noise_map
from workbench.core.history import HistoryEntry
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.models import build_model
from workbench.core.models.weights import save_weights
from workbench.core.noise_correlation import CORRELATED, neighbour_correlation
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task

SIZE = 128


def gradient(size: int = SIZE) -> np.ndarray:
    ramp = np.linspace(0.2, 0.8, size, dtype=np.float32)
    return np.repeat((ramp[:, None] + ramp[None, :])[..., None] / 2, 3, axis=2)


def white_noise(std: float, seed: int = 0, size: int = SIZE) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, std, (size, size, 3)).astype(np.float32)


def correlated_noise(std: float, seed: int = 0, size: int = SIZE) -> np.ndarray:
    """White noise spread over its neighbours as demosaicking spreads it (the [1, 2, 1] / 4 kernel
    along each axis: 0.67 correlation at one pixel, 0.17 at two), rescaled to ``std``."""
    kernel = np.array([1.0, 2.0, 1.0]) / 4
    spread = convolve1d(convolve1d(white_noise(1.0, seed, size), kernel, axis=0), kernel, axis=1)
    return (spread * std / spread.std()).astype(np.float32)


def blur_by_map(image: np.ndarray, level: np.ndarray) -> np.ndarray:
    """A stand-in denoiser: smooths more the higher the map (0.1 px per 8-bit unit of its mean)."""
    return gaussian_filter(image, sigma=(0.1 * float(level.mean()),) * 2 + (0,))


def test_white_noise_reads_near_zero_neighbour_correlation():
    for std in (5 / 255, 25 / 255):
        assert abs(neighbour_correlation(gradient() + white_noise(std))) < 0.1


def test_noise_spread_over_neighbours_reads_as_correlated():
    assert neighbour_correlation(gradient() + correlated_noise(5 / 255)) > CORRELATED + 0.1


def test_an_image_smaller_than_a_block_reads_no_correlation():
    assert neighbour_correlation(np.zeros((4, 40, 3), np.float32)) == 0.0


def test_white_noise_keeps_the_measured_map_without_trying_gains():
    calls = []
    ctx = RunContext()
    noisy = gradient() + white_noise(10 / 255)
    level = auto_noise_map(noisy, "auto", lambda image, level: calls.append(1) or image, ctx)
    assert calls == []
    assert ctx.notes["noise_gain"] == 1.0
    assert np.median(level) == pytest.approx(10, rel=0.15)


def test_correlated_noise_on_a_flat_image_gets_more_smoothing_than_its_measured_map():
    ctx = RunContext()
    noisy = np.full((SIZE, SIZE, 3), 0.5, np.float32) + correlated_noise(8 / 255)
    auto_noise_map(noisy, "auto", blur_by_map, ctx)
    assert ctx.notes["noise_correlation"] >= CORRELATED
    assert len(ctx.notes["noise_gain_losses"]) == len(GAINS)
    assert ctx.notes["noise_gain"] > 1


def test_faint_correlated_noise_on_texture_is_not_smoothed_with_it():
    waves = 0.5 + 0.2 * np.sin(2 * np.pi * np.arange(SIZE) / 16).astype(np.float32)
    texture = np.repeat(np.add.outer(waves, waves)[..., None] / 2, 3, axis=2)
    ctx = RunContext()
    auto_noise_map(texture + correlated_noise(2 / 255), "auto", blur_by_map, ctx)
    assert ctx.notes["noise_correlation"] >= CORRELATED
    assert ctx.notes["noise_gain"] <= 2


def test_a_gain_that_is_set_multiplies_the_map_without_a_search():
    noisy = gradient() + correlated_noise(5 / 255)
    plain = auto_noise_map(noisy, 1.0, blur_by_map, RunContext())
    ctx = RunContext()
    doubled = auto_noise_map(noisy, 2.0, blur_by_map, ctx)
    assert "noise_gain_losses" not in ctx.notes and "noise_correlation" not in ctx.notes
    np.testing.assert_allclose(doubled, 2 * plain, rtol=1e-6)


@pytest.fixture
def untrained_weights(tmp_path):
    kwargs = {"channels": 3, "widths": [8, 16, 24], "blocks": 1}
    model = build_model("resunet", **kwargs)
    return str(save_weights(tmp_path / "colour.pt", model, "resunet", kwargs, {"name": "test"}))


def test_the_colour_method_reports_its_gain_in_the_result_and_history(untrained_weights):
    problem = Problem(Image(gradient(64) + correlated_noise(5 / 255, size=64)), Task.DENOISE)
    result = restore(problem, "colour_cnn", {"weights": untrained_weights, "noise_gain": 4})
    assert result.extras["noise_gain"] == 4.0
    assert "noise map ×4" in HistoryEntry(result, "Colour CNN", "noisy").metrics_text()
    assert "noise_gain" in registry.get("colour_cnn").params
