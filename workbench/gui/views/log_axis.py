"""A log-scale axis whose labels stay readable at any plot height and over any range.

pyqtgraph labels every tick of a log axis that spans about one decade, and on a short plot (the
DIP page's loss and ES-WMV plots) the labels 0.1, 0.09, ... 0.02 are drawn over each other; over
many decades it mixes "0.001" and "10⁻⁵". This axis keeps the labels of the 1, 2 and 5 ticks
when a decade has room for them, only the 1s (powers of ten) when it has not, and every second
or third power of ten on a very short or very long axis; numbers read as 0.05, 0.002 or 2e-5.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

LABELLED_DIGITS = (1, 2, 5)
"""Leading digits whose ticks keep their label when a decade is tall enough."""
PIXELS_FOR_125 = 90
"""A decade at least this many pixels tall labels its 1, 2 and 5 ticks; a shorter one its 1 only."""
PIXELS_PER_LABEL = 18
"""Labels of powers of ten are thinned so that they are at least this far apart."""


def leading_digit(log_value: float) -> int:
    """The first significant digit of 10**``log_value`` (1 to 9)."""
    digit = round(10 ** (log_value - math.floor(log_value)))
    return 1 if digit >= 10 else digit


def power_label(log_value: float) -> str:
    """10**``log_value`` as a short number: "0.05", "200", or "2e-5" outside 0.001 to 9999."""
    value = 10**log_value
    exponent = math.floor(log_value + 1e-9)
    if -3 <= exponent <= 3:
        return f"{value:.{max(0, -exponent)}f}"
    return f"{leading_digit(log_value)}e{exponent}"


def labelled(values: list[float], decade_pixels: float) -> list[bool]:
    """Which of the tick ``values`` (log10 units) keep a label when one decade is ``decade_pixels`` tall."""
    digits = LABELLED_DIGITS if decade_pixels >= PIXELS_FOR_125 else (1,)
    every = 1 if decade_pixels >= PIXELS_PER_LABEL else math.ceil(PIXELS_PER_LABEL / max(decade_pixels, 1e-9))
    keep = []
    for value in values:
        digit = leading_digit(value)
        power = round(value) if digit == 1 else None
        keep.append(digit in digits and (digit != 1 or power % every == 0))
    return keep


class SparseLogAxis(pg.AxisItem):
    """An axis that, in log mode, labels only the ticks there is room for (see the module)."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        low, high = self.range
        length = (
            self.geometry().height() if self.orientation in ("left", "right") else self.geometry().width()
        )
        decade_pixels = length / max(high - low, 1e-9)
        return [
            power_label(value) if keep else ""
            for value, keep in zip(values, labelled(values, decade_pixels), strict=True)
        ]


def sparse_log_axes() -> dict[str, pg.AxisItem]:
    """``axisItems`` for ``addPlot``: a sparse log axis on the left."""
    return {"left": SparseLogAxis("left")}
