"""The session's Qt face: the core :class:`~workbench.core.session.Session` re-emitted as signals.

The state lives in the Qt-free model (``model``); this adapter only turns its events into Qt
signals, so that a page can connect a slot (disconnected when the page goes) and follow the
problem the one way every page follows it: :meth:`QtSession.follow_problem`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from workbench.core.image import Image
from workbench.core.problem import Problem
from workbench.core.session import Session


class QtSession(QObject):
    """Signals for the events of ``model`` (same names and arguments; see :class:`Session`).

    Signals:
        task_changed(object): the Task.
        input_changed(object): the new input's Problem.
        problem_changed(object): the Problem as it now is (after a new input or a new task).
        result_added(object), shown_changed(object): a HistoryEntry (shown_changed: or None).
        live_network(object): the torch network a page started to optimise.
    """

    task_changed = Signal(object)
    input_changed = Signal(object)
    problem_changed = Signal(object)
    result_added = Signal(object)
    shown_changed = Signal(object)
    live_network = Signal(object)

    def __init__(self, model: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        model.task_changed.connect(self.task_changed.emit)
        model.input_changed.connect(self.input_changed.emit)
        model.problem_changed.connect(self.problem_changed.emit)
        model.result_added.connect(self.result_added.emit)
        model.shown_changed.connect(self.shown_changed.emit)
        model.live_network_changed.connect(self.live_network.emit)

    def follow_problem(self, receive: Callable[[Problem | None], None]) -> None:
        """Call ``receive`` with the problem (None without an image) now and after every change
        of input or task: how every page keeps to what is open."""
        self.problem_changed.connect(receive)
        receive(self.model.problem)

    def follow_image(self, receive: Callable[[Image | None], None]) -> None:
        """Call ``receive`` with the observed image (None without one) now and after every new
        input, for a page that looks at the picture only (a new task does not call it)."""
        self.input_changed.connect(lambda problem: receive(problem.observed))
        receive(self.model.problem.observed if self.model.problem is not None else None)
