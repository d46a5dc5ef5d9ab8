"""Start-up stays light: the command line, the catalogue and a classical restore load no heavy library.

Each check runs in a fresh interpreter (this test process has imported torch long ago) and reads
``sys.modules`` at the end, so a module-level ``import torch`` anywhere on the path fails it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from workbench.core import io
from workbench.core.image import Image

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "scipy.stats", "scipy.ndimage", "skimage", "bm3d", "rawpy", "tifffile", "pywt", "PySide6")


def _loaded_after(code: str) -> list[str]:
    """The HEAVY modules loaded once ``code`` has run in a new interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_cli_parser_and_the_catalogue_load_without_torch_or_scipy():
    code = (
        "from workbench.cli import build_parser\n"
        "from workbench.core import registry\n"
        "from workbench.core.problem import Task\n"
        "build_parser()\n"
        "registry.prepare('gaussian', {}, Task.DENOISE)\n"
    )
    assert _loaded_after(code) == []


def test_workbench_help_loads_no_heavy_library():
    code = (
        "from workbench.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0\n"
    )
    assert _loaded_after(code) == []


def test_a_gaussian_restore_of_a_png_loads_no_heavy_library(tmp_path):
    pixels = np.random.default_rng(0).random((16, 16, 3), dtype=np.float32)
    source = io.write_image(Image(pixels), tmp_path / "in.png")
    target = tmp_path / "out.png"
    code = (
        "from workbench.cli import main\n"
        f"assert main(['restore', {str(source)!r}, '-o', {str(target)!r}, '-m', 'gaussian']) == 0\n"
    )
    assert _loaded_after(code) == []
    assert target.is_file()


def test_the_light_name_lists_match_the_modules_they_stand_for():
    from workbench.core.models import ARCHITECTURES
    from workbench.core.train import setup, trainer
    from workbench.core.train.choices import ARCHITECTURE_NAMES, MODES, OPTIMIZERS

    assert tuple(sorted(ARCHITECTURES)) == ARCHITECTURE_NAMES
    assert setup.MODES is MODES and trainer.OPTIMIZERS is OPTIMIZERS
