"""Garbage collection on the GUI thread: off while the collector runs, done by its timer."""

from __future__ import annotations

import gc
import weakref

from workbench.gui.collector import GuiCollector, install


class Node:
    """An object in a reference cycle with itself, so only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def cycle() -> weakref.ref:
    return weakref.ref(Node())


def test_the_collector_turns_automatic_collection_off_and_stop_turns_it_back_on(qapp):
    collector = GuiCollector(qapp)
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
    collector.deleteLater()
    gc.disable()  # the module's collector still runs


def test_nothing_is_collected_before_a_generation_passes_its_threshold(gui_thread_collection):
    gui_thread_collection.thresholds = (10**9, 10, 10)
    ref = cycle()
    assert gui_thread_collection.due_generation() == -1
    assert gui_thread_collection.collect_due() == 0
    assert ref() is not None
    gc.collect()


def test_the_timer_collects_a_cycle_once_the_youngest_generation_is_due(gui_thread_collection, qtbot):
    gui_thread_collection.thresholds = (0, 10**9, 10**9)
    ref = cycle()
    assert gui_thread_collection.due_generation() == 0
    qtbot.waitUntil(lambda: ref() is None, timeout=5000)


def test_install_reuses_the_collector_the_application_has(qapp, gui_thread_collection):
    assert install(qapp) is gui_thread_collection
