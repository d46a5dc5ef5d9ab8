"""The plug-and-play page's noise-level axis: a log axis labelled at round values over its range.

The DPIR schedule falls from 49/255 to the observation's noise level (often 1 to 10/255), about
one decade, where pyqtgraph's log axis labels a single power of ten. This axis puts its ticks on
the densest series of round values (1-1.5-2-3-4-5-6-8, 1-2-3-5-7, 1-2-5, 1-3 or the powers of ten
per decade) whose labels stay ``MIN_GAP`` pixels apart, preferring one that shows two labels or
more, and reads them as plain numbers (2, 5, 10, 20, 0.5).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

SERIES = ((1, 1.5, 2, 3, 4, 5, 6, 8), (1, 2, 3, 5, 7), (1, 2, 5), (1, 3), (1,))
"""Leading values per decade of the tick series, densest first."""
MIN_GAP = 16
"""The closest two labels may be, in pixels."""


def series_ticks(low: float, high: float, digits: tuple[float, ...]) -> list[float]:
    """The log10 values of ``digits`` × 10^k that lie in [``low``, ``high``] (log10 units)."""
    values = [
        math.log10(digit) + power
        for power in range(math.floor(low) - 1, math.ceil(high) + 1)
        for digit in digits
    ]
    return [value for value in values if low - 1e-9 <= value <= high + 1e-9]


def level_ticks(low: float, high: float, pixels: float) -> list[float]:
    """Tick positions (log10 units) for an axis from ``low`` to ``high`` that is ``pixels`` long: the
    densest series whose ticks are ``MIN_GAP`` apart, one with two ticks or more when one is; on an
    axis too short even for every power of ten, every second, third, ... power."""
    pixels_per_decade = pixels / max(high - low, 1e-9)
    spaced = []
    for digits in SERIES:
        values = series_ticks(low, high, digits)
        if len(values) < 2 or np.min(np.diff(values)) * pixels_per_decade >= MIN_GAP:
            spaced.append(values)
    if not spaced:
        every = math.ceil(MIN_GAP / pixels_per_decade)
        return [value for value in series_ticks(low, high, (1,)) if round(value) % every == 0]
    return next((values for values in spaced if len(values) >= 2), max(spaced, key=len))


def level_label(log_value: float) -> str:
    """10**``log_value`` as a short plain number: "2", "1.5", "20", "0.5"."""
    return f"{round(10**log_value, 6):g}"


class LevelAxis(pg.AxisItem):
    """A left axis that, in log mode, ticks and labels the values :func:`level_ticks` chooses."""

    def __init__(self) -> None:
        super().__init__("left")

    def logTickValues(self, minVal: float, maxVal: float, size: float, stdTicks: list) -> list:
        return [(None, level_ticks(minVal, maxVal, size))]

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [level_label(value) for value in values]
