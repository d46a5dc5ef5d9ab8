"""Stein's unbiased risk estimate (SURE) of a black-box denoiser's mean squared error.

For y = x + n with zero-mean noise of per-pixel variance v = a·x + b (white Gaussian: a = 0,
b = sigma²), the mean squared error of a denoiser f against the unknown clean image x is
estimated from y alone:

    MSE ≈ mean((f(y) - y)²) - mean(v) + 2 · mean(v ⊙ ∂f/∂y)   (the divergence term)

The divergence of a black box is measured by Monte Carlo (Ramani, Blu and Unser 2008): with a
random ±1 probe p and a small step ε, ``mean(v ⊙ p ⊙ (f(y + ε·p) - f(y))) / ε``, whose expectation
over p is the weighted divergence; one probe suffices on an image, whose many pixels average it.
For Gaussian noise this is SURE; with a > 0 it is the first-order Poisson–Gaussian URE of Luisier,
Blu and Unser (2011), with v estimated by a·y + b. The noise must not have been clipped.

Pixels are float32 H×W×C in [0, 1]; variances are on that scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Denoiser = Callable[[np.ndarray], np.ndarray]
"""H×W×C float32 in [0, 1] (roughly: a noisy image may stray outside) -> same shape, float32."""

STEP_PER_SIGMA = 1 / 20
"""The probe step ε as a fraction of the noise std: small enough for a linear response, large
enough that float32 rounding in the denoiser stays far below the difference it makes."""
LEVELS = 255
"""Quantisation steps of an 8-bit method: its probe step is a whole number of them."""
MSE_FLOOR = 1e-10
"""Smallest MSE turned into a PSNR (100 dB): an estimate can fall to zero or below by chance."""


@dataclass(frozen=True)
class NoiseModel:
    """Noise variance ``gain·x + variance`` for a pixel of clean value x ([0, 1] scale).

    Attributes:
        variance: the signal-independent part b (sigma² for white Gaussian noise), ≥ 0.
        gain: the shot-noise gain a (1/photons at white); 0 for Gaussian noise.
    """

    variance: float
    gain: float = 0.0

    @classmethod
    def gaussian(cls, sigma: float) -> NoiseModel:
        """White Gaussian noise of std ``sigma`` in 8-bit units (25 means 25/255)."""
        return cls((sigma / 255.0) ** 2)

    @property
    def is_gaussian(self) -> bool:
        return self.gain == 0.0

    def pixel_variance(self, noisy: np.ndarray) -> np.ndarray:
        """Per-pixel variance estimated from the noisy values: gain·y + variance (float64, ≥ 0)."""
        return np.maximum(self.gain * np.asarray(noisy, np.float64) + self.variance, 0.0)

    def describe(self) -> str:
        """A few words for a report: "Gaussian, sigma 25.0" or "Poisson-Gaussian, a 0.01, sigma 2.0"."""
        sigma = math.sqrt(self.variance) * 255.0
        if self.is_gaussian:
            return f"Gaussian, sigma {sigma:.1f}"
        return f"Poisson-Gaussian, a {self.gain:.4g}, sigma {sigma:.1f}"


def probe_step(noise: NoiseModel, noisy: np.ndarray, eight_bit: bool = False) -> float:
    """The Monte-Carlo step ε ([0, 1] scale): STEP_PER_SIGMA of the mean noise std, at least 1/LEVELS
    and a whole number of 1/LEVELS steps for a method that rounds its input to 8 bits (a smaller
    step would mostly vanish in the rounding)."""
    std = math.sqrt(float(noise.pixel_variance(noisy).mean()))
    step = max(STEP_PER_SIGMA * std, 1e-6)
    if eight_bit:
        step = max(1, round(step * LEVELS)) / LEVELS
    return step


def rademacher(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """A probe of ±1 values (float64) of ``shape`` from ``default_rng(seed)``."""
    return np.random.default_rng(seed).integers(0, 2, size=shape).astype(np.float64) * 2.0 - 1.0


def sure_mse(
    denoiser: Denoiser,
    noisy: np.ndarray,
    noise: NoiseModel,
    estimate: np.ndarray | None = None,
    seed: int = 0,
    eight_bit: bool = False,
) -> float:
    """Unbiased estimate of mean((f(y) - x)²) over all pixels and channels, x unknown.

    Args:
        denoiser: the black box f; it is run once (twice without ``estimate``).
        noisy: y, H×W×C float32, noise not clipped.
        noise: the noise model of y.
        estimate: f(y) when already computed.
        seed: seed of the ±1 probe (a fixed seed makes the estimates of nearby parameter values
            share their Monte-Carlo error, which a parameter search wants).
        eight_bit: f rounds its input to 8 bits (see :func:`probe_step`).

    Returns:
        The estimated MSE on the [0, 1] scale (can be slightly negative on a near-perfect result).
    """
    y = np.asarray(noisy, np.float64)
    fy = np.asarray(denoiser(noisy) if estimate is None else estimate, np.float64)
    probe = rademacher(y.shape, seed)
    step = probe_step(noise, y, eight_bit)
    shifted = np.asarray(denoiser((y + step * probe).astype(np.float32)), np.float64)
    return sure_from_runs(y, fy, shifted, probe, step, noise)


def sure_from_runs(
    noisy: np.ndarray,
    estimate: np.ndarray,
    shifted: np.ndarray,
    probe: np.ndarray,
    step: float,
    noise: NoiseModel,
) -> float:
    """SURE from the two runs :func:`sure_mse` makes: ``estimate`` = f(y), ``shifted`` = f(y + step·probe)
    (all H×W×C); lets one pair of runs be judged under several noise models."""
    y = np.asarray(noisy, np.float64)
    fy = np.asarray(estimate, np.float64)
    variance = noise.pixel_variance(y)
    divergence = float(np.mean(variance * probe * (np.asarray(shifted, np.float64) - fy))) / step
    return float(np.mean((fy - y) ** 2) - variance.mean() + 2.0 * divergence)


def psnr_from_mse(mse: float, data_range: float = 1.0) -> float:
    """PSNR in dB of an MSE (floored at MSE_FLOOR, so an estimate at or below zero gives 100 dB)."""
    return 10.0 * math.log10(data_range * data_range / max(mse, MSE_FLOOR))
