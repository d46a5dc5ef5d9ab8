"""Run by test_viz_page_fits_screen in a fresh interpreter on an offscreen screen of a given size:
opens the bundled sample with fresh settings, walks the Inside-the-network tabs, computes the
receptive field and the effective field of one pixel (shipped DnCNN) and switches the field view's
framing; prints one JSON line with the screen, and after each step the window's size and whether the
field view and both plots lie inside the window."""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QEventLoop, QPoint, QRect, QSettings, QTimer

from workbench.gui.app import add_pages, application, sample_paths
from workbench.gui.shell.main_window import MainWindow


def settle(ms: int = 200) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def finish(panel, limit_s: float = 120) -> None:
    end = time.monotonic() + limit_s
    while panel.runner.is_running() and time.monotonic() < end:
        settle(50)


def main(settings_path: str) -> None:
    app = application([])
    window = MainWindow(settings=QSettings(settings_path, QSettings.Format.IniFormat))
    add_pages(window)
    window.open_paths(sample_paths())
    window.show()
    panel = window.pages.show_page("Inside the network")
    panel.model_box.setCurrentText("dncnn")
    seen = []

    def inside(widget) -> bool:
        if not widget.isVisible():
            return True
        corner = widget.mapTo(window, QPoint(0, 0))
        return window.rect().contains(QRect(corner, widget.size()))

    def measure(step: str) -> None:
        settle()
        frame = window.frameGeometry()
        views_inside = all(map(inside, (panel.erf.view, panel.erf.plot, panel.rf.plot)))
        seen.append({"step": step, "width": frame.width(), "height": frame.height(), "inside": views_inside})

    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        measure(f"tab {panel.tabs.tabText(index)}")
    panel.tabs.setCurrentIndex(2)
    panel.compute_rf()
    finish(panel)
    measure("receptive field")
    panel.tabs.setCurrentIndex(3)
    height, width = panel._image.pixels.shape[:2]
    panel.place_erf(width // 2, height // 2)
    finish(panel)
    measure("effective field")
    panel.erf.whole_button.click()
    measure("whole image")
    panel.erf.close_up_button.click()
    measure("around the pixel")
    window.pages.show_page("Restore")
    measure("restore")
    screen = app.primaryScreen().availableGeometry()
    shown = panel.erf_result is not None and panel.rf.table.rowCount() > 0
    print(json.dumps({"screen": [screen.width(), screen.height()], "computed": shown, "seen": seen}))
    window.close()


if __name__ == "__main__":
    main(sys.argv[1])
