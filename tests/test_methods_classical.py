"""Every registered method (learned and DIP ones aside, tested elsewhere) improves on its degraded input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import convolve

from workbench.core import operators, registry
from workbench.core.errors import Cancelled
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.metrics import psnr
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task

SKIPPED_FAMILIES = {"dip", "learned"}
DEGRADATIONS = {
    Task.DENOISE: ("gaussian_noise", {"sigma": 25}),
    Task.DEBLUR: ("blur", {}),
    Task.SUPER_RESOLVE: ("downsample", {"scale": "2"}),
    Task.INPAINT: ("mask", {"kind": "random", "fraction": 0.5}),
    Task.DEMOSAIC: ("mosaic", {"pattern": "GRBG"}),
}

MARGIN_DB = {
    Task.DENOISE: 0.5,
    Task.DEBLUR: 0.5,
    Task.SUPER_RESOLVE: 0.1,
    Task.INPAINT: 0.5,
    Task.DEMOSAIC: 0.5,
}
"""Least gain over the baseline; interpolation gains little over pixel repetition on flat blocks."""


def scene(size: int = 64, channels: int = 1) -> np.ndarray:
    """A size×size×channels test picture in [0.05, 0.95]: gradients, a bright block, a dark disc, stripes."""
    y, x = np.mgrid[0:size, 0:size] / size
    base = 0.3 + 0.3 * x + 0.15 * np.sin(10 * y)
    base[size // 4 + 1 : size // 2 + 1, size // 5 + 1 : size // 2] = 0.85  # odd edges: not on the 2x grid
    base[(y - 0.7) ** 2 + (x - 0.7) ** 2 < 0.03] = 0.1
    planes = [base, 0.9 * np.roll(base, 5, axis=1) + 0.05, 1.0 - 0.8 * base][:channels]
    return np.clip(np.stack(planes, axis=2), 0.05, 0.95).astype(np.float32)


def degraded(task: Task, channels: int) -> tuple[Problem, np.ndarray]:
    """A problem of ``task`` on the scene, and the observation brought to the output size (the baseline)."""
    clean = Image(scene(channels=channels))
    name, values = DEGRADATIONS[task]
    observed, degradation = operators.degrade(clean, name, values, seed=3)
    baseline = observed.pixels
    if task is Task.SUPER_RESOLVE:
        baseline = np.repeat(np.repeat(baseline, 2, axis=0), 2, axis=1)
    if task is Task.DEMOSAIC:
        baseline = np.repeat(baseline, 3, axis=2)  # the raw mosaic as a viewer shows it
    return degradation.problem(observed, clean), baseline


def cases() -> list:
    params = []
    for method in registry.available():
        if method.family in SKIPPED_FAMILIES:
            continue
        for task in sorted(method.tasks, key=lambda t: t.value):
            for channels in (3,) if task is Task.DEMOSAIC else (1, 3):
                slow = method.family == "bm3d" and channels == 3
                marks = [pytest.mark.slow] if slow else []
                params.append(
                    pytest.param(
                        method.name, task, channels, marks=marks, id=f"{method.name}-{task.value}-c{channels}"
                    )
                )
    return params


@pytest.mark.parametrize(("name", "task", "channels"), cases())
def test_method_raises_psnr_over_its_degraded_input(name, task, channels):
    problem, baseline = degraded(task, channels)
    result = restore(problem, name)
    assert result.image.pixels.shape == (*problem.output_shape, channels)
    assert np.isfinite(result.image.pixels).all()
    assert result.psnr > psnr(baseline, problem.reference.pixels) + MARGIN_DB[task]


def test_auto_sigma_is_estimated_and_reported():
    clean = scene(96)
    noisy = clean + np.random.default_rng(0).normal(0, 20 / 255, clean.shape).astype(np.float32)
    result = restore(Problem(Image(noisy), reference=Image(clean)), "nlm", {"sigma": "auto"})
    assert result.extras["sigma"] == pytest.approx(20, abs=3)
    given = restore(Problem(Image(noisy), reference=Image(clean)), "nlm", {"sigma": 20})
    assert "sigma" not in given.extras


def test_bm3d_matches_the_reference_package_on_gray():
    import bm3d

    clean = scene(48)
    noisy = clean + np.random.default_rng(1).normal(0, 25 / 255, clean.shape).astype(np.float32)
    direct = np.clip(bm3d.bm3d(noisy[..., 0], 25 / 255), 0, 1)
    result = restore(Problem(Image(noisy)), "bm3d", {"sigma": 25})
    np.testing.assert_allclose(result.image.pixels[..., 0], direct, atol=1e-5)


@pytest.mark.slow
def test_bm3d_on_colour_works_per_channel_and_says_so():
    clean = scene(32, channels=3)
    noisy = clean + np.random.default_rng(2).normal(0, 25 / 255, clean.shape).astype(np.float32)
    result = restore(Problem(Image(noisy), reference=Image(clean)), "bm3d", {"sigma": 25})
    assert "separately" in result.extras["color"]
    assert result.psnr > psnr(noisy, clean) + 3


def test_cbm3d_on_gray_runs_plain_bm3d_and_says_so():
    clean = scene(32)
    noisy = clean + np.random.default_rng(2).normal(0, 25 / 255, clean.shape).astype(np.float32)
    result = restore(Problem(Image(noisy)), "cbm3d", {"sigma": 25})
    assert "plain BM3D" in result.extras["color"]


def test_bm3d_reports_progress_before_and_after():
    seen = []
    ctx = RunContext(on_progress=lambda fraction, message: seen.append(fraction))
    restore(Problem(Image(scene(32))), "bm3d", {"sigma": 10}, ctx)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0


def test_a_cancelled_context_stops_bm3d_before_it_starts():
    ctx = RunContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        restore(Problem(Image(scene(32))), "bm3d", {"sigma": 10}, ctx)


@pytest.mark.parametrize("name", ["telea", "navier_stokes"])
def test_inpainting_keeps_the_known_pixels(name):
    clean = scene(channels=3)
    known = np.random.default_rng(4).random(clean.shape[:2]) > 0.4
    result = restore(Problem(Image(clean * known[..., None]), Task.INPAINT, mask=known), name)
    np.testing.assert_array_equal(result.image.pixels[known], clean[known])


@pytest.mark.parametrize("name", ["wiener", "richardson_lucy", "bm3d_deblur"])
def test_deconvolution_of_a_non_circular_blur_with_reflect_boundary(name):
    clean = scene()
    kernel = np.outer(*2 * [np.exp(-(np.arange(-3, 4) ** 2) / (2 * 1.5**2))])
    kernel = (kernel / kernel.sum()).astype(np.float32)
    blurred = convolve(clean[..., 0], kernel, mode="reflect")[..., None]
    blurred += np.random.default_rng(5).normal(0, 1 / 255, blurred.shape).astype(np.float32)
    problem = Problem(Image(blurred), Task.DEBLUR, kernel=kernel, reference=Image(clean))
    values = {"boundary": "reflect"} | ({"sigma": 1} if name == "bm3d_deblur" else {})
    assert restore(problem, name, values).psnr > psnr(blurred, clean) + 0.5


@pytest.mark.parametrize("shape", [(1, 1, 1), (1, 7, 1), (5, 3, 3)])
def test_tiny_images_work_with_every_fast_method(shape):
    pixels = np.random.default_rng(6).random(shape).astype(np.float32)
    known = np.random.default_rng(7).random(shape[:2]) > 0.5
    for method in registry.available():
        if method.family in SKIPPED_FAMILIES or method.family == "bm3d":
            continue
        for task in method.tasks:
            if task is Task.DEMOSAIC and shape[2] != 1:
                continue  # a mosaic has one channel
            problem = Problem(
                Image(pixels),
                task,
                mask=known,
                kernel=np.full((3, 3), 1 / 9, np.float32),
                scale=2,
                pattern="RGGB" if task is Task.DEMOSAIC else None,
            )
            values = {"sigma": 10} if "sigma" in method.params else {}
            channels = 3 if task is Task.DEMOSAIC else shape[2]
            shape_out = restore(problem, method.name, values).image.pixels.shape
            assert shape_out == (*problem.output_shape, channels)


def test_bm3d_handles_an_image_smaller_than_its_blocks():
    pixels = np.random.default_rng(8).random((3, 5, 1)).astype(np.float32)
    assert restore(Problem(Image(pixels)), "bm3d", {"sigma": 10}).image.pixels.shape == (3, 5, 1)
