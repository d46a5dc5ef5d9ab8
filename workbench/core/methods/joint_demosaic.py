"""The joint demosaicking + denoising network as a method (``demosaic_net``).

Input: ``problem.observed`` is the H×W×1 mosaic in [0, 1] with Gaussian noise on it or none,
``problem.pattern`` its layout; output H×W×3 float32 in [0, 1]. The network
(``workbench.core.models.demosaicnet``) knows RGGB only: a mosaic of another layout is first padded
by one mirrored row above and/or one mirrored column on the left, which puts a red sample at the
top-left corner (mirroring about a pixel keeps every sample under its own filter colour), and the
result is cropped back. The noise level is given to the network: the one asked for, or (auto) the
level the workbench added when it made the mosaic, else an estimate from the mosaic (the noise of
its four half-resolution colour planes, ``workbench.core.noise.estimate_sigma``).
"""

from __future__ import annotations

import numpy as np

from ..jobs import RunContext
from ..operators.cfa import check_pattern, mosaic_adjoint
from ..params import AUTO, FloatParam, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register
from .learned import load_model, tile_param, weight_path, weights_param

MIN_SIDE = 8
"""Smaller mosaics are padded (mirrored) to this side first: the network's filters need 4."""


def rggb_offset(pattern: str) -> tuple[int, int]:
    """Rows and columns of mirrored padding, above and on the left, that turn ``pattern`` into RGGB."""
    index = check_pattern(pattern).index("R")
    return index // 2, index % 2


def mosaic_planes(samples: np.ndarray, pattern: str) -> np.ndarray:
    """The four half-resolution colour planes of an H×W mosaic, as H/2×W/2×4 (an odd last row or
    column dropped), in the order R, G on red rows, G on blue rows, B."""
    top, left = rggb_offset(pattern)
    height, width = samples.shape
    rows, cols = (height - top) // 2 * 2, (width - left) // 2 * 2
    block = samples[top : top + rows, left : left + cols]
    return np.stack([block[0::2, 0::2], block[0::2, 1::2], block[1::2, 0::2], block[1::2, 1::2]], axis=2)


def estimate_mosaic_sigma(samples: np.ndarray, pattern: str) -> float:
    """Std of white Gaussian noise on an H×W mosaic, in 8-bit units: the root mean square of the
    estimate on each of its four colour planes (each plane alone is a smooth image)."""
    from ..noise import estimate_sigma

    planes = mosaic_planes(samples, pattern).astype(np.float32)
    levels = [estimate_sigma(planes[..., index]) for index in range(4)]
    return float(np.sqrt(np.mean(np.square(levels)))) * 255.0


def demosaic_with_net(
    net, samples: np.ndarray, pattern: str, sigma: float, tile: int = 512, ctx: RunContext | None = None
) -> np.ndarray:
    """Demosaic (and denoise) an H×W mosaic of ``pattern`` with a DemosaicNet; H×W×3 float32 in [0, 1].

    ``sigma`` is the noise std on the mosaic in 8-bit units; ``tile`` the tile side in pixels
    (0 = the whole image in one pass; tiling gives the same result, see ``workbench.core.tiling``).
    """
    from ..models.demosaicnet import MosaicAsImage
    from ..tiling import denoise_fitting

    ctx = ctx or RunContext()
    top, left = rggb_offset(pattern)
    height, width = samples.shape
    bottom = max(MIN_SIDE - height - top, (height + top) % 2)
    right = max(MIN_SIDE - width - left, (width + left) % 2)
    padded = np.pad(samples, ((top, bottom), (left, right)), mode="reflect")
    planes = mosaic_adjoint(padded[..., None].astype(np.float32), "RGGB")
    result = denoise_fitting(MosaicAsImage(net), planes, sigma, tile, ctx, ctx.torch_device())
    return np.clip(result[top : top + height, left : left + width], 0.0, 1.0)


def _sigma(problem: Problem, samples: np.ndarray, sigma: float | str, ctx: RunContext) -> float:
    if sigma != AUTO:
        return float(sigma)
    if problem.noise_sigma is not None:
        level = problem.noise_sigma * 255.0
    else:
        level = estimate_mosaic_sigma(samples, problem.pattern)
    ctx.notes["sigma"] = round(level, 2)
    return level


def _run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
    samples = np.clip(problem.observed.pixels[..., 0], 0.0, 1.0)
    loaded = load_model("demosaic_net", params["weights"])
    sigma = _sigma(problem, samples, params["sigma"], ctx)
    ctx.progress(0.0, "demosaicking")
    return demosaic_with_net(loaded.model, samples, problem.pattern, sigma, params["tile"], ctx)


def _check(params: dict) -> None:
    weight_path("demosaic_net", params["weights"])


register(
    Method(
        name="demosaic_net",
        label="Joint demosaick + denoise CNN",
        family="learned",
        tasks=frozenset({Task.DEMOSAIC}),
        params=ParamSpec(
            [
                weights_param("weight file of a demosaicnet (.pt, own format); empty = shipped"),
                FloatParam(
                    "sigma",
                    AUTO,
                    "noise std on the mosaic given to the network (0-20 trained); auto = the level the "
                    "workbench added, else estimated from the mosaic",
                    minimum=0.0,
                    maximum=50.0,
                    step=1.0,
                    unit="/255",
                    allow_auto=True,
                ),
                tile_param(1024),
            ]
        ),
        run=_run,
        check=_check,
        summary="CNN that demosaicks and denoises a Bayer mosaic in one pass, given the noise level "
        "(Gharbi et al. 2016 style: half-resolution convolutions over the packed mosaic, added to "
        "Malvar's estimate); trained on CBSD432 mosaics with noise 0-20",
    )
)
