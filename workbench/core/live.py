"""Live runs: the one protocol of work that goes a step at a time, and the one loop that drives it.

A Deep Image Prior fit, a training run and a plug-and-play solver are all *steppers*: each
``step()`` does one unit of work (an Adam step, an optimiser step on a batch, a data step and a
denoising step) and returns a record of what it measured. Between two steps a stepper can be

* paused and resumed (:meth:`LiveControls.pause`, :meth:`LiveControls.resume`),
* stopped and kept (:meth:`LiveControls.stop`): the run ends after the current step and its
  outcome is built from the state it reached, as if it had ended by itself,
* cancelled (through the :class:`~workbench.core.jobs.RunContext`, also while paused): the
  loop raises ``Cancelled`` and nothing is kept.

All three calls are safe from another thread than the one stepping (the window's GUI thread
against its worker). :func:`run` is the loop: the CLI and the methods call it directly, the
window's pages call it in a QThread worker (``workbench.gui.pages.live``), the tests in a plain
thread. A stepper ends by itself when ``end_reason()`` names why ("cap", "auto_stop", "done").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np

from .jobs import RunContext

STOP_REASONS = {
    "cap": "the iteration cap",
    "auto_stop": "automatic stopping",
    "done": "the end of its schedule",
    "user": "the user",
}
"""How a run ended (an outcome's ``stop_reason``), in words."""

HOLD_POLL_S = 0.05
"""How often a paused run checks whether it was cancelled, seconds."""

RecordT = TypeVar("RecordT", covariant=True)
OutcomeT = TypeVar("OutcomeT", covariant=True)


def stopped_by(reason: str) -> str:
    """``reason`` ("cap", "auto_stop", "done", "user") in words, e.g. "the iteration cap"."""
    return STOP_REASONS.get(reason, reason)


@runtime_checkable
class Stepper(Protocol[RecordT, OutcomeT]):
    """What a live run offers its loop and its window.

    Attributes:
        records: every step's record so far, oldest first.
        preview_each_step: offer a preview after every step, not only when the context's throttle
            allows (for steppers whose steps take long and each change the picture).
    """

    records: list
    preview_each_step: bool

    def step(self) -> RecordT:
        """Do one step; return what it measured."""

    def end_reason(self) -> str | None:
        """Why the run is over by itself ("cap", "auto_stop", "done"), or None while it goes on."""

    @property
    def progress(self) -> float:
        """Fraction of the run done, in [0, 1]."""

    def describe(self, record: RecordT) -> str:
        """One line about a step for a progress display."""

    def previews(self) -> tuple[np.ndarray, ...]:
        """The pictures a window shows now, each float32 H×W×C in [0, 1] (empty before any)."""

    def outcome(self, stop_reason: str) -> OutcomeT:
        """What the run keeps now, ended for ``stop_reason``."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...

    @property
    def paused(self) -> bool: ...

    @property
    def stop_requested(self) -> bool: ...

    def hold(self, ctx: RunContext) -> None: ...

    def run(self, ctx: RunContext | None = None, on_record: Callable[[Any], None] | None = None) -> OutcomeT:
        """Step to the end (see :func:`run`)."""


class LiveControls:
    """Pause, resume and stop-and-keep between steps, for a stepper to inherit.

    The flags are ``threading.Event`` objects: a GUI thread may set them while a worker steps.
    """

    preview_each_step = False

    def __init__(self) -> None:
        self._resume = threading.Event()
        self._resume.set()
        self._stop = threading.Event()

    def pause(self) -> None:
        """Hold the run before its next step."""
        self._resume.clear()

    def resume(self) -> None:
        """Let a paused run go on."""
        self._resume.set()

    def stop(self) -> None:
        """End the run after the current step and keep what it has (stop and keep); also un-pauses."""
        self._stop.set()
        self._resume.set()

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def hold(self, ctx: RunContext) -> None:
        """Wait while paused; raise Cancelled when ``ctx`` is cancelled (paused or not)."""
        while not self._resume.wait(HOLD_POLL_S):
            ctx.check_cancelled()
        ctx.check_cancelled()

    def run(self, ctx: RunContext | None = None, on_record: Callable[[Any], None] | None = None):
        """Step to the end, a stop or a cancellation (see :func:`run`); returns the outcome."""
        return run(self, ctx, on_record)


def run(
    stepper: Stepper[RecordT, OutcomeT],
    ctx: RunContext | None = None,
    on_record: Callable[[RecordT], None] | None = None,
) -> OutcomeT:
    """The loop: step until the stepper ends by itself or is stopped, then return its outcome.

    Before each step it waits while the stepper is paused; after each it hands the record to
    ``on_record``, reports progress and offers the first preview through ``ctx`` (throttled by
    the context unless the stepper previews each step). The last report says how it ended.

    Raises:
        Cancelled: ``ctx`` was cancelled before the run ended (nothing is kept).
    """
    ctx = ctx or RunContext()
    while True:
        reason = stepper.end_reason()
        if reason is not None:
            break
        stepper.hold(ctx)
        if stepper.stop_requested:
            reason = "user"
            break
        record = stepper.step()
        if on_record is not None:
            on_record(record)
        ctx.progress(stepper.progress, stepper.describe(record))
        if ctx.on_preview is not None and (stepper.preview_each_step or ctx.wants_preview()):
            pictures = stepper.previews()
            if pictures:
                ctx.preview(pictures[0], force=True)
    if ctx.on_progress is not None:
        ctx.on_progress(1.0, f"stopped by {stopped_by(reason)} after {len(stepper.records)} steps")
    return stepper.outcome(reason)
