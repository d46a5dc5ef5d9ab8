"""Where the main window goes on the screen: its first size, and a saved layout kept only while it fits.

A layout saved on a screen of another size, or after a page had pushed the window past the
screen, is discarded, and the window takes its first-launch size instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from .settings import WindowSettings

SMALL_SCREEN = (1500, 940)
"""A screen with less free room than this (width, height) gets a maximised window at first launch."""


def screen_size(window: QMainWindow) -> tuple[int, int]:
    """(width, height) of the free area of the screen ``window`` is on ((0, 0) without one)."""
    screen = window.screen() or QApplication.primaryScreen()
    free = screen.availableGeometry() if screen is not None else None
    return (free.width(), free.height()) if free is not None else (0, 0)


def fits_screen(window: QMainWindow) -> bool:
    """True when ``window`` is maximised, or its frame lies within the free area of its screen."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None or window.isMaximized():
        return True
    return screen.availableGeometry().contains(window.frameGeometry())


def first_size(window: QMainWindow) -> None:
    """Without a saved layout that fits, the size follows the screen: maximised on a small screen
    (under about 1500×940 free), else 94 % of the free area, centred."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        window.resize(1440, 900)
        return
    free = screen.availableGeometry()
    if free.width() < SMALL_SCREEN[0] or free.height() < SMALL_SCREEN[1]:
        window.setGeometry(free)
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        width, height = round(free.width() * 0.94), round(free.height() * 0.94)
        left, top = free.x() + (free.width() - width) // 2, free.y() + (free.height() - height) // 2
        window.setGeometry(left, top, width, height)


def restore_layout(window: QMainWindow, settings: WindowSettings) -> bool:
    """Give ``window`` the size, place and dock layout saved on a screen of this size if they still
    fit it; False (nothing restored) otherwise."""
    geometry, state = settings.layout(screen_size(window))
    if geometry is None or not window.restoreGeometry(geometry) or not fits_screen(window):
        return False
    if state is not None:
        window.restoreState(state)
    return True


def save_layout(window: QMainWindow, settings: WindowSettings) -> None:
    """Keep the layout for the next launch, unless the window has outgrown its screen."""
    if fits_screen(window):
        settings.set_layout(window.saveGeometry(), window.saveState(), screen_size(window))
    else:
        settings.forget_layout()
