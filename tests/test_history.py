"""History rows: what a finished run's line says about its parameters."""

from __future__ import annotations

import numpy as np

from workbench.core.history import HistoryEntry
from workbench.core.image import Image
from workbench.core.result import Result


def entry(method: str, params: dict) -> HistoryEntry:
    result = Result(Image(np.zeros((4, 4, 1), np.float32)), method, params, 0.5)
    return HistoryEntry(result, method, "input")


def test_a_registered_methods_parameters_are_shown_by_their_spec():
    text = entry("dncnn", {"weights": "", "sigma": "auto", "tile": 512}).params_text()
    assert text == "weights=shipped, sigma=auto, tile=512"


def test_an_unknown_methods_parameters_are_shown_plainly_and_none_as_defaults():
    assert entry("not-a-method", {"strength": 0.123456}).params_text() == "strength=0.1235"
    assert entry("not-a-method", {}).params_text() == "defaults"
