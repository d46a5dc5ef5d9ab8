"""What the window colours: the effective field in decades below its peak, over a dimmed gray image."""

from __future__ import annotations

import numpy as np

from workbench.core.viz import backdrop, log_heat


def test_log_heat_counts_decades_below_the_peak_and_floors_zero():
    heat = np.array([[4.0, 0.4], [0.004, 0.0]])
    shown = log_heat(heat, decades=2)
    assert shown.dtype == np.float32
    np.testing.assert_allclose(shown, [[0.0, -1.0], [-2.0, -2.0]], atol=1e-6)


def test_log_heat_of_no_gradient_is_all_at_the_floor():
    assert np.all(log_heat(np.zeros((3, 2)), decades=4) == -4)


def test_backdrop_is_dimmed_gray_of_the_image_size():
    pixels = np.zeros((2, 3, 3), dtype=np.float32)
    pixels[0, 0] = 1.0
    picture = backdrop(pixels)
    assert picture.shape == (2, 3, 3) and picture.dtype == np.float32
    assert picture.max() < 1.0 and picture[0, 0, 0] == picture.max()
    assert np.all(picture[..., 0] == picture[..., 1])
