"""The main window driven as a user would, offscreen: open, degrade, choose, run, cancel, export, close."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from view_probes import output_pixels

from workbench.core import io
from workbench.core.image import Image
from workbench.gui.dialogs import export as export_dialog
from workbench.gui.pages.restore import export
from workbench.gui.shell import geometry
from workbench.gui.shell.main_window import TITLE, MainWindow
from workbench.gui.shell.settings import WindowSettings


def run_and_wait(qtbot, window, timeout=5000):
    with qtbot.waitSignal(window.restore.runner.idle, timeout=timeout):
        assert window.restore.run_method()


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key press on the shown, active window, so window shortcuts apply."""
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, key, modifier)


def choose(window, name):
    window.restore.selector.refresh()
    assert window.restore.selector.select(name), f"{name} is not listed for {window.restore.selector.task}"


def test_title_and_empty_viewer_invite_to_open(main_window):
    assert main_window.windowTitle() == TITLE
    assert main_window.session.model.shown_result() is None
    assert "Ctrl+O" in main_window.restore.viewer._input_pane.caption.text()


def test_open_shows_the_image_records_it_and_emits_image_changed(qtbot, main_window, image_files):
    noisy, _ = image_files
    with qtbot.waitSignal(main_window.session.input_changed) as signal:
        assert main_window.files.open_image(noisy)
    assert signal.args[0].observed.pixels.shape == (24, 32, 3)
    assert main_window.session.model.current_problem().reference is None
    assert main_window.settings.recent_files()[0] == str(noisy.resolve())
    assert main_window.settings.last_folder() == str(noisy.parent.resolve())
    assert "noisy.png" in main_window.windowTitle()


def test_bad_file_gives_a_readable_dialog_and_keeps_the_image(main_window, image_files, errors, tmp_path):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    bad = tmp_path / "notes.png"
    bad.write_text("this is not an image")
    assert not main_window.files.open_image(bad)
    assert len(errors) == 1
    title, message = errors[0]
    assert title == "Cannot open file"
    assert "notes.png" in message and "Traceback" not in message
    assert main_window.session.model.current_problem().observed.source == str(noisy)


def test_open_with_reference_scores_the_result(qtbot, main_window, image_files, fake_methods):
    noisy, clean = image_files
    assert main_window.open_paths([noisy, clean])
    choose(main_window, "gui_test_scale")
    run_and_wait(qtbot, main_window)
    result = main_window.session.model.shown_result()
    expected = np.clip(io.read_image(noisy).pixels * 1.0, 0, 1)
    assert np.allclose(result.image.pixels, expected)
    assert result.psnr is not None and result.psnr > 20
    assert "PSNR" in main_window.restore.history.item(0).text()


def test_reference_of_another_size_is_refused(main_window, image_files, errors, tmp_path):
    noisy, _ = image_files
    small = io.write_image(
        io.read_image(noisy).with_pixels(np.zeros((8, 8, 3), np.float32)), tmp_path / "s.png"
    )
    assert not main_window.open_paths([noisy, small])
    assert errors and "size" in errors[0][1]
    assert main_window.session.model.current_problem().reference is None


def test_changed_parameter_reaches_the_method(qtbot, main_window, image_files, fake_methods):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_scale")
    editor = main_window.restore.params_box.panel.editors["gain"]
    editor.spin.setValue(0.5)
    assert editor.slider.value() == 250
    run_and_wait(qtbot, main_window)
    result = main_window.session.model.shown_result()
    assert result.params["gain"] == pytest.approx(0.5)
    assert np.allclose(result.image.pixels, io.read_image(noisy).pixels * 0.5, atol=1e-6)


def test_degrade_keeps_the_clean_image_as_reference(qtbot, main_window, image_files):
    from workbench.core import operators

    if not hasattr(operators, "degrade"):
        pytest.skip("workbench.core.operators has no degrade() yet")
    _, clean = image_files
    main_window.files.open_image(clean)
    panel = main_window.restore.degrade_panel
    panel.choose("gaussian_noise")
    with qtbot.waitSignal(main_window.session.input_changed) as signal:
        panel.apply_button.click()
    problem = main_window.session.model.current_problem()
    assert signal.args[0].reference is problem.reference
    assert np.array_equal(problem.reference.pixels, io.read_image(clean).pixels)
    assert not np.array_equal(problem.observed.pixels, problem.reference.pixels)
    panel.clean_button.click()
    assert main_window.session.model.current_problem().reference is None


