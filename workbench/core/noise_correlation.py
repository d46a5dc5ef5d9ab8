"""How strongly an image's noise is correlated between neighbouring pixels, from the image alone.

White noise (synthetic Gaussian, a raw sensor) is independent from pixel to pixel; the noise of a
camera JPEG is not, since demosaicking, in-camera denoising and compression spread each pixel's
noise over its neighbours. The two need different handling: a denoiser trained on white noise
takes correlated noise for texture unless it is told a much higher level.

:func:`neighbour_correlation` samples 8×8 blocks, removes from each its best quadratic surface (the
smooth part of the image there), keeps the tenth of the blocks with the least energy left (the
flattest places, where what is left is mostly noise) and measures the correlation between
horizontally and vertically adjacent residuals, corrected for what the surface fit alone gives
white noise (a small negative value), so that white noise reads 0.

Measured (quadratic fit, 4096 blocks): white Gaussian noise added to CBSD432 images reads at most
0.21 at sigma 5 and 0.09 at sigma 10; the real camera JPEGs of PolyU and CC15 0.36-0.48 (15 each).
Nearly clean images read high too (0.25-0.46 at sigma 0-1): their flattest blocks still hold
smooth texture; there the level is so low that how it is handled matters little.

Pixels are float32 H×W×C in [0, 1].
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .image import as_hwc

BLOCK = 8
BLOCKS = 4096
KEEP = 0.1
CORRELATED = 0.3
"""The correlation above which noise is treated as correlated (between white sigma >= 5 and camera JPEGs)."""


def neighbour_correlation(pixels: np.ndarray) -> float:
    """Correlation of the noise between adjacent pixels of float32 H×W×C ``pixels``: about 0 for
    white noise, 1 for noise as smooth as the image; in [-1, 1].

    Blocks are drawn at random (seed 0), so the same image always reads the same. An image smaller
    than one block reads 0.
    """
    pixels = as_hwc(pixels)
    height, width, channels = pixels.shape
    if height < BLOCK or width < BLOCK:
        return 0.0
    residuals = _flattest_residuals(_sample_blocks(pixels), channels)
    across = (residuals[..., :, 1:] * residuals[..., :, :-1]).sum()
    down = (residuals[..., 1:, :] * residuals[..., :-1, :]).sum()
    energy = (residuals**2).sum()
    if energy <= 0:
        return 0.0
    measured = (across + down) / 2 / (BLOCK * (BLOCK - 1)) / (energy / BLOCK**2)
    white = _white_correlation()
    return float(np.clip((measured - white) / (1 - white), -1.0, 1.0))


def _sample_blocks(pixels: np.ndarray) -> np.ndarray:
    """BLOCKS × C × 64 float64 values of 8×8 blocks at positions drawn with seed 0."""
    height, width, _ = pixels.shape
    rng = np.random.default_rng(0)
    rows = rng.integers(0, height - BLOCK + 1, BLOCKS)
    cols = rng.integers(0, width - BLOCK + 1, BLOCKS)
    windows = np.lib.stride_tricks.sliding_window_view(pixels, (BLOCK, BLOCK), axis=(0, 1))
    blocks = windows[rows, cols]
    return blocks.reshape(BLOCKS, pixels.shape[2], BLOCK * BLOCK).astype(np.float64)


def _flattest_residuals(blocks: np.ndarray, channels: int) -> np.ndarray:
    """The residuals, after the quadratic fit, of the KEEP share of blocks with the least residual
    energy (summed over channels): K × C × 8 × 8."""
    residuals = blocks @ _residual_projector()
    energy = (residuals**2).sum(axis=(1, 2))
    kept = np.argsort(energy)[: max(1, int(len(blocks) * KEEP))]
    return residuals[kept].reshape(-1, channels, BLOCK, BLOCK)


@cache
def _residual_projector() -> np.ndarray:
    """64×64 projector onto what is left of an 8×8 block after its least-squares quadratic surface."""
    rows, cols = np.mgrid[0:BLOCK, 0:BLOCK].astype(np.float64) - (BLOCK - 1) / 2
    rows, cols = rows.ravel(), cols.ravel()
    surface = np.stack([np.ones_like(rows), cols, rows, cols**2, rows**2, cols * rows], axis=1)
    basis, _ = np.linalg.qr(surface)
    return np.eye(BLOCK * BLOCK) - basis @ basis.T


@cache
def _white_correlation() -> float:
    """The neighbour correlation the quadratic fit leaves in white noise (expected value)."""
    projector = _residual_projector().reshape(BLOCK, BLOCK, BLOCK, BLOCK)
    across = np.mean([projector[r, c, r, c + 1] for r in range(BLOCK) for c in range(BLOCK - 1)])
    down = np.mean([projector[r, c, r + 1, c] for r in range(BLOCK - 1) for c in range(BLOCK)])
    variance = np.mean([projector[r, c, r, c] for r in range(BLOCK) for c in range(BLOCK)])
    return float((across + down) / 2 / variance)
