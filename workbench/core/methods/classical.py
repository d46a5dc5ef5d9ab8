"""Classical denoisers: Gaussian, median, bilateral, non-local means, total variation, wavelet shrinkage.

All take and return float32 H×W×C pixels in [0, 1], gray (C = 1) or colour (C = 3). Noise levels
(``sigma``) are in 8-bit units; the methods whose strength depends on the noise take ``sigma``
("auto" estimates it) and scale their own smoothing parameter from it, so one default works
across noise levels. The scale factors were tuned on a few Train400 images at sigma 15-50.
"""

from __future__ import annotations

import warnings

import cv2
import numpy as np

from ..jobs import RunContext
from ..params import ChoiceParam, FloatParam, IntParam, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register
from ._shared import as_hwc, noise_sigma, sigma_param, to_uint8

DENOISE = frozenset({Task.DENOISE})
TV_WEIGHT_PER_SIGMA = 0.7
"""Chambolle weight (on the [0, 1] scale) per unit of noise std at strength 1."""
WAVELETS = ("db1", "db2", "db4", "sym4", "sym8", "coif2")
"""Orthogonal wavelets only: BayesShrink assumes the transform keeps white noise white."""


def _run_gaussian(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    pixels = problem.observed.pixels
    blurred = cv2.GaussianBlur(pixels, (0, 0), params["blur_sigma"], borderType=cv2.BORDER_REFLECT_101)
    return as_hwc(blurred, pixels.shape[2])


def _run_median(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    from scipy.ndimage import median_filter

    size = 2 * params["radius"] + 1
    return median_filter(problem.observed.pixels, size=(size, size, 1), mode="reflect")


def _run_bilateral(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    pixels = problem.observed.pixels
    sigma = noise_sigma(pixels, params["sigma"], ctx)
    sigma_color = max(params["range_factor"] * sigma / 255.0, 1e-6)
    filtered = cv2.bilateralFilter(
        pixels, -1, sigma_color, params["sigma_space"], borderType=cv2.BORDER_REFLECT_101
    )
    return as_hwc(filtered, pixels.shape[2])


def _run_nlm(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    pixels = problem.observed.pixels
    sigma = noise_sigma(pixels, params["sigma"], ctx)
    h = max(params["h_factor"] * sigma, 0.01)
    template = 2 * params["patch_radius"] + 1
    search = 2 * params["search_radius"] + 1
    ctx.progress(0.0, f"non-local means (h {h:.1f})")
    samples = to_uint8(pixels)
    if pixels.shape[2] == 3:
        denoised = cv2.fastNlMeansDenoisingColored(samples, None, h, h, template, search)
    else:
        denoised = cv2.fastNlMeansDenoising(samples, None, h, template, search)
    ctx.progress(1.0, "non-local means done")
    return as_hwc(denoised, pixels.shape[2]) / 255.0


def _run_tv(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    from skimage.restoration import denoise_tv_chambolle

    pixels = problem.observed.pixels
    sigma = noise_sigma(pixels, params["sigma"], ctx)
    weight = params["strength"] * TV_WEIGHT_PER_SIGMA * sigma / 255.0
    if weight <= 0.0:
        return pixels
    ctx.progress(0.0, f"total variation (weight {weight:.3f})")
    denoised = denoise_tv_chambolle(pixels, weight=weight, max_num_iter=params["iterations"], channel_axis=-1)
    ctx.progress(1.0, "total variation done")
    return denoised.astype(np.float32)


def _wavelet_levels(shape: tuple[int, ...], wavelet: str, wanted: int) -> int:
    """``wanted`` levels, or as many as the shorter side allows without boundary-dominated bands (>= 1)."""
    import pywt

    possible = pywt.dwt_max_level(min(shape[:2]), pywt.Wavelet(wavelet).dec_len)
    return max(1, min(wanted, possible))


def _run_wavelet(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    from skimage.restoration import denoise_wavelet

    pixels = problem.observed.pixels
    sigma = noise_sigma(pixels, params["sigma"], ctx) / 255.0
    if sigma <= 0.0:
        return pixels
    color = pixels.shape[2] == 3
    levels = _wavelet_levels(pixels.shape, params["wavelet"], params["levels"])
    with warnings.catch_warnings():
        # Images smaller than one filter length still get one level; PyWavelets warns about it.
        warnings.filterwarnings("ignore", message="Level value of .* is too high")
        denoised = denoise_wavelet(
            pixels if color else pixels[..., 0],
            sigma=sigma,
            wavelet=params["wavelet"],
            wavelet_levels=levels,
            mode=params["mode"],
            method="BayesShrink",
            rescale_sigma=True,
            convert2ycbcr=color,
            channel_axis=-1 if color else None,
        )
    return as_hwc(denoised, pixels.shape[2])


register(
    Method(
        name="gaussian",
        label="Gaussian blur",
        family="classical",
        tasks=DENOISE,
        params=ParamSpec(
            [
                FloatParam(
                    "blur_sigma",
                    1.0,
                    "standard deviation of the Gaussian kernel",
                    minimum=0.1,
                    maximum=20.0,
                    step=0.1,
                    unit="px",
                    tunable=True,
                )
            ]
        ),
        run=_run_gaussian,
        summary="Gaussian low-pass filter: removes noise and detail alike (the simplest baseline).",
    )
)

register(
    Method(
        name="median",
        label="Median filter",
        family="classical",
        tasks=DENOISE,
        params=ParamSpec(
            [
                IntParam(
                    "radius",
                    1,
                    "window half-size: the median is taken over (2r+1)×(2r+1) pixels per channel",
                    minimum=1,
                    maximum=10,
                    unit="px",
                    tunable=True,
                )
            ]
        ),
        run=_run_median,
        summary="Median of a square window: robust to impulse (salt-and-pepper) noise, keeps step edges.",
    )
)

register(
    Method(
        name="bilateral",
        label="Bilateral filter",
        family="classical",
        tasks=DENOISE,
        params=ParamSpec(
            [
                sigma_param(tunable=True),
                FloatParam(
                    "range_factor",
                    2.5,
                    "range (intensity) std as a multiple of sigma: larger smooths across stronger edges",
                    minimum=0.1,
                    maximum=10.0,
                    step=0.1,
                    unit="× sigma",
                ),
                FloatParam(
                    "sigma_space",
                    2.0,
                    "spatial std of the weights; the window reaches about 1.5 × this",
                    minimum=0.5,
                    maximum=15.0,
                    step=0.5,
                    unit="px",
                ),
            ]
        ),
        run=_run_bilateral,
        summary="Edge-preserving average: neighbours weighted by distance and intensity difference (OpenCV).",
    )
)

register(
    Method(
        name="nlm",
        label="Non-local means",
        family="classical",
        tasks=DENOISE,
        params=ParamSpec(
            [
                sigma_param(tunable=True),
                FloatParam(
                    "h_factor",
                    0.85,
                    "filter strength h as a multiple of sigma (OpenCV's h, 8-bit units)",
                    minimum=0.1,
                    maximum=5.0,
                    step=0.05,
                    unit="× sigma",
                ),
                IntParam(
                    "patch_radius",
                    3,
                    "patch half-size: patches are (2r+1)² pixels",
                    minimum=1,
                    maximum=7,
                    unit="px",
                ),
                IntParam(
                    "search_radius",
                    10,
                    "half-size of the window searched for similar patches",
                    minimum=2,
                    maximum=25,
                    unit="px",
                ),
            ]
        ),
        run=_run_nlm,
        eight_bit=True,
        summary="Non-local means (OpenCV, 8-bit): averages pixels whose surrounding patches look alike.",
    )
)

register(
    Method(
        name="tv",
        label="Total variation (Chambolle)",
        family="classical",
        tasks=DENOISE,
        params=ParamSpec(
            [
                sigma_param(tunable=True),
                FloatParam(
                    "strength",
                    1.0,
                    f"smoothing per noise level: weight = strength × {TV_WEIGHT_PER_SIGMA:g} × sigma/255",
                    minimum=0.0,
                    maximum=10.0,
                    step=0.05,
                    unit="× sigma",
                    tunable=True,
                ),
                IntParam("iterations", 200, "maximum Chambolle iterations", minimum=1, maximum=2000, step=10),
            ]
        ),
        run=_run_tv,
        summary="Total-variation denoising (Chambolle's projection, scikit-image): piecewise-smooth result.",
    )
)

register(
    Method(
        name="wavelet",
        label="Wavelet shrinkage (BayesShrink)",
        family="classical",
        tasks=DENOISE,
        params=ParamSpec(
            [
                sigma_param(tunable=True),
                ChoiceParam("wavelet", "sym8", "wavelet family (PyWavelets name)", choices=WAVELETS),
                IntParam(
                    "levels",
                    4,
                    "decomposition levels (fewer on images too small for them)",
                    minimum=1,
                    maximum=8,
                ),
                ChoiceParam(
                    "mode",
                    "soft",
                    "thresholding: soft shrinks, hard keeps or kills",
                    choices=("soft", "hard"),
                ),
            ]
        ),
        run=_run_wavelet,
        summary="BayesShrink soft thresholding of wavelet coefficients (scikit-image); colour in YCbCr.",
    )
)
