"""The Deep Image Prior panel: live curves and previews, pause/resume, stop and keep, cancel, overlays."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.dip import DipOutcome
from workbench.core.image import Image
from workbench.core.problem import Problem, Task
from workbench.gui.pages.dip.page import DipPanel, attach


def tiny_problem() -> Problem:
    y, x = np.mgrid[0:32, 0:32].astype(np.float32) / 31
    clean = np.stack([x, y, 0.5 + 0 * x], axis=2).astype(np.float32)
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 0.1, clean.shape), 0, 1).astype(np.float32)
    return Problem(Image(noisy), Task.DENOISE, reference=Image(clean))


@pytest.fixture
def panel(qtbot):
    panel = DipPanel()
    qtbot.addWidget(panel)
    panel.set_device("cpu")
    panel.preset.setCurrentText("light")
    panel.set_problem(tiny_problem())
    yield panel
    panel.shutdown()
    assert not panel.runner.is_running()


def test_a_run_draws_curves_and_previews_and_keeps_its_output(panel, qtbot):
    panel.iterations.setValue(25)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as finished:
        assert panel.start()
    outcome = finished.args[0]
    assert isinstance(outcome, DipOutcome) and outcome.iterations == 25
    assert panel.curves.iterations == list(range(1, 26))
    assert not np.isnan(panel.curves.psnr_avg).any()
    assert panel.average_image.image is not None and panel.current_image.image is not None
    assert len(panel.loss_plot.listDataItems()) == 1
    assert len(panel.psnr_plot.listDataItems()) == 2
    assert "Kept" in panel.status.text()
    assert not panel.stop_button.isEnabled()


def test_pause_holds_resume_continues_and_stop_keeps(panel, qtbot):
    panel.iterations.setValue(100_000)
    panel.start()
    qtbot.waitUntil(lambda: panel.stepper.iteration >= 2, timeout=30_000)
    panel.pause_button.click()
    assert panel.resume_button.isEnabled() and not panel.pause_button.isEnabled()
    assert panel.status.text().endswith("· paused")
    qtbot.wait(300)
    held = panel.stepper.iteration
    qtbot.wait(300)
    assert panel.stepper.iteration == held
    panel.resume_button.click()
    qtbot.waitUntil(lambda: panel.stepper.iteration > held, timeout=30_000)
    with qtbot.waitSignal(panel.run_finished, timeout=30_000) as finished:
        panel.stop_button.click()
    assert finished.args[0].stop_reason == "user"
    assert panel.outcome is finished.args[0]


def test_cancel_discards_the_run(panel, qtbot):
    panel.iterations.setValue(100_000)
    panel.start()
    qtbot.waitUntil(lambda: panel.stepper.iteration >= 1, timeout=30_000)
    with qtbot.waitSignal(panel.runner.cancelled, timeout=30_000):
        panel.cancel_button.click()
    assert panel.outcome is None
    assert "Cancelled" in panel.status.text()


def test_a_second_run_is_drawn_over_the_first(panel, qtbot):
    panel.iterations.setValue(5)
    for seed in (0, 1):
        panel.seed.setValue(seed)
        with qtbot.waitSignal(panel.run_finished, timeout=60_000):
            panel.start()
    assert len(panel.history) == 1
    assert len(panel.loss_plot.listDataItems()) == 2
    panel.clear_button.click()
    assert len(panel.loss_plot.listDataItems()) == 1


def test_auto_stop_marker_is_drawn_where_it_fired(panel, qtbot):
    panel.iterations.setValue(300)
    panel.window.setValue(3)
    panel.patience.setValue(2)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as finished:
        panel.start()
    outcome = finished.args[0]
    assert outcome.stop_reason == "auto_stop"
    assert panel.curves.fired_at == outcome.es_fired_at
    markers = [item for item in panel.es_plot.items if item.__class__.__name__ == "InfiniteLine"]
    assert [marker.value() for marker in markers] == [outcome.es_fired_at]


def test_a_known_noise_level_is_filled_in_and_stops_the_run_by_the_discrepancy_rule(panel, qtbot):
    assert panel.noise_sigma.value() == 0 and panel.noise_sigma.text() == "unknown"
    known = tiny_problem()
    known.noise_sigma = 0.1
    panel.set_problem(known)
    assert panel.noise_sigma.value() == pytest.approx(25.5)
    panel.iterations.setValue(2000)
    panel.patience.setValue(50_000)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as finished:
        panel.start()
    outcome = finished.args[0]
    assert outcome.stop_rule == "discrepancy" and outcome.iterations < 2000
    lines = [item for item in panel.loss_plot.items if item.__class__.__name__ == "InfiniteLine"]
    assert sorted(line.angle for line in lines) == [0, 90]
    assert "auto-stop (discrepancy)" in [line.label.format for line in lines if line.label is not None]
    panel.set_problem(tiny_problem())
    assert panel.noise_sigma.value() == 0
    panel.noise_sigma.setValue(12)
    panel.set_problem(known)
    assert panel.noise_sigma.value() == 12


def test_start_without_a_problem_says_so(qtbot):
    panel = DipPanel()
    qtbot.addWidget(panel)
    assert not panel.start()
    assert "Open an image" in panel.status.text()


def test_attach_follows_the_window_and_puts_kept_runs_in_its_history(main_window, qtbot):
    panel = attach(main_window.session, main_window.host)
    problem = tiny_problem()
    main_window.session.model.set_input(problem.observed, problem.reference)
    assert panel.problem is not None and panel.problem.reference is not None
    panel.set_device("cpu")
    panel.preset.setCurrentText("light")
    panel.iterations.setValue(3)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        panel.start()
    assert main_window.session.model.shown_result() is not None
    assert main_window.session.model.shown_result().method == "dip"
    assert main_window.session.model.history[-1].label == "Deep Image Prior (running average)"
    panel.shutdown()


def test_before_the_average_starts_its_legend_says_from_which_step(panel, qtbot):
    panel.iterations.setValue(3)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        assert panel.start()
    start = panel.curves.average_from
    assert start > 3
    legend = [label.text for _, label in panel.psnr_plot.legend.items]
    assert legend == ["output", f"running average from step {start}"]


def test_the_empty_es_wmv_plot_says_it_fills_after_w_steps_until_it_has_a_point(panel, qtbot):
    assert panel.es_note.text() == "fills after the first W = W steps"
    panel.window.setValue(4)
    panel.iterations.setValue(2)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        assert panel.start()
    assert panel.es_note.text() == "fills after the first W = 4 steps"
    panel.iterations.setValue(8)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        assert panel.start()
    assert panel.curves.es_iterations and panel.es_note.text() == ""


def test_the_kept_caption_names_the_kept_image_in_one_line_that_fits(panel, qtbot):
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.iterations.setValue(2)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as finished:
        assert panel.start()
    caption = panel.preview_caption
    assert caption.text() == "Current output (left) · kept (right): running average"
    assert caption.shown_text() == caption.text()
    assert finished.args[0].description in caption.toolTip()


def test_kept_name_says_which_image_a_run_kept():
    from workbench.gui.pages.dip.page import kept_name

    def outcome(choice, rule=None):
        return DipOutcome(np.zeros((2, 2, 1), np.float32), choice, "", 40, "cap", 12, 30, [], rule, 31)

    assert kept_name(outcome("average")) == "running average"
    assert kept_name(outcome("last")) == "step 40"
    assert kept_name(outcome("auto_stop", "es_wmv")) == "step 12 (ES-WMV pick)"
    assert kept_name(outcome("auto_stop", "discrepancy")) == "step 31 (discrepancy pick)"
    assert kept_name(outcome("auto_stop", "sure")) == "auto-stop pick (SURE)"


def test_the_previews_show_a_note_until_the_first_picture(panel, qtbot):
    previews = panel.previews
    assert not previews.showing_pictures() and previews.placeholder.text()
    previews.split.setChecked(True)
    assert not previews.showing_pictures()
    previews.show_left(tiny_problem().observed.pixels)
    assert previews.showing_pictures() and previews.split_graphics.isVisibleTo(previews)
    previews.clear()
    assert not previews.showing_pictures()


def test_degrading_in_the_window_fills_in_the_noise_it_added(main_window, qtbot):
    panel = attach(main_window.session, main_window.host)
    problem = tiny_problem()
    main_window.session.model.set_input(problem.reference, None)
    assert panel.noise_sigma.value() == 0
    assert main_window.restore.degrade("gaussian_noise", {"sigma": 20, "clip": False}, 0)
    assert panel.noise_sigma.value() == pytest.approx(
        round(main_window.session.model.current_problem().noise_sigma * 255, 2)
    )
    assert panel.noise_sigma.value() == pytest.approx(20, rel=0.1)
    main_window.restore.use_clean_image()
    assert panel.noise_sigma.value() == 0
    panel.shutdown()


def test_the_log_axes_label_the_1_2_and_5_ticks_of_a_tall_decade_and_thin_out_when_short():
    from workbench.gui.views.log_axis import labelled, power_label

    values = [np.log10(value) for value in (0.1, 0.09, 0.05, 0.03, 0.02, 0.01)]
    assert labelled(values, 120) == [True, False, True, False, True, True]
    assert labelled(values, 40) == [True, False, False, False, False, True]
    decades = [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0]
    assert labelled(decades, 6) == [True, False, False, True, False, False]
    assert [power_label(value) for value in (np.log10(0.05), -3.0, np.log10(2e-5), 2.0)] == [
        "0.05",
        "0.001",
        "2e-5",
        "100",
    ]


def test_a_short_loss_axis_keeps_its_labels_apart(panel, qtbot):
    panel.resize(900, 420)
    panel.show()
    qtbot.waitExposed(panel)
    axis = panel.loss_plot.getAxis("left")
    low, high = axis.range
    values = [np.log10(value * 10.0**power) for power in range(-4, 0) for value in range(1, 10)]
    values = [value for value in values if low <= value <= high]
    shown = [text for text in axis.logTickStrings(values, 1.0, 1.0) if text]
    decade_pixels = axis.geometry().height() / (high - low)
    assert len(shown) <= max(2, axis.geometry().height() / 18), (shown, decade_pixels)


def test_start_is_disabled_while_a_run_goes_and_start_refuses_to_discard_it(panel, qtbot):
    panel.iterations.setValue(100_000)
    assert panel.start_button.isEnabled()
    assert panel.start()
    assert not panel.start_button.isEnabled()
    qtbot.waitUntil(lambda: panel.stepper.iteration >= 1, timeout=30_000)
    running = panel.stepper
    assert not panel.start()
    assert panel.stepper is running and "A run is going" in panel.status.text()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=30_000):
        panel.cancel_button.click()
    assert panel.start_button.isEnabled()


def test_the_running_average_is_shown_once_it_weighs_enough_outputs(panel, qtbot):
    from workbench.core.dip.averaging import averaging_steps

    assert averaging_steps(0.99) == 100 and averaging_steps(0.0) == 0
    panel.iterations.setValue(100_000)
    assert panel.start()
    start = panel.curves.average_from
    assert start == averaging_steps(panel.stepper.settings.average_weight) > 3
    qtbot.waitUntil(lambda: len(panel.curves.iterations) >= 3, timeout=30_000)
    assert np.isnan(panel.curves.shown_average()).all()
    assert f"from step {start}" in panel.preview_caption.text()
    assert " average " not in panel.status.text()
    with qtbot.waitSignal(panel.run_finished, timeout=30_000) as finished:
        panel.stop_button.click()
    assert "kept (right): running average" in panel.preview_caption.text()
    assert finished.args[0].description in panel.preview_caption.toolTip()


def test_the_settings_column_keeps_its_width_while_the_status_changes(panel, qtbot):
    panel.resize(1000, 600)
    panel.show()
    qtbot.waitExposed(panel)
    column = panel.status.parentWidget()
    widths = []
    for text in ("", "Iteration 1/1500 · 3.1 it/s · about 480 s left · average 24.31 dB · paused", "x"):
        panel.status.setText(text)
        qtbot.wait(20)
        widths.append((column.width(), panel.plots.width()))
    assert len(set(widths)) == 1


def test_the_legend_names_the_current_run_and_earlier_runs_fade(panel, qtbot):
    from workbench.gui.views.run_colours import run_colour

    panel.iterations.setValue(3)
    for seed in (0, 1, 2):
        panel.seed.setValue(seed)
        with qtbot.waitSignal(panel.run_finished, timeout=60_000):
            panel.start()
    legend = [label.text for _, label in panel.psnr_plot.legend.items]
    assert legend == ["output", f"running average from step {panel.curves.average_from}"]
    assert "2 earlier run(s)" in panel.psnr_plot.titleLabel.text
    colours = [run_colour(age) for age in range(4)]
    assert len({colour.name() for colour in colours}) == 4
    assert colours[1].alpha() > colours[2].alpha() > colours[3].alpha()


def test_empty_plots_show_a_step_frame_that_the_first_run_replaces(panel, qtbot):
    x_range, psnr_range = panel.psnr_plot.viewRange()
    assert x_range == pytest.approx([0, 1000]) and psnr_range == pytest.approx([15, 35])
    assert not panel.loss_plot.getAxis("bottom").autoSIPrefix
    panel.show()
    qtbot.waitExposed(panel)
    panel.iterations.setValue(25)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        assert panel.start()
    qtbot.waitUntil(lambda: panel.loss_plot.viewRange()[0][1] < 30)


def test_start_builds_the_stepper_dip_stepper_builds_for_the_request_of_the_form(panel, qtbot):
    from workbench.core.dip import DipRequest, dip_stepper

    panel.iterations.setValue(2)
    panel.window.setValue(7)
    panel.patience.setValue(9)
    panel.seed.setValue(4)
    panel.loss.setCurrentIndex(panel.loss.findData("l1"))
    panel.auto_stop.setChecked(False)
    panel.run_past.setChecked(True)
    panel.noise_sigma.setValue(12.75)
    panel.sure.setChecked(True)
    expected = DipRequest(2, 7, 9, "l1", 4, auto_stop=False, run_past=True, noise_sigma=0.05, sure=True)
    assert panel.request() == expected
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        assert panel.start()
    direct = dip_stepper(panel.problem, "light", expected, "cpu")
    built = panel.stepper
    assert built.settings == direct.settings and type(built.operator) is type(direct.operator)
    assert (built.auto_stop, built.run_past, built.noise_sigma) == (False, True, pytest.approx(0.05))
    assert built.shadow is not None and built.discrepancy.floor == direct.discrepancy.floor
    assert built.records[0].loss == pytest.approx(direct.step().loss, rel=1e-5)


def test_the_sure_box_is_for_denoising_only(panel):
    panel.sure.setChecked(True)
    blurred = tiny_problem()
    panel.set_problem(Problem(blurred.observed, Task.DEBLUR, kernel=np.ones((3, 3), np.float32) / 9))
    assert not panel.sure.isEnabled() and not panel.sure.isChecked()
    assert panel.request().sure is False
    panel.set_problem(tiny_problem())
    assert panel.sure.isEnabled()


def shown_range(view) -> list[float]:
    """A view's x and y range as [x0, x1, y0, y1] (canvas pixels)."""
    return [float(value) for value in np.ravel(view.viewRange())]


