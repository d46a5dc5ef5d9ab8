"""The Inside-the-network page with a receptive and an effective field shown keeps the window within
the screen at 1600x1000 and 1280x800, with its field view and plots inside the window (each size
on an offscreen screen of its own, in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_viz_probe(tmp_path: Path, width: int, height: int) -> dict:
    screens = {"screens": [{"name": "probe", "x": 0, "y": 0, "width": width, "height": height}]}
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screens))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("viz_fit_probe.py")), str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_fields_on_the_viz_page_keep_the_window_within_the_screen(tmp_path, size):
    report = run_viz_probe(tmp_path, *size)
    assert report["screen"] == list(size)
    assert report["computed"]
    steps = [entry["step"] for entry in report["seen"]]
    assert "effective field" in steps and "around the pixel" in steps
    too_large = [entry for entry in report["seen"] if entry["width"] > size[0] or entry["height"] > size[1]]
    assert too_large == []
    assert [entry["step"] for entry in report["seen"] if not entry["inside"]] == []
