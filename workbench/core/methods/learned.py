"""Learned denoisers as methods: DnCNN (shipped or imported weights), the FFDNet-style model, a U-Net.

Colour: a colour model (e.g. an imported CDnCNN) takes RGB directly. A gray model on a colour image
works channel by channel. Models given the noise level (ffdnet, unet, FDnCNN) work on a decorrelated
opponent space: Y = (R+G+B)/3, U = (R-B)/2 + 1/2, V = (R-2G+B)/4 + 1/2, whose channels stay in
[0, 1] like the gray training images and carry independent Gaussian noise of known std
(sigma/sqrt(3), sigma/sqrt(2), sigma*sqrt(6)/4), so each is denoised at its true level and the
structure, which lives mostly in Y, is not denoised three times. Fixed-level models (DnCNN-S at
sigma 25) only know one level, so they go through R, G and B, whose noise has that level.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError, ParameterError
from ..jobs import RunContext
from ..params import AUTO, BoolParam, FloatParam, IntParam, Param, ParamSpec, PathParam
from ..problem import Problem, Task
from ..registry import Method, register

if TYPE_CHECKING:
    from ..models.weights import LoadedModel

SHIPPED = {
    "dncnn": "dncnn_gray_s25.pt",
    "ffdnet": "ffdnet_gray.pt",
    "unet": "unet_gray.pt",
    "colour_cnn": "resunet_colour.pt",
    "demosaic_net": "demosaicnet.pt",
}
WEIGHT_FILTER = "Weights (*.pt *.pth *.mat)"
OPPONENT = np.array([[1 / 3, 1 / 3, 1 / 3], [1 / 2, 0.0, -1 / 2], [1 / 4, -1 / 2, 1 / 4]], dtype=np.float32)
OPPONENT_OFFSET = np.array([0.0, 0.5, 0.5], dtype=np.float32)
OPPONENT_NOISE = np.sqrt((OPPONENT**2).sum(axis=1))
"""Noise std of each opponent channel per unit of RGB noise std."""


def weights_param(help_text: str) -> PathParam:
    """The ``weights`` parameter of a learned method: a weight file, empty for the shipped one."""
    return PathParam("weights", "", help_text, file_filter=WEIGHT_FILTER, empty="shipped")


def tile_param(default: int) -> IntParam:
    """The ``tile`` parameter of a learned method: tile side in pixels (0 = "off", whole image)."""
    return IntParam(
        "tile",
        default,
        "tile side in pixels for large images (0 = whole image)",
        minimum=0,
        maximum=8192,
        step=64,
        unit="px",
        special="off",
    )


def _params(
    sigma_help: str, tile: int = 512, tunable: bool = True, extra: tuple[Param, ...] = ()
) -> ParamSpec:
    """weights, sigma, then ``extra``, ensemble and tile."""
    return ParamSpec(
        [
            weights_param("weight file (.pt own format, .mat MatConvNet, .pth PyTorch); empty = shipped"),
            FloatParam(
                "sigma",
                AUTO,
                sigma_help,
                minimum=0.0,
                maximum=100.0,
                step=1.0,
                unit="/255",
                allow_auto=True,
                tunable=tunable,
            ),
            *extra,
            BoolParam(
                "ensemble",
                False,
                "average over the 8 flips/rotations of the image (about +0.1 dB, 8x slower)",
            ),
            tile_param(tile),
        ]
    )


def shipped_path(name: str) -> Path:
    """Path of the shipped weight file of method ``name`` (which may not exist in a checkout)."""
    from workbench.resources import path

    return path(SHIPPED[name])


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> LoadedModel:
    from ..models.published import open_weights

    return open_weights(path)


def weight_path(method: str, weights: str) -> Path:
    """The weight file ``weights`` or, when empty, the method's shipped file, once it is known to exist.

    Raises:
        ParameterError: no weights given and none shipped for this method.
        InputError: the weight file named is missing or not a file.
    """
    path = Path(weights).expanduser() if weights else shipped_path(method)
    if not path.is_file():
        if weights:
            raise InputError(f"{path}: no such weight file")
        raise ParameterError(
            f"method '{method}' has no shipped weights: train some ('workbench train') and pass weights=FILE"
        )
    return path


def load_model(method: str, weights: str) -> LoadedModel:
    """The model given by ``weights`` or, when empty, the method's shipped file.

    Raises:
        ParameterError: no weights given and none shipped for this method.
        InputError: the weight file cannot be read.
    """
    path = weight_path(method, weights)
    return _load(str(path.resolve()), path.stat().st_mtime)


def _checker(method: str):
    def check(params: dict) -> None:
        weight_path(method, params["weights"])

    return check


def noise_level(pixels: np.ndarray, sigma: float | str, ctx: RunContext) -> float:
    """``sigma`` in 8-bit units, estimated from the image when 'auto' (noted in ctx.notes)."""
    if sigma != AUTO:
        return float(sigma)
    estimate = _estimate_sigma(pixels) * 255.0
    ctx.notes["sigma"] = round(estimate, 2)
    return estimate


def _estimate_sigma(pixels: np.ndarray) -> float:
    """Noise std on the [0, 1] scale: the shared estimator when installed, else Donoho's MAD rule.

    The fallback takes the finest diagonal Haar coefficients, (a - b - c + d) / 2 over 2×2 blocks,
    which hold almost only noise in natural images: std = median(|HH|) / 0.6745.
    """
    try:
        from ..noise import estimate_sigma
    except ImportError:
        height, width = (pixels.shape[0] // 2) * 2, (pixels.shape[1] // 2) * 2
        blocks = pixels[:height, :width]
        diagonal = (blocks[0::2, 0::2] - blocks[0::2, 1::2] - blocks[1::2, 0::2] + blocks[1::2, 1::2]) / 2
        return float(np.median(np.abs(diagonal)) / 0.6745)
    return float(estimate_sigma(pixels))


def denoise(
    loaded: LoadedModel, pixels: np.ndarray, sigma: float | np.ndarray | None, tile: int, ctx: RunContext
) -> np.ndarray:
    """Denoise H×W×C ``pixels`` with ``loaded``; the colour route is described in the module doc.

    ``sigma`` is in 8-bit units: one value, one per channel, or an H×W×C map (noise-map models).
    """
    from ..tiling import denoise_fitting

    model = loaded.model
    device = ctx.torch_device()
    model_channels = int(getattr(model, "channels", 1))
    if pixels.shape[2] == model_channels:
        return denoise_fitting(model, pixels, sigma, tile, ctx, device)
    if model_channels == 3:
        gray = np.repeat(pixels[..., :1], 3, axis=2)
        if isinstance(sigma, np.ndarray) and sigma.ndim == 3:
            sigma = np.repeat(sigma[..., :1], 3, axis=2)
        return denoise_fitting(model, gray, sigma, tile, ctx, device).mean(axis=2, keepdims=True)
    if not getattr(model, "uses_sigma", False):
        return denoise_fitting(model, pixels, sigma, tile, ctx, device)
    opponent = pixels @ OPPONENT.T + OPPONENT_OFFSET
    estimate = denoise_fitting(model, opponent, sigma * OPPONENT_NOISE, tile, ctx, device)
    return (estimate - OPPONENT_OFFSET) @ np.linalg.inv(OPPONENT).T.astype(np.float32)


def flip_ensemble(denoiser, pixels: np.ndarray, ctx: RunContext) -> np.ndarray:
    """Mean of ``denoiser`` over the 8 flips/rotations of H×W×C ``pixels``, each turned back."""
    total = np.zeros(pixels.shape, dtype=np.float32)
    for mode in range(8):
        ctx.check_cancelled()
        turned = np.rot90(pixels, k=mode % 4, axes=(0, 1))
        turned = np.ascontiguousarray(turned[:, ::-1] if mode >= 4 else turned)
        estimate = denoiser(turned)
        estimate = estimate[:, ::-1] if mode >= 4 else estimate
        total += np.rot90(estimate, k=-(mode % 4), axes=(0, 1))
    return total / 8


MISMATCH = 0.4
"""Relative distance between the image's estimated noise and a fixed-level model's own level that is
worth a note (the shipped DnCNN at sigma 25 loses to the noisy input well before ±40 %)."""
RESIDUAL_SCALE_MAX = 2.0
"""The most a fixed-level model's correction is scaled up for noise above its level."""


