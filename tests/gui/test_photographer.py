"""The photographer's path in the window: camera RAW with options and a quick preview, a region
restored first, and a folder restored in a batch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from view_probes import region_pixels

from workbench.core import io
from workbench.core.image import Image
from workbench.core.io import RawOptions
from workbench.core.problem import Task
from workbench.core.region import Rect
from workbench.gui.dialogs import raw as raw_dialog
from workbench.gui.views.captions import describe_camera, describe_image, exposure_text
from workbench.gui.views.display import sample_text

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))
COLORCHART = SHARED / "raw" / "colorchart.dng"
KODAK = SHARED / "raw" / "RAW_KODAK_DC50.KDC"
needs_raw = pytest.mark.skipif(not COLORCHART.is_file(), reason="shared RAW files not present")


def choose(window, name):
    window.restore.selector.refresh()
    assert window.restore.selector.select(name)


def accept_raw_dialog(monkeypatch, **choices):
    """Make the RAW options dialog answer at once: set ``choices`` (field -> data) and press Open."""
    asked = []

    def answer(dialog):
        asked.append(dialog.windowTitle())
        for field, value in choices.items():
            box = getattr(dialog, field)
            box.setCurrentIndex(box.findData(value))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(raw_dialog.RawDialog, "exec", answer)
    return asked


def drag(qtbot, viewer, start, end, modifier=Qt.KeyboardModifier.ShiftModifier):
    """A left-button drag on the input view between two points in canvas coordinates."""
    viewer.show()
    qtbot.waitExposed(viewer)
    pane = viewer._input_pane
    viewport = pane.graphics.viewport()

    def on_screen(point):
        return pane.graphics.mapFromScene(pane.view.mapViewToScene(QPointF(*point)))

    first, last = on_screen(start), on_screen(end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, first)
    for step in range(1, 11):
        point = QPointF(first + (last - first) * step / 10)
        move = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            point,
            QPointF(viewport.mapToGlobal(point)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            modifier,
        )
        QApplication.sendEvent(viewport, move)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, last)


# ----------------------------------------------------------------- camera RAW


def test_camera_line_names_the_camera_once_with_iso_and_exposure():
    assert describe_camera({"make": "Canon", "model": "Canon EOS R6", "iso": 3200, "exposure": 0.004}) == (
        "Canon EOS R6 · ISO 3200 · 1/250 s"
    )
    assert describe_camera({"make": "Nikon", "model": "Z 6"}) == "Nikon Z 6"
    assert describe_camera({}) == ""
    assert [exposure_text(t) for t in (1 / 8000, 0.4, 2.0)] == ["1/8000 s", "0.4 s", "2 s"]


@needs_raw
def test_image_caption_carries_each_loader_notice_after_the_camera():
    pixels = np.zeros((4, 6, 3), np.float32)
    notices = ["alpha kept for export", "orientation applied"]
    image = Image(pixels, source="/x/shot.png", metadata={"model": "X100"}, notices=notices)
    assert describe_image(image, "input") == (
        "shot.png (6×4, 8-bit RGB) · X100 · note: alpha kept for export · note: orientation applied"
    )


def test_raw_opens_with_the_chosen_options_half_size_first_then_full_size(qtbot, main_window, monkeypatch):
    asked = accept_raw_dialog(monkeypatch, white_balance="auto")
    assert main_window.files.open_image(COLORCHART)
    assert asked == ["Develop colorchart.dng"]
    assert main_window.files.raw.is_developing()
    assert main_window.restore.viewer._input.pixels.shape == (578, 867, 3)
    assert "half-size preview" in main_window.restore.viewer._input_pane.caption.text()
    with qtbot.waitSignal(main_window.session.input_changed, timeout=10_000) as developed:
        pass
    image = developed.args[0].observed
    assert image.pixels.shape == (1156, 1734, 3) and image.bit_depth == 16
    assert "auto white balance" in image.notices[0]
    assert main_window.session.model.current_problem().observed is image
    assert main_window.restore.viewer._input.pixels.shape == (1156, 1734, 3)
    assert "Canon EOS Kiss X4" in main_window.restore.viewer._input_pane.caption.text()
    assert main_window.camera_label.text() == "Canon EOS Kiss X4"
    assert raw_dialog.load_raw_options(main_window.settings.store).white_balance == "auto"
    assert main_window.settings.recent_files()[0] == str(COLORCHART.resolve())


def test_raw_options_menu_saves_the_choice_and_can_stop_the_asking(main_window, monkeypatch):
    def answer(dialog):
        assert dialog.windowTitle() == "Camera RAW options"
        dialog.demosaic.setCurrentIndex(dialog.demosaic.findData("dcb"))
        dialog.ask.setChecked(False)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(raw_dialog.RawDialog, "exec", answer)
    assert main_window.files.edit_raw_options()
    store = main_window.settings.store
    assert raw_dialog.load_raw_options(store) == RawOptions(demosaic="dcb")
    assert not raw_dialog.asks_each_time(store)


def test_bad_stored_raw_options_fall_back_to_the_defaults(qt_settings):
    qt_settings.setValue("raw/bit_depth", "12")
    assert raw_dialog.load_raw_options(qt_settings) == RawOptions()
    qt_settings.setValue("raw/bit_depth", "8")
    qt_settings.setValue("raw/output", "linear")
    assert raw_dialog.load_raw_options(qt_settings) == RawOptions(output="linear", bit_depth=8)


@needs_raw
def test_remembered_raw_options_are_used_without_asking_when_the_user_said_so(
    qtbot, main_window, monkeypatch
):
    store = main_window.settings.store
    raw_dialog.save_raw_options(store, RawOptions(output="linear", bit_depth=8))
    store.setValue(raw_dialog.ASK_KEY, "false")
    monkeypatch.setattr(raw_dialog.RawDialog, "exec", lambda dialog: pytest.fail("the dialog was shown"))
    with qtbot.waitSignal(main_window.session.input_changed, timeout=10_000) as developed:
        assert main_window.files.open_image(COLORCHART)
    assert developed.args[0].observed.bit_depth == 8
    assert "linear sRGB, 8-bit" in developed.args[0].observed.notices[0]


@needs_raw
def test_cancelling_the_raw_dialog_keeps_the_open_image(main_window, image_files, monkeypatch):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    monkeypatch.setattr(raw_dialog.RawDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert not main_window.files.open_image(COLORCHART)
    assert not main_window.files.raw.is_developing()
    assert main_window.session.model.current_problem().observed.source == str(noisy)


@needs_raw
def test_running_waits_for_the_full_size_development(qtbot, main_window, monkeypatch, fake_methods):
    accept_raw_dialog(monkeypatch)
    choose(main_window, "gui_test_scale")
    main_window.files.open_image(COLORCHART)
    assert not main_window.restore.run_method()
    assert "still being developed" in main_window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not main_window.files.raw.is_developing(), timeout=10_000)
    with qtbot.waitSignal(main_window.restore.runner.idle, timeout=10_000):
        assert main_window.restore.run_method()
    assert main_window.session.model.shown_result().image.pixels.shape == (1156, 1734, 3)


@needs_raw
def test_iso_and_exposure_of_a_raw_reach_the_status_bar(qtbot, main_window, monkeypatch):
    accept_raw_dialog(monkeypatch)
    with qtbot.waitSignal(main_window.session.input_changed, timeout=10_000):
        main_window.files.open_image(KODAK)
    assert "ISO 84 · 1/230 s" in main_window.camera_label.text()
    assert "ISO 84" in main_window.restore.viewer._input_pane.caption.text()
    assert main_window.camera_label.toolTip() == "Taken 1997:04:23 08:00:47"


@needs_raw
def test_a_raw_that_cannot_be_decoded_gives_a_readable_dialog(main_window, monkeypatch, errors, tmp_path):
    accept_raw_dialog(monkeypatch)
    fake = tmp_path / "broken.nef"
    fake.write_bytes(b"\x00\x01 this is not a nikon file" * 10)
    assert not main_window.files.open_image(fake)
    assert errors and errors[0][0] == "Cannot open file" and "broken.nef" in errors[0][1]
    assert not main_window.files.raw.is_developing()


# ----------------------------------------------------------------- region first


def test_shift_drag_restores_only_that_region_then_run_does_the_whole_image(
    qtbot, main_window, image_files, fake_methods
):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_scale")
    main_window.restore.params_box.panel.editors["gain"].spin.setValue(0.5)
    with qtbot.waitSignal(main_window.restore.region.runner.finished, timeout=5000) as finished:
        drag(qtbot, main_window.restore.viewer, (4.2, 6.2), (20.8, 17.8))
    rect = main_window.restore.viewer.region()
    assert rect == Rect(4, 6, 17, 12)
    observed = io.read_image(noisy).pixels
    region = region_pixels(main_window.restore.viewer)
    assert np.allclose(region, observed[6:18, 4:21] * 0.5, atol=1e-6)
    assert finished.args[0].image.pixels.shape == (12, 17, 3)
    assert "on the region 17×12 at (4, 6)" in main_window.restore.viewer._output_pane.caption.text()
    assert main_window.restore.viewer.readout_at(10.5, 10.5).endswith(
        f"output {sample_text(region[4, 6], 8)}"
    )
    assert main_window.restore.history.count() == 0
    with qtbot.waitSignal(main_window.restore.runner.idle, timeout=5000):
        assert main_window.restore.run_method()
    assert region_pixels(main_window.restore.viewer) is None
    assert main_window.session.model.shown_result().image.pixels.shape == (24, 32, 3)


def test_region_result_is_drawn_where_the_region_lies(qtbot, main_window, image_files, fake_methods):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_scale")
    main_window.restore.params_box.panel.editors["gain"].spin.setValue(0.0)
    with qtbot.waitSignal(main_window.restore.region.runner.finished, timeout=5000):
        assert main_window.restore.region.preview(Rect(8, 4, 10, 6))
    viewer = main_window.restore.viewer
    assert viewer.readout_at(8.5, 4.5).endswith("output (0, 0, 0)")
    assert viewer.readout_at(17.5, 9.5).endswith("output (0, 0, 0)")
    assert "output" not in viewer.readout_at(7.5, 4.5)
    assert "output" not in viewer.readout_at(18.5, 9.5)


def test_changing_a_parameter_restores_the_marked_region_again(qtbot, main_window, image_files, fake_methods):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_scale")
    with qtbot.waitSignal(main_window.restore.region.runner.finished, timeout=5000):
        main_window.restore.region.preview(Rect(0, 0, 16, 12))
    before = region_pixels(main_window.restore.viewer).copy()
    with qtbot.waitSignal(main_window.restore.region.runner.finished, timeout=5000):
        main_window.restore.params_box.panel.editors["gain"].spin.setValue(0.5)
    assert np.allclose(region_pixels(main_window.restore.viewer), before * 0.5, atol=1e-6)


def test_region_mode_makes_a_plain_drag_mark_and_a_click_clears(
    qtbot, main_window, image_files, fake_methods
):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_scale")
    main_window.commands.region.trigger()
    assert main_window.commands.region.isChecked()
    plain = Qt.KeyboardModifier.NoModifier
    with qtbot.waitSignal(main_window.restore.region.runner.finished, timeout=5000):
        drag(qtbot, main_window.restore.viewer, (2.5, 2.5), (12.5, 12.5), plain)
    assert main_window.restore.viewer.region() is not None
    viewport = main_window.restore.viewer._input_pane.graphics.viewport()
    with qtbot.waitSignal(main_window.restore.viewer.region_selected) as cleared:
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, plain, viewport.rect().center())
    assert cleared.args == [None]
    assert main_window.restore.viewer.region() is None and region_pixels(main_window.restore.viewer) is None
    main_window.commands.region.trigger()
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # the next press must not pair with the click
    view_before = main_window.restore.viewer._input_pane.view.viewRect()
    drag(qtbot, main_window.restore.viewer, (2.5, 2.5), (12.5, 12.5), plain)
    assert main_window.restore.viewer.region() is None
    assert main_window.restore.viewer._input_pane.view.viewRect() != view_before


def test_a_region_preview_that_fails_shows_a_dialog(qtbot, main_window, image_files, fake_methods, errors):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_broken")
    with qtbot.waitSignal(main_window.restore.region.runner.idle, timeout=5000):
        main_window.restore.region.preview(Rect(0, 0, 8, 8))
    assert errors and errors[0][0] == "Test broken failed on the region"
    assert "division by zero" in errors[0][1]


def test_esc_cancels_a_region_preview(qtbot, main_window, image_files, fake_methods):
    noisy, _ = image_files
    main_window.files.open_image(noisy)
    choose(main_window, "gui_test_slow")
    main_window.restore.region.preview(Rect(0, 0, 8, 8))
    assert main_window.commands.cancel.isEnabled()
    with qtbot.waitSignal(main_window.restore.region.runner.cancelled, timeout=5000):
        main_window.commands.cancel.trigger()
    assert region_pixels(main_window.restore.viewer) is None
    assert not main_window.commands.cancel.isEnabled()


# ----------------------------------------------------------------- batch


@pytest.fixture
def folder(tmp_path):
    """in/ with two good images (16-bit TIFF, 8-bit PNG) and one broken JPEG; out/ does not exist."""
    rng = np.random.default_rng(0)
    source = tmp_path / "in"
    source.mkdir()
    io.write_image(Image(rng.random((12, 10, 3)).astype(np.float32), bit_depth=16), source / "a.tif")
    io.write_image(Image(rng.random((8, 9, 3)).astype(np.float32)), source / "b.png")
    (source / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return source


def batch_for(window, qt_settings, folder, out, suffix=".png", depth=16):
    dialog = window.restore.open_batch()
    assert dialog is not None and dialog.isVisible()
    dialog.in_edit.setText(str(folder))
    dialog.out_edit.setText(str(out))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(suffix))
    dialog.depth_box.setCurrentIndex(dialog.depth_box.findData(depth))
    return dialog


def test_batch_restores_a_folder_with_the_method_as_set_and_names_the_skipped_file(
    qtbot, main_window, qt_settings, folder, tmp_path, fake_methods
):
    choose(main_window, "gui_test_scale")
    main_window.restore.params_box.panel.editors["gain"].spin.setValue(0.5)
    dialog = batch_for(main_window, qt_settings, folder, tmp_path / "out")
    assert "Test scale: gain=0.5" in dialog.setup.describe()
    assert dialog.in_count.text().startswith("3 files")
    with qtbot.waitSignal(dialog.runner.idle, timeout=10_000):
        assert dialog.start()
    lines = [dialog.results.item(row).text() for row in range(dialog.results.count())]
    assert lines[:2] == ["a.tif  →  a_gui_test_scale.png", "b.png  →  b_gui_test_scale.png"]
    assert lines[2].startswith("skipped broken.jpg: ")
    assert dialog.status.text().startswith("2 written to") and "1 skipped" in dialog.status.text()
    written = io.read_image(tmp_path / "out" / "b_gui_test_scale.png")
    assert written.bit_depth == 16
    assert np.allclose(written.pixels, io.read_image(folder / "b.png").pixels * 0.5, atol=1 / 255)
    assert dialog.progress.value() == 1000


def test_a_second_batch_never_overwrites_the_first(
    qtbot, main_window, qt_settings, folder, tmp_path, fake_methods
):
    choose(main_window, "gui_test_scale")
    out = tmp_path / "out"
    dialog = batch_for(main_window, qt_settings, folder, out, suffix=".tif", depth=0)
    for _ in range(2):
        with qtbot.waitSignal(dialog.runner.idle, timeout=10_000):
            dialog.start()
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        "a_gui_test_scale-1.tif",
        "a_gui_test_scale.tif",
        "b_gui_test_scale-1.tif",
        "b_gui_test_scale.tif",
    ]
    assert io.read_image(out / "a_gui_test_scale.tif").bit_depth == 16
    assert io.read_image(out / "b_gui_test_scale.tif").bit_depth == 8


def test_batch_remembers_its_folders_and_format(
    qtbot, main_window, qt_settings, folder, tmp_path, fake_methods
):
    choose(main_window, "gui_test_scale")
    dialog = batch_for(main_window, qt_settings, folder, tmp_path / "out", suffix=".jpg")
    assert not dialog.depth_box.isEnabled()
    with qtbot.waitSignal(dialog.runner.idle, timeout=10_000):
        dialog.start()
    dialog.close()
    again = main_window.restore.open_batch()
    assert again is not dialog
    assert (again.in_edit.text(), again.out_edit.text()) == (str(folder), str(tmp_path / "out"))
    assert again.format_box.currentData() == ".jpg"


def test_batch_cancel_stops_and_keeps_what_was_written(
    qtbot, main_window, qt_settings, folder, tmp_path, fake_methods
):
    choose(main_window, "gui_test_slow")
    dialog = batch_for(main_window, qt_settings, folder, tmp_path / "out")
    with qtbot.waitSignal(dialog.runner.progress, timeout=5000):
        dialog.start()
    assert dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
    with qtbot.waitSignal(dialog.runner.cancelled, timeout=5000):
        dialog.cancel_button.click()
    assert dialog.status.text().startswith("Cancelled; the files written so far stay in")
    assert dialog.start_button.isEnabled()


def test_batch_says_why_it_cannot_start(
    qtbot, main_window, qt_settings, folder, tmp_path, fake_methods, errors
):
    choose(main_window, "gui_test_scale")
    dialog = batch_for(main_window, qt_settings, folder, folder)
    assert not dialog.start()
    assert errors[-1] == ("Cannot start the batch", "choose an output folder other than the input folder")
    dialog.in_edit.setText(str(tmp_path / "missing"))
    assert not dialog.start()
    assert "choose an input folder" in errors[-1][1]
    dialog.close()
    main_window.restore.selector.set_task(Task.DEBLUR)
    choose(main_window, "gui_test_scale")
    dialog = batch_for(main_window, qt_settings, folder, tmp_path / "out")
    assert not dialog.start()
    assert "deblurring needs a mask, kernel or scale" in errors[-1][1]
    assert not (tmp_path / "out").exists()


@needs_raw
def test_batch_develops_raw_files_with_the_remembered_options(
    qtbot, main_window, qt_settings, tmp_path, fake_methods
):
    source = tmp_path / "raws"
    source.mkdir()
    shutil.copy(COLORCHART, source / "chart.dng")
    raw_dialog.save_raw_options(qt_settings, RawOptions(bit_depth=8))
    choose(main_window, "gui_test_scale")
    dialog = batch_for(main_window, qt_settings, source, tmp_path / "out", suffix=".tif", depth=0)
    with qtbot.waitSignal(dialog.runner.idle, timeout=20_000):
        dialog.start()
    written = io.read_image(tmp_path / "out" / "chart_gui_test_scale.tif")
    assert written.pixels.shape == (1156, 1734, 3) and written.bit_depth == 8
    assert written.metadata["model"] == "Canon EOS Kiss X4"


def test_closing_the_window_stops_a_running_batch(qtbot, qt_settings, folder, tmp_path, fake_methods):
    from workbench.gui.shell.main_window import MainWindow

    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    choose(window, "gui_test_slow")
    dialog = batch_for(window, qt_settings, folder, tmp_path / "out")
    with qtbot.waitSignal(dialog.runner.progress, timeout=5000):
        dialog.start()
    window.close()
    assert not dialog.runner.is_running()
