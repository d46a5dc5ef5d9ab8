"""The no-reference estimate in the window: Auto-tune on the parameter panel, the estimate in the
history and in the compare table, the removed-structure maps."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from view_probes import tick

from workbench.core.image import Image
from workbench.core.problem import Problem
from workbench.gui.pages.compare.modes import STRUCTURE
from workbench.gui.pages.compare.page import CompareView
from workbench.gui.pages.compare.table import COLUMNS


@pytest.fixture
def problem():
    rows, cols = np.mgrid[0:64, 0:64] / 64
    clean = (0.5 + 0.2 * np.sin(8 * rows) * np.cos(5 * cols) + 0.1 * (cols > 0.5))[..., None]
    noisy = clean + np.random.default_rng(0).normal(0, 20 / 255, clean.shape)
    return Problem(
        Image(noisy.astype(np.float32)), reference=Image(clean.astype(np.float32)), noise_sigma=20 / 255
    )


def test_auto_tune_runs_in_the_worker_and_sets_the_panel_to_its_choice(qtbot, main_window, problem):
    main_window.session.model.set_input(problem.observed, problem.reference)
    main_window.restore.selector.refresh()
    assert main_window.restore.selector.select("gaussian")
    box = main_window.restore.params_box
    assert box.tune_button.isEnabled()
    with qtbot.waitSignal(main_window.restore.runner.finished, timeout=30_000):
        box.tune_button.click()
    entry = main_window.restore.history.entries()[0]
    tuned = entry.result.extras["tuned"]
    assert tuned["criterion"] == "sure"
    assert box.values()["blur_sigma"] == pytest.approx(tuned["values"]["blur_sigma"])
    assert "est." in entry.metrics_text() and "auto-tuned" in entry.label


def test_methods_without_tunable_parameters_cannot_be_auto_tuned(main_window):
    main_window.restore.selector.refresh()
    assert main_window.restore.selector.select("dncnn")
    assert not main_window.restore.params_box.tune_button.isEnabled()


def test_the_compare_table_shows_the_estimate_and_the_structure_maps(qtbot, problem):
    view = CompareView()
    qtbot.addWidget(view)
    view.set_problem(problem)
    view.refresh_methods(problem.task)
    tick(view, ["tv", "median"])
    with qtbot.waitSignal(view.runner.finished, timeout=30_000):
        assert view.run()
    column = COLUMNS.index("Est. PSNR (dB)")
    estimates = [view.table.item(row, column).data(Qt.ItemDataRole.DisplayRole) for row in range(2)]
    assert all(isinstance(value, float) and value > 20 for value in estimates)
    view.set_mode(STRUCTURE)
    assert "removed structure" in view.tiles[-1].caption.toolTip()
    assert view.shutdown(5000)


def test_the_dip_page_draws_the_sure_estimate_without_a_reference(qtbot, problem):
    from workbench.gui.pages.dip.page import DipPanel

    panel = DipPanel()
    qtbot.addWidget(panel)
    panel.set_device("cpu")
    panel.preset.setCurrentText("light")
    observed = Image(problem.observed.pixels[:24, :24])
    panel.set_problem(Problem(observed, noise_sigma=problem.noise_sigma))
    panel.iterations.setValue(20)
    panel.sure.setChecked(True)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        assert panel.start()
    assert panel.curves.iterations == list(range(1, 21))
    assert np.isfinite(panel.curves.psnr_est).all()
    names = [item.name() for item in panel.psnr_plot.listDataItems()]
    assert any("SURE estimate" in str(name) for name in names)
    panel.shutdown()
