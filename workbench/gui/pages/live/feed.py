"""What a live run's worker hands to its page, without any Qt: the job and the feed.

:func:`live_job` runs a core stepper (``workbench.core.live``) on the page's worker; after each
step it puts the step's record, with the wall-clock time it arrived, into a :class:`LiveFeed`,
and a few times a second copies of the stepper's previews. The page drains the feed from a timer
on the GUI thread, so the worker never waits on the GUI and the GUI never touches the network.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from workbench.core.dip.threads import cpu_threads
from workbench.core.jobs import RunContext
from workbench.core.live import Stepper

SNAPSHOT_SECONDS = 0.3
"""How often the worker copies the stepper's previews for the page."""


@dataclass
class Drained:
    """What came since the page last looked: records with their arrival times (``time.monotonic``),
    and the newest previews (None when none came)."""

    records: list = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    previews: tuple[np.ndarray, ...] | None = None


class LiveFeed:
    """Records and previews from the worker to the GUI, behind a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = Drained()
        self._last_snapshot = -1e9

    def push(self, record: object, stepper: Stepper) -> None:
        """Worker side: add ``record``; copy the previews when ``SNAPSHOT_SECONDS`` have passed."""
        now = time.monotonic()
        previews = None
        if now - self._last_snapshot >= SNAPSHOT_SECONDS:
            self._last_snapshot = now
            previews = stepper.previews()
        with self._lock:
            self._waiting.records.append(record)
            self._waiting.times.append(now)
            if previews:
                self._waiting.previews = previews

    def snapshot(self, stepper: Stepper) -> None:
        """Worker side: copy the previews now (when the run ends, so the page shows its last state)."""
        previews = stepper.previews()
        if previews:
            with self._lock:
                self._waiting.previews = previews

    def take(self) -> Drained:
        """GUI side: everything since the last call."""
        with self._lock:
            drained, self._waiting = self._waiting, Drained()
        return drained


def live_job(stepper: Stepper, feed: LiveFeed, threads: int = 0):
    """The worker function: run ``stepper`` to its end (core loop), feeding ``feed``; torch uses
    ``threads`` CPU threads meanwhile (0 = leave its setting). Returns the stepper's outcome."""

    def run(ctx: RunContext) -> object:
        with cpu_threads(threads):
            try:
                return stepper.run(ctx, lambda record: feed.push(record, stepper))
            finally:
                feed.snapshot(stepper)

    return run
