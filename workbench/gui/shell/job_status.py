"""The status bar's view of the running restoration: what runs, how far, for how long, and Cancel."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton


class JobStatus(QObject):
    """Label, progress bar, elapsed seconds and a Cancel button, shown in ``bar`` while a job runs.

    Attributes:
        cancel_button: clicked to cancel (the window connects it).
        progress: 0-1000, the job's fraction done.
    """

    def __init__(self, bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.elapsed = QLabel()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel (Esc)")
        for widget in self._widgets():
            bar.addPermanentWidget(widget)
        self._started = 0.0
        self.clock = QTimer(self)
        self.clock.setInterval(100)
        self.clock.timeout.connect(self._tick)
        self.show_idle()

    def _widgets(self) -> tuple:
        return (self.label, self.progress, self.elapsed, self.cancel_button)

    def show_started(self, name: str, first_step: str = "starting…") -> None:
        """A job called ``name`` has just started with ``first_step`` (what it does before its
        first report): show that, with a busy bar until a fraction arrives, and start the clock."""
        self._started = time.monotonic()
        self.label.setText(f"{name}: {first_step}")
        self.progress.setRange(0, 0)
        self.elapsed.setText("0.0 s")
        self._set_visible(True)
        self.clock.start()

    def show_progress(self, name: str, fraction: float, message: str) -> None:
        """``fraction`` in [0, 1] done; ``message`` (may be empty) says at what. The bar stays busy
        (moving, no fraction) until the job reports more than 0."""
        if fraction > 0 or self.progress.maximum() > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))
        self.label.setText(f"{name}: {message}" if message else name)

    def show_cancelling(self) -> None:
        self.label.setText("Cancelling…")

    def show_idle(self) -> None:
        """No job: stop the clock and hide the widgets."""
        self.clock.stop()
        self.progress.setRange(0, 1000)
        self._set_visible(False)

    def _set_visible(self, visible: bool) -> None:
        for widget in self._widgets():
            widget.setVisible(visible)

    def _tick(self) -> None:
        self.elapsed.setText(f"{time.monotonic() - self._started:.1f} s")
