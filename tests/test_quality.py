"""The no-reference estimates: SURE, PG-URE and the J-invariant loss against the true MSE, and tuning."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task
from workbench.core.quality.estimate import estimate_psnr
from workbench.core.quality.jinv import JInvariance, fill_hidden, jinv_loss
from workbench.core.quality.sure import NoiseModel, probe_step, psnr_from_mse, sure_mse
from workbench.core.quality.tune import restore_tuned, search_range, tune


def scene(size: int = 96) -> np.ndarray:
    """A smooth scene with an edge and a fine texture, as natural images have: H×W×1 float32 in [0, 1]."""
    rows, cols = np.mgrid[0:size, 0:size] / size
    texture = gaussian_filter(np.random.default_rng(7).normal(0.0, 1.0, (size, size)), 1.0)
    pixels = 0.5 + 0.2 * np.sin(6 * rows) * np.cos(4 * cols) + 0.1 * (cols > 0.5) + 0.25 * texture
    return np.clip(pixels, 0.0, 1.0)[..., None].astype(np.float32)


def noisy_copy(clean: np.ndarray, sigma: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (clean + rng.normal(0.0, sigma / 255.0, clean.shape)).astype(np.float32)


def blur(width: float):
    return lambda pixels: gaussian_filter(pixels, (width, width, 0)).astype(np.float32)


def true_mse(estimate: np.ndarray, clean: np.ndarray) -> float:
    return float(np.mean((np.asarray(estimate, np.float64) - clean) ** 2))


@pytest.mark.parametrize("width", [0.7, 1.5, 3.0])
def test_sure_matches_the_true_mse_of_a_linear_smoother(width):
    clean = scene(192)
    noisy = noisy_copy(clean, 20)
    estimate = sure_mse(blur(width), noisy, NoiseModel.gaussian(20))
    assert estimate == pytest.approx(true_mse(blur(width)(noisy), clean), abs=0.03 * (20 / 255) ** 2)


def test_sure_without_the_divergence_would_miss_the_noise_a_smoother_keeps():
    clean = scene()
    noisy = noisy_copy(clean, 20)
    naive = float(np.mean((blur(0.7)(noisy) - noisy) ** 2)) - (20 / 255) ** 2
    assert naive < 0.5 * true_mse(blur(0.7)(noisy), clean)


def test_eight_bit_methods_are_probed_in_whole_8_bit_steps():
    noisy = noisy_copy(scene(), 25)
    assert probe_step(NoiseModel.gaussian(25), noisy) == pytest.approx(25 / 255 / 20)
    step = probe_step(NoiseModel.gaussian(25), noisy, eight_bit=True)
    assert step * 255 == pytest.approx(round(step * 255)) and step >= 1 / 255


def test_sure_of_an_8_bit_method_matches_the_true_mse():
    clean = scene(192)
    noisy = noisy_copy(clean, 25)

    def rounded_blur(pixels):
        return blur(1.2)(np.round(np.clip(pixels, 0, 1) * 255) / 255)

    estimate = sure_mse(rounded_blur, noisy, NoiseModel.gaussian(25), eight_bit=True)
    assert estimate == pytest.approx(true_mse(rounded_blur(noisy), clean), abs=0.03 * (25 / 255) ** 2)


def test_pg_ure_matches_the_true_mse_under_poisson_gaussian_noise():
    clean = scene(192)
    gain, read = 0.01, (5 / 255) ** 2
    rng = np.random.default_rng(3)
    noisy = (rng.poisson(clean / gain) * gain + rng.normal(0, np.sqrt(read), clean.shape)).astype(np.float32)
    estimate = sure_mse(blur(1.5), noisy, NoiseModel(read, gain))
    assert estimate == pytest.approx(
        true_mse(blur(1.5)(noisy), clean), abs=0.03 * float(np.mean(noisy)) * gain
    )


def test_a_non_positive_mse_estimate_gives_a_finite_psnr():
    assert psnr_from_mse(-1e-4) == pytest.approx(100.0)
    assert psnr_from_mse(1e-3) == pytest.approx(30.0)


def test_the_fill_uses_only_visible_pixels():
    pixels = np.zeros((12, 12, 1), np.float32)
    hidden = np.zeros((12, 12), bool)
    hidden[5, 5] = True
    pixels[5, 5] = 1.0
    assert fill_hidden(pixels, hidden, 1)[5, 5, 0] == 0.0


def test_the_j_invariant_loss_is_the_masked_mse_plus_the_noise_variance():
    clean = scene(128)
    noisy = noisy_copy(clean, 20)
    scheme = JInvariance(stride=4, passes=16, hole=0)
    loss = jinv_loss(blur(1.5), noisy, scheme)
    masked = []
    for offset in scheme.offsets():
        scored, hidden = scheme.masks(noisy.shape[:2], offset)
        masked.append(blur(1.5)(fill_hidden(noisy, hidden, 1))[scored] - clean[scored])
    expected = float(np.mean(np.concatenate(masked) ** 2)) + (20 / 255) ** 2
    assert loss == pytest.approx(expected, rel=0.05)


def test_a_hole_too_large_for_the_stride_is_refused():
    with pytest.raises(ValueError, match="stride"):
        JInvariance(stride=3, hole=1)


def denoise_problem(sigma: float = 25, known: bool = True, size: int = 192) -> Problem:
    clean = scene(size)
    observed = Image(noisy_copy(clean, sigma), 8)
    return Problem(observed, reference=Image(clean, 8), noise_sigma=sigma / 255 if known else None)


@pytest.mark.parametrize("method", ["tv", "nlm", "wavelet"])
def test_the_estimated_psnr_of_a_registered_method_is_close_to_the_true_one(method):
    result = restore(denoise_problem(), method, {}, estimate=True)
    assert result.psnr_est == pytest.approx(result.psnr, abs=0.3)
    assert result.summary()["psnr_est"] == result.psnr_est
    assert result.extras["psnr_est_by"].startswith("SURE (Gaussian, sigma 25.0)")


def test_without_a_known_sigma_the_estimate_uses_the_estimated_noise_level():
    from workbench.core.noise import estimate_sigma

    problem = denoise_problem(known=False)
    result = restore(problem, "tv", {"sigma": 25.0}, estimate=True)
    sigma = estimate_sigma(problem.observed.pixels) * 255
    assert result.extras["psnr_est_by"] == f"SURE (Gaussian, sigma {sigma:.1f})"
    assert result.psnr_est is not None


def test_tasks_other_than_denoising_get_no_estimate_and_say_why():
    problem = denoise_problem()
    problem.task = Task.DEBLUR
    problem.kernel = np.ones((3, 3), np.float32) / 9
    result = restore(problem, "wiener", {})
    estimate_psnr(problem, result)
    assert result.psnr_est is None
    assert "denoising only" in result.extras["psnr_est_by"]


def test_correlated_noise_of_unknown_level_gets_no_sure_estimate_and_says_why():
    rng = np.random.default_rng(3)
    spread = gaussian_filter(rng.normal(0.0, 1.0, (96, 96, 1)), (1.0, 1.0, 0))
    problem = Problem(Image((scene() + spread * (8 / 255) / spread.std()).astype(np.float32)), Task.DENOISE)
    result = restore(problem, "tv", {"sigma": 25.0}, estimate=True)
    assert result.psnr_est is None
    assert "correlated" in result.extras["psnr_est_by"]


def test_a_noise_level_is_searched_around_the_known_one_else_widely():
    from workbench.core import registry

    sigma = registry.get("bm3d").params["sigma"]
    assert search_range(sigma, "auto", 20.0) == (10.0, 40.0)
    assert search_range(sigma, 30.0, 20.0, known_sigma=False) == (15.0, 60.0)
    assert search_range(sigma, "auto", 0.0, known_sigma=False) == (0.5, 64.0)
    radius = registry.get("median").params["radius"]
    assert search_range(radius, 1, 20.0) == (1, 4)


def test_sure_tuning_lands_near_the_oracle():
    problem = denoise_problem(size=80)
    by_sure = tune(problem, "gaussian", {}, "sure")
    oracle = tune(problem, "gaussian", {}, "oracle")
    chosen = next(t["mse"] for t in by_sure.trials if t["values"] == by_sure.values)
    best = min(t["mse"] for t in oracle.trials)
    assert psnr_from_mse(best) - psnr_from_mse(chosen) < 0.1


def test_j_invariant_tuning_lands_near_the_oracle():
    problem = denoise_problem(size=80)
    by_loss = tune(problem, "gaussian", {}, "jinv")
    oracle = tune(problem, "gaussian", {}, "oracle")
    chosen = next(t["mse"] for t in by_loss.trials if t["values"] == by_loss.values)
    assert psnr_from_mse(min(t["mse"] for t in oracle.trials)) - psnr_from_mse(chosen) < 0.3


def test_a_tuned_result_records_its_choice_and_criterion():
    result = restore_tuned(denoise_problem(size=64), "tv", {}, "sure")
    tuned = result.extras["tuned"]
    assert tuned["criterion"] == "sure" and set(tuned["values"]) == {"sigma", "strength"}
    assert result.params["strength"] == tuned["values"]["strength"]
    assert tuned["trials"] >= 7 and result.psnr_est is not None


def test_tuning_a_method_without_tunable_parameters_is_refused():
    with pytest.raises(ParameterError, match="no parameter to tune"):
        tune(denoise_problem(size=32), "dncnn", {}, "sure")


def test_oracle_tuning_needs_the_reference():
    problem = denoise_problem(size=32)
    problem.reference = None
    with pytest.raises(ParameterError, match="reference"):
        tune(problem, "gaussian", {}, "oracle")


def test_the_removed_structure_map_lights_up_where_a_method_smeared_an_edge():
    from workbench.core.compare import removed_structure

    clean = np.zeros((64, 64, 1), np.float32)
    clean[:, 32:] = 1.0
    noisy = noisy_copy(clean * 0.6 + 0.2, 10)
    smeared = removed_structure(noisy, blur(3.0)(noisy))
    denoised = removed_structure(noisy, clean * 0.6 + 0.2)
    assert np.abs(smeared[:, 28:36]).mean() > 0.5
    assert np.abs(denoised[:, 28:36]).mean() < 0.3
    assert smeared.shape == (64, 64) and np.abs(smeared).max() <= 1.0
