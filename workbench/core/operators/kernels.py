"""Blur kernels (Gaussian, box, motion) and the 1-D resampling kernels of the down-sampler.

Every 2-D kernel is float32 kh×kw, sums to 1 and has its centre at (kh // 2, kw // 2).
"""

from __future__ import annotations

import math

import numpy as np


def gaussian_kernel(size: int, sigma: float) -> np.ndarray:
    """An isotropic Gaussian of standard deviation ``sigma`` pixels on a size×size grid."""
    offsets = np.arange(size, dtype=np.float64) - size // 2
    profile = np.exp(-0.5 * (offsets / sigma) ** 2)
    return _normalised(np.outer(profile, profile))


def box_kernel(size: int) -> np.ndarray:
    """A uniform size×size square."""
    return _normalised(np.ones((size, size)))


def motion_kernel(size: int, length: float, angle: float) -> np.ndarray:
    """A straight motion streak of ``length`` pixels through the centre at ``angle`` degrees.

    The angle is counter-clockwise from the x axis (rows grow downwards). The segment is
    sampled densely and each sample spread bilinearly over its four neighbouring pixels.
    """
    count = max(2, math.ceil(length * 8) + 1)
    steps = np.linspace(-length / 2, length / 2, count)
    radians = math.radians(angle)
    centre = size // 2
    cols = centre + steps * math.cos(radians)
    rows = centre - steps * math.sin(radians)
    grid = np.zeros((size, size))
    row0, col0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    row_frac, col_frac = rows - row0, cols - col0
    for d_row, d_col, weight in (
        (0, 0, (1 - row_frac) * (1 - col_frac)),
        (0, 1, (1 - row_frac) * col_frac),
        (1, 0, row_frac * (1 - col_frac)),
        (1, 1, row_frac * col_frac),
    ):
        r, c = row0 + d_row, col0 + d_col
        inside = (r >= 0) & (r < size) & (c >= 0) & (c < size)
        np.add.at(grid, (r[inside], c[inside]), weight[inside])
    if grid.sum() <= 0:
        grid[centre, centre] = 1.0
    return _normalised(grid)


def centred_psf(kernel: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The kernel laid on an H×W grid with its centre at (0, 0), wrapping around the edges.

    Its 2-D FFT is the transfer function of circular convolution with ``kernel``; kernels
    larger than the grid fold onto it, which is what circular convolution does.
    """
    height, width = shape
    rows = (np.arange(kernel.shape[0]) - kernel.shape[0] // 2) % height
    cols = (np.arange(kernel.shape[1]) - kernel.shape[1] // 2) % width
    psf = np.zeros(shape, dtype=np.float64)
    np.add.at(psf, (rows[:, None], cols[None, :]), np.asarray(kernel, dtype=np.float64))
    return psf


def resampling_taps(scale: int, kind: str) -> np.ndarray:
    """1-D anti-aliasing taps for down-sampling by ``scale``, summing to 1 (float64).

    ``lanczos2`` and ``bicubic`` (Keys, a = -0.5) are stretched by ``scale`` as in Deep Image
    Prior's down-sampler: 4·scale taps for an even scale (centred between two pixels, i.e. on
    the centre of each scale×scale block) and 4·scale + 1 for an odd one. ``box`` is the block
    average (``scale`` taps).
    """
    if kind == "box":
        return np.full(scale, 1.0 / scale)
    size = 4 * scale + scale % 2
    distance = (np.arange(size) - (size - 1) / 2) / scale
    if kind == "lanczos2":
        taps = np.sinc(distance) * np.sinc(distance / 2) * (np.abs(distance) < 2)
    elif kind == "bicubic":
        taps = _keys_cubic(distance, -0.5)
    else:
        raise ValueError(f"unknown resampling kernel {kind!r} (use lanczos2, bicubic or box)")
    return taps / taps.sum()


def _keys_cubic(distance: np.ndarray, a: float) -> np.ndarray:
    x = np.abs(distance)
    near = (a + 2) * x**3 - (a + 3) * x**2 + 1
    far = a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a
    return np.where(x <= 1, near, np.where(x < 2, far, 0.0))


def _normalised(kernel: np.ndarray) -> np.ndarray:
    return (kernel / kernel.sum()).astype(np.float32)
