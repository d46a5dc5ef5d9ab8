"""Python's cyclic garbage collection, run on the GUI thread between events.

Left automatic, a collection starts inside whichever allocation crosses the threshold:
- in a worker thread, where it deletes Qt objects of the GUI thread from the wrong thread;
- inside a Qt call that holds one of Qt's signal-slot locks. PySide's ``disconnectNotify`` hook
  allocates, so a collection can start there; when it deletes a QObject guarded by the lock
  already held, the GUI thread waits on itself for ever. The test suite hung this way, now and
  then, in ``QObject::~QObject`` under pyqtgraph's re-parenting of a plot item.

:class:`GuiCollector` turns automatic collection off and collects from a timer on the GUI thread,
where no Qt lock is held, with the same per-generation thresholds the automatic collector uses.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
"""How often the GUI thread checks whether a collection is due."""


class GuiCollector(QObject):
    """Collects garbage from a GUI-thread timer while it runs; :meth:`stop` gives collection back."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()

    def due_generation(self) -> int:
        """The oldest generation whose count has passed its threshold, or -1 when none is due
        (an older generation is only due when every younger one is, as in automatic collection)."""
        due = -1
        for generation, (count, threshold) in enumerate(zip(gc.get_count(), self.thresholds, strict=True)):
            if count <= threshold:
                break
            due = generation
        return due

    def collect_due(self) -> int:
        """Collect the generations that are due; returns the number of unreachable objects found."""
        generation = self.due_generation()
        return gc.collect(generation) if generation >= 0 else 0

    def stop(self) -> None:
        """Stop the timer and turn automatic collection back on."""
        self.timer.stop()
        gc.enable()


def install(app: QObject) -> GuiCollector:
    """Collect garbage on ``app``'s thread from now on (once per application)."""
    existing = app.findChild(GuiCollector)
    return existing if existing is not None else GuiCollector(app)
