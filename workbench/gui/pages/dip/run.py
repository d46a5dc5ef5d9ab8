"""A Deep Image Prior run's curves as the window's DIP page draws them, without any Qt.

The page drains its live feed (``workbench.gui.pages.live.feed``) on the GUI thread into a run's
:class:`RunCurves`; earlier runs' curves stay for drawing under the current one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.core.dip import StepRecord


@dataclass
class RunCurves:
    """The curves of one run, as plotted."""

    label: str
    iterations: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    psnr: list[float] = field(default_factory=list)
    psnr_avg: list[float] = field(default_factory=list)
    psnr_est: list[float] = field(default_factory=list)
    es_iterations: list[int] = field(default_factory=list)
    es_stat: list[float] = field(default_factory=list)
    fired_at: int | None = None
    stop_rule: str | None = None
    noise_floor: float | None = None
    average_from: int = 0
    """The first iteration at which the running average is shown (``core.dip.averaging.averaging_steps``)."""
    es_window: int = 0
    """The ES-WMV window W in steps: its statistic has no value before W steps (0: not known)."""

    def average_shown(self, iteration: int) -> bool:
        """True once the running average at ``iteration`` is worth showing."""
        return iteration >= self.average_from

    def shown_average(self) -> np.ndarray:
        """The average's PSNR per iteration, NaN (not drawn) before ``average_from``."""
        average = np.asarray(self.psnr_avg, dtype=float)
        average[np.asarray(self.iterations) < self.average_from] = np.nan
        return average

    def extend(self, records: list[StepRecord]) -> None:
        for record in records:
            self.iterations.append(record.iteration)
            self.loss.append(max(record.loss, 1e-12))
            self.psnr.append(np.nan if record.psnr is None else record.psnr)
            self.psnr_avg.append(np.nan if record.psnr_avg is None else record.psnr_avg)
            self.psnr_est.append(np.nan if record.psnr_est is None else record.psnr_est)
            if record.es_stat is not None:
                self.es_iterations.append(record.iteration)
                self.es_stat.append(max(record.es_stat, 1e-12))
