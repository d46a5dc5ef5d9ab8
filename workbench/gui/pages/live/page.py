"""The live-run page base: what the DIP, Train and Plug-and-play pages share.

A :class:`LiveRunPage` has a settings column of fixed width (the page's own form, then Start /
Pause / Resume / Stop and keep / Cancel and the page's extra buttons, then a status line) beside
its curves (the page's own plots) above a :class:`~.previews.PreviewPair`. Start hands a core stepper
(``workbench.core.live``) to :meth:`LiveRunPage.start_live`, which runs it on the page's
``JobRunner`` (:func:`.feed.live_job`); a timer on the GUI thread drains the run's feed a few
times a second into the page's curves (:meth:`LiveRunPage.show_records`), its previews and its
status line. Pause, Resume and Stop and keep act on the stepper between two steps; Cancel
cancels the job. A page may run other jobs on the same runner first or after (loading the data,
applying a trained network) with :meth:`LiveRunPage.run_job`.

The page is the runner's :class:`~workbench.gui.workers.runner.JobOwner`: how every job ends is
handled here once, and a page only says what a kept outcome means (:meth:`LiveRunPage.kept`)
and what a cancellation leaves (:meth:`LiveRunPage.cancelled_text`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.live import Stepper
from workbench.core.problem import Problem

from ...widgets.forms import button_grid, push_button
from ...workers.runner import JobFunction, JobRunner, owned_runner
from .feed import Drained, LiveFeed, live_job
from .previews import PreviewPair

REFRESH_MS = 200
"""How often a page drains its feed and redraws (a few times a second)."""
PAUSED = " · paused"
"""Appended to the status line while a run is paused."""


class LiveRunPage(QWidget):
    """A page that runs a live stepper and watches it. Subclasses build their form and plots,
    then call :meth:`assemble`; their Start builds a stepper and calls :meth:`start_live`.

    Signals:
        run_finished(object): what a run that ended by itself or by Stop and keep keeps (the
            page says what: a ``DipOutcome``, a ``Trainer``, a ``PnpOutcome``).
        net_started(object): the torch network a run that has just started optimises (live views).
    """

    run_finished = Signal(object)
    net_started = Signal(object)

    CONTROLS_WIDTH = 300
    """Pixels of the settings column (fixed, so changing status text never moves the plots)."""
    CPU_THREADS = 0
    """Torch's CPU threads during a run (0 = leave its setting)."""

    def __init__(self, preview_caption: str, runner: JobRunner | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.problem: Problem | None = None
        self.device = "auto"
        self.stepper: Stepper | None = None
        self.runner = owned_runner(self, runner)
        self._feed = LiveFeed()
        self._then: Callable[[object], None] | None = None
        self._live = False
        self._status_line = ""
        self.start_button = push_button("Start", self.start)
        self.pause_button = push_button("Pause", self.pause)
        self.resume_button = push_button("Resume", self.resume)
        self.stop_button = push_button(
            "Stop and keep", self.stop_and_keep, "end the run after the current step and keep what it has"
        )
        self.cancel_button = push_button("Cancel", self.cancel)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.previews = PreviewPair(preview_caption)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def assemble(
        self, settings: Sequence[QWidget | QLayout], plots: QWidget, extra: Sequence[QPushButton]
    ) -> None:
        """Lay the page out: ``settings`` above the run buttons and ``extra`` ones, the status below
        them; ``plots`` above the previews on the right, taking the height the page is given (their
        own size hint is ignored, so the page's height is the settings column's and the previews are
        not pushed below the fold of the page's scroll area)."""
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        for item in settings:
            if isinstance(item, QLayout):
                column.addLayout(item)
            else:
                column.addWidget(item)
        run_buttons = (self.start_button, self.pause_button, self.resume_button, self.stop_button)
        column.addLayout(button_grid((*run_buttons, self.cancel_button, *extra)))
        column.addWidget(self.status)
        column.addStretch(1)
        controls.setFixedWidth(self.CONTROLS_WIDTH)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(plots)
        right.addWidget(self.previews)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        policy = right.sizePolicy()
        policy.setVerticalPolicy(QSizePolicy.Policy.Ignored)
        right.setSizePolicy(policy)
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(right, 1)
        self.set_running(False)

    # ------------------------------------------------------------------ what a page gives

    def start(self) -> bool:
        """Begin a run; False (with the reason in the status line) when it cannot."""
        raise NotImplementedError

    def show_records(self, drained: Drained) -> None:
        """Extend and redraw the curves with the records that came."""
        raise NotImplementedError

    def status_text(self, record: object) -> str:
        """The status line after ``record`` (the rate, time left, latest scores)."""
        raise NotImplementedError

    def kept(self, outcome: object) -> str:
        """Take the outcome of a run that ended by itself or by Stop and keep; return the status."""
        raise NotImplementedError

    def show_previews(self, pictures: tuple[np.ndarray, ...]) -> None:
        """Show the stepper's previews: its answer (the first) on the right, the second on the left."""
        self.previews.show_right(pictures[0])
        if len(pictures) > 1:
            self.previews.show_left(pictures[1])

    def cancelled_text(self, live: bool) -> str:
        """The status after a cancellation (``live``: of the run itself, not of a side job)."""
        return "Cancelled; nothing kept."

    def update_controls(self, running: bool) -> None:
        """Enable the page's own widgets for ``running`` (the run buttons are handled here)."""

    # ------------------------------------------------------------------ running

    def set_device(self, device: str) -> None:
        """'auto', 'cpu' or 'cuda' for the next run."""
        self.device = device

    def start_live(
        self,
        stepper: Stepper,
        status: str,
        cancel_event: threading.Event | None = None,
    ) -> None:
        """Run ``stepper`` on the page's worker and watch it; ``cancel_event`` is shared with a
        context the stepper was built around (see ``JobRunner.start``)."""
        self.stepper = stepper
        self._feed = LiveFeed()
        self._then, self._live = self._live_ended, True
        job = live_job(stepper, self._feed, self.CPU_THREADS)
        self.runner.start(job, self.device, cancel_event)
        self.set_running(True)
        self.set_status(status)
        self._timer.start()

    def run_job(
        self, fn: JobFunction, then: Callable[[object], None], status: str, device: str | None = None
    ) -> None:
        """Run a side job (loading data, applying a network) on the page's worker; ``then`` gets
        its outcome on the GUI thread."""
        self._then, self._live = then, False
        self.runner.start(fn, device or self.device)
        self.set_running(True)
        self.set_status(status)

    def running(self) -> bool:
        return self.runner.is_running()

    def pause(self) -> None:
        if self.stepper is not None and self._live and self.running():
            self.stepper.pause()
            self.set_running(True)
            self.set_status(self._status_line)

    def resume(self) -> None:
        if self.stepper is not None:
            self.stepper.resume()
            self.set_running(self.running())
            self.set_status(self._status_line)

    def stop_and_keep(self) -> None:
        """End the run after the current step and keep what it has."""
        if self.stepper is not None and self._live and self.running():
            self.stepper.stop()
            self.set_running(True)
            self.set_status("Stopping after the current step…")

    def cancel(self) -> None:
        """End the running job and keep nothing of it (see :meth:`cancelled_text`)."""
        if self.running():
            self.runner.cancel()
            self.set_status("Cancelling…")

    def shutdown(self) -> None:
        """Cancel and join the worker (the window calls it when it closes)."""
        self._timer.stop()
        self.runner.shutdown()

    # ------------------------------------------------------------------ updates

    def refresh(self) -> None:
        """Drain the feed: curves, previews and status line."""
        drained = self._feed.take()
        if drained.records:
            self.show_records(drained)
        if drained.previews is not None:
            self.show_previews(drained.previews)
        if drained.records:
            self.set_status(self.status_text(drained.records[-1]))

    def set_status(self, text: str) -> None:
        """Show ``text`` in the status line, marked while the run is paused."""
        self._status_line = text
        paused = self._live and self.stepper is not None and self.stepper.paused and self.running()
        self.status.setText(text + (PAUSED if paused else ""))

    def set_running(self, running: bool) -> None:
        live = running and self._live and self.stepper is not None
        paused = live and self.stepper.paused
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(live and not paused)
        self.resume_button.setEnabled(paused)
        self.stop_button.setEnabled(live)
        self.cancel_button.setEnabled(running)
        self.update_controls(running)

    def end(self, message: str) -> None:
        """The job is over: last drain, buttons back, ``message`` in the status line."""
        self._wind_down()
        self.set_status(message)

    def _live_ended(self, outcome: object) -> None:
        self._wind_down()
        self.set_status(self.kept(outcome))

    def _wind_down(self) -> None:
        self._timer.stop()
        self.refresh()
        self._live = False
        self.set_running(False)

    # ------------------------------------------------------------------ the runner's owner

    def job_finished(self, outcome: object) -> None:
        then, self._then = self._then, None
        if then is not None:
            then(outcome)

    def job_failed(self, message: str) -> None:
        self._then = None
        self.end(f"Failed: {message}")

    def job_cancelled(self) -> None:
        self._then = None
        live = self._live
        self.end(self.cancelled_text(live))
