"""BM3D, CBM3D and BM3D deblurring through the reference ``bm3d`` package (Mäkinen, Azzari, Foi).

The package works on floats in the image's own scale, so pixels in [0, 1] go with a noise std of
sigma/255. BM3D on a colour image denoises R, G and B one after another (noted in the run's
extras); CBM3D is the colour method: it matches blocks on luminance in an opponent colour space and
filters the three channels together, which is both better and faster on colour. BM3D deblurring
inverts the blur with FFTs, so it assumes a circular blur; a blur that did not wrap around (a real
photograph) must be run with ``boundary=reflect`` or its borders ring across the whole image.
"""

from __future__ import annotations

import numpy as np

from ..jobs import RunContext
from ..params import ChoiceParam, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register
from ._shared import boundary_param, deconvolve_planes, noise_sigma, sigma_param

PROFILES = ("np", "refilter", "vn", "high", "deb")
PROFILE_HELP = (
    "settings of the reference package: np = normal (default), refilter = one more Wiener pass "
    "(slower, often better), vn = very noisy, high = slow best-quality, deb = tuned for deblurring"
)
if not hasattr(np, "trapz"):
    # bm4d 4.2 (under bm3d 4.0) calls np.trapz for coloured-noise PSDs, i.e. in deblurring; NumPy 2.4
    # removed that alias of np.trapezoid, so it is restored here with the identical function.
    np.trapz = np.trapezoid

DEBLUR_SIGMA_FLOOR = 2.0
"""Lowest noise level (8-bit units) BM3D deblurring runs at: the package regularises its inverse in
proportion to sigma², and below about 2 the inverse amplifies noise and border effects so much that
the result falls far under the blurred input (seen at sigma 1.2 on a 64×64 scene: 17 dB vs 25 dB)."""
MIN_SIDE = 16
"""Images with a side shorter than this are reflect-padded: the block matcher needs a few blocks."""


def _padded(pixels: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """``pixels`` reflect-padded (symmetric) to at least MIN_SIDE per side, and its original (H, W)."""
    height, width = pixels.shape[:2]
    pad_h, pad_w = max(0, MIN_SIDE - height), max(0, MIN_SIDE - width)
    if pad_h == 0 and pad_w == 0:
        return pixels, (height, width)
    return np.pad(pixels, ((0, pad_h), (0, pad_w), (0, 0)), mode="symmetric"), (height, width)


def denoise_gray(plane: np.ndarray, sigma: float, profile: str) -> np.ndarray:
    """BM3D (both stages) on one H×W plane; ``sigma`` in 8-bit units. Returns H×W float32."""
    import bm3d

    return np.asarray(bm3d.bm3d(plane, sigma / 255.0, profile=profile), dtype=np.float32).reshape(plane.shape)


def _run_bm3d(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    pixels, (height, width) = _padded(problem.observed.pixels)
    sigma = noise_sigma(problem.observed.pixels, params["sigma"], ctx)
    channels = pixels.shape[2]
    if channels > 1:
        ctx.notes["color"] = "BM3D ran on R, G and B separately; CBM3D treats colour jointly"
    planes = []
    for c in range(channels):
        ctx.progress(c / channels, f"BM3D (sigma {sigma:.1f}) on channel {c + 1} of {channels}")
        planes.append(denoise_gray(pixels[..., c], sigma, params["profile"]))
    ctx.progress(1.0, "BM3D done")
    return np.stack(planes, axis=2)[:height, :width]


def _run_cbm3d(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    import bm3d

    pixels, (height, width) = _padded(problem.observed.pixels)
    sigma = noise_sigma(problem.observed.pixels, params["sigma"], ctx)
    ctx.progress(0.0, f"CBM3D (sigma {sigma:.1f})")
    if pixels.shape[2] == 1:
        ctx.notes["color"] = "gray image: CBM3D ran as plain BM3D"
        estimate = denoise_gray(pixels[..., 0], sigma, params["profile"])[..., None]
    else:
        estimate = bm3d.bm3d_rgb(
            pixels, sigma / 255.0, profile=params["profile"], colorspace=params["colorspace"]
        )
    ctx.progress(1.0, "CBM3D done")
    return np.asarray(estimate, dtype=np.float32)[:height, :width]


def _run_bm3d_deblur(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    import bm3d

    pixels = problem.observed.pixels
    sigma = noise_sigma(pixels, params["sigma"], ctx)
    kernel = np.asarray(problem.kernel, dtype=np.float64)
    ctx.progress(0.0, f"BM3D deblurring (sigma {sigma:.1f})")
    if sigma < DEBLUR_SIGMA_FLOOR:
        ctx.notes["sigma_used"] = DEBLUR_SIGMA_FLOOR
    noise = max(sigma, DEBLUR_SIGMA_FLOOR) / 255.0

    def deblur(plane: np.ndarray) -> np.ndarray:
        # The package's own 2-D path fails its shape check; an H×W×1 plane goes through.
        estimate = bm3d.bm3d_deblurring(plane[..., None], noise, kernel, profile=params["profile"])
        return np.asarray(estimate).reshape(plane.shape)

    # Mirror padding also gives images smaller than BM3D's blocks the room block matching needs.
    boundary = params["boundary"] if min(pixels.shape[:2]) >= MIN_SIDE else "reflect"
    estimate = deconvolve_planes(pixels, kernel, boundary, deblur)
    ctx.progress(1.0, "BM3D deblurring done")
    return estimate


_DENOISE_SIGMA = "noise standard deviation in 8-bit units (25 = 25/255); 'auto' estimates it"

register(
    Method(
        name="bm3d",
        label="BM3D",
        family="bm3d",
        tasks=frozenset({Task.DENOISE}),
        params=ParamSpec(
            [
                sigma_param(_DENOISE_SIGMA, tunable=True),
                ChoiceParam("profile", "np", PROFILE_HELP, choices=PROFILES),
            ]
        ),
        run=_run_bm3d,
        summary="Block-matching and 3-D collaborative filtering (reference package); colour: per channel.",
    )
)

register(
    Method(
        name="cbm3d",
        label="CBM3D (colour)",
        family="bm3d",
        tasks=frozenset({Task.DENOISE}),
        params=ParamSpec(
            [
                sigma_param(_DENOISE_SIGMA, tunable=True),
                ChoiceParam("profile", "np", PROFILE_HELP, choices=PROFILES),
                ChoiceParam(
                    "colorspace",
                    "opp",
                    "colour transform for block matching: opp = opponent (default), YCbCr",
                    choices=("opp", "YCbCr"),
                ),
            ]
        ),
        run=_run_cbm3d,
        summary="BM3D for colour images: block matching on luminance, joint filtering of all channels.",
    )
)

register(
    Method(
        name="bm3d_deblur",
        label="BM3D deblurring",
        family="bm3d",
        tasks=frozenset({Task.DEBLUR}),
        params=ParamSpec(
            [
                sigma_param("noise std of the blurred image in 8-bit units; 'auto' estimates it"),
                ChoiceParam("profile", "np", PROFILE_HELP, choices=PROFILES),
                boundary_param(),
            ]
        ),
        run=_run_bm3d_deblur,
        summary="Regularised inverse of a known blur, then BM3D filtering of the amplified noise.",
    )
)
