"""The compare view: a three-method comparison with locked zoom, the error map, swipe, table and export."""

from __future__ import annotations

import csv
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from scipy.ndimage import median_filter, uniform_filter
from view_probes import tick

from workbench.core import compare, registry
from workbench.core.image import Image
from workbench.core.params import FloatParam, IntParam, ParamSpec
from workbench.core.problem import Problem, Task
from workbench.gui.pages.compare.modes import ERRORS, NOISE, RESULTS
from workbench.gui.pages.compare.page import CompareView, attach
from workbench.gui.views.display import display_array

DENOISE = frozenset({Task.DENOISE})


def _box(problem, params, ctx):
    ctx.progress(0.5, "filtering")
    size = params["size"]
    return uniform_filter(problem.observed.pixels, size=(size, size, 1), mode="reflect")


METHODS = (
    registry.Method(
        "bm3d",
        "BM3D stand-in",
        "test",
        DENOISE,
        ParamSpec([FloatParam("sigma", 25.0, maximum=100.0)]),
        lambda problem, params, ctx: uniform_filter(problem.observed.pixels, size=(5, 5, 1), mode="reflect"),
    ),
    registry.Method(
        "guicmp_box", "Box", "test", DENOISE, ParamSpec([IntParam("size", 3, minimum=1, maximum=9)]), _box
    ),
    registry.Method(
        "guicmp_median",
        "Median",
        "test",
        DENOISE,
        ParamSpec(),
        lambda problem, params, ctx: median_filter(problem.observed.pixels, size=(3, 3, 1)),
    ),
)


@pytest.fixture
def methods(monkeypatch):
    """Only the three test methods are registered (one under the baseline's name)."""
    registry.available()
    monkeypatch.setattr(registry, "_METHODS", {method.name: method for method in METHODS})


@pytest.fixture
def problem():
    rows = np.linspace(0.2, 0.8, 24, dtype=np.float32)[:, None, None]
    clean = np.repeat(rows, 32, axis=1)
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 0.08, clean.shape), 0, 1).astype(np.float32)
    return Problem(Image(noisy), reference=Image(clean))


@pytest.fixture
def view(qtbot, methods, problem):
    widget = CompareView()
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.set_problem(problem)
    widget.show()
    yield widget
    assert widget.shutdown(5000)


