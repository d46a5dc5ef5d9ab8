"""Run a window probe script in a fresh interpreter on an offscreen screen of a given size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_probe(script: str, tmp_path: Path, width: int, height: int) -> dict:
    """The JSON report (last stdout line) of ``script`` (beside this file) run on a width×height
    offscreen screen with fresh settings in ``tmp_path``; fails the test if the script fails."""
    screens = {"screens": [{"name": "probe", "x": 0, "y": 0, "width": width, "height": height}]}
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screens))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(script)), str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
