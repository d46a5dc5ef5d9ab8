"""Pens of live-run curves on the plots' dark background: the current run bright and thick, the
earlier runs in a ramp of distinct warm-to-cool colours that fades with age (newest earlier run
the most opaque), so that several runs stay apart without hiding the current one."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

CURRENT = "#4dd0e1"
"""The current run: a bright cyan, apart from every colour of the ramp."""
EARLIER = ("#ffb74d", "#f06292", "#ba68c8", "#7986cb", "#aed581", "#a1887f")
"""The earlier runs, newest first; older runs than these reuse the last colour."""
NEWEST_ALPHA, OLDEST_ALPHA, ALPHA_STEP = 230, 80, 40
"""Opacity (0-255) of the newest earlier run, the floor it fades to, and the fade per run of age."""


def run_colour(age: int) -> QColor:
    """The colour of a run ``age`` runs older than the current one (0 = the current run)."""
    if age <= 0:
        return pg.mkColor(CURRENT)
    colour = pg.mkColor(EARLIER[min(age, len(EARLIER)) - 1])
    colour.setAlpha(max(OLDEST_ALPHA, NEWEST_ALPHA - ALPHA_STEP * (age - 1)))
    return colour


def run_pen(age: int, dashed: bool = False) -> QPen:
    """A pen for a run's curve: 2 px for the current run, 1 px for earlier ones; dashed on request."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.mkPen(run_colour(age), width=2 if age == 0 else 1, style=style)
