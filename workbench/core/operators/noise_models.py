"""Additive Gaussian noise and Poisson–Gaussian (shot + read) noise."""

from __future__ import annotations

import numpy as np

from ..params import BoolParam, FloatParam, ParamSpec
from ..problem import Task
from .base import Degradation, Operator, register

SIGMA_HELP = "standard deviation of the added Gaussian noise, in 8-bit units (of 255)"
CLIP_HELP = (
    "clip the result to [0, 1]; turn off for the unclipped noise of the published DnCNN and BM3D figures"
)


def add_gaussian(pixels: np.ndarray, sigma: float, rng: np.random.Generator, clip: bool) -> np.ndarray:
    """``pixels`` + N(0, (sigma/255)²) per sample; float32 H×W×C, clipped to [0, 1] if ``clip``."""
    noisy = pixels + rng.standard_normal(pixels.shape, dtype=np.float32) * np.float32(sigma / 255.0)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


def added_sigma(noiseless: np.ndarray, observed: np.ndarray, sigma: float) -> float | None:
    """The std of the noise a degradation left in ``observed`` ([0, 1] scale), None when it added none.

    It is measured, not taken from ``sigma`` (8-bit units): clipping to [0, 1] removes some of
    the noise near black and white (a 4 % smaller std on the bundled sample at sigma 25), and
    this is the level the loss of a fit reaches at the clean image.
    """
    if sigma <= 0:
        return None
    return float(np.sqrt(np.mean((observed.astype(np.float64) - noiseless) ** 2)))


def _gaussian_noise(pixels: np.ndarray, params: dict, rng: np.random.Generator) -> Degradation:
    observed = add_gaussian(pixels, params["sigma"], rng, params["clip"])
    sigma = added_sigma(pixels, observed, params["sigma"])
    return Degradation(observed=observed, task=Task.DENOISE, params=params, noise_sigma=sigma)


def _poisson_gaussian(pixels: np.ndarray, params: dict, rng: np.random.Generator) -> Degradation:
    peak = params["peak"]
    counts = rng.poisson(np.clip(pixels, 0.0, None).astype(np.float64) * peak)
    shot = (counts / peak).astype(np.float32)
    observed = add_gaussian(shot, params["sigma"], rng, params["clip"])
    return Degradation(observed=observed, task=Task.DENOISE, params=params)


register(
    Operator(
        name="gaussian_noise",
        label="Gaussian noise",
        task=Task.DENOISE,
        params=ParamSpec(
            [
                FloatParam("sigma", 25.0, SIGMA_HELP, minimum=0.0, maximum=100.0, step=1.0, unit="/255"),
                BoolParam("clip", True, CLIP_HELP),
            ]
        ),
        apply=_gaussian_noise,
        summary="Additive white Gaussian noise of a given standard deviation, independent per sample.",
    )
)

register(
    Operator(
        name="poisson_gaussian",
        label="Poisson–Gaussian noise",
        task=Task.DENOISE,
        params=ParamSpec(
            [
                FloatParam(
                    "peak",
                    30.0,
                    "expected photon count of a white pixel; fewer photons, more shot noise",
                    minimum=0.1,
                    maximum=10000.0,
                    step=1.0,
                    unit="photons",
                ),
                FloatParam(
                    "sigma",
                    5.0,
                    "standard deviation of the Gaussian read noise, in 8-bit units (of 255)",
                    minimum=0.0,
                    maximum=100.0,
                    step=1.0,
                    unit="/255",
                ),
                BoolParam("clip", True, CLIP_HELP),
            ]
        ),
        apply=_poisson_gaussian,
        summary=(
            "Shot noise Poisson(peak·x)/peak plus Gaussian read noise: variance = x/peak + (sigma/255)²."
        ),
    )
)
