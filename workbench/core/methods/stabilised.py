"""Noise-adaptive denoisers: a Gaussian denoiser run inside the generalised Anscombe transform (VST).

Low-light photographs carry signal-dependent noise: on the [0, 1] scale of the pixels its
variance is ``alpha·x + (sigma/255)²`` (shot noise of gain alpha = 1/peak photons, plus Gaussian
read noise of std ``sigma`` in 8-bit units). A Gaussian denoiser told one sigma smooths the
shadows too little and the highlights too much. These methods, after Mäkitalo and Foi,

1. estimate (alpha, sigma) from the image when either is "auto"
   (:func:`workbench.core.noise.estimate_poisson_gaussian`, one model for all channels);
2. apply the generalised Anscombe transform, after which the noise is close to Gaussian with
   unit std whatever the brightness;
3. scale the stabilised plane so that its noise has the std the inner denoiser is told, and
   run the inner method (``bm3d``, ``nlm`` or ``dncnn``, taken from the registry) on it;
4. undo the scaling, apply the exact unbiased inverse transform and clip to [0, 1].

Colour: each channel is stabilised, denoised as a gray plane and inverted on its own; the
inner method's own colour route is not used, since opponent or Lab conversions of stabilised
values have no photometric meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import registry
from ..image import Image
from ..jobs import RunContext
from ..noise import estimate_poisson_gaussian, estimate_sigma
from ..params import AUTO, FloatParam, Param, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register
from ..vst import generalized_anscombe, inverse_generalized_anscombe
from . import bm3d_methods, classical, learned  # noqa: F401  (the inner methods register first)
from ._shared import sigma_param

FAMILY = "noise_adaptive"
ALPHA_MIN = 1e-4
"""Smallest gain used (peak 10000 photons): an estimate of 0 (pure Gaussian noise) is raised to it,
where the transform is all but affine and the method acts as a plain Gaussian denoiser."""
ALPHA_MAX = 10.0
"""Largest gain accepted (peak 0.1 photons), as for the Poisson–Gaussian degradation."""
FITTED_SIGMA_MAX = 50.0
"""Highest noise level (8-bit units) an inner method is told when the stabilised plane is stretched
to [0, 1]: a nearly flat plane is stretched less, so that the level stays in the inner's range."""
DNCNN_SIGMA = 25.0
"""The one noise level (8-bit units) the shipped DnCNN was trained for."""
INNER_SHARE = 0.95
"""Part of each channel's progress given to the inner method; the transforms take the rest."""


@dataclass(frozen=True)
class Inner:
    """A Gaussian denoiser wrapped in the transform.

    Attributes:
        name: its registered method name; it must take ``sigma`` in 8-bit units.
        passed: its parameters offered unchanged by the wrapper (never ``sigma``).
        fixed_sigma: the noise level (8-bit units) it only knows, or None when it is told the
            level of the stabilised plane after that plane is stretched to [0, 1].
    """

    name: str
    passed: tuple[str, ...]
    fixed_sigma: float | None = None


def alpha_param() -> FloatParam:
    """The gain ``alpha`` of the shot noise (1/peak photons on the [0, 1] scale) or "auto"."""
    return FloatParam(
        "alpha",
        AUTO,
        "shot-noise gain: variance alpha·x for a pixel x in [0, 1] (1/photons at white); 'auto' estimates it",
        minimum=ALPHA_MIN,
        maximum=ALPHA_MAX,
        step=0.001,
        allow_auto=True,
    )


def noise_model(
    pixels: np.ndarray, alpha: float | str, sigma: float | str, ctx: RunContext
) -> tuple[float, float]:
    """(a, b) of the noise variance a·x + b of H×W×C ``pixels`` in [0, 1].

    Args:
        pixels: float32 H×W×C observation in [0, 1].
        alpha: the gain (1/peak), or "auto"; an estimate is kept within [ALPHA_MIN, ALPHA_MAX].
        sigma: the read-noise std in 8-bit units, or "auto".
        ctx: receives ``notes["alpha"]`` and ``notes["sigma"]`` (8-bit units) for estimated values,
            and ``notes["noise_model"]`` when the image is too small or too clipped to fit a
            signal-dependent model (Gaussian noise of the estimated std is then assumed).

    Returns:
        (a, b): a in [ALPHA_MIN, ALPHA_MAX] on the [0, 1] scale; b ≥ 0, a variance on that scale.
    """
    if AUTO not in (alpha, sigma):
        return max(float(alpha), ALPHA_MIN), (float(sigma) / 255.0) ** 2
    estimated_a, estimated_b = _estimate(pixels, ctx)
    a = min(max(estimated_a if alpha == AUTO else float(alpha), ALPHA_MIN), ALPHA_MAX)
    b = max(estimated_b, 0.0) if sigma == AUTO else (float(sigma) / 255.0) ** 2
    if alpha == AUTO:
        ctx.notes["alpha"] = round(a, 6)
    if sigma == AUTO:
        ctx.notes["sigma"] = round(float(np.sqrt(b)) * 255.0, 2)
    return a, b


def _estimate(pixels: np.ndarray, ctx: RunContext) -> tuple[float, float]:
    try:
        return estimate_poisson_gaussian(pixels)
    except ValueError:
        ctx.notes["noise_model"] = "too few unclipped pixels to fit shot noise: Gaussian noise assumed"
        return 0.0, estimate_sigma(pixels) ** 2


