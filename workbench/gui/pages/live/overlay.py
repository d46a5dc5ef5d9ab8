"""A live-run page that draws each run's curves over the earlier runs': the DIP and Plug-and-play pages.

Each Start begins a new run's curves; the last run's, when it drew any, join the earlier runs
(``history``), which stay drawn under the current one in a fading colour ramp
(``views.run_colours``: the current run bright, the newest earlier run the most opaque) until
"Clear earlier runs". A page says which plots the runs are drawn on (:meth:`OverlaidRunsPage.run_plots`),
how one run is drawn at an age (:meth:`OverlaidRunsPage.draw_run`) and which plot's title counts
the earlier runs (:meth:`OverlaidRunsPage.counted_title`). The Train page keeps its own, shorter
list of earlier runs (a fixed number, with their settings in the legend) and does not use this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ...widgets.forms import push_button
from ...workers.runner import JobRunner
from .feed import Drained
from .page import LiveRunPage


class RunCurves(Protocol):
    """One run's curves as a page keeps them: the iterations drawn so far, and how records extend them."""

    iterations: list[int]

    def extend(self, records: list) -> None: ...


class OverlaidRunsPage(LiveRunPage):
    """A :class:`LiveRunPage` whose plots show the current run over the earlier ones.

    Attributes:
        curves: the current (or last) run's curves, None before the first run.
        history: the earlier runs' curves, oldest first.
        clear_button: "Clear earlier runs" (for the page's extra buttons).
    """

    def __init__(self, preview_caption: str, runner: JobRunner | None = None, parent: QWidget | None = None):
        super().__init__(preview_caption, runner, parent)
        self.curves: RunCurves | None = None
        self.history: list[RunCurves] = []
        self.clear_button = push_button("Clear earlier runs", self.clear_history)

    # ------------------------------------------------------------------ what a page gives

    def run_plots(self) -> Sequence[pg.PlotItem]:
        """The plots every run is drawn on (cleared before each redraw)."""
        raise NotImplementedError

    def draw_run(self, run: RunCurves, age: int) -> None:
        """Draw ``run``'s curves on the plots; ``age`` 0 is the current run, 1 the one before, ..."""
        raise NotImplementedError

    def counted_title(self) -> tuple[pg.PlotItem, str]:
        """The plot whose title counts the earlier runs, and that title without the count."""
        raise NotImplementedError

    # ------------------------------------------------------------------ runs

    def next_run(self) -> int:
        """Move the last run's curves (when it drew any) to the earlier runs; the next run's number
        (1 for the first run, counting the runs kept in ``history``)."""
        if self.curves is not None and self.curves.iterations:
            self.history.append(self.curves)
        return len(self.history) + 1

    def clear_history(self) -> None:
        """Forget the earlier runs' curves (the current run's stay)."""
        self.history.clear()
        self.redraw()

    def show_records(self, drained: Drained) -> None:
        """Extend the current run's curves with the records that came and redraw."""
        self.curves.extend(drained.records)
        self.redraw()

    def redraw(self) -> None:
        """Draw the earlier runs oldest first, then the current one over them; the counted title
        says how many earlier runs there are."""
        for plot in self.run_plots():
            plot.clear()
        runs = [*self.history, *([self.curves] if self.curves is not None else [])]
        for index, run in enumerate(runs):
            self.draw_run(run, len(runs) - 1 - index)
        plot, title = self.counted_title()
        earlier = f" · {len(runs) - 1} earlier run(s), fading with age" if len(runs) > 1 else ""
        plot.setTitle(f"{title}{earlier}")
