"""Shared fixtures. Qt ones: an isolated settings file and a main window whose jobs are joined at teardown.

``WORKBENCH_TEST_THREADS=N`` runs torch on N CPU threads (default 1) in the tests that take the
``torch_threads`` fixture (DIP and training), so that their margins can be checked on another
thread count: a result that holds on one thread only is a test that depends on one float path.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEST_THREADS_VARIABLE = "WORKBENCH_TEST_THREADS"


def pytest_collection_modifyitems(config, items):
    """Skip the tests marked ``cuda`` when torch sees no CUDA GPU (torch loads only if one is marked)."""
    marked = [item for item in items if item.get_closest_marker("cuda")]
    if not marked:
        return
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="no CUDA GPU")
    for item in marked:
        item.add_marker(skip)


@pytest.fixture
def torch_threads():
    """Torch on ``WORKBENCH_TEST_THREADS`` CPU threads (default 1) during the test; yields the count."""
    import torch

    count = int(os.environ.get(TEST_THREADS_VARIABLE, "1"))
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    yield count
    torch.set_num_threads(previous)


@pytest.fixture
def qt_settings(tmp_path):
    """A QSettings in an INI file under tmp_path, so tests never read or write the user's settings."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "workbench.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def main_window(qtbot, qt_settings):
    """An empty MainWindow; at teardown every job thread must have stopped and been joined."""
    from workbench.gui.shell.main_window import MainWindow

    window = MainWindow(settings=qt_settings)
    qtbot.addWidget(window)
    yield window
    assert window.restore.runner.shutdown(5000), "a job thread was still running after 5 s"
    assert not window.restore.runner.is_running()


@pytest.fixture
def register_for_test(monkeypatch):
    """A function registering a method for this test only (the real catalogue is loaded first)."""
    from workbench.core import registry

    registry.available()

    def register(method):
        monkeypatch.setitem(registry._METHODS, method.name, method)
        return method.name

    return register
