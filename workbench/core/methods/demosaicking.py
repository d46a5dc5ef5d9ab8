"""Classical demosaicking of a Bayer mosaic: bilinear, Malvar–He–Cutler 2004 and Menon 2007.

Input: ``problem.observed`` is the H×W×1 mosaic in [0, 1], ``problem.pattern`` its layout
(see ``workbench.core.operators.cfa``); output: H×W×3 float32. Borders are mirrored without
repeating the edge pixel, which keeps the Bayer phase: border pixels are interpolated from
samples of the right colour, and a flat colour comes out flat up to the edge. (Repeating the edge
pixel instead mixes colours there, though it scores 0.3 to 0.45 dB higher with Malvar's filters on
kodim01 and kodim05, whose two outermost columns are the same.)

* bilinear: each missing sample is the mean of its nearest neighbours of that colour.
* Malvar, He and Cutler, "High-quality linear interpolation for demosaicing of Bayer-patterned
  color images" (ICASSP 2004): bilinear plus a correction by the Laplacian of the colour that was
  sampled at the pixel (5×5 filters, gains 1/2, 5/8 and 3/4 as in the paper).
* Menon, Andriani and Calvagno, "Demosaicing with directional filtering and a posteriori
  decision" (IEEE TIP 2007), with its refining step, from the ``colour-demosaicing`` package.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..jobs import RunContext
from ..operators.cfa import cfa_masks
from ..params import BoolParam, ParamSpec
from ..problem import Problem, Task
from ..registry import Method, register

DEMOSAIC = frozenset({Task.DEMOSAIC})

_BILINEAR_GREEN = np.array([[0, 1, 0], [1, 4, 1], [0, 1, 0]], dtype=np.float64) / 4
_BILINEAR_RED_BLUE = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.float64) / 4

# Malvar–He–Cutler filters (divide by 8): the green at a red or blue sample; a red (blue) value at a
# green sample whose row holds red (blue) samples, at one whose column does, and at a blue (red) sample.
_GREEN_AT_RED_BLUE = (
    np.array([[0, 0, -1, 0, 0], [0, 0, 2, 0, 0], [-1, 2, 4, 2, -1], [0, 0, 2, 0, 0], [0, 0, -1, 0, 0]]) / 8
)
_AT_GREEN_ROW = (
    np.array([[0, 0, 0.5, 0, 0], [0, -1, 0, -1, 0], [-1, 4, 5, 4, -1], [0, -1, 0, -1, 0], [0, 0, 0.5, 0, 0]])
    / 8
)
_AT_GREEN_COLUMN = _AT_GREEN_ROW.T
_AT_OPPOSITE = (
    np.array(
        [[0, 0, -1.5, 0, 0], [0, 2, 0, 2, 0], [-1.5, 0, 6, 0, -1.5], [0, 2, 0, 2, 0], [0, 0, -1.5, 0, 0]]
    )
    / 8
)


def _filter(plane: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    from scipy.ndimage import convolve

    return convolve(plane, kernel, mode="mirror")


def bilinear(samples: np.ndarray, pattern: str) -> np.ndarray:
    """Bilinear demosaicking of an H×W mosaic; returns H×W×3 float32."""
    masks = cfa_masks(pattern, *samples.shape)
    planes = []
    for channel in range(3):
        kernel = _BILINEAR_GREEN if channel == 1 else _BILINEAR_RED_BLUE
        planes.append(_filter(samples * masks[..., channel], kernel))
    return np.stack(planes, axis=2).astype(np.float32)


def malvar(samples: np.ndarray, pattern: str) -> np.ndarray:
    """Malvar–He–Cutler gradient-corrected linear demosaicking of an H×W mosaic; H×W×3 float32."""
    samples = samples.astype(np.float64)
    masks = cfa_masks(pattern, *samples.shape)
    red, green, blue = (masks[..., channel] for channel in range(3))
    red_rows = np.broadcast_to(red.any(axis=1, keepdims=True), red.shape)
    blue_rows = np.broadcast_to(blue.any(axis=1, keepdims=True), blue.shape)
    green_estimate = np.where(green, samples, _filter(samples, _GREEN_AT_RED_BLUE))
    along_row = _filter(samples, _AT_GREEN_ROW)
    along_column = _filter(samples, _AT_GREEN_COLUMN)
    opposite = _filter(samples, _AT_OPPOSITE)
    red_estimate = np.select(
        [red, green & red_rows, green & blue_rows, blue], [samples, along_row, along_column, opposite]
    )
    blue_estimate = np.select(
        [blue, green & blue_rows, green & red_rows, red], [samples, along_row, along_column, opposite]
    )
    return np.stack([red_estimate, green_estimate, blue_estimate], axis=2).astype(np.float32)


MENON_MIN_SIDE = 4
"""``colour-demosaicing``'s Menon fails on smaller mosaics; those are padded to this side first."""