def test_cancel_stops_the_job_and_keeps_the_earlier_result_then_runs_again(
    qtbot, main_window, image_files, fake_methods
):
    noisy, clean = image_files
    main_window.open_paths([noisy, clean])
    choose(main_window, "gui_test_scale")
    run_and_wait(qtbot, main_window)
    first = main_window.session.model.shown_result()

    choose(main_window, "gui_test_slow")
    with qtbot.waitSignal(main_window.restore.runner.progress, timeout=5000):
        main_window.restore.run_method()
    assert main_window.job_status.progress.isVisibleTo(main_window)
    with qtbot.waitSignal(main_window.restore.runner.cancelled, timeout=5000):
        press(qtbot, main_window, Qt.Key.Key_Escape)
    assert not main_window.restore.runner.is_running()
    assert main_window.session.model.shown_result() is first
    assert main_window.restore.history.count() == 1
    assert np.array_equal(output_pixels(main_window.restore.viewer), first.image.pixels)
    assert not main_window.job_status.progress.isVisibleTo(main_window)

    main_window.restore.params_box.panel.editors["steps"].set_value(3)
    run_and_wait(qtbot, main_window)
    assert main_window.restore.history.count() == 2
    assert main_window.session.model.shown_result().method == "gui_test_slow"


def test_ctrl_r_runs_the_selected_method(qtbot, main_window, image_files, fake_methods):
    main_window.files.open_image(image_files[0])
    choose(main_window, "gui_test_scale")
    with qtbot.waitSignal(main_window.restore.runner.finished, timeout=5000):
        press(qtbot, main_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert main_window.restore.history.count() == 1


def test_preview_is_shown_while_running(qtbot, main_window, image_files, fake_methods):
    main_window.files.open_image(image_files[0])
    choose(main_window, "gui_test_slow")
    with qtbot.waitSignal(main_window.restore.runner.preview, timeout=5000):
        main_window.restore.run_method()
    qtbot.waitUntil(lambda: output_pixels(main_window.restore.viewer) is not None)
    assert "preview" in main_window.restore.viewer._output_pane.caption.text()
    main_window.restore.cancel_job()
    qtbot.waitUntil(lambda: not main_window.restore.runner.is_running())


@pytest.mark.parametrize(
    ("method", "expected"),
    [("gui_test_broken", "unexpected error: RuntimeError"), ("gui_test_refusing", "parameter 'x'=3")],
)
def test_failed_job_shows_a_dialog_and_keeps_input_and_results(
    qtbot, main_window, image_files, fake_methods, errors, method, expected
):
    main_window.files.open_image(image_files[0])
    choose(main_window, "gui_test_scale")
    run_and_wait(qtbot, main_window)
    first = main_window.session.model.shown_result()
    observed = main_window.session.model.current_problem().observed
    choose(main_window, method)
    run_and_wait(qtbot, main_window)
    assert len(errors) == 1 and expected in errors[0][1]
    assert "Traceback" not in errors[0][1]
    assert main_window.session.model.current_problem().observed is observed
    assert main_window.session.model.shown_result() is first
    assert main_window.restore.history.count() == 1


def test_run_without_an_image_explains_what_to_do(main_window, fake_methods, errors):
    choose(main_window, "gui_test_scale")
    assert not main_window.restore.run_method()
    assert "open an image" in errors[0][1]


def test_export_asks_before_overwriting(qtbot, main_window, image_files, fake_methods, monkeypatch, tmp_path):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_scale")
    main_window.restore.params_box.panel.editors["gain"].set_value(0.5)
    run_and_wait(qtbot, main_window)
    target = tmp_path / "out" / "result.tif"
    target.parent.mkdir()
    choice = export_dialog.ExportChoice(target, bit_depth=16)
    monkeypatch.setattr(export_dialog, "ask_export_choice", lambda parent, start, depth: choice)
    questions = []

    def answer(reply):
        def ask(*args):
            questions.append(args[2])
            return reply

        return ask

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert main_window.restore.export_shown()
    assert questions == []
    written = io.read_image(target)
    assert written.bit_depth == 16
    assert np.allclose(written.pixels, main_window.session.model.shown_result().image.pixels, atol=1 / 65535)

    target.write_bytes(b"keep me")
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not main_window.restore.export_shown()
    assert target.read_bytes() == b"keep me"
    assert "result.tif" in questions[0]

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert main_window.restore.export_shown()
    assert io.read_image(target).bit_depth == 16
    assert main_window.settings.last_export_folder() == target.parent

    target.write_bytes(b"replace me")
    questions.clear()
    agreed = export_dialog.ExportChoice(target, bit_depth=8, overwrite=True)
    monkeypatch.setattr(export_dialog, "ask_export_choice", lambda parent, start, depth: agreed)
    assert main_window.restore.export_shown()
    assert questions == [], "the export dialog asked already"
    assert io.read_image(target).bit_depth == 8


def test_one_export_dialog_asks_format_options_and_replacing_in_order(qtbot, tmp_path):
    existing = tmp_path / "taken.png"
    existing.write_bytes(b"x")
    dialog = export_dialog.ExportDialog(tmp_path / "new.tif", 16, None)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.text() == "Export" and not dialog.warning.isVisibleTo(dialog)
    assert dialog.form.isRowVisible(1) and not dialog.form.isRowVisible(2)
    assert dialog.choice() == export_dialog.ExportChoice(tmp_path / "new.tif", 16, 95, False)
    dialog.path_edit.setText(str(existing))
    assert ok.text() == "Replace" and "already exists" in dialog.warning.text()
    assert dialog.choice().overwrite
    dialog.path_edit.setText(str(tmp_path / "photo.jpg"))
    assert not dialog.form.isRowVisible(1) and dialog.form.isRowVisible(2)
    dialog.path_edit.setText(str(tmp_path / "missing" / "a.png"))
    assert not ok.isEnabled() and "does not exist" in dialog.warning.text()


def test_export_starts_in_the_images_folder_then_the_last_export_folder(
    qtbot, main_window, image_files, fake_methods, monkeypatch, tmp_path
):
    main_window.files.open_image(image_files[0])
    choose(main_window, "gui_test_scale")
    run_and_wait(qtbot, main_window)
    starts = []
    out = tmp_path / "exports"
    out.mkdir()

    def ask(parent, start, depth):
        starts.append(start.parent)
        return export_dialog.ExportChoice(out / f"r{len(starts)}.png")

    monkeypatch.setattr(export_dialog, "ask_export_choice", ask)
    assert main_window.restore.export_shown() and main_window.restore.export_shown()
    assert starts[0] == image_files[0].resolve().parent
    assert starts[1] == out


def test_export_of_the_bundled_sample_does_not_start_in_the_program_folder(main_window):
    from workbench.gui.app import sample_paths

    main_window.open_paths(sample_paths())
    assert export.start_folder(main_window.settings, main_window.session.model) == Path.home()


def test_export_jpeg_uses_the_chosen_quality(
    qtbot, main_window, image_files, fake_methods, monkeypatch, tmp_path
):
    main_window.files.open_image(image_files[0])
    choose(main_window, "gui_test_scale")
    run_and_wait(qtbot, main_window)
    sizes = []
    for quality in (20, 95):
        choice = export_dialog.ExportChoice(tmp_path / f"q{quality}.jpg", quality=quality)
        monkeypatch.setattr(export_dialog, "ask_export_choice", lambda parent, start, depth, c=choice: c)
        assert main_window.restore.export_shown()
        sizes.append(choice.path.stat().st_size)
    assert sizes[0] < sizes[1]


def test_history_entry_can_be_shown_again(qtbot, main_window, image_files, fake_methods):
    main_window.files.open_image(image_files[0])
    choose(main_window, "gui_test_scale")
    for gain in (0.5, 1.5):
        main_window.restore.params_box.panel.editors["gain"].set_value(gain)
        run_and_wait(qtbot, main_window)
    older = main_window.restore.history.entries()[1]
    main_window.restore.history.setCurrentRow(1)
    assert main_window.session.model.shown_result() is older.result
    assert np.array_equal(output_pixels(main_window.restore.viewer), older.result.image.pixels)
    assert not main_window.restore.history.item(1).icon().isNull()


def test_closing_during_a_job_cancels_and_joins_it(qtbot, qt_settings, image_files, fake_methods):
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    window.files.open_image(image_files[0])
    choose(window, "gui_test_slow")
    window.restore.params_box.panel.editors["steps"].set_value(10_000)
    with qtbot.waitSignal(window.restore.runner.progress, timeout=5000):
        window.restore.run_method()
    threads = list(window.restore.runner._threads)
    window.close()
    assert threads and all(thread.isFinished() for thread in threads)
    assert not window.restore.runner._threads


def test_drop_opens_the_file(main_window, image_files):
    noisy, _ = image_files
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(noisy))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    main_window.dropEvent(event)
    assert main_window.session.model.current_problem().observed.source == str(noisy)


