"""The Inside-the-network page with a receptive and an effective field shown keeps the window within
the screen at 1600x1000 and 1280x800, with its field view and plots inside the window (each size
on an offscreen screen of its own, in a fresh interpreter)."""

from __future__ import annotations

import pytest
from screen_probe import run_probe


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_fields_on_the_viz_page_keep_the_window_within_the_screen(tmp_path, size):
    report = run_probe("viz_fit_probe.py", tmp_path, *size)
    assert report["screen"] == list(size)
    assert report["computed"]
    steps = [entry["step"] for entry in report["seen"]]
    assert "effective field" in steps and "around the pixel" in steps
    too_large = [entry for entry in report["seen"] if entry["width"] > size[0] or entry["height"] > size[1]]
    assert too_large == []
    assert [entry["step"] for entry in report["seen"] if not entry["inside"]] == []
