"""Noise estimation (Gaussian sigma, Poisson–Gaussian a and b) and the generalised Anscombe transform."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from workbench.core import vst
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.noise import estimate_poisson_gaussian, estimate_sigma, haar_mad_sigma
from workbench.core.operators import degrade


def shared_folder() -> Path:
    return Path(os.environ.get("WORKBENCH_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")


def set12_images() -> list[np.ndarray]:
    folder = shared_folder() / "datasets" / "set12"
    files = sorted(folder.glob("*.png"))
    if not files:
        pytest.skip(f"Set12 not found under {folder}")
    from workbench.core.io import read_image

    return [read_image(path).pixels for path in files]


def textured_image(size: int = 192) -> np.ndarray:
    """A synthetic image with flat areas, edges and stripes, in [0.1, 0.9]."""
    rows, cols = np.mgrid[0:size, 0:size] / size
    picture = 0.3 + 0.3 * (cols > 0.5) + 0.15 * np.sin(2 * np.pi * 12 * rows) * (rows > 0.6)
    picture += 0.1 * np.cos(2 * np.pi * (3 * rows + 2 * cols))
    return picture[:, :, None].astype(np.float32)


def add_noise(pixels: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (pixels + rng.standard_normal(pixels.shape) * sigma / 255).astype(np.float32)


@pytest.mark.parametrize("sigma", [5.0, 15.0, 25.0, 50.0])
def test_estimate_sigma_within_10_percent_on_a_synthetic_textured_image(sigma):
    estimate = estimate_sigma(add_noise(textured_image(), sigma, seed=int(sigma))) * 255
    assert abs(estimate / sigma - 1) < 0.10


@pytest.mark.slow
@pytest.mark.parametrize("sigma", [5.0, 25.0, 50.0])
def test_estimate_sigma_within_10_percent_on_every_set12_image(sigma):
    for index, clean in enumerate(set12_images()):
        estimate = estimate_sigma(add_noise(clean, sigma, seed=index)) * 255
        assert abs(estimate / sigma - 1) < 0.10, f"image {index + 1:02d}: {estimate:.2f} for {sigma}"


def test_estimate_sigma_on_colour_and_on_the_gaussian_noise_operator():
    clean = Image(np.repeat(textured_image(128), 3, axis=2))
    noisy, _ = degrade(clean, "gaussian_noise", {"sigma": 20, "clip": False}, seed=4)
    assert abs(estimate_sigma(noisy.pixels) * 255 / 20 - 1) < 0.10


@pytest.mark.parametrize("size", [32, 64, 128])
def test_estimate_sigma_is_not_biased_low_on_small_images(size):
    estimates = [
        estimate_sigma(add_noise(np.full((size, size, 1), 0.5, np.float32), 25, seed=seed)) * 255
        for seed in range(8)
    ]
    assert abs(np.mean(estimates) / 25 - 1) < 0.05


def test_estimate_sigma_on_small_crops_of_set12():
    estimates = [
        estimate_sigma(add_noise(clean[64:128, 64:128], 25, seed=index)) * 255
        for index, clean in enumerate(set12_images())
    ]
    assert abs(np.mean(estimates) / 25 - 1) < 0.05


def test_estimate_sigma_is_near_zero_on_a_clean_smooth_image():
    assert estimate_sigma(textured_image()) * 255 < 1.0


def test_tiny_images_fall_back_to_the_haar_rule():
    noisy = add_noise(np.full((6, 9, 1), 0.5, np.float32), 20, seed=0)
    assert estimate_sigma(noisy) == pytest.approx(haar_mad_sigma(noisy))
    assert estimate_sigma(np.zeros((1, 1, 1), np.float32)) == 0.0


@pytest.mark.parametrize(("peak", "sigma"), [(30.0, 5.0), (100.0, 2.0)])
def test_poisson_gaussian_fit_predicts_the_noise_variance(peak, sigma):
    rows, cols = np.mgrid[0:256, 0:256] / 256
    ramp = Image((0.05 + 0.9 * (0.6 * cols + 0.4 * rows))[:, :, None].astype(np.float32))
    noisy, _ = degrade(ramp, "poisson_gaussian", {"peak": peak, "sigma": sigma, "clip": False}, seed=3)
    a, b = estimate_poisson_gaussian(noisy.pixels)
    assert abs(a * peak - 1) < 0.15
    for level in (0.25, 0.5, 0.75):
        true_variance = level / peak + (sigma / 255) ** 2
        assert abs((a * level + b) / true_variance - 1) < 0.10


def test_poisson_gaussian_fit_of_gaussian_noise_has_no_gain():
    _, cols = np.mgrid[0:256, 0:256] / 256
    ramp = (0.2 + 0.6 * cols)[:, :, None].astype(np.float32)
    a, b = estimate_poisson_gaussian(add_noise(ramp, 10, seed=2))
    assert a < 2e-4
    assert abs(np.sqrt(b) * 255 / 10 - 1) < 0.10


def test_poisson_gaussian_fit_refuses_an_image_too_small():
    with pytest.raises(ValueError, match="too few"):
        estimate_poisson_gaussian(np.full((8, 8, 1), 0.5, np.float32))


def test_anscombe_stabilises_the_variance_to_one():
    a, b = 1 / 20, 0.02**2
    rng = np.random.default_rng(0)
    for level in (0.2, 0.5, 1.0):
        z = a * rng.poisson(level / a, 100_000) + rng.normal(0, np.sqrt(b), 100_000)
        assert abs(vst.generalized_anscombe(z, a, b).std() - 1) < 0.05


def algebraic_inverse(stabilised: np.ndarray, a: float, b: float) -> np.ndarray:
    """The plain algebraic inverse of the generalized Anscombe transform (biased at low counts)."""
    d = np.asarray(stabilised, dtype=np.float64)
    return ((a * d / 2) ** 2 / a - 0.375 * a - b / a).astype(np.float32)


def test_unbiased_inverse_recovers_the_mean_where_the_algebraic_one_is_biased():
    a, b = 1 / 10, 0.02**2
    rng = np.random.default_rng(1)
    for level in (0.05, 0.1, 0.2, 0.5):
        z = a * rng.poisson(level / a, 200_000) + rng.normal(0, np.sqrt(b), 200_000)
        expected_transform = np.array(vst.generalized_anscombe(z, a, b).astype(np.float64).mean())
        unbiased = float(vst.inverse_generalized_anscombe(expected_transform, a, b))
        algebraic = float(algebraic_inverse(expected_transform, a, b))
        assert abs(unbiased / level - 1) < 0.05
        assert abs(algebraic - level) > 2 * abs(unbiased - level)


def test_at_high_counts_the_unbiased_inverse_exceeds_the_algebraic_one_by_a_quarter_count():
    """Jensen: E[f(z)] < f(E[z]); asymptotically the exact inverse adds 1/4 of a count (a/4)."""
    a, b = 1 / 200, 0.01**2
    transformed = vst.generalized_anscombe(np.array([0.6, 0.9]), a, b)
    algebraic = algebraic_inverse(transformed, a, b)
    assert np.allclose(algebraic, [0.6, 0.9], atol=1e-5)
    difference = vst.inverse_generalized_anscombe(transformed, a, b) - algebraic
    assert np.all(np.abs(difference / (a / 4) - 1) < 0.1)


def test_inverse_is_zero_below_the_smallest_transform_and_gain_must_be_positive():
    assert np.all(vst.inverse_generalized_anscombe(np.array([0.0, 0.5, 1.0]), 0.1, 0.0) == 0)
    with pytest.raises(ParameterError, match="gain"):
        vst.generalized_anscombe(np.zeros(3), 0.0, 0.01)
