"""Noise-level estimation from a single image.

* :func:`estimate_sigma`: the standard deviation of additive white Gaussian noise, by the
  weak-texture patch method of Liu, Tanaka and Okutomi ("Single-image noise level estimation
  for blind denoising", IEEE TIP 2013): the smallest eigenvalue of the covariance of 7×7
  patches is the noise variance once textured patches are left out; a patch is textured when
  its sum of squared gradients exceeds what noise of the current estimate would give with
  probability 1e-3 (a Gamma quantile). Four rounds of estimate and selection. The last
  eigenvalue is then scaled up for the number of patches kept (see :func:`_weak_texture_variance`),
  which removes the low bias the plain method has on small images. Large images are sampled:
  at most 2**15 patch positions per channel, drawn with a fixed seed, so the estimate takes
  the same few milliseconds at any size and the same image always gives the same value.
* :func:`estimate_poisson_gaussian`: the parameters of signal-dependent noise with
  variance = a·x + b, by a robust regression of local noise variance on local mean.

All levels are on the [0, 1] scale of the pixels (multiply a standard deviation by 255 for
8-bit units).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .image import as_hwc

PATCH = 7
CONFIDENCE = 1 - 1e-3
ROUNDS = 4
MAX_PATCHES = 2**15
MAD_TO_STD = 1.4826
LEVEL_BLOCKS = 4
FIT_ROUNDS = 3
CLIP_MARGIN = 2.5
SAMPLED_PIXELS = 4_000_000
SAMPLED_CELLS = 96


def estimate_sigma(pixels: np.ndarray) -> float:
    """Standard deviation of additive white Gaussian noise in float32 H×W×C ``pixels`` ([0, 1] scale).

    Each channel is estimated on its own (:func:`estimate_sigma_channels`) and the variances
    averaged.
    """
    return float(np.sqrt(np.mean(estimate_sigma_channels(pixels) ** 2)))


def estimate_sigma_channels(pixels: np.ndarray) -> np.ndarray:
    """Noise std of each channel of float32 H×W×C ``pixels``: C values on the [0, 1] scale.

    Every 7×7 patch position is used up to 2**15 of them; larger images use that many positions
    drawn at random (seed 0), the same for every channel. An image with fewer patches than twice
    a patch's 49 values falls back to :func:`haar_mad_sigma` per channel.
    """
    pixels = as_hwc(pixels)
    height, width, channels = pixels.shape
    rows, cols = max(0, height - PATCH + 1), max(0, width - PATCH + 1)
    if rows * cols < 2 * PATCH * PATCH:
        return np.array([haar_mad_sigma(pixels[:, :, channel]) for channel in range(channels)])
    patches = _sample_patches(pixels, rows, cols)
    return np.sqrt([_weak_texture_variance(patches[..., channel]) for channel in range(channels)])


def _weak_texture_variance(patches: np.ndarray) -> float:
    """The noise variance of one channel from its N×7×7 patches, keeping the weakly textured ones.

    For white noise of variance s², the smallest eigenvalue of a p-dimensional covariance estimated
    from n samples falls near s²·(1 - √(p/n))², the lower edge of the Marchenko–Pastur law, not at
    s²: 12 % low in standard deviation for the 3364 patches of a 64×64 image. Overlapping patches
    follow the same edge with n their count (checked on pure noise from 32² to 256² pixels), so the
    last round's eigenvalue is divided by that factor. The selection rounds use the plain
    eigenvalue, as the method was designed with.
    """
    texture = _gradient_energy(patches)
    patches = patches.reshape(-1, PATCH * PATCH)
    threshold = _texture_threshold()
    variance = _smallest_eigenvalue(patches)
    for _ in range(ROUNDS - 1):
        weak = texture < variance * threshold
        if weak.sum() < 2 * PATCH * PATCH:
            break
        patches, texture = patches[weak], texture[weak]
        variance = _smallest_eigenvalue(patches)
    return variance / (1 - np.sqrt(PATCH * PATCH / len(patches))) ** 2


def _sample_patches(pixels: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """N×7×7×C float32 patches of H×W×C ``pixels``: every position, or MAX_PATCHES drawn with seed 0.

    ``rows`` × ``cols`` are the patch positions (top-left corners) that fit in the image.
    """
    windows = np.lib.stride_tricks.sliding_window_view(pixels, (PATCH, PATCH), axis=(0, 1))
    if rows * cols <= MAX_PATCHES:
        picked = windows.reshape(rows * cols, pixels.shape[2], PATCH, PATCH)
    else:
        picks = np.sort(np.random.default_rng(0).choice(rows * cols, MAX_PATCHES, replace=False))
        picked = windows[picks // cols, picks % cols]
    return np.ascontiguousarray(picked.transpose(0, 2, 3, 1), dtype=np.float32)


def _gradient_energy(patches: np.ndarray) -> np.ndarray:
    """Per N×7×7 patch, the sum of squared central differences inside it: N values."""
    horizontal = ((patches[:, :, 2:] - patches[:, :, :-2]) / 2) ** 2
    vertical = ((patches[:, 2:, :] - patches[:, :-2, :]) / 2) ** 2
    return horizontal.sum(axis=(1, 2)) + vertical.sum(axis=(1, 2))


@cache
def _texture_threshold() -> float:
    """The gradient energy a noise-only patch of unit variance stays below with probability 1-1e-6."""
    from scipy.special import gammaincinv  # gamma.ppf without loading scipy.stats (a second at start-up)

    operator = np.vstack([_difference_matrix(axis) for axis in (0, 1)])
    normal = operator.T @ operator
    rank = np.linalg.matrix_rank(normal)
    return float(2 * np.trace(normal) / rank * gammaincinv(rank / 2, CONFIDENCE))


def _difference_matrix(axis: int) -> np.ndarray:
    """The central differences along ``axis`` inside a 7×7 patch, as a matrix on its 49 values."""
    rows = []
    for index in np.ndindex(PATCH, PATCH):
        if 1 <= index[axis] <= PATCH - 2:
            row = np.zeros((PATCH, PATCH))
            before, after = list(index), list(index)
            before[axis] -= 1
            after[axis] += 1
            row[tuple(before)], row[tuple(after)] = -0.5, 0.5
            rows.append(row.ravel())
    return np.array(rows)


def _smallest_eigenvalue(patches: np.ndarray) -> float:
    """The smallest eigenvalue of the covariance of N×49 ``patches`` (not corrected for N)."""
    centred = patches - patches.mean(axis=0)
    covariance = (centred.T @ centred).astype(np.float64) / (len(patches) - 1)
    return max(float(np.linalg.eigvalsh(covariance)[0]), 0.0)


def haar_mad_sigma(pixels: np.ndarray) -> float:
    """Donoho's rule: median(|finest diagonal Haar coefficients|) / 0.6745, over all channels.

    Less accurate than :func:`estimate_sigma` on textured images (texture leaks into the
    diagonal band and inflates the estimate at low noise), but works on any image of 2×2 or more;
    smaller images give 0.
    """
    pixels = as_hwc(pixels).astype(np.float64)
    diagonal = _haar_diagonal(pixels)
    return float(np.median(np.abs(diagonal)) * MAD_TO_STD) if diagonal.size else 0.0


def estimate_poisson_gaussian(pixels: np.ndarray, bins: int = 16) -> tuple[float, float]:
    """Fit variance = a·x + b of signal-dependent noise in float32 H×W×C ``pixels`` ([0, 1] scale).

    Each 2×2 block gives a diagonal Haar coefficient, whose variance is the noise variance at
    that block, and a local level: the mean of the 8×8 pixels around it (smooth enough that its
    own noise hardly blurs the levels). Blocks are grouped into ``bins`` groups of equal count
    by level; each group's variance is a robust (median absolute deviation) estimate, and a
    line is fitted through them by least squares. Clipping at black and white shrinks the
    variance, so after each fit the blocks within 2.5 noise standard deviations of 0 or 1 are
    left out and the line fitted again (three rounds).

    Returns:
        (a, b): a ≥ 0 is the Poisson gain (1/peak for counts scaled to [0, 1]); b is the
        variance of the signal-independent part (it can come out slightly negative).

    Raises:
        ValueError: fewer than 8 usable blocks per bin (the image is too small or all clipped).
    """
    from scipy.ndimage import uniform_filter

    pixels = as_hwc(pixels).astype(np.float64)
    block_means = _block_means(pixels)
    levels = np.stack(
        [uniform_filter(block_means[:, :, c], LEVEL_BLOCKS, mode="reflect") for c in range(pixels.shape[2])],
        axis=2,
    ).ravel()
    details = _haar_diagonal(pixels).ravel()
    keep = (levels > 0.02) & (levels < 0.98)
    if keep.sum() < bins * 8:
        raise ValueError("too few unclipped 2×2 blocks to estimate Poisson–Gaussian noise")
    gain, offset = 0.0, 0.0
    for _ in range(FIT_ROUNDS):
        gain, offset = _fit_variance_line(levels[keep], details[keep], bins)
        spread = CLIP_MARGIN * np.sqrt(np.maximum(gain * levels + offset, 0.0))
        unclipped = (levels - spread > 0) & (levels + spread < 1)
        if unclipped.sum() < bins * 8:
            break
        keep = unclipped
    return gain, offset


def _fit_variance_line(levels: np.ndarray, details: np.ndarray, bins: int) -> tuple[float, float]:
    order = np.argsort(levels)
    centres, variances = [], []
    for group in np.array_split(order, bins):
        centres.append(levels[group].mean())
        values = details[group]
        variances.append((np.median(np.abs(values - np.median(values))) * MAD_TO_STD) ** 2)
    slope, intercept = np.polyfit(centres, variances, 1)
    return max(float(slope), 0.0), float(intercept)


def _blocks(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    height, width = (pixels.shape[0] // 2) * 2, (pixels.shape[1] // 2) * 2
    even = pixels[:height, :width]
    return even[0::2, 0::2], even[0::2, 1::2], even[1::2, 0::2], even[1::2, 1::2]


def _haar_diagonal(pixels: np.ndarray) -> np.ndarray:
    top_left, top_right, bottom_left, bottom_right = _blocks(pixels)
    return (top_left - top_right - bottom_left + bottom_right) / 2


def _block_means(pixels: np.ndarray) -> np.ndarray:
    top_left, top_right, bottom_left, bottom_right = _blocks(pixels)
    return (top_left + top_right + bottom_left + bottom_right) / 4


def haar_noise_map(pixels: np.ndarray, block: int = 96) -> np.ndarray:
    """A smooth per-pixel, per-channel noise-level map of H×W×C ``pixels``: H×W×C, [0, 1] scale.

    :func:`haar_noise_grid` interpolated to every pixel by :func:`expand_noise_grid`.
    """
    pixels = as_hwc(pixels)
    return expand_noise_grid(haar_noise_grid(pixels, block), pixels.shape[:2])


def haar_noise_grid(pixels: np.ndarray, block: int = 96) -> np.ndarray:
    """The noise level of each ``block``×``block`` tile of H×W×C ``pixels``: rows×cols×C, [0, 1] scale.

    Each tile (the training patch size of the colour model) gets the level the colour model is
    given in training when the level is not known
    (``workbench.core.train.camera_noise.haar_level``): the root mean square of Donoho's
    median(|HH|)/0.6745 on the pixels and, doubled, on their 2×2 block means. Images smaller
    than a block get one tile; images with a side under 4 pixels read 0. Images over
    :data:`SAMPLED_PIXELS` read the medians from :data:`SAMPLED_CELLS` 4×4 cells of each tile
    (the same cells in every tile, drawn once with seed 0) instead of every pixel: about 8×
    faster, each tile's level within about 11 % of the full scan's.
    """
    pixels = as_hwc(pixels)
    height, width = pixels.shape[:2]
    if min(height, width) < 4:
        return np.zeros((1, 1, pixels.shape[2]), np.float32)
    rows, cols = max(height // block, 1), max(width // block, 1)
    if height * width > SAMPLED_PIXELS:
        fine, coarse = _sampled_tile_medians(pixels, rows, cols)
    else:
        fine = _tile_medians(np.abs(_haar_diagonal(pixels)), rows, cols)
        coarse = _tile_medians(np.abs(_haar_diagonal(_block_means(pixels))), rows, cols)
    return (np.sqrt((fine**2 + (2 * coarse) ** 2) / 2) / 0.6745).astype(np.float32)


def expand_noise_grid(grid: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A rows×cols×C tile grid interpolated bilinearly between tile centres to an H×W×C map
    (``shape`` = (H, W)), so that the map follows brightness and noise that changes across the
    image without steps."""
    import cv2

    height, width = shape
    grid = np.ascontiguousarray(grid, np.float32)
    return as_hwc(cv2.resize(grid, (width, height), interpolation=cv2.INTER_LINEAR))


