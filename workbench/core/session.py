"""The state the window's pages share, in one object without Qt: the session model.

The window only shows this state and changes it through the session's methods; every change is
announced on an :class:`Event` (a plain observer list), which the GUI's adapter
(:mod:`workbench.gui.session`) re-emits as Qt signals. So the state, and the rules of how it
changes (a new input clears the shown result, a chosen task reaches the problem), can be tested
without a window, and a page never has to reach into another page to learn what is open.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .history import HistoryEntry
from .image import Image
from .problem import Problem, Task
from .result import Result

NO_INPUT = "open an image first (File > Open, Ctrl+O)"


class Event:
    """An observer list: :meth:`connect` a callback, and :meth:`emit` calls every callback with
    the event's arguments, in the order they connected, on the thread that emits."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., None]] = []

    def connect(self, callback: Callable[..., None]) -> None:
        self._callbacks.append(callback)

    def emit(self, *args: object) -> None:
        for callback in list(self._callbacks):
            callback(*args)


@dataclass(frozen=True)
class MethodChoice:
    """The method selected on the Restore page and its parameter values as set there (unresolved)."""

    name: str
    values: dict[str, Any]


class Session:
    """What is open and what came of it: the problem, the results, the live network.

    Read the attributes; change them through the methods, which announce the change.

    Attributes:
        problem: the current :class:`Problem` (the observed image, the task, what is known of the
            operator: mask, kernel, scale, Bayer pattern, noise σ; and the clean reference), or
            None before an image is open.
        clean: the image a degradation starts from: the reference when there is one, else the input.
        input_caption: how captions and the history name the input, e.g. "noisy.png (512×512, 8-bit RGB)".
        same_scene: True when the input shows the scene of the one before it at another size (a
            camera RAW developed at full size after its half-size preview), so views keep their zoom.
        pending: the file name of an input on its way (a RAW being developed), else None; runs wait.
        history: every result, oldest first.
        shown: the entry the output view shows (what Export writes), or None.
        live_net: the torch network a page is optimising now (DIP, training), or None.
        method: the method selected on the Restore page, for pages that start from it, or None.

    Events (each an :class:`Event`; a callback receives what is listed):
        task_changed(task): the task changed (chosen, or that of a new input).
        input_changed(problem): a new input (opened, degraded, a reference added or dropped);
            the shown result is cleared with it.
        problem_changed(problem): after either of the two, with the problem as it now is.
        result_added(entry): a result went into the history (and is shown).
        shown_changed(entry): another entry, or None, is shown.
        live_network_changed(net): a page started to optimise ``net``.
    """

    def __init__(self, task: Task = Task.DENOISE) -> None:
        self.problem: Problem | None = None
        self.clean: Image | None = None
        self.input_caption = ""
        self.same_scene = False
        self.pending: str | None = None
        self.history: list[HistoryEntry] = []
        self.shown: HistoryEntry | None = None
        self.live_net: object | None = None
        self.method: MethodChoice | None = None
        self._task = task
        self.task_changed = Event()
        self.input_changed = Event()
        self.problem_changed = Event()
        self.result_added = Event()
        self.shown_changed = Event()
        self.live_network_changed = Event()

    @property
    def task(self) -> Task:
        """The task to solve: the problem's, or the one chosen before any image was open."""
        return self._task

    def current_problem(self) -> Problem:
        """The problem the next run solves.

        Raises:
            ParameterError: no image is open yet.
        """
        if self.problem is None:
            raise ParameterError(NO_INPUT)
        return self.problem

    def set_input(
        self,
        observed: Image,
        reference: Image | None = None,
        problem: Problem | None = None,
        caption: str = "",
        *,
        same_scene: bool = False,
    ) -> None:
        """Make ``observed`` the input and ``reference`` its clean image (None: not known).

        ``problem`` carries what a degradation knows (its task, mask, kernel, scale, σ); without
        it the input is a problem of the current task. ``caption`` names the input (its file name
        without one). The shown result is cleared; the history stays.
        """
        problem = problem or Problem(observed, task=self._task, reference=reference)
        self.problem = problem
        self.clean = reference if reference is not None else observed
        self.input_caption = caption or (Path(observed.source).name if observed.source else "input")
        self.same_scene = same_scene
        self.shown = None
        if problem.task is not self._task:
            self._task = problem.task
            self.task_changed.emit(problem.task)
        self.input_changed.emit(problem)
        self.problem_changed.emit(problem)

    def set_task(self, task: Task) -> None:
        """Solve ``task`` from now on (the open problem takes it); nothing happens when it is the same."""
        if task is self._task:
            return
        self._task = task
        if self.problem is not None:
            self.problem = dataclasses.replace(self.problem, task=task)
        self.task_changed.emit(task)
        self.problem_changed.emit(self.problem)

    def set_pending(self, name: str | None) -> None:
        """``name`` of an input on its way (a RAW developing), or None once it has arrived or failed."""
        self.pending = name

    def add_result(self, result: Result, label: str, input_caption: str) -> HistoryEntry:
        """Put ``result`` into the history and show it; returns its entry.

        ``label`` names how it was made ("BM3D", "Deep Image Prior"); ``input_caption`` what it
        was run on.
        """
        entry = HistoryEntry(result, label, input_caption)
        self.history.append(entry)
        self.result_added.emit(entry)
        self.show(entry)
        return entry

    def show(self, entry: HistoryEntry | None) -> None:
        """Show ``entry`` (one of the history's) in the output view, or no result with None."""
        self.shown = entry
        self.shown_changed.emit(entry)

    def shown_result(self) -> Result | None:
        """The result in the output view (None before the first run and after a new input)."""
        return self.shown.result if self.shown is not None else None

    def set_live_network(self, net: object) -> None:
        """A page has started to optimise ``net`` (a torch module); pages that show networks follow it."""
        self.live_net = net
        self.live_network_changed.emit(net)

    def choose_method(self, name: str | None, values: dict[str, Any]) -> None:
        """The Restore page selected method ``name`` (None: no method) with parameter ``values``."""
        self.method = MethodChoice(name, dict(values)) if name else None