def fixed_level(loaded: LoadedModel) -> float | None:
    """The one noise level (8-bit units) a model's card says it was trained for, or None for
    models trained on a range (or whose card does not say)."""
    low, high = loaded.card.get("noise", {}).get("sigma_range", (None, None))
    if low is None or low != high or low <= 0:
        return None
    return float(low)


def scale_residual(pixels: np.ndarray, denoised: np.ndarray, scale: float) -> np.ndarray:
    """``pixels`` minus ``scale`` times the correction the model made (``pixels - denoised``):
    the residual of a model trained for noise of sigma L, applied to noise of sigma s, scaled by
    s / L. On Train400 crops with the shipped DnCNN-25 (estimated s) this gave 35.3 / 31.3 /
    30.1 dB at sigma 5 / 10 / 15 where the plain model gave 29.2 / 29.4 / 29.6 and the noisy input
    34.1 / 28.1 / 24.6, and 24.8 dB against 22.7 at sigma 35. Shapes H×W×C, float32."""
    return (pixels - scale * (pixels - denoised)).astype(np.float32)


def _residual_scale(loaded: LoadedModel, pixels: np.ndarray, sigma: float | str, ctx: RunContext) -> float:
    """How much of a fixed-level model's correction to keep for this image's noise (its own level:
    1); notes the estimate, the scale and, when the levels are far apart, the colour CNN."""
    level = fixed_level(loaded)
    if level is None:
        if sigma != AUTO:
            ctx.notes["sigma_ignored"] = "these weights take no noise level (blind, or of unknown level)"
        return 1.0
    image_sigma = noise_level(pixels, sigma, ctx)
    scale = min(image_sigma / level, RESIDUAL_SCALE_MAX)
    ctx.notes["residual_scale"] = round(scale, 3)
    if abs(image_sigma / level - 1) > MISMATCH:
        ctx.notes["noise_mismatch"] = (
            f"these weights know noise of sigma {level:g} only, but this image's noise is about "
            f"{image_sigma:.1f}: their correction was scaled by {scale:.2f}; the Colour CNN "
            "(colour_cnn) takes any level"
        )
    return scale


