"""Auto-tuning: choose a method's tunable parameters by minimising a criterion on the image itself.

Criteria (all lower-is-better, on the [0, 1] scale):

- ``sure``: the SURE / Poisson–Gaussian URE estimate of the MSE (:mod:`.sure`); needs the noise
  model (known or estimated, see :func:`.estimate.noise_model`); two runs per candidate.
- ``jinv``: the J-invariant loss (:mod:`.jinv`), for noise of unknown distribution (real photos);
  one run per pass and candidate.
- ``oracle``: the true MSE against the reference, for benchmarks only; one run per candidate.

The search goes over the parameters the spec marks ``tunable``, one after the other (the others
held at their best so far), each coarse to fine: a log-spaced grid over its search range (for a
noise level given to the method, half to twice the estimated one; otherwise a quarter to four
times the current value, within the spec's range), moved outward while the best candidate sits
on an edge the spec allows to pass, then finer grids between the best candidate's neighbours. A
noise level the problem does not know, left at "auto", is searched over a wide range instead
(UNKNOWN_SIGMA_RANGE): camera noise defeats the estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import pipeline, registry
from ..errors import ParameterError
from ..jobs import RunContext
from ..params import AUTO, FloatParam, IntParam
from ..problem import Problem
from ..result import Result
from .estimate import ESTIMATE_SEED, MethodBox, can_estimate, noise_model, pin_auto
from .jinv import JInvariance, jinv_loss
from .sure import psnr_from_mse, sure_mse

CRITERIA = ("sure", "jinv", "oracle")
COARSE = 7
"""Candidates of the first grid over a parameter's search range."""
FINE = 5
"""Candidates of each finer grid (between the best candidate's neighbours, both included)."""
ROUNDS = 3
"""Finer grids after the coarse one."""
EXTENSIONS = 3
"""At most this many times the coarse grid moves outward when its best candidate is on an edge."""
SPREAD = 4.0
"""A parameter other than a noise level is searched within [value / SPREAD, value × SPREAD]."""
SIGMA_SPREAD = 2.0
"""A noise level is searched within [estimate / SIGMA_SPREAD, estimate × SIGMA_SPREAD]."""
SIGMA_FLOOR = 1.0
"""Lowest centre of a noise level's search (8-bit units), so that a search around 0 can move."""
UNKNOWN_SIGMA_RANGE = (0.5, 64.0)
"""Where a noise level left at "auto" is searched (8-bit units): the estimate reads far too low on
photos whose noise the camera has smoothed and correlated (0 to 1.1 where the true std was 2 to 4 on
PolyU/CC15 crops), and a search around it stopped in a local minimum."""


@dataclass
class Tuning:
    """The outcome of a search.

    Attributes:
        method: the method tuned.
        criterion: "sure", "jinv" or "oracle".
        values: the chosen value of each tunable parameter.
        score: the criterion at the choice ([0, 1] scale: an MSE or the J-invariant loss).
        trials: every candidate tried: ``{"values": {...}, "score": s}``, plus ``"mse"`` (the true
            MSE) when the problem has a reference, in the order tried.
        noise: the noise model the SURE criterion used, in words ("" for the others).
    """

    method: str
    criterion: str
    values: dict[str, Any] = field(default_factory=dict)
    score: float = math.inf
    trials: list[dict[str, Any]] = field(default_factory=list)
    noise: str = ""

    def record(self) -> dict[str, Any]:
        """What a Result keeps in ``extras["tuned"]``: criterion, chosen values, score, trial count."""
        record = {
            "criterion": self.criterion,
            "values": self.values,
            "score": self.score,
            "trials": len(self.trials),
        }
        if self.noise:
            record["noise"] = self.noise
        return record


def tunable(method: registry.Method) -> list[str]:
    """The parameters auto-tuning chooses for ``method`` (may be empty)."""
    return method.params.tunable


def is_noise_level(param: FloatParam) -> bool:
    """True for a parameter that gives the method a noise std in 8-bit units."""
    return param.allow_auto and param.unit == "/255"