def fitted_sigma(stabilised: np.ndarray) -> float:
    """The noise level (8-bit units) of a unit-noise plane once its range is stretched to [0, 1]."""
    span = float(stabilised.max() - stabilised.min())
    return min(255.0 / span, FITTED_SIGMA_MAX) if span > 0 else FITTED_SIGMA_MAX


def denoise_plane(
    plane: np.ndarray, a: float, b: float, inner: Inner, values: dict, ctx: RunContext
) -> np.ndarray:
    """One H×W plane through transform, inner denoiser and unbiased inverse; H×W float32, unclipped.

    The stabilised plane has unit noise std. It is scaled by level/255, so that its noise has
    the std ``level`` (8-bit units) that the inner method is told, and centred on 0.5. For
    ``fixed_sigma`` None the level stretches the plane's range to exactly [0, 1] (OpenCV's
    8-bit NLM clips anything outside). The shipped DnCNN only removes noise of std 25/255, so
    for it the level is 25 whatever the range; the scaled plane then spans about
    25/255 × (2·sqrt(peak) + 6), a little over [0, 1] at a peak of 30 photons, more above:
    a fixed-level model has to see its own noise level, so the range gives way instead. Far
    outside [0, 1] the network fails: on a 128×128 Set12 crop with read noise 2/255 and the
    true (alpha, sigma), the result was 3.2 dB above the noisy input at a peak of 300 photons
    but 0.25 dB below it at 1000.
    """
    method = registry.get(inner.name)
    stabilised = generalized_anscombe(plane, a, b)
    level = inner.fixed_sigma or fitted_sigma(stabilised)
    centre = (float(stabilised.max()) + float(stabilised.min())) / 2
    scale = level / 255.0
    scaled = (stabilised - centre) * scale + 0.5
    params = method.params.resolve(values | {"sigma": level}, owner=method.name)
    estimate = method.run(Problem(Image(scaled)), params, ctx)[..., 0]
    return inverse_generalized_anscombe((estimate - 0.5) / scale + centre, a, b)


def _channel_context(ctx: RunContext, channel: int, channels: int) -> RunContext:
    """A context for the inner run on one channel: its progress lands in that channel's share of ``ctx``."""

    def report(fraction: float, message: str) -> None:
        label = f"channel {channel + 1} of {channels}: " if channels > 1 else ""
        ctx.progress((channel + INNER_SHARE * fraction) / channels, label + message)

    return RunContext(device=ctx.device, on_progress=report, cancel_event=ctx.cancel_event)


def _runner(inner: Inner):
    def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
        pixels = problem.observed.pixels
        ctx.progress(0.0, "estimating the noise model")
        a, b = noise_model(pixels, params["alpha"], params["sigma"], ctx)
        values = {name: params[name] for name in inner.passed}
        channels = pixels.shape[2]
        planes = []
        for channel in range(channels):
            ctx.progress(channel / channels, f"VST (alpha {a:.4g}, sigma {np.sqrt(b) * 255:.1f})")
            sub = _channel_context(ctx, channel, channels)
            planes.append(denoise_plane(pixels[..., channel], a, b, inner, values, sub))
        ctx.progress(1.0, "VST denoising done")
        return np.clip(np.stack(planes, axis=2), 0.0, 1.0)

    return run


def _spec(inner_method: Method, inner: Inner) -> ParamSpec:
    read_noise = sigma_param("Gaussian (read) noise std in 8-bit units; 'auto' estimates it with alpha")
    passed: list[Param] = [inner_method.params[name] for name in inner.passed]
    return ParamSpec([alpha_param(), read_noise, *passed])


def _inner_check(inner_method: Method, inner: Inner):
    """The inner method's resource check, given the values the wrapper passes on."""
    if inner_method.check is None:
        return None

    def check(params: dict) -> None:
        values = {name: params[name] for name in inner.passed}
        inner_method.check(inner_method.params.resolve(values, owner=inner_method.name))

    return check


def _register(name: str, label: str, inner: Inner, summary: str) -> None:
    inner_method = registry.get(inner.name)
    register(
        Method(
            name=name,
            label=label,
            family=FAMILY,
            tasks=frozenset({Task.DENOISE}),
            params=_spec(inner_method, inner),
            run=_runner(inner),
            summary=summary,
            check=_inner_check(inner_method, inner),
        )
    )


_COLOUR = "colour: each channel stabilised and denoised on its own"

_register(
    "vst_bm3d",
    "BM3D for low light (VST)",
    Inner("bm3d", ("profile",)),
    f"BM3D inside the generalised Anscombe transform, for shot + read noise (alpha, sigma auto); {_COLOUR}.",
)
_register(
    "vst_nlm",
    "Non-local means for low light (VST)",
    Inner("nlm", ("h_factor", "patch_radius", "search_radius")),
    f"Non-local means inside the generalised Anscombe transform (alpha, sigma auto); {_COLOUR}.",
)
_register(
    "vst_dncnn",
    "DnCNN for low light (VST)",
    Inner("dncnn", ("ensemble", "tile"), fixed_sigma=DNCNN_SIGMA),
    "shipped DnCNN (sigma 25) inside the generalised Anscombe transform, the stabilised image scaled "
    f"to noise 25/255 (alpha, sigma auto); for low light only (peak photons up to a few hundred); {_COLOUR}.",
)
_register(
    "vst_colour_cnn",
    "Colour CNN for low light (VST)",
    Inner("colour_cnn", ("tile",)),
    "the noise-aware colour CNN inside the generalised Anscombe transform, told the stabilised "
    f"plane's noise level (alpha, sigma auto); {_COLOUR}.",
)
