"""The noise map a noise-map denoiser (the colour CNN) is given when its sigma is "auto".

The measured map (:func:`workbench.core.noise.haar_noise_map`) holds the finest-scale noise, which
is all of white noise but only a small part of a camera JPEG's: its noise is spread over a pixel or
two, so most of it looks like texture at that scale and the network, told the fine-scale level,
leaves it in. The map is therefore multiplied by a gain: 1 when the noise is white
(:func:`workbench.core.noise_correlation.neighbour_correlation` below ``CORRELATED``), otherwise
the gain of ``GAINS`` with the least J-invariant loss (3×3 holes, see
:mod:`workbench.core.quality.jinv`) on a central crop of at most ``CROP``² pixels: twenty network
runs on the crop, a few seconds on a CPU, whatever the photo's size.

Measured with the shipped colour CNN, 15 pairs each (PSNR against the mean image): CC15 noisy
33.41 dB, map as measured 34.93, gain chosen this way 35.95; PolyU 34.86, 35.17, 35.44. Without the
white-noise gate the loss also picked large gains for white noise (CBSD68 sigma 15: 33.18 ->
32.64), which the gate avoids.

Pixels are float32 H×W×C in [0, 1]; maps are H×W×C in 8-bit units.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .image import centre_crop
from .jobs import RunContext
from .noise import expand_noise_grid, haar_noise_grid, haar_noise_map
from .noise_correlation import CORRELATED, neighbour_correlation
from .params import AUTO
from .quality.jinv import jinv_loss

GAINS = (1.0, 2.0, 4.0, 8.0, 12.0)
CROP = 256

MapDenoiser = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""f(pixels, noise map in 8-bit units) -> denoised pixels, all H×W×C."""


def auto_noise_map(
    pixels: np.ndarray, gain: float | str, denoiser: MapDenoiser, ctx: RunContext
) -> np.ndarray:
    """The measured noise map of ``pixels`` times ``gain`` (chosen as the module says when "auto").

    Notes in ``ctx.notes``: "sigma" (the measured map's per-channel medians), "noise_gain", and under
    auto "noise_correlation" and, when the gain was chosen, "noise_gain_losses" (one per gain).
    """
    ctx.progress(0.0, "measuring the noise level")
    grid = haar_noise_grid(pixels) * 255.0
    ctx.notes["sigma"] = [round(float(value), 2) for value in np.median(grid, axis=(0, 1))]
    if gain == AUTO:
        correlation = neighbour_correlation(pixels)
        ctx.notes["noise_correlation"] = round(correlation, 3)
        gain = pick_gain(pixels, denoiser, ctx) if correlation >= CORRELATED else 1.0
    ctx.notes["noise_gain"] = float(gain)
    return expand_noise_grid(grid * float(gain), pixels.shape[:2])


def pick_gain(pixels: np.ndarray, denoiser: MapDenoiser, ctx: RunContext) -> float:
    """The gain of ``GAINS`` whose map gives ``denoiser`` the least J-invariant loss on the central
    crop of ``pixels`` (at most CROP × CROP); the losses go to ctx.notes["noise_gain_losses"]."""
    crop = centre_crop(pixels, CROP)
    level = haar_noise_map(crop) * 255.0
    losses = []
    for index, gain in enumerate(GAINS):
        ctx.check_cancelled()
        ctx.progress(index / len(GAINS), f"choosing the noise gain: trying x{gain:g}")
        losses.append(jinv_loss(lambda image, gain=gain: denoiser(image, level * gain), crop))
    ctx.notes["noise_gain_losses"] = [float(f"{loss:.4g}") for loss in losses]
    return GAINS[int(np.argmin(losses))]