def search_range(
    param: FloatParam | IntParam, value: Any, noise_sigma: float, known_sigma: bool = True
) -> tuple[float, float]:
    """[low, high] searched for ``param`` around ``value`` (its current value), within the spec's
    range. A noise level is searched around ``noise_sigma`` (the known std in 8-bit units) when the
    problem knows it, else, and when ``value`` is "auto", over UNKNOWN_SIGMA_RANGE."""
    if isinstance(param, FloatParam) and is_noise_level(param):
        if value == AUTO and not known_sigma:
            low, high = UNKNOWN_SIGMA_RANGE
        else:
            centre = max(noise_sigma if value == AUTO else float(value), SIGMA_FLOOR)
            low, high = centre / SIGMA_SPREAD, centre * SIGMA_SPREAD
    else:
        centre = float(value)
        if centre > 0:
            low, high = centre / SPREAD, centre * SPREAD
        else:
            low, high = param.minimum, param.maximum
    low, high = max(low, param.minimum), min(high, param.maximum)
    if isinstance(param, IntParam):
        low, high = math.floor(low), math.ceil(high)
        low, high = max(low, param.minimum), min(high, param.maximum)
    return low, max(high, low)


def grid(param: FloatParam | IntParam, low: float, high: float, count: int) -> list[float | int]:
    """``count`` candidates over [low, high]: log-spaced floats (linear from 0) to 4 significant
    digits, or distinct integers."""
    if isinstance(param, IntParam):
        return sorted({round(float(v)) for v in np.linspace(low, high, count)})
    values = np.geomspace(low, high, count) if low > 0 else np.linspace(low, high, count)
    return sorted({float(f"{v:.4g}") for v in values})


class _Scorer:
    """Runs a candidate and scores it by the criterion; remembers what it tried."""

    def __init__(self, problem: Problem, method: str, criterion: str, ctx: RunContext, scheme: JInvariance):
        self.problem, self.criterion, self.ctx, self.scheme = problem, criterion, ctx, scheme
        self.box = MethodBox(problem, method, ctx)
        self.noise = None
        self.cache: dict[tuple, float] = {}
        self.trials: list[dict[str, Any]] = []

    def __call__(self, params: dict[str, Any], tuned: dict[str, Any]) -> float:
        key = tuple(sorted((name, value) for name, value in tuned.items()))
        if key in self.cache:
            return self.cache[key]
        y = self.problem.observed.pixels
        reference = self.problem.reference
        output = self.box(y, params)
        if self.criterion == "sure":
            pinned = pin_auto(self.box.method, params, self.box.notes)
            score = sure_mse(
                lambda pixels: self.box(pixels, pinned),
                y,
                self.noise,
                estimate=output,
                seed=ESTIMATE_SEED,
                eight_bit=self.box.eight_bit,
            )
        elif self.criterion == "jinv":
            score = jinv_loss(lambda pixels: self.box(pixels, params), y, self.scheme)
        else:
            score = float(np.mean((output.astype(np.float64) - reference.pixels) ** 2))
        trial: dict[str, Any] = {"values": dict(tuned), "score": score}
        if reference is not None and reference.pixels.shape == output.shape:
            trial["mse"] = float(np.mean((output.astype(np.float64) - reference.pixels) ** 2))
        self.trials.append(trial)
        self.cache[key] = score
        return score


