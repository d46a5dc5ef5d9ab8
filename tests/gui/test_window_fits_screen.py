"""The window never outgrows the screen: page switches and toggles at 1600x1000 and 1280x800,
each on an offscreen screen of that size in its own interpreter (a screen's size is fixed for
the life of the application)."""

from __future__ import annotations

import pytest
from screen_probe import run_probe


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_every_page_and_toggle_keeps_the_window_within_the_screen(tmp_path, size):
    report = run_probe("window_fit_probe.py", tmp_path, *size)
    assert report["screen"] == list(size)
    steps = [entry["step"] for entry in report["seen"]]
    assert steps[:2] == ["restore", "Compare"] and "Train" in steps
    too_large = [entry for entry in report["seen"] if entry["width"] > size[0] or entry["height"] > size[1]]
    assert too_large == []
    assert [entry for entry in report["seen"] if entry["scroll"] > 0] == [], "a page is wider than its room"
    assert report["overflow"] == [], "toolbar actions went into the >> menu"
