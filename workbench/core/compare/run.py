"""Running a comparison: each method in turn under one progress bar and one cancel flag."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import pipeline, registry
from ..errors import Cancelled, WorkbenchError, out_of_memory
from ..jobs import RunContext
from ..problem import Problem
from ..result import Result, score
from .maps import error_map, removed_noise, removed_structure
from .plan import MethodRun, check_plan


@dataclass
class Comparison:
    """The results of several methods on one problem, in the order they ran.

    Attributes:
        problem: the observation (and reference, when known) every method was given.
        results: one Result per method that finished.
        failed: (method, the one-line reason) of each method that failed in a run told to keep
            going; empty otherwise.
    """

    problem: Problem
    results: list[Result]
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def baseline(self) -> Result | None:
        """The BM3D result the gains are measured against (CBM3D first for colour inputs), or None."""
        order = ("cbm3d", "bm3d") if self.problem.observed.is_color else ("bm3d", "cbm3d")
        by_name = {result.method: result for result in self.results}
        return next((by_name[name] for name in order if name in by_name), None)

    def gain(self, result: Result) -> float | None:
        """PSNR of ``result`` minus PSNR of the baseline in dB; None without a reference or baseline."""
        base = self.baseline
        if base is None or result.psnr is None or base.psnr is None:
            return None
        if math.isinf(result.psnr) or math.isinf(base.psnr):
            return None
        return result.psnr - base.psnr

    def error_maps(self) -> dict[str, np.ndarray] | None:
        """Per method, |result - reference| averaged over channels (H×W, [0, 1]); None without a reference."""
        reference = self.problem.reference
        if reference is None:
            return None
        return {
            result.method: error_map(result.image.pixels, reference.pixels)
            for result in self.results
            if result.image.pixels.shape == reference.pixels.shape
        }

    def noise_maps(self) -> dict[str, np.ndarray] | None:
        """Per method, input - result averaged over channels (H×W, [-1, 1]); None when sizes differ."""
        observed = self.problem.observed.pixels
        maps = {
            result.method: removed_noise(observed, result.image.pixels)
            for result in self.results
            if result.image.pixels.shape == observed.shape
        }
        return maps or None

    def structure_maps(self) -> dict[str, np.ndarray] | None:
        """Per method, :func:`removed_structure` (H×W, [-1, 1]); None when sizes differ."""
        observed = self.problem.observed.pixels
        maps = {
            result.method: removed_structure(observed, result.image.pixels)
            for result in self.results
            if result.image.pixels.shape == observed.shape
        }
        return maps or None

    def input_psnr(self) -> tuple[float | None, float | None]:
        """(PSNR, SSIM) of the observation itself against the reference, when both have one size."""
        if self.problem.reference is None:
            return None, None
        return score(self.problem.observed.pixels, self.problem.reference.pixels)


def run_comparison(
    problem: Problem,
    runs: Sequence[MethodRun],
    ctx: RunContext | None = None,
    on_result: Callable[[Result], None] | None = None,
    keep_going: bool = False,
    estimate: bool = False,
    tune: str | None = None,
) -> Comparison:
    """Run each method in turn on ``problem``.

    Progress goes to ``ctx`` as one fraction over the whole comparison (method
    ``i`` of ``n`` covers ``[i/n, (i+1)/n]``) with messages like
    ``"nlm (2/3): ..."``; previews pass through; cancelling ``ctx`` stops the
    method that is running and the comparison. ``on_result`` gets each result as its method
    finishes (so that a caller can keep the finished ones of a cancelled comparison).
    With ``keep_going``, a method that fails (a WorkbenchError other than Cancelled, or running
    out of memory) is recorded in :attr:`Comparison.failed` and the next one runs.
    With ``estimate``, each result gets an estimated PSNR (one more run of each method); with
    ``tune`` (a criterion of :mod:`workbench.core.quality.tune`), each method that has tunable
    parameters is tuned first (the others run as given, noted in ``extras["tuned"]``).

    Raises:
        ParameterError: see :func:`check_plan` (raised before any method runs).
        Cancelled: the context was cancelled.
        WorkbenchError: a method failed and ``keep_going`` is False.
    """
    ctx = ctx or RunContext()
    resolved = check_plan(problem, runs)
    results: list[Result] = []
    failed: list[tuple[str, str]] = []
    count = len(runs)
    for index, run in enumerate(runs):
        label = f"{run.method} ({index + 1}/{count})"
        ctx.progress(index / count, label)
        child = RunContext(
            device=ctx.device,
            on_progress=_scaled_progress(ctx, index, count, label),
            on_preview=ctx.on_preview,
            preview_interval=ctx.preview_interval,
            cancel_event=ctx.cancel_event,
        )
        try:
            results.append(run_one(problem, run.method, resolved[run.method], child, estimate, tune))
        except Cancelled:
            raise
        except (WorkbenchError, MemoryError, RuntimeError) as error:
            reason = _failure(error)
            if not keep_going or reason is None:
                raise
            failed.append((run.method, reason))
            continue
        if on_result is not None:
            on_result(results[-1])
    ctx.progress(1.0, "comparison done")
    return Comparison(problem, results, failed)


def run_one(
    problem: Problem,
    method: str,
    values: dict,
    ctx: RunContext,
    estimate: bool = False,
    tune: str | None = None,
) -> Result:
    """One method's result: tuned first when ``tune`` names a criterion and the method has
    tunable parameters, with an estimated PSNR when ``estimate``."""
    from ..quality.tune import restore_tuned, tunable

    if tune is not None and tunable(registry.get(method)):
        return restore_tuned(problem, method, values, tune, ctx, estimate)
    result = pipeline.restore(problem, method, values, ctx, estimate=estimate)
    if tune is not None:
        result.extras["tuned"] = "no tunable parameter"
    return result


def _failure(error: BaseException) -> str | None:
    """The one-line reason of a method's failure a comparison can go on after, else None (a bug)."""
    if isinstance(error, WorkbenchError):
        return str(error)
    memory = out_of_memory(error)
    return None if memory is None else str(memory)


def _scaled_progress(ctx: RunContext, index: int, count: int, label: str) -> Callable[[float, str], None]:
    def report(fraction: float, message: str) -> None:
        text = f"{label}: {message}" if message else label
        ctx.progress((index + fraction) / count, text)

    return report