def _colour_runner(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    """The colour model: RGB straight in, with a noise map (constant, or measured when sigma is auto)."""
    pixels = problem.observed.pixels
    loaded = load_model("colour_cnn", params["weights"])

    def run_with(image: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
        return denoise(loaded, image, sigma, params["tile"], ctx)

    if params["sigma"] == AUTO:
        from ..auto_noise_map import auto_noise_map

        sigma = auto_noise_map(pixels, params["noise_gain"], run_with, ctx)
    else:
        sigma = float(params["sigma"])
    ctx.progress(0.0, "denoising")
    if not params["ensemble"]:
        return run_with(pixels, sigma)
    if isinstance(sigma, np.ndarray):
        raise ParameterError("ensemble needs a fixed sigma with the colour CNN (auto gives a per-pixel map)")
    return flip_ensemble(lambda image: run_with(image, sigma), pixels, ctx)


NOISE_GAIN = FloatParam(
    "noise_gain",
    AUTO,
    "multiplies the measured noise map (sigma auto only): higher removes more; auto = 1 for white "
    "noise, chosen from 1-12 by a self-supervised loss on a crop for camera JPEG noise",
    minimum=0.25,
    maximum=16.0,
    step=0.25,
    unit="x",
    allow_auto=True,
)


def _runner(method: str):
    def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
        pixels = problem.observed.pixels
        loaded = load_model(method, params["weights"])
        uses_sigma = getattr(loaded.model, "uses_sigma", False)
        sigma = noise_level(pixels, params["sigma"], ctx) if uses_sigma else None
        scale = 1.0 if uses_sigma else _residual_scale(loaded, pixels, params["sigma"], ctx)

        def run_once(image: np.ndarray) -> np.ndarray:
            return denoise(loaded, image, sigma, params["tile"], ctx)

        denoised = flip_ensemble(run_once, pixels, ctx) if params["ensemble"] else run_once(pixels)
        return denoised if scale == 1.0 else scale_residual(pixels, denoised, scale)

    return run


register(
    Method(
        name="colour_cnn",
        label="Colour CNN (noise-aware)",
        family="learned",
        tasks=frozenset({Task.DENOISE}),
        params=_params(
            "noise std given to the network (0-75 trained); auto = a per-pixel map measured from the image",
            tile=1024,
            extra=(NOISE_GAIN,),
        ),
        run=_colour_runner,
        check=_checker("colour_cnn"),
        summary="residual U-Net for colour photos and any noise level 0-75, trained on CBSD432 with "
        "Gaussian and simulated camera noise (demosaicked, gamma, JPEG); takes a per-pixel noise map",
    )
)
register(
    Method(
        name="dncnn",
        label="DnCNN",
        family="learned",
        tasks=frozenset({Task.DENOISE}),
        params=_params(
            "noise std: level-aware weights (FDnCNN) take it as input; fixed-level weights scale "
            "their correction by it over their own level; auto = estimate",
            tunable=False,
        ),
        run=_runner("dncnn"),
        check=_checker("dncnn"),
        summary="DnCNN residual CNN (shipped: Train400, sigma 25; or import the published weights); "
        "colour goes channel by channel through a gray model",
    )
)
register(
    Method(
        name="ffdnet",
        label="FFDNet-style",
        family="learned",
        tasks=frozenset({Task.DENOISE}),
        params=_params("noise std given to the network (0-75 trained); auto = estimate from the image"),
        run=_runner("ffdnet"),
        check=_checker("ffdnet"),
        summary="one CNN for noise levels 0-75: 2x pixel-unshuffled input plus a noise-level map; "
        "colour through a decorrelated opponent space at each channel's own noise level",
    )
)
register(
    Method(
        name="unet",
        label="U-Net denoiser",
        family="learned",
        tasks=frozenset({Task.DENOISE}),
        params=_params("noise std given to the network; auto = estimate from the image"),
        run=_runner("unet"),
        check=_checker("unet"),
        summary="small U-Net with a noise-level map (two 2x levels, residual output); needs trained weights",
    )
)
