"""The window's central pages: deferred building, following the open image, live network, shutdown."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from workbench.gui.shell.main_window import MainWindow


class StoppableLabel(QLabel):
    """A page with a ``shutdown()`` that records it was called."""

    def __init__(self) -> None:
        super().__init__("page")
        self.shut_down = False

    def shutdown(self) -> None:
        self.shut_down = True


def titles(window: MainWindow) -> list[str]:
    return [window.pages.tabText(index) for index in range(window.pages.count())]


def test_a_deferred_page_is_built_only_when_first_shown(main_window):
    built = []

    def build():
        built.append(True)
        main_window.host.add_page("Later", StoppableLabel())

    main_window.pages.add_deferred_page("Later", build)
    main_window.pages.add_deferred_page("Other", lambda: built.append("other"))
    assert titles(main_window) == ["Restore", "Later", "Other"]
    assert built == []
    page = main_window.pages.show_page("Later")
    assert built == [True]
    assert isinstance(page, StoppableLabel)
    assert titles(main_window) == ["Restore", "Later", "Other"]
    assert main_window.pages.currentWidget() is page
    main_window.pages.show_page("Later")
    assert built == [True]


def test_closing_the_window_shuts_down_every_page(qtbot, qt_settings):
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    page = StoppableLabel()
    window.host.add_page("Stoppable", page, shutdown=page.shutdown)
    window.close()
    assert page.shut_down


def test_the_app_window_has_compare_dip_and_viz_pages_that_follow_the_open_image(
    qtbot, monkeypatch, qt_settings, image_files
):
    from workbench.gui import app

    monkeypatch.setattr(app, "MainWindow", lambda: MainWindow(settings=qt_settings))
    window = app.create_window([str(path) for path in image_files])
    qtbot.addWidget(window)
    assert titles(window) == [
        "Restore",
        "Compare",
        "Deep Image Prior",
        "Plug-and-play",
        "Inside the network",
        "Train",
        "Sweep",
    ]
    compare = window.pages.show_page("Compare")
    assert [tile.name for tile in compare.tiles] == ["Input", "Reference"]
    dip = window.pages.show_page("Deep Image Prior")
    assert dip.problem is not None and dip.problem.reference is not None
    viz = window.pages.show_page("Inside the network")
    assert viz.erf_view.has_picture()
    window.close()


def test_a_started_dip_run_becomes_the_viz_pages_live_network(qtbot, monkeypatch, qt_settings, image_files):
    from workbench.gui import app
    from workbench.gui.pages.viz.page import LIVE

    monkeypatch.setattr(app, "MainWindow", lambda: MainWindow(settings=qt_settings))
    window = app.create_window([str(path) for path in image_files])
    qtbot.addWidget(window)
    viz = window.pages.show_page("Inside the network")
    dip = window.pages.show_page("Deep Image Prior")
    dip.set_device("cpu")
    dip.preset.setCurrentText("light")
    dip.iterations.setValue(2)
    with qtbot.waitSignal(dip.run_finished, timeout=60_000):
        dip.start()
    assert window.session.model.live_net is not None
    assert viz.model_box.currentText() == LIVE
    window.close()


def test_other_pages_hide_the_restore_docks_and_the_restore_page_brings_them_back(qtbot, main_window):
    main_window.show()
    main_window.host.add_page("Wide", QLabel("wide"))
    assert main_window.method_dock.isVisible() and main_window.degrade_dock.isVisible()
    main_window.pages.show_page("Wide")
    assert not main_window.method_dock.isVisible() and not main_window.history_dock.isVisible()
    assert main_window.degrade_dock.isVisible()
    main_window.pages.show_page("Restore")
    assert main_window.method_dock.isVisible() and main_window.history_dock.isVisible()


def test_the_right_hand_docks_keep_their_heights_after_a_round_trip_through_other_pages(qtbot, main_window):
    _with_pages(main_window, "Second", "Third")
    main_window.show()
    qtbot.waitExposed(main_window)
    docks = (main_window.degrade_dock, main_window.history_dock, main_window.histogram_dock)
    main_window.resizeDocks(list(docks), [200, 380, 180], Qt.Orientation.Vertical)
    qtbot.wait(50)
    before = [dock.height() for dock in docks]
    for index in (1, 2, 0):
        main_window.pages.setCurrentIndex(index)
        qtbot.wait(50)
    assert [dock.height() for dock in docks] == before


def _with_pages(window: MainWindow, *names: str) -> None:
    for name in names:
        window.host.add_page(name, StoppableLabel())


def test_ctrl_and_a_digit_goes_to_the_pages_in_tab_order(qtbot, main_window):
    _with_pages(main_window, "Second", "Third")
    main_window.show()
    named = [action.text() for action in main_window.commands.pages if action.isVisible()]
    assert named == ["Restore", "Second", "Third"]
    for digit, title in ((3, "Third"), (2, "Second"), (1, "Restore")):
        action = main_window.commands.pages[digit - 1]
        assert action.shortcut().toString() == f"Ctrl+{digit}"
        action.trigger()
        assert main_window.pages.tabText(main_window.pages.currentIndex()) == title
    assert not main_window.commands.pages[3].isEnabled()


def test_the_page_tabs_stay_in_place_when_the_restore_docks_hide(qtbot, main_window):
    _with_pages(main_window, "Second", "Third")
    main_window.show()
    bar = main_window.pages.tab_bar

    def tab_places() -> list[int]:
        return [bar.mapTo(main_window, bar.tabRect(index).center()).x() for index in range(bar.count())]

    on_restore = tab_places()
    main_window.pages.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not main_window.method_dock.isVisible())
    assert tab_places() == on_restore


def test_restore_toolbar_actions_are_disabled_on_other_pages(main_window):
    _with_pages(main_window, "Second")
    restore_only = (main_window.commands.run, main_window.commands.fit, main_window.commands.split)
    assert all(action.isEnabled() for action in restore_only)
    main_window.pages.show_page("Second")
    assert not any(action.isEnabled() for action in restore_only)
    assert not main_window.commands.cancel.isEnabled()
    assert main_window.commands.open.isEnabled()
    main_window.pages.show_page("Restore")
    assert all(action.isEnabled() for action in restore_only)


def test_a_page_switch_shows_that_pages_own_status_message(main_window):
    _with_pages(main_window, "Second")
    bar = main_window.statusBar()
    main_window.host.show_status("Gaussian blur done in 0.01 s", 10_000)
    main_window.pages.show_page("Second")
    assert bar.currentMessage() == ""
    main_window.host.show_status("Second's own news")
    main_window.pages.show_page("Restore")
    assert bar.currentMessage() == "Gaussian blur done in 0.01 s"
    main_window.host.show_status("gone soon", 1)
    main_window.pages.show_page("Second")
    assert bar.currentMessage() == "Second's own news"
    time.sleep(0.01)
    main_window.pages.show_page("Restore")
    assert bar.currentMessage() == ""


def test_a_wide_page_scrolls_instead_of_widening_the_window(qtbot, main_window):
    wide = QLabel("wide")
    wide.setMinimumWidth(5000)
    main_window.host.add_page("Wide", wide)
    main_window.show()
    main_window.pages.show_page("Wide")
    assert main_window.pages.minimumSizeHint().width() < 1000
    assert main_window.minimumSizeHint().width() < 1500


class StandInHost:
    """A Host without a window: it keeps the pages it is given and says the device is the CPU."""

    def __init__(self) -> None:
        self.pages: dict[str, QWidget] = {}
        self.shutdowns: list = []

    def add_page(self, title, page, shutdown=None):
        self.pages[title] = page
        self.shutdowns += [shutdown] if shutdown else []
        return len(self.pages) - 1

    def add_dock(self, title, widget, shutdown=None):
        raise AssertionError("no page here adds a dock")

    def device(self):
        return "cpu"

    def show_status(self, message, timeout_ms=0):
        pass

    def show_error(self, title, message):
        raise AssertionError(f"{title}: {message}")

    def dialog_parent(self):
        return None


def test_a_page_is_built_from_a_session_and_a_host_alone_and_follows_the_problem(qtbot, image_files):
    from workbench.core import io
    from workbench.core.problem import Task
    from workbench.core.session import Session
    from workbench.gui.pages.compare.page import attach
    from workbench.gui.session import QtSession

    session, host = QtSession(Session()), StandInHost()
    view = attach(session, host)
    qtbot.addWidget(view)
    assert host.pages == {"Compare": view} and host.shutdowns == [view.shutdown]
    assert view.tiles == []
    noisy, clean = (io.read_image(path) for path in image_files)
    session.model.set_input(noisy, clean)
    assert [tile.name for tile in view.tiles] == ["Input", "Reference"]
    session.model.set_task(Task.INPAINT)
    assert view.problem().task is Task.INPAINT and view.problem().observed is noisy
    listed = [view.methods.item(row).data(Qt.ItemDataRole.UserRole) for row in range(view.methods.count())]
    assert "bm3d" not in listed and listed, "the inpainting methods are listed"
    assert [tile.name for tile in view.tiles] == ["Input", "Reference"]
    assert view.shutdown(5000)
