"""Fixtures for the window tests: tiny image files, test-only methods registered for one test, and
garbage collection on the GUI thread as the application has it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from workbench.core import io, registry
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.params import FloatParam, IntParam, ParamSpec
from workbench.core.problem import Task
from workbench.gui.collector import GuiCollector

ALL_TASKS = frozenset(Task)


@pytest.fixture(scope="module", autouse=True)
def gui_thread_collection(qapp):
    """Each window test module runs with garbage collected on the GUI thread, as in the app."""
    collector = GuiCollector(qapp)
    yield collector
    collector.stop()
    collector.deleteLater()


def _scaled(problem, params, ctx):
    """Multiplies the observation by ``gain`` (so tests can see a parameter reach the method)."""
    ctx.progress(0.5, "scaling")
    gain = 1.0 if params["gain"] == "auto" else params["gain"]
    return np.clip(problem.observed.pixels * gain, 0, 1)


def _slow(problem, params, ctx):
    """Sleeps ``steps`` × 10 ms, reporting progress and offering a preview each step."""
    pixels = problem.observed.pixels
    for step in range(params["steps"]):
        ctx.progress(step / params["steps"], f"step {step}")
        ctx.preview(pixels * 0.5, force=step == 0)
        time.sleep(0.01)
    return pixels


def _broken(problem, params, ctx):
    raise RuntimeError("division by zero in the test method")


def _refusing(problem, params, ctx):
    raise ParameterError("parameter 'x'=3: must be between 0 and 1")


FAKE_METHODS = (
    registry.Method(
        "gui_test_scale",
        "Test scale",
        "gui_test",
        ALL_TASKS,
        ParamSpec(
            [FloatParam("gain", 1.0, "multiplier", minimum=0.0, maximum=2.0, step=0.1, allow_auto=True)]
        ),
        _scaled,
        "Multiplies the image (test method).",
    ),
    registry.Method(
        "gui_test_slow",
        "Test slow",
        "gui_test",
        ALL_TASKS,
        ParamSpec([IntParam("steps", 300, "number of 10 ms steps", minimum=1, maximum=10_000)]),
        _slow,
        "Takes steps × 10 ms (test method).",
    ),
    registry.Method("gui_test_broken", "Test broken", "gui_test", ALL_TASKS, ParamSpec(), _broken),
    registry.Method("gui_test_refusing", "Test refusing", "gui_test", ALL_TASKS, ParamSpec(), _refusing),
)


@pytest.fixture
def fake_methods(monkeypatch):
    """Registers the test methods for one test only."""
    registry.available()
    for method in FAKE_METHODS:
        monkeypatch.setitem(registry._METHODS, method.name, method)
    return {method.name: method for method in FAKE_METHODS}


def _gradient(height: int = 24, width: int = 32) -> np.ndarray:
    rows = np.linspace(0.1, 0.9, height, dtype=np.float32)[:, None, None]
    cols = np.linspace(0.2, 0.8, width, dtype=np.float32)[None, :, None]
    red, green, blue = np.broadcast_arrays(rows * cols, rows + 0 * cols, cols + 0 * rows)
    return np.concatenate([red, green, blue], axis=2).astype(np.float32)


@pytest.fixture
def image_files(tmp_path):
    """(noisy, clean) PNG paths of a 32×24 RGB image pair."""
    clean = _gradient()
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 0.05, clean.shape), 0, 1).astype(np.float32)
    clean_path = io.write_image(Image(clean), tmp_path / "clean.png")
    noisy_path = io.write_image(Image(noisy), tmp_path / "noisy.png")
    return noisy_path, clean_path


@pytest.fixture
def errors(monkeypatch):
    """Captures (title, message) of every warning dialog instead of showing it."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, message, *rest: shown.append((title, message))
    )
    return shown
