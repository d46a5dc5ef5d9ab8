"""The training panel: live curves, cancel, save with its card, resume, blind-spot on the window's image."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from workbench.core.models.weights import load_weights
from workbench.core.train.trainer import Trainer
from workbench.gui.dialogs import export as export_dialog
from workbench.gui.pages.train.page import TrainPanel, attach
from workbench.gui.shell.main_window import MainWindow

RUN_TIMEOUT_MS = 120_000


@pytest.fixture
def clean_folder(tmp_path) -> Path:
    """Three smooth 32×32 gray PNGs (the last one is held out for validation)."""
    folder = tmp_path / "clean"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(3):
        coarse = rng.random((4, 4)).astype(np.float32)
        image = cv2.resize(coarse, (32, 32), interpolation=cv2.INTER_CUBIC).clip(0, 1)
        cv2.imwrite(str(folder / f"{index}.png"), (image * 255).astype(np.uint8))
    return folder


def make_small(panel: TrainPanel, steps: int) -> None:
    """A DnCNN of three 8-wide convs on 16-pixel patches, two at a time, validated every 2 steps."""
    panel.set_device("cpu")
    panel.form.architecture.setCurrentText("dncnn")
    panel.form.width.setValue(8)
    panel.form.depth.setValue(3)
    panel.form.patch.setValue(16)
    panel.form.batch.setValue(2)
    panel.form.validate_every.setValue(2)
    panel.form.steps.setValue(steps)


@pytest.fixture
def panel(qtbot, clean_folder):
    panel = TrainPanel()
    qtbot.addWidget(panel)
    make_small(panel, steps=4)
    panel.form.folder.setText(str(clean_folder))
    yield panel
    panel.shutdown()
    assert not panel.runner.is_running()


def train(panel: TrainPanel, qtbot) -> Trainer:
    with qtbot.waitSignal(panel.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        assert panel.start()
    return finished.args[0]


def test_a_run_draws_loss_and_validation_curves_and_cancel_keeps_its_network(panel, qtbot):
    panel.form.steps.setValue(1_000_000)
    started = []
    panel.net_started.connect(started.append)
    assert panel.start()
    assert not panel.start_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(panel.curves.steps) >= 4 and len(panel.curves.val_psnr) >= 2, timeout=60_000)
    assert started == [panel.trainer.model]
    steps, log_losses = panel.plots.loss_curve.getData()
    assert len(steps) >= 4 and np.all(np.isfinite(log_losses))
    assert panel.plots.loss_plot.ctrl.logYCheck.isChecked()
    assert len(panel.plots.psnr_curve.getData()[0]) >= 2
    assert "steps/s" in panel.status.text() and "left" in panel.status.text()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=30_000):
        panel.cancel_button.click()
    assert "Cancelled" in panel.status.text()
    assert panel.trainer.step_count >= 4 and not panel.trainer.done
    assert panel.save_button.isEnabled() and panel.start_button.isEnabled()


def test_pause_holds_resume_continues_and_stop_and_keep_leaves_a_network_to_save(panel, qtbot, tmp_path):
    panel.form.steps.setValue(1_000_000)
    assert panel.start()
    qtbot.waitUntil(lambda: panel.trainer is not None and panel.trainer.step_count >= 2, timeout=60_000)
    panel.pause_button.click()
    assert panel.resume_button.isEnabled() and not panel.pause_button.isEnabled()
    assert panel.status.text().endswith("· paused")
    qtbot.wait(300)
    held = panel.trainer.step_count
    qtbot.wait(300)
    assert panel.trainer.step_count == held
    panel.resume_button.click()
    assert not panel.status.text().endswith("paused")
    qtbot.waitUntil(lambda: panel.trainer.step_count > held, timeout=30_000)
    with qtbot.waitSignal(panel.run_finished, timeout=30_000) as finished:
        panel.stop_button.click()
    trainer = finished.args[0]
    assert not trainer.done and trainer.validation[-1][0] == trainer.step_count
    assert panel.curves.val_steps[-1] == trainer.step_count
    assert "Stopped and kept" in panel.status.text()
    assert panel.previews.right_image.image is not None and panel.previews.left_image.image is not None
    assert panel.save_button.isEnabled() and not panel.stop_button.isEnabled()
    assert panel.save_to(tmp_path / "early.pt")
    card = load_weights(tmp_path / "early.pt").card
    assert card["steps"] == trainer.step_count
    assert card["stopped_early"] == f"at step {trainer.step_count} of 1000000"


def test_a_finished_run_validates_at_both_ends_on_a_held_out_image(panel, qtbot):
    trainer = train(panel, qtbot)
    assert trainer.step_count == 4
    assert [step for step, _ in trainer.validation] == [0, 2, 4]
    assert panel.curves.val_steps == [0, 2, 4]
    assert "held out" in panel.validation_label
    assert "Finished" in panel.status.text()


def test_save_writes_a_loadable_weight_file_with_its_card(panel, qtbot, tmp_path, monkeypatch):
    train(panel, qtbot)
    target = tmp_path / "trained"
    monkeypatch.setattr(
        "workbench.gui.pages.train.page.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(target), ""),
    )
    assert panel.save_weights()
    loaded = load_weights(tmp_path / "trained.pt")
    assert loaded.architecture == "dncnn" and loaded.kwargs["width"] == 8
    assert loaded.card["mode"] == "supervised" and loaded.card["steps"] == 4
    assert loaded.card["noise"]["sigma_range"] == [25.0, 25.0]
    assert "held out" in loaded.card["validation_image"]
    assert (tmp_path / "trained.json").is_file()


def test_saving_over_an_existing_file_asks_first(panel, qtbot, tmp_path, monkeypatch):
    train(panel, qtbot)
    target = tmp_path / "w.pt"
    target.write_bytes(b"keep me")
    answers = []
    monkeypatch.setattr(export_dialog, "confirm_overwrite", lambda parent, path: answers.pop(0))
    answers.append(False)
    assert not panel.save_to(target)
    assert target.read_bytes() == b"keep me"
    answers.append(True)
    assert panel.save_to(target)
    assert load_weights(target).card["steps"] == 4


def test_a_run_resumes_from_its_checkpoint_with_its_earlier_curves(panel, qtbot, tmp_path):
    panel.form.checkpoint.setText(str(tmp_path / "run.ckpt"))
    train(panel, qtbot)
    panel.form.steps.setValue(6)
    panel.form.resume.setChecked(True)
    trainer = train(panel, qtbot)
    assert trainer.step_count == 6
    assert panel.curves.steps == [1, 2, 3, 4, 5, 6]
    assert panel.earlier == []
    assert panel.curves.val_steps == [0, 2, 4, 6]


def test_poisson_gaussian_noise_is_offered_only_for_supervised_runs_and_lands_in_the_card(
    panel, qtbot, tmp_path
):
    assert not panel.form.rows.isRowVisible(panel.form.peak)
    panel.form.noise_kind.setCurrentIndex(panel.form.noise_kind.findData("poisson_gaussian"))
    assert panel.form.rows.isRowVisible(panel.form.peak)
    panel.form.peak.setValue(40)
    panel.form.sigma.setValue(3)
    panel.form.sigma_to.setValue(3)
    train(panel, qtbot)
    assert "40 photons at white + read sigma 3" in panel.validation_label
    assert panel.save_to(tmp_path / "pg.pt")
    assert load_weights(tmp_path / "pg.pt").card["noise"] == {
        "kind": "poisson_gaussian",
        "sigma_range": [3.0, 3.0],
        "peak": 40.0,
    }
    panel.form.set_mode("blindspot")
    assert not panel.form.rows.isRowVisible(panel.form.noise_kind) and not panel.form.rows.isRowVisible(
        panel.form.peak
    )


def test_a_time_limit_ends_a_run_before_its_step_target(panel, qtbot):
    panel.form.steps.setValue(1_000_000)
    panel.form.minutes.setValue(0.01)
    trainer = train(panel, qtbot)
    assert 0 < trainer.step_count < 1_000_000
    assert trainer.elapsed == pytest.approx(0.6, abs=0.5)
    assert "Finished" in panel.status.text()


def test_earlier_runs_stay_drawn_under_the_next_one_until_cleared(panel, qtbot):
    assert not panel.forget_button.isEnabled()
    first = train(panel, qtbot)
    panel.form.lr.setValue(0.002)
    train(panel, qtbot)
    assert [run.label for run in panel.earlier] == ["run 1: dncnn 8×3, adam lr 0.001"]
    assert panel.earlier[0].curves.steps == [record.step for record in first.history]
    legend = [label.text for _, label in panel.plots.loss_plot.legend.items]
    assert "run 1: dncnn 8×3, adam lr 0.001" in legend
    for _ in range(3):
        train(panel, qtbot)
    assert [run.label.split(":")[0] for run in panel.earlier] == ["run 2", "run 3", "run 4"]
    assert len(panel.plots.psnr_plot.listDataItems()) == 1 + 3
    panel.forget_button.click()
    assert panel.earlier == [] and len(panel.plots.psnr_plot.listDataItems()) == 1
    assert not panel.forget_button.isEnabled()


def test_bad_settings_are_explained_and_nothing_starts(panel, qtbot, tmp_path):
    panel.form.folder.setText("")
    assert not panel.start()
    assert "choose a folder of clean images" in panel.status.text()
    panel.form.set_mode("noise2noise")
    panel.form.folder.setText(str(tmp_path))
    assert not panel.start()
    assert "second folder" in panel.status.text()
    panel.form.set_mode("blindspot")
    with qtbot.waitSignal(panel.runner.failed, timeout=30_000):
        assert panel.start()
    assert "needs an open image" in panel.status.text()
    assert panel.trainer is None and not panel.save_button.isEnabled()


def test_blind_spot_trains_on_the_windows_image_and_apply_adds_the_result_to_the_history(
    qtbot, qt_settings, image_files
):
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    window.open_paths([str(path) for path in image_files])
    panel = attach(window.session, window.host)
    make_small(panel, steps=3)
    panel.form.set_mode("blindspot")
    panel.form.architecture.setCurrentText("unet")
    trainer = train(panel, qtbot)
    assert window.session.model.live_net is trainer.model
    assert trainer.model.channels == 1 and len(trainer.source.images) == 3
    assert "reference" in panel.validation_label
    assert [step for step, _ in trainer.validation] == [0, 2, 3]
    assert panel.apply_button.isEnabled()
    with qtbot.waitSignal(panel.applied, timeout=RUN_TIMEOUT_MS):
        panel.apply_button.click()
    result = window.session.model.shown_result()
    assert result is not None and result.method == "trained_unet"
    assert result.image.pixels.shape == (24, 32, 3)
    assert result.psnr is not None
    assert window.restore.history.count() == 1
    window.close()
    assert not panel.runner.is_running()


def test_the_app_window_has_a_train_page_that_follows_the_open_image(
    qtbot, monkeypatch, qt_settings, image_files
):
    from workbench.gui import app

    monkeypatch.setattr(app, "MainWindow", lambda: MainWindow(settings=qt_settings))
    window = app.create_window([str(path) for path in image_files])
    qtbot.addWidget(window)
    page = window.pages.show_page("Train")
    assert isinstance(page, TrainPanel)
    assert page.problem is not None and page.problem.reference is not None
    assert "noisy.png, 32×24, with a reference" in page.data_label.text()
    window.close()


def test_sgd_with_weight_decay_is_chosen_in_the_form_and_used_by_the_run(panel, qtbot):
    panel.form.optimizer.setCurrentIndex(panel.form.optimizer.findData("sgd"))
    assert panel.form.lr.value() == pytest.approx(0.01)
    panel.form.weight_decay.setValue(1e-4)
    trainer = train(panel, qtbot)
    assert isinstance(trainer.optimizer, torch.optim.SGD)
    assert trainer.optimizer.param_groups[0]["weight_decay"] == pytest.approx(1e-4)
    panel.form.lr.setValue(0.02)
    panel.form.optimizer.setCurrentIndex(panel.form.optimizer.findData("adam"))
    assert panel.form.lr.value() == pytest.approx(0.02)


def test_every_button_of_the_settings_column_is_as_wide_as_its_label_needs(qtbot):
    from PySide6.QtWidgets import QPushButton

    panel = TrainPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitExposed(panel)
    column = panel.start_button.parentWidget()
    cramped = {
        button.text(): (button.width(), button.sizeHint().width())
        for button in column.findChildren(QPushButton)
        if button.width() < button.sizeHint().width()
    }
    assert cramped == {}
    panel.shutdown()
