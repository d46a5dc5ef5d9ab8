"""The viewer: pixel readout in source bit depth, locked views, split divider, fit and 100 %, histogram."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from view_probes import curve_data, zoom_factor

from workbench.gui.views.histogram import HistogramView, luminance_histogram
from workbench.gui.views.viewer import SPLIT, ImageViewer


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


def wheel(pane, position, steps=1):
    """Turn the mouse wheel ``steps`` notches over ``position`` (viewport pixels) of a pane."""
    viewport = pane.graphics.viewport()
    global_position = QPointF(viewport.mapToGlobal(position.toPoint()))
    event = QWheelEvent(
        position,
        global_position,
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_wheel_zooms_at_the_cursor_and_every_view_follows(viewer):
    viewer.set_input(np.zeros((100, 200, 1), np.float32))
    pane = viewer._input_pane
    cursor = QPointF(pane.graphics.viewport().width() * 0.25, pane.graphics.viewport().height() * 0.5)
    before = pane.view.mapSceneToView(pane.graphics.mapToScene(cursor.toPoint()))
    zoom = zoom_factor(viewer)
    wheel(pane, cursor, steps=3)
    after = pane.view.mapSceneToView(pane.graphics.mapToScene(cursor.toPoint()))
    assert zoom_factor(viewer) > 1.5 * zoom
    assert (after.x(), after.y()) == pytest.approx((before.x(), before.y()), abs=1.0)
    assert viewer._output_pane.view.viewRange()[0] == pytest.approx(pane.view.viewRange()[0])
    viewer.resize(900, 450)
    (left, right), _ = pane.view.viewRange()
    assert right - left < 100, "a resize after a manual zoom must not fit the whole image again"
    zoomed = zoom_factor(viewer)
    viewer.set_mode(SPLIT)
    assert zoom_factor(viewer) == pytest.approx(zoomed, rel=0.02)


def test_actual_size_is_one_screen_pixel_per_image_pixel_and_fit_shows_all(viewer):
    viewer.set_input(np.zeros((300, 500, 3), np.float32))
    viewer.actual_size()
    assert zoom_factor(viewer) == pytest.approx(1.0, rel=0.02)
    viewer.fit()
    (x0, x1), (y0, y1) = viewer._input_pane.view.viewRange()
    assert x0 <= 0 and x1 >= 500 and y0 <= 0 and y1 >= 300


def test_split_divider_clips_the_after_image(viewer):
    viewer.set_input(np.zeros((40, 100, 1), np.float32))
    viewer.set_output(np.ones((40, 100, 1), np.float32))
    viewer.set_mode(SPLIT)
    assert viewer.divider.clip.rect().left() == pytest.approx(50)
    viewer.divider.line.setValue(80)
    assert viewer.divider.clip.rect().left() == pytest.approx(80)
    assert viewer.divider.clip.rect().width() == pytest.approx(20)


def test_histogram_counts_fractions_of_pixels(qtbot):
    pixels = np.concatenate([np.zeros((4, 4, 1)), np.ones((4, 4, 1))], axis=1).astype(np.float32)
    edges, fractions = luminance_histogram(pixels, bins=4)
    assert edges[0] == 0 and edges[-1] == 1
    assert fractions.tolist() == [0.5, 0, 0, 0.5]
    view = HistogramView()
    qtbot.addWidget(view)
    view.set_input(pixels)
    view.set_output(pixels * 0.4)
    drawn_input, drawn_output = curve_data(view)
    assert drawn_input.sum() == pytest.approx(1.0) and drawn_output.sum() == pytest.approx(1.0)


def test_the_histogram_key_sits_above_the_curves_not_over_them(qtbot):
    view = HistogramView()
    qtbot.addWidget(view)
    view.resize(250, 150)
    view.show()
    qtbot.waitExposed(view)
    plot = view.getPlotItem()
    curves = plot.getViewBox().sceneBoundingRect()
    assert plot.legend is None or not plot.legend.sceneBoundingRect().intersects(curves)
    key = plot.titleLabel
    assert "input" in key.text and "output" in key.text
    assert key.isVisible() and key.sceneBoundingRect().bottom() <= curves.top()


def test_fit_in_split_mode_centres_the_whole_image(viewer):
    viewer.set_input(np.zeros((100, 200, 1), np.float32))
    viewer.set_output(np.ones((100, 200, 1), np.float32))
    viewer.set_mode(SPLIT)
    viewer.fit()
    (x0, x1), (y0, y1) = viewer._split_pane.view.viewRange()
    assert x0 <= 0 and x1 >= 200 and y0 <= 0 and y1 >= 100
    assert (x0 + x1) / 2 == pytest.approx(100, abs=1) and (y0 + y1) / 2 == pytest.approx(50, abs=1)


def test_hovering_shows_the_readout_under_the_views(qtbot, viewer):
    from PySide6.QtCore import QPoint

    pixels = np.full((50, 80, 1), 0.5, np.float32)
    viewer.set_input(pixels, bit_depth=8)
    pane = viewer._input_pane
    centre = pane.graphics.viewport().rect().center()
    qtbot.mouseMove(pane.graphics.viewport(), centre)
    qtbot.mouseMove(pane.graphics.viewport(), centre + QPoint(1, 1))
    qtbot.waitUntil(lambda: "input 128" in viewer.readout_label.text())


def test_a_long_caption_is_elided_to_its_width_and_kept_whole(qtbot):
    from workbench.gui.widgets.elided_label import ElidedLabel

    text = "Output: Non-local means · PSNR 31.20 dB · SSIM 0.912 · scored against a_long_file_name.png"
    label = ElidedLabel(text)
    qtbot.addWidget(label)
    label.resize(120, 20)
    label.show()
    assert label.minimumSizeHint().width() == 0
    assert label.shown_text().endswith("…")
    assert label.fontMetrics().horizontalAdvance(label.shown_text()) <= 120
    assert label.text() == text and label.toolTip() == text
    label.resize(2000, 20)
    assert label.shown_text() == text
