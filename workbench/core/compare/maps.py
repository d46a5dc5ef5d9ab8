"""Per-pixel maps of a comparison (error, removed noise) and their shared display scale and colours."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

ERROR_PERCENTILE = 99.5
"""Shared map scales use this percentile of all maps, so a few outlier pixels do not wash them out."""

_HEAT_ANCHORS = np.array(
    [
        [0, 0, 4],
        [40, 11, 84],
        [101, 21, 110],
        [159, 42, 99],
        [212, 72, 66],
        [245, 125, 21],
        [250, 193, 39],
        [252, 255, 164],
    ],
    dtype=np.float32,
)
"""An inferno-like perceptual colour ramp from black (no error) to pale yellow (the scale's top)."""


def error_map(estimate: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """|estimate - reference| averaged over channels: H×W float32 in [0, 1]."""
    difference = np.abs(np.asarray(estimate, np.float32) - np.asarray(reference, np.float32))
    return difference.mean(axis=2).astype(np.float32)


def removed_noise(observed: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """observed - estimate averaged over channels (what the method took away): H×W float32 in [-1, 1]."""
    return (
        (np.asarray(observed, np.float32) - np.asarray(estimate, np.float32)).mean(axis=2).astype(np.float32)
    )


STRUCTURE_RADIUS = 3
"""Half-size of the window of :func:`removed_structure` ((2r+1)² pixels)."""


def removed_structure(
    observed: np.ndarray, estimate: np.ndarray, radius: int = STRUCTURE_RADIUS
) -> np.ndarray:
    """How much image structure a method removed: the local correlation, in a (2·radius+1)² window,
    between what it took away (observed - estimate) and what it kept (estimate), both averaged
    over channels. H×W float32 in [-1, 1].

    Pure noise taken away is uncorrelated with the image (values near 0, about ±1/(2·radius+1)
    by chance); a method that smears detail leaves edges in its residual, where the map is large.
    """
    from scipy.ndimage import uniform_filter

    kept = np.asarray(estimate, np.float64).mean(axis=2)
    removed = np.asarray(observed, np.float64).mean(axis=2) - kept
    size = 2 * radius + 1

    def local(values: np.ndarray) -> np.ndarray:
        return uniform_filter(values, size, mode="reflect")

    mean_kept, mean_removed = local(kept), local(removed)
    covariance = local(kept * removed) - mean_kept * mean_removed
    variance_kept = np.maximum(local(kept * kept) - mean_kept**2, 0.0)
    variance_removed = np.maximum(local(removed * removed) - mean_removed**2, 0.0)
    correlation = covariance / np.sqrt(variance_kept * variance_removed + 1e-12)
    return np.clip(correlation, -1.0, 1.0).astype(np.float32)


def shared_scale(maps: Iterable[np.ndarray]) -> float:
    """One display maximum for several maps: the ERROR_PERCENTILE of all |values| (at least 1/255)."""
    values = [np.abs(array).ravel() for array in maps]
    if not values:
        return 1.0
    return max(float(np.percentile(np.concatenate(values), ERROR_PERCENTILE)), 1.0 / 255.0)


def heat_colors(values: np.ndarray, top: float) -> np.ndarray:
    """H×W values in [0, top] -> H×W×3 float32 in [0, 1] on the inferno-like ramp (clipped above ``top``)."""
    position = np.clip(np.asarray(values, np.float32) / max(top, 1e-12), 0.0, 1.0) * (len(_HEAT_ANCHORS) - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, len(_HEAT_ANCHORS) - 1)
    weight = (position - low)[..., None]
    colours = _HEAT_ANCHORS[low] * (1 - weight) + _HEAT_ANCHORS[high] * weight
    return (colours / 255.0).astype(np.float32)


def signed_gray(values: np.ndarray, top: float) -> np.ndarray:
    """H×W values in [-top, top] -> H×W×1 float32 gray in [0, 1], zero at mid-gray."""
    return np.clip(0.5 + np.asarray(values, np.float32) / (2 * max(top, 1e-12)), 0.0, 1.0)[:, :, None]


def colour_bar(top: float, width: int = 256, height: int = 12) -> np.ndarray:
    """A horizontal legend of :func:`heat_colors` from 0 to ``top``: height×width×3 float32."""
    ramp = np.linspace(0.0, top, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    return heat_colors(ramp, top)
