"""The main window's actions, menus and toolbar, built once like a Designer ``setupUi``: each
action becomes a ``*_action`` attribute of the window and runs one of its slots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow

from ..views.viewer import SIDE_BY_SIDE, SPLIT

if TYPE_CHECKING:
    from .main_window import MainWindow


def make_action(
    window: QMainWindow, text: str, slot, shortcut: QKeySequence | str | None = None, tip: str = ""
) -> QAction:
    """A window action running ``slot``, with its shortcut named in its tooltip."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> None:
    """Create the window's actions (as its ``*_action`` attributes), its menus and its toolbar."""
    window.open_action = make_action(
        window, "&Open…", window.choose_and_open, QKeySequence.StandardKey.Open, "Open an image or RAW file"
    )
    window.open_reference_action = make_action(
        window,
        "Open &reference…",
        window.choose_reference,
        None,
        "Open the clean image the input is scored against",
    )
    window.export_action = make_action(
        window,
        "&Export result…",
        window.export_shown,
        QKeySequence.StandardKey.Save,
        "Export the shown result",
    )
    window.batch_action = make_action(
        window,
        "&Batch…",
        window.open_batch,
        "Ctrl+B",
        "Restore every image of a folder with the selected method",
    )
    window.raw_options_action = make_action(
        window, "Camera RAW &options…", window.edit_raw_options, None, "How camera RAW files are developed"
    )
    quit_action = make_action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit)
    window.run_action = make_action(window, "&Run", window.run_method, "Ctrl+R", "Run the selected method")
    window.cancel_action = make_action(window, "&Cancel", window.cancel_job, "Esc", "Stop the running job")
    window.fit_action = make_action(window, "&Fit to window", window.viewer.fit, "F", "Show the whole image")
    window.actual_action = make_action(
        window, "&100 %", window.viewer.actual_size, "1", "One image pixel per screen pixel"
    )
    window.side_action = make_action(window, "&Side by side", lambda: window.set_view_mode(SIDE_BY_SIDE), "S")
    window.split_action = make_action(window, "Before/after &split", lambda: window.set_view_mode(SPLIT), "B")
    window.region_action = make_action(
        window,
        "Preview &region",
        window.viewer.set_region_mode,
        "P",
        "Drag a rectangle on the image to try the method there first (Shift + drag does it any time)",
    )
    window.region_action.setCheckable(True)
    modes = QActionGroup(window)
    for action in (window.side_action, window.split_action):
        action.setCheckable(True)
        modes.addAction(action)
    window.side_action.setChecked(True)

    window.restore_actions = (
        window.export_action,
        window.run_action,
        window.side_action,
        window.split_action,
        window.fit_action,
        window.actual_action,
        window.region_action,
    )
    window.page_actions = [
        make_action(window, "", lambda _=False, n=index: window.pages.setCurrentIndex(n), f"Ctrl+{index + 1}")
        for index in range(9)
    ]

    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    file_menu.addAction(window.open_action)
    window.recent_menu = file_menu.addMenu("Open &recent")
    window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
    file_menu.addAction(window.open_reference_action)
    file_menu.addAction(window.raw_options_action)
    file_menu.addSeparator()
    file_menu.addAction(window.export_action)
    file_menu.addAction(window.batch_action)
    file_menu.addSeparator()
    file_menu.addAction(quit_action)
    run_menu = menus.addMenu("&Run")
    run_menu.addAction(window.run_action)
    run_menu.addAction(window.cancel_action)
    view_menu = menus.addMenu("&View")
    view_actions = (window.side_action, window.split_action, None, window.fit_action, window.actual_action)
    for action in (*view_actions, None, window.region_action, None):
        if action is None:
            view_menu.addSeparator()
        else:
            view_menu.addAction(action)
    pages_menu = view_menu.addMenu("&Go to page")
    for action in window.page_actions:
        pages_menu.addAction(action)
    window.panels_menu = view_menu.addMenu("&Panels")
    for dock in (window.method_dock, window.degrade_dock, window.history_dock, window.histogram_dock):
        window.panels_menu.addAction(dock.toggleViewAction())

    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("toolbar-main")
    toolbar.setMovable(False)
    toolbar.addWidget(window.pages.tab_bar)
    toolbar.addSeparator()
    for action in (
        window.open_action,
        window.export_action,
        None,
        window.run_action,
        window.cancel_action,
        None,
        window.side_action,
        window.split_action,
        window.fit_action,
        window.actual_action,
        None,
        window.region_action,
    ):
        if action is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(action)
