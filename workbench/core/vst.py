"""The generalised Anscombe transform for Poisson–Gaussian noise and its exact unbiased inverse.

Noise model, on the [0, 1] scale of the pixels: z = a·P(x / a) + N(0, b), with P a Poisson
draw, so that E[z] = x and Var[z] = a·x + b (``a`` is 1/peak photons, ``b`` the variance of the
read noise; :func:`workbench.core.noise.estimate_poisson_gaussian` estimates both).

The forward transform makes the noise approximately Gaussian with unit variance, so a
Gaussian denoiser can be used in between. Its algebraic inverse is biased at low counts
(E[f(z)] is not f(E[z])); :func:`inverse_generalized_anscombe` is the closed-form
approximation of the exact unbiased inverse of Mäkitalo and Foi ("Optimal inversion of the
generalized Anscombe transformation for Poisson–Gaussian noise", IEEE TIP 2013).
"""

from __future__ import annotations

import math

import numpy as np

from .errors import ParameterError

SQRT_3_2 = math.sqrt(1.5)
SMALLEST_STABILISED = 2 * math.sqrt(3 / 8)
"""Where the closed form stops increasing with D: the transform of zero counts without read noise."""


def generalized_anscombe(pixels: np.ndarray, a: float, b: float) -> np.ndarray:
    """f(z) = (2/a)·sqrt(max(a·z + 3a²/8 + b, 0)): noise of unit variance, same shape as ``pixels``.

    Raises:
        ParameterError: ``a`` is not positive (for Gaussian-only noise divide by sqrt(b) instead).
    """
    _check_gain(a)
    values = np.asarray(pixels, dtype=np.float64)
    stabilised = (2.0 / a) * np.sqrt(np.maximum(a * values + 0.375 * a * a + b, 0.0))
    return stabilised.astype(np.float32)


def inverse_generalized_anscombe(stabilised: np.ndarray, a: float, b: float) -> np.ndarray:
    """The exact unbiased inverse of :func:`generalized_anscombe` (closed-form approximation).

    With D = E[f(z) | x] (what an ideal denoiser of the stabilised image returns) and
    s² = b / a², the inverse on the Poisson scale is
    D²/4 + (1/4)·sqrt(3/2)/D − (11/8)/D² + (5/8)·sqrt(3/2)/D³ − 1/8 − s², clipped at 0, then
    multiplied by ``a``. Below D = 2·sqrt(3/8) the result is 0.

    Returns:
        float32, the same shape as ``stabilised``, on the scale of the pixels.
    """
    _check_gain(a)
    d = np.maximum(np.asarray(stabilised, dtype=np.float64), SMALLEST_STABILISED)
    counts = d**2 / 4 + 0.25 * SQRT_3_2 / d - 1.375 / d**2 + 0.625 * SQRT_3_2 / d**3 - 0.125 - b / (a * a)
    return (np.maximum(counts, 0.0) * a).astype(np.float32)


def _check_gain(a: float) -> None:
    if not a > 0:
        raise ParameterError(f"the Poisson gain a={a!r} must be positive for the Anscombe transform")