def _sampled_tile_medians(pixels: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Per tile and channel, the lower medians of |HH| on the pixels and on their 2×2 block means,
    from :data:`SAMPLED_CELLS` 4×4 cells of each of the rows × cols tiles: two rows×cols×C arrays.
    """
    size_r, size_c = pixels.shape[0] // rows, pixels.shape[1] // cols
    cells_r, cells_c = size_r // 4, size_c // 4
    count = min(SAMPLED_CELLS, cells_r * cells_c)
    picks = np.sort(np.random.default_rng(0).choice(cells_r * cells_c, count, replace=False))
    steps = np.arange(4)
    cell_rows = (picks // cells_c * 4)[:, None] + steps
    cell_cols = (picks % cells_c * 4)[:, None] + steps
    tiles = pixels[: rows * size_r, : cols * size_c].reshape(rows, size_r, cols, size_c, pixels.shape[2])
    cells = tiles[:, cell_rows[:, :, None], :, cell_cols[:, None, :], :]  # count×4×4×rows×cols×C
    corners = cells[:, 0::2, 0::2], cells[:, 0::2, 1::2], cells[:, 1::2, 0::2], cells[:, 1::2, 1::2]
    top_left, top_right, bottom_left, bottom_right = corners
    fine = np.abs(top_left - top_right - bottom_left + bottom_right) / 2
    means = (top_left + top_right + bottom_left + bottom_right) / 4
    coarse = np.abs(means[:, 0, 0] - means[:, 0, 1] - means[:, 1, 0] + means[:, 1, 1]) / 2
    return _lower_median(fine.reshape(-1, *fine.shape[3:])), _lower_median(coarse)


def _lower_median(values: np.ndarray) -> np.ndarray:
    """The lower median along the first axis (the lower middle value for an even count)."""
    middle = (values.shape[0] - 1) // 2
    return np.partition(values, middle, axis=0)[middle]


def _tile_medians(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Per-channel lower medians of an H×W×C array cut into rows × cols equal tiles: rows×cols×C.

    The lower of the two middle values for an even count, as ``torch.median`` takes it.
    """
    size_r, size_c = values.shape[0] // rows, values.shape[1] // cols
    tiles = values[: rows * size_r, : cols * size_c].reshape(rows, size_r, cols, size_c, values.shape[2])
    flat = tiles.transpose(0, 2, 4, 1, 3).reshape(rows, cols, values.shape[2], -1)
    middle = (flat.shape[3] - 1) // 2
    return np.partition(flat, middle, axis=3)[..., middle]