def test_settings_persist_recent_files_device_and_layout(qtbot, qt_settings, image_files):
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    window.files.open_image(image_files[1])
    window.files.open_image(image_files[0])
    window.device_box.setCurrentIndex(window.device_box.findData("cpu"))
    window.close()
    stored = WindowSettings(qt_settings)
    assert stored.recent_files()[:2] == [str(image_files[0].resolve()), str(image_files[1].resolve())]
    assert stored.device() == "cpu"
    assert all(part is not None for part in stored.layout(geometry.screen_size(window)))
    again = MainWindow(settings=qt_settings)
    qtbot.addWidget(again)
    assert again.device_box.device() == "cpu"
    again.commands.recent_menu.aboutToShow.emit()
    assert [action.text() for action in again.commands.recent_menu.actions()][:2] == [
        "noisy.png",
        "clean.png",
    ]


def _close_with_method_dock_hidden(qtbot, qt_settings) -> MainWindow:
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    window.show()
    window.method_dock.hide()
    window.close()
    return window


def test_a_layout_saved_on_this_screen_comes_back(qtbot, qt_settings):
    _close_with_method_dock_hidden(qtbot, qt_settings)
    again = MainWindow(settings=qt_settings)
    qtbot.addWidget(again)
    again.show()
    assert not again.method_dock.isVisible()


