"""Run one method on one problem and collect what the user needs to know about the run."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import memory, metrics, registry
from .image import Image
from .jobs import RunContext
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
        psnr_est: the PSNR estimated without the reference (dB; see ``workbench.core.quality``),
            when it was asked for and the task allows it.
        extras: method-specific facts (an estimated sigma, a stopping iteration, ...).
    """

    image: Image
    method: str
    params: dict[str, Any]
    seconds: float
    psnr: float | None = None
    ssim: float | None = None
    psnr_est: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly record (for ``--json`` and metrics tables)."""
        record = {"method": self.method, "params": self.params, "seconds": self.seconds}
        if self.psnr is not None:
            record["psnr"] = self.psnr
            record["ssim"] = self.ssim
        if self.psnr_est is not None:
            record["psnr_est"] = self.psnr_est
        return record | self.extras


def restore(
    problem: Problem,
    method_name: str,
    values: Mapping[str, Any] | None = None,
    ctx: RunContext | None = None,
    estimate: bool = False,
) -> Result:
    """Validate the parameters, run the method, time it and score it against the reference.

    With ``estimate``, also estimate its PSNR without the reference (one more run of the method;
    see :func:`workbench.core.quality.estimate.estimate_psnr`).

    Raises:
        ParameterError: unknown method, bad parameter, a task the method does not
            solve, or a problem missing what its task needs.
        Cancelled: the context was cancelled during the run.
        OutOfMemory: the result's buffers alone would not fit in the memory there is.
    """
    method = registry.get(method_name)
    params = registry.prepare(method.name, values, problem.task)
    problem.require()
    require_result_fits(problem, method.name)
    ctx = ctx or RunContext()
    ctx.notes.clear()
    start = time.perf_counter()
    pixels = method.run(problem, params, ctx)
    seconds = time.perf_counter() - start
    pixels = np.clip(np.asarray(pixels, dtype=np.float32), 0.0, 1.0)
    image = problem.observed.with_pixels(pixels)
    result = Result(image, method.name, params, seconds, extras=dict(ctx.notes))
    if problem.reference is not None:
        result.psnr, result.ssim = score(pixels, problem.reference.pixels)
    if estimate:
        from .quality.estimate import estimate_psnr

        estimate_psnr(problem, result, ctx)
    return result


def require_result_fits(problem: Problem, method_name: str) -> None:
    """Refuse, before anything is allocated, a result whose whole-image buffers (see
    ``memory.IMAGE_COPIES``) exceed the memory there is (e.g. ``--scale 100000``)."""
    height, width = problem.output_shape
    channels = problem.observed.channels
    memory.require_fits(
        memory.image_bytes(height, width, channels, memory.IMAGE_COPIES),
        f"{method_name} with a {width}x{height}x{channels} result",
        "choose a smaller scale or a crop of the image",
    )


def score(estimate: np.ndarray, reference: np.ndarray) -> tuple[float | None, float | None]:
    """(PSNR, SSIM) of ``estimate`` against ``reference``; (None, None) when shapes differ."""
    if estimate.shape != reference.shape:
        return None, None
    return metrics.psnr(estimate, reference), metrics.ssim(estimate, reference)
