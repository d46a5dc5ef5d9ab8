"""The viewer: pixel readout in source bit depth, locked views, split divider, fit and 100 %, histogram."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.gui.histogram import HistogramView, luminance_histogram
from workbench.gui.viewer import SPLIT, ImageViewer


@pytest.fixture
def viewer(qtbot):
    widget = ImageViewer()
    widget.resize(800, 400)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_readout_gives_values_in_the_source_bit_depth(viewer):
    pixels = np.zeros((10, 20, 3), np.float32)
    pixels[4, 7] = (1.0, 0.5, 0.0)
    viewer.set_input(pixels, bit_depth=16)
    viewer.set_output(pixels[:, :, :1] * 0 + 1.0, bit_depth=8)
    text = viewer.readout_at(7.5, 4.2)
    assert text == "x 7  y 4   input (65535, 32768, 0)   output 255"
    assert viewer.readout_at(-3, 4) == ""


def test_super_resolved_output_enlarges_the_canvas_and_keeps_alignment(viewer):
    small = np.zeros((10, 10, 1), np.float32)
    small[2, 3] = 1.0
    viewer.set_input(small)
    viewer.set_output(np.zeros((20, 20, 1), np.float32))
    assert viewer.readout_at(6.5, 4.5) == "x 6  y 4   input 255   output 0"


def test_views_share_zoom_and_pan(viewer):
    viewer.set_input(np.zeros((100, 200, 1), np.float32))
    viewer._input_pane.view.setRange(xRange=(10, 60), yRange=(10, 35), padding=0)
    assert viewer._output_pane.view.viewRange()[0] == pytest.approx(viewer._input_pane.view.viewRange()[0])
    zoom = viewer.zoom_factor()
    viewer.set_mode(SPLIT)
    assert viewer.zoom_factor() == pytest.approx(zoom, rel=0.02)
    assert viewer._split_pane.view.viewRange()[0][0] == pytest.approx(10, abs=1)


def test_actual_size_is_one_screen_pixel_per_image_pixel_and_fit_shows_all(viewer):
    viewer.set_input(np.zeros((300, 500, 3), np.float32))
    viewer.actual_size()
    assert viewer.zoom_factor() == pytest.approx(1.0, rel=0.02)
    viewer.fit()
    (x0, x1), (y0, y1) = viewer._input_pane.view.viewRange()
    assert x0 <= 0 and x1 >= 500 and y0 <= 0 and y1 >= 300


def test_split_divider_clips_the_after_image(viewer):
    viewer.set_input(np.zeros((40, 100, 1), np.float32))
    viewer.set_output(np.ones((40, 100, 1), np.float32))
    viewer.set_mode(SPLIT)
    assert viewer._clip.rect().left() == pytest.approx(50)
    viewer.divider.setValue(80)
    assert viewer._clip.rect().left() == pytest.approx(80)
    assert viewer._clip.rect().width() == pytest.approx(20)


def test_histogram_counts_fractions_of_pixels(qtbot):
    pixels = np.concatenate([np.zeros((4, 4, 1)), np.ones((4, 4, 1))], axis=1).astype(np.float32)
    edges, fractions = luminance_histogram(pixels, bins=4)
    assert edges[0] == 0 and edges[-1] == 1
    assert fractions.tolist() == [0.5, 0, 0, 0.5]
    view = HistogramView()
    qtbot.addWidget(view)
    view.set_input(pixels)
    view.set_output(pixels * 0.4)
    drawn_input, drawn_output = view.curve_data()
    assert drawn_input.sum() == pytest.approx(1.0) and drawn_output.sum() == pytest.approx(1.0)