def test_a_layout_saved_on_another_screen_is_discarded(qtbot, qt_settings):
    _close_with_method_dock_hidden(qtbot, qt_settings)
    qt_settings.setValue("window/screen", "3840x2160")
    again = MainWindow(settings=qt_settings)
    qtbot.addWidget(again)
    again.show()
    assert again.method_dock.isVisible()
    assert again.isMaximized(), "the first-launch size on a screen under 1500x940 is maximised"


def test_a_window_past_its_screen_does_not_save_its_layout(qtbot, qt_settings):
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    window.show()
    window.showNormal()
    free = window.screen().availableGeometry()
    window.setGeometry(free.x(), free.y(), free.width() + 300, free.height())
    window.close()
    assert WindowSettings(qt_settings).layout(geometry.screen_size(window)) == (None, None)


def test_add_panel_docks_a_widget_and_lists_it(main_window):
    label = QLabel("extra")
    dock = main_window.host.add_dock("Extra", label)
    assert dock.widget() is label
    assert "Extra" in [action.text() for action in main_window.commands.panels_menu.actions()]


def test_task_box_sets_the_task_of_the_problem(main_window, image_files):
    from workbench.core.problem import Task

    main_window.files.open_image(image_files[0])
    main_window.restore.selector.set_task(Task.INPAINT)
    assert main_window.session.model.current_problem().task is Task.INPAINT


def test_ctrl_o_opens_the_chosen_file_and_offers_raw_files(qtbot, main_window, image_files, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    asked = []

    def fake_dialog(parent, title, folder, filters):
        asked.append(filters)
        return str(image_files[0]), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake_dialog)
    press(qtbot, main_window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert main_window.session.model.current_problem().observed.source == str(image_files[0])
    assert "*.dng" in asked[0] and "*.nef" in asked[0] and "*.png" in asked[0]


def test_without_files_the_window_opens_the_bundled_sample_with_its_reference(
    qtbot, monkeypatch, qt_settings
):
    from workbench.gui import app

    if len(app.sample_paths()) < 2:
        pytest.skip("the bundled sample images are not there yet")
    monkeypatch.setattr(app, "MainWindow", lambda: MainWindow(settings=qt_settings))
    window = app.create_window([])
    qtbot.addWidget(window)
    problem = window.session.model.current_problem()
    assert problem.observed.source.endswith("sample_noisy.png")
    assert problem.reference is not None and problem.reference.source.endswith("sample.png")
    assert window.windowTitle().startswith(TITLE)


def test_unexpected_errors_become_one_line_dialogs(monkeypatch):
    from workbench.gui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, message: shown.append(message))
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as error:
        app.report_unexpected(type(error), error, error.__traceback__)
    assert shown == ["unexpected error: ZeroDivisionError: division by zero"]


def test_closing_waits_for_a_job_that_cannot_be_interrupted(qtbot, qt_settings, image_files, monkeypatch):
    import threading
    import time as clock

    from workbench.gui.shell import main_window as module

    monkeypatch.setattr(module, "CLOSE_GRACE_MS", 10)
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    entered, finished = threading.Event(), threading.Event()

    def stubborn(ctx):
        entered.set()
        clock.sleep(0.3)
        finished.set()

    window.restore.runner.start(stubborn)
    assert entered.wait(5)
    window.close()
    assert finished.is_set()
    assert not window.restore.runner._threads


