"""The Qt binding itself: a long session emits millions of signals, so emitting must not leak or
steal references (PySide6 6.12.0 drops one reference to ``True`` per ``emit()``, and the process
aborts once the count reaches zero)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    changed = Signal(object)


def test_emitting_a_signal_keeps_the_reference_counts_of_true_false_and_none():
    emitter = Emitter()
    received = []
    emitter.changed.connect(received.append)
    before = [sys.getrefcount(value) for value in (True, False, None)]
    for _ in range(500):
        emitter.changed.emit(None)
    assert len(received) == 500
    received.clear()
    after = [sys.getrefcount(value) for value in (True, False, None)]
    drift = [after_count - before_count for before_count, after_count in zip(before, after, strict=True)]
    assert all(abs(change) < 50 for change in drift), f"True/False/None reference counts moved by {drift}"
