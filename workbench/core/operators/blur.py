"""Blur by a Gaussian, motion or box kernel (or one read from a file), then a little noise.

Boundary: the blur is circular (the image wraps around), computed with the FFT. This is the
usual protocol for synthetic deblurring tests, it is exactly what FFT-based deconvolution
assumes, and :class:`~workbench.core.operators.linear.BlurOperator` computes the same thing.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ..params import BoolParam, ChoiceParam, FloatParam, IntParam, ParamSpec, PathParam
from ..problem import Task
from .base import Degradation, Operator, register
from .kernels import box_kernel, centred_psf, gaussian_kernel, motion_kernel
from .noise_models import CLIP_HELP, add_gaussian, added_sigma

DEFAULT_BOX_SIZE = 5


def circular_blur(pixels: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Circular convolution of each channel of float32 H×W×C ``pixels`` with a kh×kw kernel."""
    height, width = pixels.shape[:2]
    transfer = np.fft.rfft2(centred_psf(kernel, (height, width)))
    spectrum = np.fft.rfft2(pixels.astype(np.float64), axes=(0, 1))
    blurred = np.fft.irfft2(spectrum * transfer[:, :, None], s=(height, width), axes=(0, 1))
    return blurred.astype(np.float32)


def make_kernel(params: dict) -> np.ndarray:
    """The kernel described by ``params`` (kind, size, sigma, length, angle, kernel file).

    Raises:
        ParameterError: an even size.
        InputError: an unreadable kernel file.
    """
    if params["kernel"]:
        from ..io import read_kernel

        return read_kernel(params["kernel"])
    size = params["size"]
    if size and size % 2 == 0:
        raise ParameterError(f"parameter 'size'={size}: the kernel size must be odd (or 0 for automatic)")
    kind = params["kind"]
    if kind == "gaussian":
        return gaussian_kernel(size or 2 * math.ceil(3 * params["sigma"]) + 1, params["sigma"])
    if kind == "motion":
        length = params["length"]
        return motion_kernel(size or 2 * math.ceil(length / 2) + 1, length, params["angle"])
    return box_kernel(size or DEFAULT_BOX_SIZE)


def _blur(pixels: np.ndarray, params: dict, rng: np.random.Generator) -> Degradation:
    kernel = make_kernel(params)
    blurred = circular_blur(pixels, kernel)
    observed = add_gaussian(blurred, params["noise_sigma"], rng, params["clip"])
    return Degradation(
        observed=observed,
        task=Task.DEBLUR,
        kernel=kernel,
        params=params,
        noise_sigma=added_sigma(blurred, observed, params["noise_sigma"]),
    )


register(
    Operator(
        name="blur",
        label="Blur",
        task=Task.DEBLUR,
        params=ParamSpec(
            [
                ChoiceParam("kind", "gaussian", "shape of the kernel", choices=("gaussian", "motion", "box")),
                IntParam(
                    "size",
                    0,
                    "kernel width in pixels, odd; 0 = automatic (gaussian 2·ceil(3·sigma)+1, "
                    f"motion the odd number above length, box {DEFAULT_BOX_SIZE})",
                    minimum=0,
                    maximum=101,
                    unit="px",
                    special="auto",
                ),
                FloatParam(
                    "sigma",
                    1.6,
                    "standard deviation of the Gaussian kernel",
                    minimum=0.1,
                    maximum=20.0,
                    step=0.1,
                    unit="px",
                ),
                FloatParam(
                    "length", 15.0, "length of the motion streak", minimum=1.0, maximum=100.0, unit="px"
                ),
                FloatParam(
                    "angle",
                    45.0,
                    "direction of the motion streak, counter-clockwise from horizontal",
                    minimum=0.0,
                    maximum=180.0,
                    step=1.0,
                    unit="°",
                ),
                PathParam(
                    "kernel",
                    "",
                    "a kernel file (.npy or image, normalised to sum 1); when set, kind and size are ignored",
                    file_filter="Kernels (*.npy *.png *.tif *.tiff)",
                ),
                FloatParam(
                    "noise_sigma",
                    2.0,
                    "standard deviation of Gaussian noise added after blurring, in 8-bit units (of 255)",
                    minimum=0.0,
                    maximum=100.0,
                    step=0.5,
                    unit="/255",
                ),
                BoolParam("clip", True, CLIP_HELP),
            ]
        ),
        apply=_blur,
        summary="Circular convolution with a blur kernel, then Gaussian noise; the kernel is returned.",
    )
)
