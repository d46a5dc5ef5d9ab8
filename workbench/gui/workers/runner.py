"""Background jobs for the window: one callable at a time in a QThread, reported through signals.

A job is any ``fn(ctx: RunContext) -> object``. The worker thread turns the
context's callbacks into queued signals, so every slot connected to a
:class:`JobRunner` runs on the GUI thread. Progress is thinned to
``PROGRESS_INTERVAL`` seconds on the worker side and previews are throttled by
the context itself, so a chatty job cannot flood the GUI event queue.

Whoever owns a runner hears how its jobs end the same way: it is a :class:`JobOwner` (three
methods, ``job_finished``, ``job_failed``, ``job_cancelled``) and :func:`owned_runner` connects
them, once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from workbench.core.errors import Cancelled, WorkbenchError, out_of_memory
from workbench.core.jobs import RunContext

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05
"""Seconds between two progress signals of one job (the final 1.0 is always sent)."""

WORKER_NICENESS = 5
"""How much nicer than the GUI thread a worker runs (Linux per-thread nice), to keep the UI responsive."""

JobFunction = Callable[[RunContext], object]


def readable_failure(error: BaseException) -> str:
    """The one-line message a user sees for an exception raised by a job."""
    if isinstance(error, WorkbenchError):
        return str(error)
    memory = out_of_memory(error)
    if memory is not None:
        return str(memory)
    detail = str(error) or type(error).__name__
    return f"unexpected error: {type(error).__name__}: {detail}"


def _lower_thread_priority() -> None:
    """Make the calling thread nicer than the GUI thread, where the OS allows it (Linux)."""
    if not hasattr(os, "setpriority"):
        return
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), current + WORKER_NICENESS)
    except OSError:
        log.debug("could not lower the worker thread's priority", exc_info=True)


class _JobThread(QThread):
    """Runs one job; every signal carries the job's id so stale jobs can be ignored."""

    progressed = Signal(int, float, str)
    previewed = Signal(int, object)
    succeeded = Signal(int, object)
    errored = Signal(int, str)
    stopped = Signal(int)

    def __init__(
        self,
        job_id: int,
        fn: JobFunction,
        device: str,
        cancel_event: threading.Event | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self._fn = fn
        self.ctx = RunContext(
            device=device,
            on_progress=self._report,
            on_preview=self._show,
            cancel_event=cancel_event or threading.Event(),
        )
        self._last_progress = -1e9

    def _report(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self.progressed.emit(self.job_id, fraction, message)

    def _show(self, pixels: np.ndarray) -> None:
        self.previewed.emit(self.job_id, np.array(pixels, dtype=np.float32, copy=True))

    def run(self) -> None:
        _lower_thread_priority()
        try:
            self.ctx.check_cancelled()
            outcome = self._fn(self.ctx)
        except Cancelled:
            self.stopped.emit(self.job_id)
        except Exception as error:
            if self.ctx.cancelled:
                self.stopped.emit(self.job_id)
                return
            log.exception("job %d failed", self.job_id)
            self.errored.emit(self.job_id, readable_failure(error))
        else:
            if self.ctx.cancelled:
                self.stopped.emit(self.job_id)
            else:
                self.succeeded.emit(self.job_id, outcome)


class JobRunner(QObject):
    """Runs one job at a time off the GUI thread; signals arrive on the GUI thread.

    Signals:
        started(): a job began.
        progress(float, str): fraction in [0, 1] and a message.
        preview(object): an H×W×C float32 array (a copy made on the worker side).
        finished(object): the job's return value.
        failed(str): a readable one-line message (the traceback goes to the log).
        cancelled(): the job stopped because it was cancelled.
        idle(): no job is running any more (after finished, failed or cancelled).
    """

    started = Signal()
    progress = Signal(float, str)
    preview = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._next_id = 0
        self._current: _JobThread | None = None
        self._threads: set[_JobThread] = set()

    def start(
        self, fn: JobFunction, device: str = "auto", cancel_event: threading.Event | None = None
    ) -> None:
        """Run ``fn(ctx)`` in a new worker thread, cancelling any job still running.

        ``cancel_event`` becomes the context's: a job built beforehand around a context of its own
        (a plug-and-play denoiser's) is cancelled with it.
        """
        self.cancel()
        self._next_id += 1
        thread = _JobThread(self._next_id, fn, device, cancel_event)
        thread.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        thread.previewed.connect(self._on_preview, Qt.ConnectionType.QueuedConnection)
        thread.succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        thread.errored.connect(self._on_errored, Qt.ConnectionType.QueuedConnection)
        thread.stopped.connect(self._on_stopped, Qt.ConnectionType.QueuedConnection)
        thread.finished.connect(self._forget_finished_threads, Qt.ConnectionType.QueuedConnection)
        self._threads.add(thread)
        self._current = thread
        thread.start()
        self.started.emit()

    def cancel(self) -> None:
        """Ask the running job to stop at its next progress check; returns at once."""
        if self._current is not None:
            self._current.ctx.cancel()

    def is_running(self) -> bool:
        """True while the current job has not yet reported its outcome."""
        return self._current is not None

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every job and wait for the threads to end; False if one is still running after the wait."""
        self.cancel()
        for thread in list(self._threads):
            thread.ctx.cancel()
        deadline = time.monotonic() + timeout_ms / 1000.0
        all_joined = True
        for thread in list(self._threads):
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            if thread.wait(remaining):
                self._threads.discard(thread)
            else:
                all_joined = False
                log.warning("job %d did not stop within %d ms", thread.job_id, timeout_ms)
        if all_joined:
            self._current = None
        return all_joined

    def _is_current(self, job_id: int) -> bool:
        return self._current is not None and self._current.job_id == job_id

    @Slot(int, float, str)
    def _on_progress(self, job_id: int, fraction: float, message: str) -> None:
        if self._is_current(job_id) and not self._current.ctx.cancelled:
            self.progress.emit(fraction, message)

    @Slot(int, object)
    def _on_preview(self, job_id: int, pixels: object) -> None:
        if self._is_current(job_id) and not self._current.ctx.cancelled:
            self.preview.emit(pixels)

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, outcome: object) -> None:
        if self._is_current(job_id):
            self._current = None
            self.finished.emit(outcome)
            self.idle.emit()

    @Slot(int, str)
    def _on_errored(self, job_id: int, message: str) -> None:
        if self._is_current(job_id):
            self._current = None
            self.failed.emit(message)
            self.idle.emit()

    @Slot(int)
    def _on_stopped(self, job_id: int) -> None:
        if self._is_current(job_id):
            self._current = None
            self.cancelled.emit()
            self.idle.emit()

    @Slot()
    def _forget_finished_threads(self) -> None:
        for thread in [thread for thread in self._threads if thread.isFinished()]:
            thread.wait()
            self._threads.discard(thread)
            thread.deleteLater()


class JobOwner(Protocol):
    """What owns a runner hears how each of its jobs ended, on the GUI thread."""

    def job_finished(self, outcome: object) -> None:
        """The job returned ``outcome``."""

    def job_failed(self, message: str) -> None:
        """The job raised; ``message`` is one readable line."""

    def job_cancelled(self) -> None:
        """The job stopped because it was cancelled."""


def owned_runner(owner: JobOwner, runner: JobRunner | None = None) -> JobRunner:
    """``runner`` (or a new one, a child of ``owner`` when that is a QObject) with its finished,
    failed and cancelled signals connected to ``owner``'s three methods."""
    runner = runner or JobRunner(owner if isinstance(owner, QObject) else None)
    runner.finished.connect(owner.job_finished)
    runner.failed.connect(owner.job_failed)
    runner.cancelled.connect(owner.job_cancelled)
    return runner
