"""Run by test_window_fits_screen in a fresh interpreter on an offscreen screen of a given size:
opens the bundled sample with fresh settings, walks every page and the toggles that used to widen
the window, and prints one JSON line with the screen and the window's size and the page's
sideways scroll range after each step, and the toolbar actions pushed into its overflow menu
on the Restore page."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QScrollArea, QStackedWidget, QToolBar

from workbench.gui.app import add_pages, application, sample_paths
from workbench.gui.shell.main_window import MainWindow


def settle(ms: int = 200) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(settings_path: str) -> None:
    app = application([])
    window = MainWindow(settings=QSettings(settings_path, QSettings.Format.IniFormat))
    add_pages(window)
    window.open_paths(sample_paths())
    window.show()
    seen = []

    def measure(step: str) -> None:
        settle()
        frame = window.frameGeometry()
        shown = QStackedWidget.currentWidget(window.pages)
        scroll = shown.horizontalScrollBar().maximum() if isinstance(shown, QScrollArea) else 0
        seen.append({"step": step, "width": frame.width(), "height": frame.height(), "scroll": scroll})

    measure("restore")
    toolbar = window.findChild(QToolBar, "toolbar-main")
    overflow = [
        action.iconText()
        for action in toolbar.actions()
        if not action.isSeparator() and not toolbar.widgetForAction(action).isVisible()
    ]
    for index in range(1, window.pages.count()):
        window.pages.setCurrentIndex(index)
        measure(window.pages.tabText(index))
    window.pages.show_page("Inside the network").changed_first_box.setChecked(True)
    measure("most changed first")
    window.pages.show_page("Restore")
    measure("restore again")
    screen = app.primaryScreen().availableGeometry()
    print(json.dumps({"screen": [screen.width(), screen.height()], "seen": seen, "overflow": overflow}))
    window.close()


if __name__ == "__main__":
    main(sys.argv[1])
