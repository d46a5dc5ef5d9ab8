"""Degradation operators: shapes, seeded reproducibility, the statistics they promise, and the torch
linear operators (adjointness, agreement with the numpy degradations, gradients)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workbench.core import operators
from workbench.core.dip.forward import task_operator
from workbench.core.errors import ParameterError
from workbench.core.image import Image, from_tensor, to_tensor
from workbench.core.operators import kernels, linear
from workbench.core.operators.blur import circular_blur
from workbench.core.problem import Task


def smooth_image(height: int = 48, width: int = 64, channels: int = 3, seed: int = 0) -> Image:
    """A textured but smooth test image in [0.1, 0.9]."""
    rows, cols = np.mgrid[0:height, 0:width] / max(height, width)
    planes = [
        0.5 + 0.4 * np.sin(2 * np.pi * (rows * (1.5 + c) + cols * (2 - 0.5 * c)) + seed)
        for c in range(channels)
    ]
    return Image(np.stack(planes, axis=2).astype(np.float32), bit_depth=16, metadata={"make": "Test"})


def flat_image(value: float = 0.5, size: int = 128) -> Image:
    return Image(np.full((size, size, 1), value, dtype=np.float32))


def test_catalogue_holds_the_seven_operators_each_with_its_task():
    tasks = {operator.name: operator.task for operator in operators.available()}
    assert tasks == {
        "gaussian_noise": Task.DENOISE,
        "poisson_gaussian": Task.DENOISE,
        "blur": Task.DEBLUR,
        "downsample": Task.SUPER_RESOLVE,
        "mask": Task.INPAINT,
        "jpeg": Task.JPEG,
        "mosaic": Task.DEMOSAIC,
    }


def test_unknown_operator_is_a_parameter_error_naming_the_known_ones():
    with pytest.raises(ParameterError, match=r"unknown degradation 'sharpen'.*gaussian_noise"):
        operators.get("sharpen")


def test_unknown_parameter_and_out_of_range_value_are_refused():
    image = smooth_image()
    with pytest.raises(ParameterError, match="unknown parameter 'amount' for gaussian_noise"):
        operators.degrade(image, "gaussian_noise", {"amount": 3})
    with pytest.raises(ParameterError, match="'sigma'"):
        operators.degrade(image, "gaussian_noise", {"sigma": 150})


@pytest.mark.parametrize("name", [operator.name for operator in operators.available()])
def test_same_seed_same_output_and_metadata_kept(name):
    image = smooth_image()
    first, degradation = operators.degrade(image, name, seed=7)
    second, _ = operators.degrade(image, name, seed=7)
    assert np.array_equal(first.pixels, second.pixels)
    assert first.pixels.dtype == np.float32
    assert first.bit_depth == 16 and first.metadata == {"make": "Test"}
    assert degradation.task is operators.get(name).task
    assert set(degradation.params) == set(operators.get(name).params.names)
    problem = degradation.problem(first, image)
    assert problem.output_shape == problem.reference.pixels.shape[:2]
    problem.require()


@pytest.mark.parametrize("name", ["gaussian_noise", "poisson_gaussian", "blur", "mask"])
def test_different_seeds_give_different_draws(name):
    image = smooth_image()
    first, _ = operators.degrade(image, name, seed=1)
    second, _ = operators.degrade(image, name, seed=2)
    assert not np.array_equal(first.pixels, second.pixels)


@pytest.mark.parametrize("sigma", [5.0, 25.0, 50.0])
def test_gaussian_noise_std_matches_sigma_in_8bit_units(sigma):
    image = flat_image()
    noisy, degradation = operators.degrade(image, "gaussian_noise", {"sigma": sigma, "clip": False}, seed=0)
    residual = (noisy.pixels - image.pixels) * 255
    assert abs(residual.std() / sigma - 1) < 0.03
    assert abs(residual.mean()) < 0.03 * sigma
    assert degradation.task is Task.DENOISE


def test_added_gaussian_noise_is_known_to_the_problem_and_other_degradations_leave_it_unknown():
    image = smooth_image()
    noisy, degradation = operators.degrade(image, "gaussian_noise", {"sigma": 15, "clip": False}, seed=0)
    assert degradation.problem(noisy, image).noise_sigma == pytest.approx(15 / 255, rel=0.03)
    dark = flat_image(0.02)
    clipped, degradation = operators.degrade(dark, "gaussian_noise", {"sigma": 25}, seed=0)
    measured = np.sqrt(np.mean((clipped.pixels - dark.pixels) ** 2))
    assert degradation.noise_sigma == pytest.approx(measured) and measured < 0.8 * 25 / 255
    _, blurred = operators.degrade(image, "blur", {"noise_sigma": 2, "clip": False}, seed=0)
    assert blurred.noise_sigma == pytest.approx(2 / 255, rel=0.05)
    for name, values in (("blur", {"noise_sigma": 0}), ("poisson_gaussian", {}), ("jpeg", {})):
        assert operators.degrade(image, name, values, seed=0)[1].noise_sigma is None


def test_gaussian_noise_clips_by_default_and_not_when_asked():
    image = flat_image(0.05)
    clipped, _ = operators.degrade(image, "gaussian_noise", {"sigma": 50}, seed=0)
    raw, _ = operators.degrade(image, "gaussian_noise", {"sigma": 50, "clip": False}, seed=0)
    assert clipped.pixels.min() == 0.0 and clipped.pixels.max() <= 1.0
    assert raw.pixels.min() < -0.2


def test_poisson_gaussian_variance_is_level_over_peak_plus_read_noise():
    for level in (0.2, 0.8):
        image = flat_image(level)
        noisy, _ = operators.degrade(
            image, "poisson_gaussian", {"peak": 50, "sigma": 5, "clip": False}, seed=1
        )
        expected = level / 50 + (5 / 255) ** 2
        assert abs(noisy.pixels.var() / expected - 1) < 0.05
        assert abs(noisy.pixels.mean() - level) < 0.01


def test_blur_keeps_the_size_returns_a_normalised_kernel_and_matches_circular_convolution():
    image = smooth_image()
    blurred, degradation = operators.degrade(image, "blur", {"sigma": 2.0, "noise_sigma": 0}, seed=0)
    assert blurred.pixels.shape == image.pixels.shape
    assert degradation.kernel.shape == (13, 13)
    assert degradation.kernel.sum() == pytest.approx(1.0, abs=1e-6)
    assert np.allclose(blurred.pixels, np.clip(circular_blur(image.pixels, degradation.kernel), 0, 1))
    assert blurred.pixels.std() < image.pixels.std()


def test_blur_adds_the_requested_noise_after_blurring():
    image = flat_image()
    noisy, _ = operators.degrade(image, "blur", {"kind": "box", "noise_sigma": 10, "clip": False}, seed=0)
    assert abs(noisy.pixels.std() * 255 / 10 - 1) < 0.05


def test_motion_kernel_lies_along_its_angle():
    horizontal = kernels.motion_kernel(15, 11, 0)
    vertical = kernels.motion_kernel(15, 11, 90)
    assert horizontal[7].sum() == pytest.approx(1.0, abs=1e-6)
    assert vertical[:, 7].sum() == pytest.approx(1.0, abs=1e-6)
    diagonal = kernels.motion_kernel(15, 11, 45)
    assert diagonal[4, 10] > 0 and diagonal[10, 10] == 0


def test_blur_reads_a_kernel_file_and_refuses_an_even_size(tmp_path):
    kernel = np.zeros((5, 5), dtype=np.float32)
    kernel[2, 1:4] = 2.0
    path = tmp_path / "k.npy"
    np.save(path, kernel)
    _, degradation = operators.degrade(smooth_image(), "blur", {"kernel": str(path)}, seed=0)
    assert np.allclose(degradation.kernel, kernel / kernel.sum())
    with pytest.raises(ParameterError, match="'size'=8"):
        operators.degrade(smooth_image(), "blur", {"size": 8})


@pytest.mark.parametrize("scale", [2, 3, 4, 8])
@pytest.mark.parametrize("filter_name", ["bicubic", "lanczos"])
def test_downsample_output_is_smaller_by_the_factor(scale, filter_name):
    image = smooth_image(50, 67)
    small, degradation = operators.degrade(image, "downsample", {"scale": str(scale), "filter": filter_name})
    assert small.pixels.shape == (50 // scale, 67 // scale, 3)
    assert degradation.scale == scale and degradation.task is Task.SUPER_RESOLVE
    problem = degradation.problem(small, image)
    assert problem.reference.pixels.shape == (50 // scale * scale, 67 // scale * scale, 3)
    assert abs(small.pixels.mean() - image.pixels.mean()) < 0.05


def test_downsample_refuses_an_image_smaller_than_the_factor():
    with pytest.raises(ParameterError, match="smaller than the down-sampling factor"):
        operators.degrade(Image(np.zeros((3, 9), np.float32)), "downsample", {"scale": "4"})


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.9])
def test_random_mask_removes_the_requested_fraction_and_zeroes_those_pixels(fraction):
    image = smooth_image()
    masked, degradation = operators.degrade(image, "mask", {"fraction": fraction}, seed=3)
    mask = degradation.mask
    assert mask.shape == (48, 64) and mask.dtype == bool
    assert abs((1 - mask.mean()) - fraction) < 1 / mask.size + 1e-9
    assert np.all(masked.pixels[~mask] == 0)
    assert np.array_equal(masked.pixels[mask], image.pixels[mask])


def test_hole_mask_is_one_rectangle_of_the_requested_area():
    _, degradation = operators.degrade(smooth_image(), "mask", {"kind": "hole", "fraction": 0.25}, seed=5)
    missing_rows, missing_cols = np.nonzero(~degradation.mask)
    height = missing_rows.max() - missing_rows.min() + 1
    width = missing_cols.max() - missing_cols.min() + 1
    assert height * width == (~degradation.mask).sum() == 24 * 32


def test_text_mask_hides_some_pixels_and_keeps_most():
    _, degradation = operators.degrade(smooth_image(128, 128), "mask", {"kind": "text"}, seed=0)
    missing = 1 - degradation.mask.mean()
    assert 0.02 < missing < 0.5


@pytest.mark.parametrize("channels", [1, 3])
def test_jpeg_changes_the_image_more_at_low_quality(channels):
    rng = np.random.default_rng(0)
    grain = rng.normal(0, 0.05, (48, 64, 1))
    image = Image(np.clip(smooth_image(channels=channels).pixels + grain, 0, 1))
    low, degradation = operators.degrade(image, "jpeg", {"quality": 5})
    high, _ = operators.degrade(image, "jpeg", {"quality": 95})
    assert low.pixels.shape == image.pixels.shape and degradation.task is Task.JPEG
    error_low = np.abs(low.pixels - image.pixels).mean()
    error_high = np.abs(high.pixels - image.pixels).mean()
    assert error_high > 0 and error_low > 3 * error_high
    assert np.allclose(low.pixels * 255, np.round(low.pixels * 255), atol=1e-4)


# ----------------------------------------------------------------------------- torch linear operators


def _random_mask(shape: tuple[int, int]) -> np.ndarray:
    return np.random.default_rng(1).random(shape) > 0.4


LINEAR_CASES = {
    "identity": (lambda: linear.Identity(), (2, 17, 13)),
    "mask": (lambda: linear.MaskOperator(_random_mask((17, 13))), (3, 17, 13)),
    "blur-gaussian": (lambda: linear.BlurOperator(kernels.gaussian_kernel(9, 1.5)), (3, 17, 13)),
    "blur-motion-odd-size": (lambda: linear.BlurOperator(kernels.motion_kernel(11, 9, 30)), (1, 15, 18)),
    "blur-kernel-larger-than-image": (lambda: linear.BlurOperator(kernels.gaussian_kernel(21, 4)), (1, 6, 5)),
    "blur-even-kernel": (
        lambda: linear.BlurOperator(np.arange(1, 13, dtype=np.float32).reshape(3, 4)),
        (2, 10, 9),
    ),
    "downsample-2-lanczos2": (lambda: linear.DownsampleOperator(2), (3, 16, 12)),
    "downsample-3-bicubic": (lambda: linear.DownsampleOperator(3, "bicubic"), (1, 15, 9)),
    "downsample-4-lanczos2-tiny": (lambda: linear.DownsampleOperator(4), (3, 4, 8)),
    "downsample-8-box": (lambda: linear.DownsampleOperator(8, "box"), (2, 16, 24)),
    "mosaic-rggb-odd-size": (lambda: linear.MosaicOperator("RGGB"), (3, 15, 10)),
    "mosaic-gbrg": (lambda: linear.MosaicOperator("GBRG"), (3, 8, 12)),
}


@pytest.mark.parametrize("case", list(LINEAR_CASES))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_adjoint_is_exact(case, dtype):
    """<A x, y> == <x, A^T y> for every linear operator."""
    build, (channels, height, width) = LINEAR_CASES[case]
    operator = build()
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(1, channels, height, width, generator=generator, dtype=dtype)
    ax = operator.A(x)
    y = torch.randn(ax.shape, generator=generator, dtype=dtype)
    aty = operator.A_adjoint(y)
    assert aty.shape == x.shape
    left, right = float((ax * y).sum()), float((x * aty).sum())
    assert abs(left - right) <= 1e-4 * max(abs(left), abs(right), 1e-12)


@pytest.mark.parametrize("case", list(LINEAR_CASES))
def test_linear_operators_are_differentiable(case):
    build, (channels, height, width) = LINEAR_CASES[case]
    x = torch.rand(1, channels, height, width, requires_grad=True)
    loss = build().A(x).square().sum()
    loss.backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


def test_blur_operator_computes_the_blur_degradation():
    image = smooth_image()
    kernel = kernels.motion_kernel(11, 9, 30)
    expected = circular_blur(image.pixels, kernel)
    actual = from_tensor(linear.BlurOperator(kernel).A(to_tensor(image.pixels)))
    assert np.abs(actual - expected).max() < 1e-5


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_bicubic_downsample_operator_matches_the_downsample_degradation_inside(scale):
    image = smooth_image(96, 96, channels=1)
    small, _ = operators.degrade(image, "downsample", {"scale": str(scale), "filter": "bicubic"})
    modelled = from_tensor(linear.DownsampleOperator(scale, "bicubic").A(to_tensor(image.pixels)))
    inner = slice(3, -3)
    assert np.abs(modelled[inner, inner] - small.pixels[inner, inner]).max() < 1e-5


def test_downsample_operator_keeps_a_constant_image_constant_and_refuses_odd_sizes():
    operator = linear.DownsampleOperator(4)
    assert torch.allclose(operator.A(torch.full((1, 3, 32, 16), 0.3)), torch.full((1, 3, 8, 4), 0.3))
    assert len(kernels.resampling_taps(4, "lanczos2")) == 16
    assert len(kernels.resampling_taps(3, "lanczos2")) == 13
    with pytest.raises(ValueError, match="multiple of the scale"):
        operator.A(torch.zeros(1, 1, 30, 16))


def test_the_task_operator_is_the_linear_operator_of_the_problems_task():
    image = smooth_image()
    cases = {
        "mask": linear.MaskOperator,
        "blur": linear.BlurOperator,
        "downsample": linear.DownsampleOperator,
        "jpeg": linear.Identity,
    }
    for name, expected in cases.items():
        observed, degradation = operators.degrade(image, name)
        problem = degradation.problem(observed, image)
        assert isinstance(task_operator(problem), expected)


def test_mask_operator_follows_the_tensor_device_and_dtype():
    operator = linear.MaskOperator(_random_mask((8, 8)))
    x = torch.ones(1, 2, 8, 8, dtype=torch.float64)
    result = operator.A(x)
    assert result.dtype == torch.float64
    assert torch.equal(result[0, 0], result[0, 1])