def test_the_first_status_of_a_run_names_what_it_does_first(qtbot, main_window, image_files, fake_methods):
    main_window.open_paths(image_files)
    choose(main_window, "gui_test_scale")
    main_window.restore.params_box.panel.editors["gain"].set_value("auto")
    with qtbot.waitSignal(main_window.restore.runner.idle, timeout=5000):
        assert main_window.restore.run_method()
        assert main_window.job_status.label.text() == "Test scale: estimating the noise level…"
        assert main_window.job_status.progress.maximum() == 0, "a busy bar until a fraction arrives"
    assert main_window.job_status.progress.maximum() == 1000


def test_first_steps_name_the_noise_estimate_and_the_weights():
    from workbench.gui.views.captions import first_step

    assert first_step("learned", {"sigma": "auto"}) == "estimating the noise level, loading the weights…"
    assert first_step("learned", {"sigma": 25.0}) == "loading the weights…"
    assert first_step("bm3d", {"sigma": "auto"}) == "estimating the noise level…"
    assert first_step("noise_adaptive", {"sigma": "auto"}) == "estimating the noise model…"
    assert first_step("classical", {"h": 10.0}) == "starting…"


def test_a_mosaicked_image_is_demosaicked_into_colour_and_scored(qtbot, main_window, image_files):
    _, clean = image_files
    main_window.files.open_image(clean)
    panel = main_window.restore.degrade_panel
    panel.choose("mosaic")
    with qtbot.waitSignal(main_window.session.input_changed):
        panel.apply_button.click()
    problem = main_window.session.model.current_problem()
    assert problem.task.value == "demosaic" and problem.observed.channels == 1
    choose(main_window, "demosaic_malvar")
    run_and_wait(qtbot, main_window)
    result = main_window.session.model.shown_result()
    assert result.image.pixels.shape == io.read_image(clean).pixels.shape
    assert result.psnr is not None


def _gray_file(tmp_path):
    pixels = np.tile(np.linspace(0.1, 0.9, 32, dtype=np.float32), (24, 1))[:, :, None]
    return io.write_image(Image(pixels), tmp_path / "gray.png")


def test_opening_preselects_the_default_method_for_the_image(main_window, image_files, tmp_path, monkeypatch):
    from workbench.core.methods import learned

    shipped = learned.shipped_path
    main_window.files.open_image(_gray_file(tmp_path))
    assert main_window.restore.selector.current_method() == "ffdnet"
    fake = tmp_path / "resunet_colour.pt"
    fake.write_bytes(b"not read before a run")
    monkeypatch.setattr(learned, "shipped_path", lambda name: fake if name == "colour_cnn" else shipped(name))
    main_window.restore.selector.refresh()
    main_window.files.open_image(image_files[0])
    assert main_window.restore.selector.current_method() == "colour_cnn"


def test_a_colour_default_without_weights_falls_back_to_ffdnet_and_says_so(
    main_window, image_files, tmp_path, monkeypatch
):
    from workbench.core.methods import learned

    shipped = learned.shipped_path
    monkeypatch.setattr(
        learned,
        "shipped_path",
        lambda name: tmp_path / "absent.pt" if name == "colour_cnn" else shipped(name),
    )
    main_window.restore.selector.refresh()
    main_window.files.open_image(image_files[0])
    assert main_window.restore.selector.current_method() == "ffdnet"
    assert "is not available" in main_window.statusBar().currentMessage()
    labels = [
        main_window.restore.selector.tree.topLevelItem(top).child(row).text(0)
        for top in range(main_window.restore.selector.tree.topLevelItemCount())
        for row in range(main_window.restore.selector.tree.topLevelItem(top).childCount())
    ]
    assert any(label.endswith("(no weights)") for label in labels)


def test_a_method_the_user_chose_stays_when_another_image_opens(qtbot, main_window, image_files, tmp_path):
    main_window.show()
    main_window.files.open_image(image_files[0])
    tree = main_window.restore.selector.tree
    main_window.restore.selector.select("nlm", chosen=False)
    assert not main_window.restore.selector.user_chose
    item = tree.currentItem()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    assert main_window.restore.selector.user_chose
    main_window.files.open_image(_gray_file(tmp_path))
    assert main_window.restore.selector.current_method() == "nlm"


def test_an_estimated_noise_level_per_channel_is_in_the_caption_and_history(main_window, image_files):
    from workbench.core.pipeline import Result

    main_window.files.open_image(image_files[0])
    observed = main_window.session.model.current_problem().observed
    result = Result(observed, "colour_cnn", {"sigma": "auto"}, 0.1, extras={"sigma": [12.34, 11.8, 14.0]})
    entry = main_window.session.model.add_result(result, "Colour CNN", "noisy.png")
    assert "noise σ R 12.3 G 11.8 B 14.0" in entry.text()
    assert "noise σ R 12.3 G 11.8 B 14.0" in main_window.restore.viewer._output_pane.caption.text()
