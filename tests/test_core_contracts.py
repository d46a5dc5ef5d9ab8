"""Project-wide contracts: the core never imports Qt, every package is installed, conversions hold."""

from __future__ import annotations

import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest

from workbench.core import image as image_module
from workbench.core.errors import Cancelled, ParameterError
from workbench.core.jobs import RunContext, resolve_device

ROOT = Path(__file__).resolve().parents[1]


def test_core_and_cli_import_without_qt():
    code = (
        "import importlib, pkgutil, sys, workbench.core, workbench.cli\n"
        "for info in pkgutil.walk_packages(workbench.core.__path__, 'workbench.core.'):\n"
        "    importlib.import_module(info.name)\n"
        "workbench.cli.build_parser()\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in qt)\n"
        "print(','.join(leaked))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


def test_the_method_catalogue_loads_without_torch_or_bm3d():
    code = (
        "import sys\n"
        "from workbench.core import registry\n"
        "names = [method.name for method in registry.available()]\n"
        "heavy = sorted(m for m in ('torch', 'bm3d') if m in sys.modules)\n"
        "print(len(names), ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    count, heavy = done.stdout.split(" ")
    assert int(count) > 10
    assert heavy.strip() == "", "the window's method list would wait for these imports at start"


def test_every_package_is_listed_for_installation():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "workbench").rglob("__init__.py")
    }
    assert found <= listed, f"missing from pyproject packages: {sorted(found - listed)}"


def test_uint_round_trips_are_exact():
    samples8 = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    samples16 = np.arange(0, 65536, 257, dtype=np.uint16).reshape(16, 16, 1)
    assert np.array_equal(image_module.to_uint8(image_module.from_uint(samples8)), samples8)
    assert np.array_equal(image_module.to_uint16(image_module.from_uint(samples16)), samples16)


def test_tensor_round_trip_keeps_layout():
    pixels = np.random.default_rng(0).random((5, 7, 3)).astype(np.float32)
    tensor = image_module.to_tensor(pixels)
    assert tuple(tensor.shape) == (1, 3, 5, 7)
    assert np.array_equal(image_module.from_tensor(tensor), pixels)


def test_image_gains_a_channel_axis_and_rejects_bad_shapes():
    assert image_module.Image(np.zeros((4, 5))).pixels.shape == (4, 5, 1)
    with pytest.raises(ValueError):
        image_module.Image(np.zeros((4, 5, 2)))


def test_progress_raises_once_cancelled_from_another_thread():
    ctx = RunContext(device="cpu")
    reports = []
    ctx.on_progress = lambda fraction, message: reports.append(fraction)
    ctx.progress(0.5)
    threading.Thread(target=ctx.cancel).start()
    ctx.cancel_event.wait(1.0)
    with pytest.raises(Cancelled):
        ctx.progress(0.6)
    assert reports == [0.5]


def test_previews_are_throttled_and_copied():
    received = []
    ctx = RunContext(on_preview=received.append, preview_interval=60.0)
    frame = np.zeros((2, 2, 1), np.float32)
    ctx.preview(frame)
    ctx.preview(frame)
    frame[:] = 1.0
    assert len(received) == 1
    assert received[0].max() == 0.0


def test_cuda_device_without_a_gpu_is_a_clear_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ParameterError, match="no CUDA GPU"):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"
