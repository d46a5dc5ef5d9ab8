"""What a restoration produced, and the one place a :class:`Result` is assembled and scored.

Every road that ends in a restored image (a method through :func:`workbench.core.pipeline.restore`,
a kept Deep Image Prior run, a trained network applied to the open image) builds its Result with
:func:`make_result`, so that clipping, the input's loading notes and the scores against the
reference are the same for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import metrics
from .image import Image
from .problem import Problem


@dataclass
class Result:
    """A restored image and how it was made.

    Attributes:
        image: the estimate (keeps the observation's metadata and bit depth).
        method: the method's name.
        params: every parameter value used, defaults included.
        seconds: wall-clock time of the method's run.
        psnr, ssim: against the problem's reference, when it had one (dB, unitless).
        extras: method-specific facts (an estimated sigma, a stopping iteration, ...).
        psnr_est: the PSNR estimated without the reference (dB; see ``workbench.core.quality``),
            when it was asked for and the task allows it.
        notes: what was changed on the way that the user should know, one sentence each: the
            input's loading notices (alpha set aside, NaN replaced, turned upright, ...), the
            reference's (prefixed "reference: ") and the run's (a retry with smaller tiles).
    """

    image: Image
    method: str
    params: dict[str, Any]
    seconds: float
    psnr: float | None = None
    ssim: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    psnr_est: float | None = None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly record (for ``--json`` and metrics tables); "notes" when there are any."""
        record = {"method": self.method, "params": self.params, "seconds": self.seconds}
        if self.psnr is not None:
            record["psnr"] = self.psnr
            record["ssim"] = self.ssim
        if self.psnr_est is not None:
            record["psnr_est"] = self.psnr_est
        record |= self.extras
        if self.notes:
            record["notes"] = list(self.notes)
        return record


def make_result(
    problem: Problem,
    pixels: np.ndarray,
    method: str,
    params: dict[str, Any],
    seconds: float,
    extras: dict[str, Any] | None = None,
) -> Result:
    """The Result of restoring ``problem`` to ``pixels``, scored against its reference.

    Args:
        problem: what was solved; the image keeps its observation's metadata and bit depth.
        pixels: the estimate, H×W×C of ``problem.output_shape``; clipped to [0, 1] as float32.
        method: the name the result goes under (a registered method, "dip", "trained_unet", ...).
        params: every setting the run used.
        seconds: wall-clock time of the run.
        extras: run-specific facts (an estimated sigma, where a run stopped, ...).

    The notes start with the input's and the reference's loading notices; PSNR and SSIM are
    filled in when the problem has a reference of the estimate's shape.
    """
    pixels = np.clip(np.asarray(pixels, dtype=np.float32), 0.0, 1.0)
    result = Result(
        problem.observed.with_pixels(pixels),
        method,
        params,
        seconds,
        extras=dict(extras or {}),
        notes=problem_notes(problem),
    )
    if problem.reference is not None:
        result.psnr, result.ssim = score(pixels, problem.reference.pixels)
    return result


def problem_notes(problem: Problem) -> list[str]:
    """The loading notices of the problem's input, then its reference's (prefixed "reference: ")."""
    notes = list(problem.observed.notices)
    if problem.reference is not None:
        notes += [f"reference: {notice}" for notice in problem.reference.notices]
    return notes


def score(estimate: np.ndarray, reference: np.ndarray) -> tuple[float | None, float | None]:
    """(PSNR, SSIM) of ``estimate`` against ``reference``; (None, None) when shapes differ."""
    if estimate.shape != reference.shape:
        return None, None
    return metrics.psnr(estimate, reference), metrics.ssim(estimate, reference)
