"""A Deep Image Prior run as the window's DIP page follows it, without any Qt: job, feed and curves.

:func:`dip_job` runs the stepper on the page's worker; each step's record (and, a few times a
second, copies of the current and average outputs) goes into a :class:`DipFeed`, which the page
drains on the GUI thread into a run's :class:`RunCurves`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from workbench.core.dip import DipOutcome, DipStepper, StepRecord
from workbench.core.dip.choices import DEFAULT_CPU_THREADS
from workbench.core.dip.threads import cpu_threads
from workbench.core.jobs import RunContext

SNAPSHOT_SECONDS = 0.3
"""How often the worker copies the current and average outputs for the previews."""


class DipFeed:
    """What the worker hands to the GUI: new records, the latest previews and where a stopping rule fired."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[StepRecord] = []
        self._previews: tuple[np.ndarray, np.ndarray] | None = None
        self.fired_at: int | None = None
        self.stop_rule: str | None = None
        self._last_snapshot = -1e9

    def push(self, record: StepRecord, stepper: DipStepper) -> None:
        """Worker side: add a record; copy previews when ``SNAPSHOT_SECONDS`` have passed."""
        previews = None
        now = time.monotonic()
        if now - self._last_snapshot >= SNAPSHOT_SECONDS:
            self._last_snapshot = now
            previews = (stepper.current(), stepper.average())
        with self._lock:
            self._records.append(record)
            if previews is not None:
                self._previews = previews
            self.fired_at, self.stop_rule = stepper.fired_at, stepper.stop_rule

    def take(self) -> tuple[list[StepRecord], tuple[np.ndarray, np.ndarray] | None]:
        """GUI side: the records since the last call and the newest previews (None if none came)."""
        with self._lock:
            records, self._records = self._records, []
            previews, self._previews = self._previews, None
        return records, previews


@dataclass
class RunCurves:
    """The curves of one run, as plotted."""

    label: str
    iterations: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    psnr: list[float] = field(default_factory=list)
    psnr_avg: list[float] = field(default_factory=list)
    es_iterations: list[int] = field(default_factory=list)
    es_stat: list[float] = field(default_factory=list)
    fired_at: int | None = None
    stop_rule: str | None = None
    noise_floor: float | None = None
    average_from: int = 0
    """The first iteration at which the running average is shown (see :func:`averaging_steps`)."""

    def average_shown(self, iteration: int) -> bool:
        """True once the running average at ``iteration`` is worth showing."""
        return iteration >= self.average_from

    def shown_average(self) -> np.ndarray:
        """The average's PSNR per iteration, NaN (not drawn) before ``average_from``."""
        average = np.asarray(self.psnr_avg, dtype=float)
        average[np.asarray(self.iterations) < self.average_from] = np.nan
        return average

    def extend(self, records: list[StepRecord]) -> None:
        for record in records:
            self.iterations.append(record.iteration)
            self.loss.append(max(record.loss, 1e-12))
            self.psnr.append(np.nan if record.psnr is None else record.psnr)
            self.psnr_avg.append(np.nan if record.psnr_avg is None else record.psnr_avg)
            if record.es_stat is not None:
                self.es_iterations.append(record.iteration)
                self.es_stat.append(max(record.es_stat, 1e-12))


def averaging_steps(weight: float) -> int:
    """About how many outputs a running average keeping ``weight`` of itself per step weighs
    (1 / (1 - weight): 100 at 0.99); before that many steps it mostly shows the first outputs.
    0 when there is no average (weight 0)."""
    return round(1.0 / (1.0 - weight)) if 0.0 < weight < 1.0 else 0


def dip_job(stepper: DipStepper, feed: DipFeed):
    """The worker function: run ``stepper`` to its end, feeding records and previews to ``feed``."""

    def run(ctx: RunContext) -> DipOutcome:
        with cpu_threads(DEFAULT_CPU_THREADS):
            return stepper.run(ctx, on_record=lambda record: feed.push(record, stepper))

    return run