def tune(
    problem: Problem,
    method_name: str,
    values: dict[str, Any] | None = None,
    criterion: str = "sure",
    ctx: RunContext | None = None,
    scheme: JInvariance | None = None,
    on_trial: Callable[[dict[str, Any]], None] | None = None,
) -> Tuning:
    """Choose the tunable parameters of ``method_name`` on ``problem`` (see the module doc).

    Args:
        values: the other parameters (and starting values of the tunable ones); defaults fill the rest.
        criterion: one of CRITERIA.
        ctx: progress (one step per candidate) and cancellation.
        scheme: the masking of the J-invariant criterion (its default otherwise).
        on_trial: called with each trial record as it is scored (a live plot).

    Raises:
        ParameterError: unknown criterion or method, a method with no tunable parameter, a task
            SURE cannot judge, or "oracle" without a reference.
        Cancelled: ``ctx`` was cancelled.
    """
    if criterion not in CRITERIA:
        raise ParameterError(f"unknown tuning criterion {criterion!r} (use one of {', '.join(CRITERIA)})")
    method = registry.get(method_name)
    params = registry.prepare(method.name, values, problem.task)
    problem.require()
    names = tunable(method)
    if not names:
        raise ParameterError(f"method '{method.name}' has no parameter to tune")
    if criterion == "oracle" and problem.reference is None:
        raise ParameterError("oracle tuning needs the clean reference")
    if criterion in ("sure", "jinv"):
        probe = Result(problem.observed, method.name, params, 0.0)
        reason = can_estimate(problem, probe)
        if reason is not None:
            raise ParameterError(f"cannot tune {method.name}: {reason}")
    ctx = ctx or RunContext()
    scorer = _Scorer(problem, method.name, criterion, ctx, scheme or JInvariance())
    noise = noise_model(problem, method, params)
    scorer.noise = noise
    noise_sigma = math.sqrt(noise.pixel_variance(problem.observed.pixels).mean()) * 255.0
    best = dict(params)
    expected = len(names) * (COARSE + ROUNDS * (FINE - 2) + 2)

    def score(candidate: dict[str, Any]) -> float:
        ctx.progress(min(len(scorer.trials) / expected, 0.99), f"tuning {_show(candidate, names)}")
        value = scorer(candidate, {name: candidate[name] for name in names})
        if on_trial is not None:
            on_trial(scorer.trials[-1])
        return value

    known = problem.noise_sigma is not None
    for name in names:
        best[name] = _search(method.params[name], best, name, noise_sigma, known, score)
    chosen = {name: best[name] for name in names}
    result = Tuning(method.name, criterion, chosen, score(best), scorer.trials)
    if criterion == "sure":
        result.noise = noise.describe()
    ctx.progress(1.0, f"tuned {_show(best, names)}")
    return result


def _search(param, params: dict[str, Any], name: str, noise_sigma: float, known: bool, score) -> float | int:
    """Coarse-to-fine search of one parameter with the others fixed; returns its best value."""
    low, high = search_range(param, params[name], noise_sigma, known)

    def value_of(candidate):
        return score(params | {name: candidate})

    candidates = grid(param, low, high, COARSE)
    for _ in range(EXTENSIONS):
        scores = [value_of(c) for c in candidates]
        k = int(np.argmin(scores))
        ratio = high / low if low > 0 else 0.0
        if k == 0 and low > param.minimum and ratio > 1:
            high, low = low * ratio ** (1 / (COARSE - 1)), max(low / ratio, param.minimum)
        elif k == len(candidates) - 1 and high < param.maximum and ratio > 1:
            low, high = high / ratio ** (1 / (COARSE - 1)), min(high * ratio, param.maximum)
        else:
            break
        candidates = grid(param, low, high, COARSE)
    scores = [value_of(c) for c in candidates]
    for _ in range(ROUNDS):
        k = int(np.argmin(scores))
        left, right = candidates[max(k - 1, 0)], candidates[min(k + 1, len(candidates) - 1)]
        finer = grid(param, left, right, FINE)
        if finer == candidates:
            break
        candidates = finer
        scores = [value_of(c) for c in candidates]
    return candidates[int(np.argmin(scores))]


def _show(params: dict[str, Any], names: list[str]) -> str:
    return ", ".join(f"{name} {params[name]:.4g}" for name in names if isinstance(params[name], (int, float)))


def restore_tuned(
    problem: Problem,
    method_name: str,
    values: dict[str, Any] | None = None,
    criterion: str = "sure",
    ctx: RunContext | None = None,
    estimate: bool = True,
    scheme: JInvariance | None = None,
) -> Result:
    """Tune, then restore with the chosen values; ``extras["tuned"]`` records the search.

    With ``estimate`` the result carries an estimated PSNR: the SURE score of the choice when
    tuned by SURE, else one more SURE run (:func:`.estimate.estimate_psnr`).
    """
    ctx = ctx or RunContext()
    tuning = tune(problem, method_name, values, criterion, ctx, scheme)
    result = pipeline.restore(problem, method_name, dict(values or {}) | tuning.values, ctx)
    result.extras["tuned"] = tuning.record()
    if estimate and criterion == "sure":
        result.psnr_est = psnr_from_mse(tuning.score)
        result.extras["psnr_est_by"] = f"SURE ({tuning.noise}), at the tuned values"
    elif estimate:
        from .estimate import estimate_psnr

        estimate_psnr(problem, result, ctx)
    return result
