"""The window's central pages: deferred building, following the open image, live network, shutdown."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

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
        main_window.add_page("Later", StoppableLabel())

    main_window.add_deferred_page("Later", build)
    main_window.add_deferred_page("Other", lambda: built.append("other"))
    assert titles(main_window) == ["Restore", "Later", "Other"]
    assert built == []
    page = main_window.show_page("Later")
    assert built == [True]
    assert isinstance(page, StoppableLabel)
    assert titles(main_window) == ["Restore", "Later", "Other"]
    assert main_window.pages.currentWidget() is page
    main_window.show_page("Later")
    assert built == [True]


def test_closing_the_window_shuts_down_every_page(qtbot, qt_settings):
    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    page = StoppableLabel()
    window.add_page("Stoppable", page)
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
        "Inside the network",
        "Train",
        "Sweep",
    ]
    compare = window.show_page("Compare")
    assert [tile.name for tile in compare.tiles] == ["Input", "Reference"]
    dip = window.show_page("Deep Image Prior")
    assert dip.problem is not None and dip.problem.reference is not None
    viz = window.show_page("Inside the network")
    assert viz.erf_view.has_picture()
    window.close()


def test_a_started_dip_run_becomes_the_viz_pages_live_network(qtbot, monkeypatch, qt_settings, image_files):
    from workbench.gui import app
    from workbench.gui.pages.viz.page import LIVE

    monkeypatch.setattr(app, "MainWindow", lambda: MainWindow(settings=qt_settings))
    window = app.create_window([str(path) for path in image_files])
    qtbot.addWidget(window)
    viz = window.show_page("Inside the network")
    dip = window.show_page("Deep Image Prior")
    dip.set_device("cpu")
    dip.preset.setCurrentText("light")
    dip.iterations.setValue(2)
    with qtbot.waitSignal(dip.run_finished, timeout=60_000):
        dip.start()
    assert window.live_net is not None
    assert viz.model_box.currentText() == LIVE
    window.close()


def test_other_pages_hide_the_restore_docks_and_the_restore_page_brings_them_back(qtbot, main_window):
    main_window.show()
    main_window.add_page("Wide", QLabel("wide"))
    assert main_window.method_dock.isVisible() and main_window.degrade_dock.isVisible()
    main_window.show_page("Wide")
    assert not main_window.method_dock.isVisible() and not main_window.history_dock.isVisible()
    assert main_window.degrade_dock.isVisible()
    main_window.show_page("Restore")
    assert main_window.method_dock.isVisible() and main_window.history_dock.isVisible()
