"""Stopping Deep Image Prior without the clean image: ES-WMV, the discrepancy principle and SURE.

ES-WMV (Wang et al., TMLR) needs nothing but the outputs. The discrepancy principle
(:class:`Discrepancy`) needs the noise level of the observation, and is then the sharper rule.
The SURE rule (:class:`SureStop`, after Jo et al. 2021, for denoising) follows an estimate of the
running average's PSNR: SURE with a Monte-Carlo divergence of the whole optimisation, measured by
a shadow run fitted to y + ε·p (same initial weights, same jitter, a ±1 probe p), so it costs a
second net and doubles the time per step (:func:`sure_psnr`).

The statistic at step t is the windowed moving variance of the outputs,
``VAR_t = mean over pixels of (1/W) Σ_{i<W} (x_{t-i} - mean_window)²``: small while the
net fits the image, growing again once it starts to fit the noise. The rule stops when
VAR has not reached a new minimum for P steps and returns the output at the minimum.

One addition to the paper's rule: the search for the minimum starts only after ``warmup``
statistics have been seen (the stepper uses one more window, W) and once VAR has fallen below
0.9 × its largest value so far. A net that barely moves in its first steps has a tiny variance
too (seen on a smooth 100×100 crop: the first full window held the smallest VAR of the first
600 steps, and the rule picked an 11 dB output); skipping that transient keeps the U-shaped part
of the curve the rule is meant for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


class WindowVariance:
    """The variance of the last ``window`` outputs (tensors of one shape), kept on their device."""

    def __init__(self, window: int) -> None:
        if window < 2:
            raise ValueError("the ES-WMV window needs at least 2 outputs")
        self.window = window
        self._buffer: torch.Tensor | None = None
        self._count = 0

    def push(self, output: torch.Tensor) -> float | None:
        """Add one output; returns the mean per-pixel variance once the window is full, else None."""
        flat = output.detach().reshape(-1).float()
        if self._buffer is None:
            self._buffer = torch.empty(self.window, flat.numel(), device=flat.device)
        self._buffer[self._count % self.window] = flat
        self._count += 1
        if self._count < self.window:
            return None
        return float(self._buffer.var(dim=0, unbiased=False).mean())


@dataclass
class EsWmv:
    """The stopping rule on a stream of (iteration, statistic) pairs.

    Attributes:
        patience: steps without a new minimum after which the rule fires (P).
        warmup: statistics only watched (for their peak) before the minimum search may start.
        warmup_drop: the minimum search starts once the statistic falls below this fraction of
            its largest value so far (the start-up transient is skipped).
        best_iteration: iteration of the smallest statistic seen while searching (None before).
        best_value: that smallest statistic.
        fired_at: the iteration at which the rule fired (None while it has not).
        peak_value: the largest statistic seen before the search started.
        seen: how many statistics have been fed.
        tracking: whether the search for the minimum has started.
    """

    patience: int = 1000
    warmup: int = 0
    warmup_drop: float = 0.9
    best_iteration: int | None = None
    best_value: float = float("inf")
    fired_at: int | None = None
    peak_value: float = 0.0
    tracking: bool = False
    seen: int = 0

    def update(self, iteration: int, value: float | None) -> bool:
        """Feed one statistic (None while the window fills); True when it is a new minimum.

        Sets :attr:`fired_at` the first time ``patience`` steps pass without a new minimum.
        """
        if value is None:
            return False
        self.seen += 1
        if not self.tracking:
            self.peak_value = max(self.peak_value, value)
            if self.seen <= self.warmup or value >= self.warmup_drop * self.peak_value:
                return False
            self.tracking = True
        if value < self.best_value:
            self.best_value = value
            self.best_iteration = iteration
            return True
        if self.fired_at is None and iteration - self.best_iteration >= self.patience:
            self.fired_at = iteration
        return False

    @property
    def fired(self) -> bool:
        return self.fired_at is not None


@dataclass
class Discrepancy:
    """Morozov's discrepancy principle on the data-fit loss, for an observation of known noise level.

    At the clean image the loss ||A(x) - y||² (mean over y's samples) equals the noise variance
    on average, so a fit that goes below it has started to reproduce the noise. The rule follows
    an exponential moving average of the per-step loss (the input jitter makes single steps
    noisy) and fires the first time it falls to ``floor``.

    Attributes:
        floor: the loss expected at the clean image (see ``forward.noise_floor``), [0, 1] scale.
        smoothing: weight of the past in the moving average.
        smoothed: the moving average so far (None before the first loss).
        fired_at: the iteration at which it fired (None while it has not).
    """

    floor: float
    smoothing: float = 0.98
    smoothed: float | None = None
    fired_at: int | None = None

    def update(self, iteration: int, loss: float) -> bool:
        """Feed one step's loss; True at the one step where the rule fires."""
        if self.smoothed is None:
            self.smoothed = loss
        else:
            self.smoothed = self.smoothing * self.smoothed + (1.0 - self.smoothing) * loss
        if self.fired_at is None and self.smoothed <= self.floor:
            self.fired_at = iteration
            return True
        return False


def sure_psnr(
    estimate: torch.Tensor,
    shadow: torch.Tensor,
    target: torch.Tensor,
    probe: torch.Tensor,
    step: float,
    variance: float,
) -> float:
    """SURE-estimated PSNR (dB) of ``estimate`` = x(y) given ``shadow`` = x(y + step·probe), the same
    computation on the probed observation; ``variance`` is the noise variance ([0, 1] scale).

    MSE ≈ mean((x - y)²) - variance + 2·variance·mean(probe ⊙ (shadow - x)) / step.
    """
    estimate = estimate.clamp(0, 1)
    divergence = float(torch.mean(probe * (shadow.clamp(0, 1) - estimate))) / step
    mse = float(torch.mean((estimate - target) ** 2)) - variance + 2.0 * variance * divergence
    return 10.0 * math.log10(1.0 / max(mse, 1e-10))


@dataclass
class SureStop:
    """Stop once the SURE-estimated PSNR has not reached a new maximum for ``patience`` steps.

    Attributes:
        patience: steps without a new maximum after which the rule fires.
        warmup: steps only watched before the search for the maximum starts (the first outputs
            are far from the image and their estimate is noisy).
        best_iteration, best_value: where the largest estimate so far was, and its value (dB).
        fired_at: the iteration at which the rule fired (None while it has not).
    """

    patience: int = 300
    warmup: int = 50
    best_iteration: int | None = None
    best_value: float = -math.inf
    fired_at: int | None = None

    def update(self, iteration: int, value: float) -> bool:
        """Feed one estimate; True when it is a new maximum (the pick moves there)."""
        if iteration <= self.warmup:
            return False
        if value > self.best_value:
            self.best_value, self.best_iteration = value, iteration
            return True
        if self.fired_at is None and iteration - self.best_iteration >= self.patience:
            self.fired_at = iteration
        return False

    @property
    def fired(self) -> bool:
        return self.fired_at is not None