def _wheel_zoom_in(tile):
    """One wheel step forward over the middle of ``tile``'s picture, as a user would."""
    viewport = tile.graphics.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(
        centre,
        viewport.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def _run(qtbot, view):
    with qtbot.waitSignal(view.runner.finished, timeout=10_000):
        assert view.run()
    qtbot.wait(50)


def test_baseline_is_ticked_by_default_and_panels_are_generated(view):
    assert view.checked_methods() == ["bm3d"]
    view.methods.setCurrentRow(1)
    panel = view.panel("guicmp_box")
    assert view.params.currentWidget() is panel
    assert list(panel.editors) == ["size"]


def test_three_method_comparison_with_locked_zoom_and_error_map(qtbot, view, problem):
    tick(view, ["bm3d", "guicmp_box", "guicmp_median"])
    view.panel("guicmp_box").set_values({"size": 5})
    _run(qtbot, view)
    comparison = view.comparison
    assert [result.method for result in comparison.results] == ["bm3d", "guicmp_box", "guicmp_median"]
    assert comparison.results[1].params == {"size": 5}
    assert [tile.name for tile in view.tiles] == ["Input", "Reference", "BM3D stand-in", "Box", "Median"]
    box_caption = view.tiles[3].caption.text()
    assert f"{comparison.results[1].psnr:.2f} dB" in box_caption and "vs BM3D" in box_caption

    width_before = np.diff(view.tiles[0].view.viewRange()[0])[0]
    for _ in range(3):
        _wheel_zoom_in(view.tiles[3])
    view.resize(1000, 650)
    qtbot.wait(50)
    ranges = [tile.view.viewRange() for tile in view.tiles]
    assert all(np.allclose(current, ranges[3], atol=0.1) for current in ranges)
    assert np.diff(ranges[0][0])[0] < 0.8 * width_before
    assert 0 < np.mean(ranges[0][0]) < 32 and 0 < np.mean(ranges[0][1]) < 24

    view.set_mode(ERRORS)
    maps = comparison.error_maps()
    scale = compare.shared_scale(maps.values())
    expected = display_array(compare.heat_colors(maps["guicmp_box"], scale))
    np.testing.assert_array_equal(view.tiles[3].item.image, expected)
    assert "|error| mean" in view.tiles[3].caption.text()
    assert np.allclose(view.tiles[0].view.viewRange(), ranges[3], atol=1e-6)


def test_removed_noise_and_back_to_results(qtbot, view):
    tick(view, ["bm3d", "guicmp_median"])
    _run(qtbot, view)
    view.set_mode(NOISE)
    removed = view.comparison.noise_maps()["guicmp_median"]
    expected = compare.signed_gray(removed, compare.shared_scale(view.comparison.noise_maps().values()))
    np.testing.assert_array_equal(view.tiles[3].item.image, display_array(expected))
    view.set_mode(RESULTS)
    np.testing.assert_array_equal(
        view.tiles[3].item.image, display_array(view.comparison.results[1].image.pixels)
    )


def test_swipe_shows_two_chosen_tiles_on_one_view(qtbot, view):
    tick(view, ["bm3d", "guicmp_box"])
    _run(qtbot, view)
    view.swipe_a.setCurrentIndex(0)
    view.swipe_b.setCurrentIndex(3)
    view.swipe_box.setChecked(True)
    assert view.pictures.currentWidget() is view.swipe
    np.testing.assert_array_equal(view.swipe.left.image, view.tiles[0].item.image)
    np.testing.assert_array_equal(view.swipe.right.image, view.tiles[3].item.image)
    assert "Input" in view.swipe.caption.text() and "Box" in view.swipe.caption.text()


def test_metrics_table_sorts_by_psnr(qtbot, view):
    tick(view, ["bm3d", "guicmp_box", "guicmp_median"])
    _run(qtbot, view)
    view.table.sortItems(1, Qt.SortOrder.DescendingOrder)
    psnrs = [view.table.item(row, 1).data(Qt.ItemDataRole.DisplayRole) for row in range(3)]
    assert psnrs == sorted(psnrs, reverse=True)
    best = max(view.comparison.results, key=lambda result: result.psnr)
    assert view.table.item(0, 0).text() == compare.method_label(best.method)


def _slow(problem, params, ctx):
    for step in range(500):
        ctx.progress(step / 500, "slow")
        time.sleep(0.01)
    return problem.observed.pixels


def _make_median_slow(monkeypatch):
    """Replace the median test method by one that takes 5 s, reporting progress ("slow")."""
    monkeypatch.setitem(
        registry._METHODS,
        "guicmp_median",
        registry.Method("guicmp_median", "Slow", "test", DENOISE, ParamSpec(), _slow),
    )


def test_cancel_stops_the_comparison_and_keeps_the_methods_that_finished(qtbot, view, monkeypatch):
    _make_median_slow(monkeypatch)
    tick(view, ["bm3d", "guicmp_median"])
    assert view.run()
    qtbot.waitUntil(lambda: "Method 2 of 2" in view.status.text(), timeout=10_000)
    with qtbot.waitSignal(view.runner.cancelled, timeout=5_000):
        view.cancel_button.click()
    assert view.run_button.isEnabled()
    assert [result.method for result in view.comparison.results] == ["bm3d"]
    assert "1 of 2 methods that finished" in view.status.text()
    assert view.table.rowCount() == 1


def test_cancel_before_any_method_finished_shows_no_comparison(qtbot, view, monkeypatch):
    _make_median_slow(monkeypatch)
    tick(view, ["guicmp_median"])
    assert view.run()
    qtbot.waitUntil(lambda: "slow" in view.status.text(), timeout=10_000)
    with qtbot.waitSignal(view.runner.cancelled, timeout=5_000):
        view.cancel_button.click()
    assert view.comparison is None and view.status.text() == "Cancelled"


def test_export_writes_the_folder(qtbot, view, tmp_path):
    tick(view, ["bm3d", "guicmp_box", "guicmp_median"])
    _run(qtbot, view)
    assert view.export_to(tmp_path / "out")
    with open(tmp_path / "out" / "metrics.csv", newline="") as handle:
        assert [row["method"] for row in csv.DictReader(handle)] == ["bm3d", "guicmp_box", "guicmp_median"]
    assert (tmp_path / "out" / "grid.png").is_file()


def test_attach_adds_a_panel_following_the_window_input(main_window, methods, problem):
    view = attach(main_window.session, main_window.host)
    main_window.session.model.set_input(problem.observed, problem.reference)
    assert [tile.name for tile in view.tiles] == ["Input", "Reference"]
    assert view.problem().reference is problem.reference
    assert view.checked_methods() == ["bm3d"]
    assert view.shutdown(5000)


def test_the_header_and_table_name_the_baseline_the_gains_use(qtbot, view, problem):
    assert "(BM3D is the baseline)" in view.baseline_label.text()
    colour = Problem(
        Image(np.repeat(problem.observed.pixels, 3, axis=2)),
        reference=Image(np.repeat(problem.reference.pixels, 3, axis=2)),
    )
    view.set_problem(colour)
    assert "(CBM3D is the baseline)" in view.baseline_label.text()
    tick(view, ["bm3d", "guicmp_box"])
    _run(qtbot, view)
    assert view.comparison.baseline.method == "bm3d"
    assert "(BM3D is the baseline)" in view.baseline_label.text()
    assert view.table.horizontalHeaderItem(3).text() == "Gain vs BM3D (dB)"
    assert "vs BM3D" in view.tiles[-1].caption.text()


def test_tiles_follow_the_viewer_theme_with_captions_under_the_pictures_and_the_table_unscrolled(qtbot, view):
    from workbench.gui.views.viewer import BACKGROUND

    tick(view, ["bm3d", "guicmp_box", "guicmp_median"])
    _run(qtbot, view)
    qtbot.wait(100)
    tile = view.tiles[2]
    assert tile.graphics.backgroundBrush().color() == BACKGROUND
    picture_bottom = tile.graphics.geometry().bottom()
    assert tile.caption.geometry().top() - picture_bottom <= 8
    aspect = tile.pixels.shape[0] / tile.pixels.shape[1]
    assert abs(tile.graphics.height() - tile.graphics.width() * aspect) <= 2 or tile.graphics.height() < (
        tile.graphics.width() * aspect
    )
    assert view.table.verticalScrollBar().maximum() == 0
