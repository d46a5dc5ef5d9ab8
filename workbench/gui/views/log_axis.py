"""A log-scale axis that labels only the 1, 2 and 5 multiples of each decade.

pyqtgraph labels every minor tick of a log axis that spans about one decade, and on a short plot
(the DIP page's loss and ES-WMV plots) the labels 0.1, 0.09, ... 0.02 are drawn over each other.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

LABELLED_DIGITS = (1, 2, 5)
"""Leading digits whose ticks keep their label."""


def leading_digit(log_value: float) -> int:
    """The first significant digit of 10**``log_value`` (1 to 9)."""
    digit = round(10 ** (log_value - math.floor(log_value)))
    return 1 if digit >= 10 else digit


class SparseLogAxis(pg.AxisItem):
    """An axis that, in log mode, keeps the labels of the 1, 2 and 5 ticks and blanks the others."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().logTickStrings(values, scale, spacing)
        return [
            text if leading_digit(value) in LABELLED_DIGITS else ""
            for value, text in zip(values, strings, strict=True)
        ]


def sparse_log_axes() -> dict[str, pg.AxisItem]:
    """``axisItems`` for ``addPlot``: a sparse log axis on the left."""
    return {"left": SparseLogAxis("left")}
