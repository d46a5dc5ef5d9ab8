"""The plug-and-play page: live PSNR, change and schedule curves, previews of x_k and z_k, pause,
resume, stop and keep, cancel; kept estimates go into the history; Compare lists both solvers."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from scipy.ndimage import gaussian_filter

from workbench.core import operators
from workbench.core.image import Image
from workbench.core.problem import Problem, Task
from workbench.gui.pages.pnp.page import NEEDS_OPERATOR, PnpPage, attach

RUN_TIMEOUT_MS = 60_000


def clean_image(size: int = 32) -> Image:
    base = gaussian_filter(np.random.default_rng(1).random((size, size)), 2.0)
    gray = 0.2 + 0.6 * (base - base.min()) / (base.max() - base.min())
    return Image(gray[:, :, None].astype(np.float32))


def deblur_problem() -> Problem:
    clean = clean_image()
    observed, degradation = operators.degrade(
        clean, "blur", {"kind": "gaussian", "sigma": 1.6, "noise_sigma": 2.55}, seed=0
    )
    return degradation.problem(observed, clean)


@pytest.fixture
def page(qtbot):
    page = PnpPage()
    qtbot.addWidget(page)
    page.set_device("cpu")
    page.set_problem(deblur_problem())
    yield page
    page.shutdown()
    assert not page.runner.is_running()


def test_a_run_draws_its_curves_and_previews_and_keeps_a_scored_estimate(page, qtbot):
    page.params.set_values({"iterations": 6})
    assert not page.previews.showing_pictures() and "when a run starts" in page.previews.placeholder.text()
    with qtbot.waitSignal(page.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        assert page.start()
    outcome = finished.args[0]
    assert outcome.stop_reason == "done" and len(outcome.records) == 6
    assert page.previews.showing_pictures()
    assert page.curves.iterations == list(range(1, 7))
    assert page.curves.psnr[-1] > page.curves.psnr[0]
    assert page.curves.sigma[0] == pytest.approx(49.0) and page.curves.sigma[-1] < 49.0
    assert len(page.psnr_plot.listDataItems()) == 1 and len(page.change_plot.listDataItems()) == 1
    assert page.previews.left_image.image is not None and page.previews.right_image.image is not None
    assert page.result.method == "pnp_hqs" and page.result.psnr == pytest.approx(
        outcome.records[-1].psnr, abs=0.05
    )
    assert page.result.extras["iterations"] == 6
    assert "Kept the estimate after 6 iterations" in page.status.text()


def test_pause_holds_resume_continues_and_stop_and_keep_keeps_the_estimate_so_far(page, qtbot):
    page.solver.setCurrentIndex(page.solver.findData("pnp_admm"))
    page.params.set_values({"iterations": 500})
    assert page.start()
    qtbot.waitUntil(lambda: page.stepper.iteration >= 2, timeout=RUN_TIMEOUT_MS)
    page.pause_button.click()
    assert page.resume_button.isEnabled() and not page.pause_button.isEnabled()
    qtbot.wait(300)
    held = page.stepper.iteration
    qtbot.wait(300)
    assert page.stepper.iteration == held
    page.resume_button.click()
    qtbot.waitUntil(lambda: page.stepper.iteration > held, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(page.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        page.stop_button.click()
    outcome = finished.args[0]
    assert outcome.stop_reason == "user" and held < len(outcome.records) < 500
    assert page.result.method == "pnp_admm" and "stopped by the user" in page.status.text()


def test_cancel_keeps_nothing_and_a_second_run_is_drawn_over_the_first(page, qtbot):
    page.params.set_values({"iterations": 500})
    assert page.start()
    qtbot.waitUntil(lambda: page.stepper.iteration >= 1, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(page.runner.cancelled, timeout=RUN_TIMEOUT_MS):
        page.cancel_button.click()
    assert page.result is None and "Cancelled" in page.status.text()
    page.params.set_values({"iterations": 3})
    with qtbot.waitSignal(page.run_finished, timeout=RUN_TIMEOUT_MS):
        assert page.start()
    assert len(page.history) == 1 and len(page.sigma_plot.listDataItems()) == 2
    page.clear_button.click()
    assert len(page.sigma_plot.listDataItems()) == 1


def test_a_problem_without_a_known_operator_is_refused_with_what_to_do(page):
    page.set_problem(Problem(clean_image(), Task.DENOISE))
    assert NEEDS_OPERATOR in page.problem_label.text()
    assert not page.start()
    assert page.status.text() == NEEDS_OPERATOR


def test_attach_puts_kept_estimates_in_the_history_and_compare_lists_both_solvers(main_window, qtbot):
    from workbench.gui.pages.compare.page import CompareView

    page = attach(main_window.session, main_window.host)
    problem = deblur_problem()
    main_window.session.model.set_input(clean_image(), None)
    assert main_window.restore.degrade("blur", {"kind": "gaussian", "sigma": 1.6, "noise_sigma": 2.55}, 0)
    assert page.problem is not None and page.problem.task is Task.DEBLUR
    page.set_device("cpu")
    page.params.set_values({"iterations": 3})
    with qtbot.waitSignal(page.run_finished, timeout=RUN_TIMEOUT_MS):
        assert page.start()
    assert main_window.session.model.shown_result() is page.result and page.result.method == "pnp_hqs"
    assert main_window.restore.history.count() == 1
    compare = CompareView()
    qtbot.addWidget(compare)
    compare.refresh_methods(problem.task)
    names = [
        compare.methods.item(row).data(Qt.ItemDataRole.UserRole) for row in range(compare.methods.count())
    ]
    assert {"pnp_hqs", "pnp_admm"} <= set(names)
    page.shutdown()


def test_the_noise_level_axis_labels_round_values_a_label_height_apart():
    import math

    from workbench.gui.pages.pnp.level_axis import MIN_GAP, level_label, level_ticks

    low, high = math.log10(2.55), math.log10(49)
    assert [level_label(value) for value in level_ticks(low, high, 90)] == ["5", "10", "20"]
    assert [level_label(value) for value in level_ticks(low, high, 60)] == ["3", "10", "30"]
    tall = level_ticks(low, high, 300)
    assert len(tall) > 6 and min(np.diff(tall)) * 300 / (high - low) >= MIN_GAP
    assert [level_label(value) for value in level_ticks(-6, 0, 30)] == ["0.0001", "1"]
    assert level_label(math.log10(1.5)) == "1.5" and level_label(math.log10(0.5)) == "0.5"


def test_the_noise_level_axis_of_a_run_shows_several_labels(page, qtbot):
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    page.params.set_values({"iterations": 6})
    with qtbot.waitSignal(page.run_finished, timeout=RUN_TIMEOUT_MS):
        assert page.start()
    qtbot.wait(50)
    axis = page.sigma_plot.getAxis("left")
    low, high = axis.range
    values = [value for _, level in axis.tickValues(low, high, axis.geometry().height()) for value in level]
    labels = [label for label in axis.tickStrings(values, 1.0, 1.0) if label]
    assert len(labels) >= 2 and all(low <= value <= high for value in values)
    assert all(float(label) > 0 for label in labels)
