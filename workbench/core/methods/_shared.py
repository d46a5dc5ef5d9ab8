"""Helpers shared by the classical and BM3D method modules: the noise-level parameter and channel loops.

Pixels are float32 H×W×C in [0, 1]; a noise level ``sigma`` is in 8-bit units (25 means 25/255).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..jobs import RunContext
from ..params import AUTO, ChoiceParam, FloatParam

SIGMA_MAX = 100.0
"""Largest noise level a method accepts, in 8-bit units."""


def sigma_param(
    help_text: str = "noise standard deviation; 'auto' estimates it from the image",
    tunable: bool = False,
) -> FloatParam:
    """The ``sigma`` parameter: noise std in 8-bit units (0..100) or "auto"; ``tunable`` when
    auto-tuning may choose it (the method's strength follows it)."""
    return FloatParam(
        "sigma",
        AUTO,
        help_text,
        minimum=0.0,
        maximum=SIGMA_MAX,
        step=1.0,
        unit="/255",
        allow_auto=True,
        tunable=tunable,
    )


def noise_sigma(pixels: np.ndarray, sigma: float | str, ctx: RunContext) -> float:
    """``sigma`` in 8-bit units; when it is "auto", the estimate from ``pixels`` (also put in ctx.notes).

    Args:
        pixels: H×W×C float32 observation in [0, 1].
        sigma: a number in 8-bit units, or "auto".
        ctx: receives ``notes["sigma"]`` (8-bit units, 2 decimals) when estimated.
    """
    if sigma != AUTO:
        return float(sigma)
    from ..noise import estimate_sigma

    estimate = float(estimate_sigma(pixels)) * 255.0
    ctx.notes["sigma"] = round(estimate, 2)
    return estimate


def per_channel(pixels: np.ndarray, plane_fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply ``plane_fn`` (H×W -> H'×W') to each channel of H×W×C ``pixels``; returns H'×W'×C float32."""
    planes = [
        np.asarray(plane_fn(np.ascontiguousarray(pixels[..., c])), dtype=np.float32)
        for c in range(pixels.shape[2])
    ]
    return np.stack(planes, axis=2)


def as_hwc(array: np.ndarray, channels: int) -> np.ndarray:
    """An OpenCV result (H×W for one channel, H×W×3 for three) as float32 H×W×C."""
    return np.asarray(array, dtype=np.float32).reshape(array.shape[0], array.shape[1], channels)


def to_uint8(pixels: np.ndarray) -> np.ndarray:
    """float [0, 1] H×W×C -> uint8 H×W (gray) or H×W×3, clipped and rounded, for OpenCV's 8-bit filters."""
    samples = np.round(np.clip(pixels, 0.0, 1.0) * 255.0).astype(np.uint8)
    return samples[..., 0] if samples.shape[2] == 1 else np.ascontiguousarray(samples)


BOUNDARIES = ("circular", "reflect")
BOUNDARY_HELP = (
    "how the blur treated the image border: circular = it wrapped around (what 'workbench degrade' "
    "makes), reflect = a real photo's blur (the image is mirror-padded before deconvolving)"
)


def boundary_param() -> ChoiceParam:
    """The ``boundary`` parameter of the deconvolution methods (see BOUNDARY_HELP)."""
    return ChoiceParam("boundary", "circular", BOUNDARY_HELP, choices=BOUNDARIES)


def deconvolve_planes(
    pixels: np.ndarray,
    kernel: np.ndarray,
    boundary: str,
    plane_fn: Callable[[np.ndarray], np.ndarray],
    circular_pad: bool = False,
) -> np.ndarray:
    """``plane_fn`` on each channel of H×W×C ``pixels`` with the border handled as ``boundary`` says.

    "reflect" mirror-pads by max(16, 2 × kernel side) and crops afterwards. "circular" leaves
    ``pixels`` as they are for FFT-based ``plane_fn`` (already circular), or with ``circular_pad``
    (or an image smaller than the kernel) wrap-pads by the kernel side, for a ``plane_fn`` that
    convolves with zero borders.
    """
    height, width = pixels.shape[:2]
    side = max(kernel.shape)
    if boundary == "reflect":
        pad, mode = max(16, 2 * side), "symmetric"
    elif circular_pad or min(height, width) < side:
        pad, mode = side, "wrap"
    else:
        return per_channel(pixels, plane_fn)
    padded = np.pad(pixels, ((pad, pad), (pad, pad), (0, 0)), mode=mode)
    return per_channel(padded, plane_fn)[pad : pad + height, pad : pad + width]
