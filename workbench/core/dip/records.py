"""What a Deep Image Prior run measures at each step and what it keeps at its end (no torch)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..live import stopped_by


@dataclass(frozen=True)
class StepRecord:
    """What one step measured.

    Attributes:
        iteration: steps done so far (1 after the first step).
        seconds: compute time of the run so far (pauses excluded).
        loss: ||A(x) - y||² averaged over the observation's samples (whatever loss is minimised).
        psnr: of the current output against the reference, dB (None without one).
        psnr_avg: of the running average against the reference, dB (None without one).
        es_stat: the ES-WMV windowed variance (None until the window has filled).
        psnr_est: the SURE-estimated PSNR of the running average, dB (None without the SURE rule).
    """

    iteration: int
    seconds: float
    loss: float
    psnr: float | None
    psnr_avg: float | None
    es_stat: float | None
    psnr_est: float | None = None


@dataclass
class DipOutcome:
    """The image a run chose and why.

    Attributes:
        pixels: float32 H×W×C in [0, 1], of the problem's output shape.
        choice: "auto_stop" (the automatic stop's pick), "average" or "last".
        description: one sentence saying which output this is.
        iterations: steps done.
        stop_reason: "cap", "auto_stop" or "user".
        es_iteration: iteration of the smallest ES-WMV statistic (None before the window filled).
        es_fired_at: iteration where ES-WMV fired (None if it did not).
        records: every step's record.
        stop_rule: the rule that fired first, "es_wmv", "discrepancy" or "sure" (None if none did).
        fired_at: the iteration where that rule fired.
    """

    pixels: np.ndarray
    choice: str
    description: str
    iterations: int
    stop_reason: str
    es_iteration: int | None
    es_fired_at: int | None
    records: list[StepRecord] = field(default_factory=list)
    stop_rule: str | None = None
    fired_at: int | None = None

    @property
    def stopped_by(self) -> str:
        """How the run ended, in words ("the iteration cap", "automatic stopping", "the user")."""
        return stopped_by(self.stop_reason)