def menon(samples: np.ndarray, pattern: str, refine: bool = True) -> np.ndarray:
    """Menon et al. 2007 (directional filtering, a posteriori decision) via ``colour-demosaicing``.

    A mosaic under ``MENON_MIN_SIDE`` pixels high or wide is first tiled with copies of itself up
    to that side, and the result cropped back: a plausible colour for a mosaic that small, where a
    copy of odd size can put a sample under the wrong filter colour.
    """
    rows, cols = samples.shape[:2]
    if min(rows, cols) < MENON_MIN_SIDE:
        tiled = np.tile(samples, (MENON_MIN_SIDE, MENON_MIN_SIDE))[
            : max(rows, MENON_MIN_SIDE), : max(cols, MENON_MIN_SIDE)
        ]
        return menon(tiled, pattern, refine)[:rows, :cols]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from colour_demosaicing import demosaicing_CFA_Bayer_Menon2007

        result = demosaicing_CFA_Bayer_Menon2007(samples.astype(np.float64), pattern, refining_step=refine)
    return np.asarray(result, dtype=np.float32)


MENON_TILE = 512
"""Side of the tiles Menon runs on (even), so a long run reports progress and can be cancelled."""
MENON_MARGIN = 16
"""Pixels (even) each tile reads beyond its core: more than the reach of Menon's filters, the
decision window and the refining step together, so tiles give the whole-image result."""


def menon_tiled(samples: np.ndarray, pattern: str, ctx: RunContext, refine: bool = True) -> np.ndarray:
    """:func:`menon` tile by tile (cores of ``MENON_TILE``, margins of ``MENON_MARGIN``; both even,
    so every tile starts on the same Bayer phase), checking for cancellation and reporting
    progress between tiles. H×W mosaic in, H×W×3 float32 out."""
    rows, cols = samples.shape
    if max(rows, cols) <= MENON_TILE:
        return menon(samples, pattern, refine)
    result = np.empty((rows, cols, 3), np.float32)
    corners = [(top, left) for top in range(0, rows, MENON_TILE) for left in range(0, cols, MENON_TILE)]
    for index, (top, left) in enumerate(corners):
        ctx.check_cancelled()
        ctx.progress(index / len(corners), f"demosaicking tile {index + 1} of {len(corners)}")
        y0, x0 = max(top - MENON_MARGIN, 0), max(left - MENON_MARGIN, 0)
        bottom, right = min(top + MENON_TILE, rows), min(left + MENON_TILE, cols)
        y1, x1 = min(bottom + MENON_MARGIN, rows), min(right + MENON_MARGIN, cols)
        window = menon(samples[y0:y1, x0:x1], pattern, refine)
        result[top:bottom, left:right] = window[top - y0 : bottom - y0, left - x0 : right - x0]
    return result


def _runner(function, takes_context: bool = False):
    def run(problem: Problem, params: dict, ctx: RunContext) -> np.ndarray:
        ctx.progress(0.0, "demosaicking")
        samples = np.clip(problem.observed.pixels[..., 0], 0.0, 1.0)
        if takes_context:
            result = function(samples, problem.pattern, ctx, **params)
        else:
            result = function(samples, problem.pattern, **params)
        ctx.progress(1.0, "demosaicked")
        return result

    return run


register(
    Method(
        name="demosaic_bilinear",
        label="Bilinear demosaicking",
        family="classical",
        tasks=DEMOSAIC,
        params=ParamSpec(),
        run=_runner(bilinear),
        summary="Each missing colour is the mean of its nearest samples of that colour: the baseline.",
    )
)
register(
    Method(
        name="demosaic_malvar",
        label="Malvar–He–Cutler",
        family="classical",
        tasks=DEMOSAIC,
        params=ParamSpec(),
        run=_runner(malvar),
        summary="Gradient-corrected linear demosaicking (Malvar, He, Cutler 2004): bilinear corrected by "
        "the Laplacian of the sampled colour, 5×5 filters.",
    )
)
register(
    Method(
        name="demosaic_menon",
        label="Menon 2007 (DDFAPD)",
        family="classical",
        tasks=DEMOSAIC,
        params=ParamSpec(
            [BoolParam("refine", True, "the paper's refining step (better colours at edges, slower)")]
        ),
        run=_runner(menon_tiled, takes_context=True),
        summary="Directional filtering with an a posteriori decision (Menon et al. 2007), from the "
        "colour-demosaicing package.",
    )
)