def test_the_two_previews_zoom_and_pan_together_fit_and_show_100_percent(panel, qtbot):
    from PySide6.QtCore import QRectF

    previews = panel.previews
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitExposed(panel)
    pixels = tiny_problem().observed.pixels
    previews.show_left(pixels)
    previews.show_right(pixels[::-1])
    qtbot.wait(20)
    whole = previews.left_view.viewRect()
    assert whole.contains(QRectF(0, 0, 32, 32))
    previews.right_view.setRange(QRectF(4, 6, 8, 8), padding=0)
    assert shown_range(previews.left_view) == pytest.approx(shown_range(previews.right_view))
    assert previews.left_view.viewRect().width() < whole.width() / 2
    previews.fit_button.click()
    assert previews.left_view.viewRect().contains(QRectF(0, 0, 32, 32))
    assert shown_range(previews.right_view) == pytest.approx(shown_range(previews.left_view))
    previews.actual_button.click()
    assert list(previews.left_view.viewPixelSize()) == pytest.approx([1.0, 1.0], rel=0.02)
    previews.split.setChecked(True)
    qtbot.wait(20)
    assert previews.divider.line.value() == pytest.approx(16)
    assert list(previews.split_view.viewPixelSize()) == pytest.approx([1.0, 1.0], rel=0.02)
    previews.split_view.setRange(QRectF(0, 0, 10, 10), padding=0)
    zoomed = list(previews.split_view.viewPixelSize())
    assert zoomed[0] < 0.5 and list(previews.left_view.viewPixelSize()) == pytest.approx(zoomed, rel=0.02)
