"""The Result of a live run's kept output, scored like a method's, for the window's history."""

from __future__ import annotations

from typing import Any

import numpy as np

from workbench.core.pipeline import Result, score
from workbench.core.problem import Problem


def kept_result(
    problem: Problem,
    pixels: np.ndarray,
    method: str,
    params: dict[str, Any],
    seconds: float,
    extras: dict[str, Any] | None = None,
) -> Result:
    """A Result of H×W×C ``pixels`` (float32 in [0, 1]) solving ``problem``: the observation's
    metadata, PSNR and SSIM against the reference when there is one of the same shape."""
    result = Result(problem.observed.with_pixels(pixels), method, params, seconds, extras=dict(extras or {}))
    if problem.reference is not None:
        result.psnr, result.ssim = score(pixels, problem.reference.pixels)
    return result


def describe_problem(problem: Problem) -> str:
    """'Denoising, 256×256': the task and the observation's size, for captions."""
    return f"{problem.task.title}, {problem.observed.width}×{problem.observed.height}"
