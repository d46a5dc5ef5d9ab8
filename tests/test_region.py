"""Restoring a region first: the crop keeps context and the result covers exactly the region."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import uniform_filter

from workbench.core import registry
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.params import IntParam, ParamSpec
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task
from workbench.core.region import Rect, crop_problem, restore_region


@pytest.fixture
def box_method(monkeypatch):
    """A 5x5 box filter registered for the duration of one test."""

    def run(problem, params, ctx):
        size = params["size"]
        return uniform_filter(problem.observed.pixels, size=(size, size, 1), mode="reflect")

    method = registry.Method(
        "test_box",
        "Box",
        "test",
        frozenset({Task.DENOISE}),
        ParamSpec([IntParam("size", 5, minimum=1, maximum=9)]),
        run,
    )
    registry.available()
    monkeypatch.setitem(registry._METHODS, method.name, method)
    return method


def _noisy_problem(height=64, width=80):
    rng = np.random.default_rng(1)
    clean = np.tile(np.linspace(0, 1, width, dtype=np.float32), (height, 1))[:, :, None]
    noisy = clean + rng.normal(0, 0.1, clean.shape).astype(np.float32)
    return Problem(Image(noisy), reference=Image(clean))


def test_region_result_matches_the_same_pixels_of_the_full_run(box_method):
    problem = _noisy_problem()
    rect = Rect(10, 20, 30, 16)
    region = restore_region(problem, rect, "test_box", margin=8)
    full = restore(problem, "test_box")
    assert region.image.pixels.shape == (16, 30, 1)
    expected = full.image.pixels[20:36, 10:40]
    assert np.allclose(region.image.pixels, expected, atol=1e-6)
    assert region.psnr is not None


def test_crop_keeps_margin_inside_the_image():
    problem = _noisy_problem()
    cropped, inner = crop_problem(problem, Rect(0, 60, 10, 10), margin=8)
    assert cropped.observed.pixels.shape[:2] == (12, 18)
    assert inner == Rect(0, 8, 10, 4)


def test_region_outside_the_image_is_a_clear_error():
    with pytest.raises(ParameterError, match="outside"):
        crop_problem(_noisy_problem(), Rect(200, 200, 5, 5))
