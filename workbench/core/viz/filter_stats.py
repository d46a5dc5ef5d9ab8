"""Numbers that say whether first-layer filters look like edge detectors rather than noise.

Two per-filter measures on an O×I×h×w weight array (float, any units):

- **zero-sum ratio** |Σw| / Σ|w|: 0 for a filter that ignores flat regions (a derivative, an edge
  or texture detector), 1 for an all-positive blur.
- **orientation selectivity**: the filter's power spectrum (zero-padded to ``SPECTRUM_SIZE``, DC
  left out, summed over input channels) split into ``ORIENTATION_BINS`` bins of angle in [0, π);
  the largest bin's energy over the mean bin's. 1 for an isotropic filter; an oriented edge
  detector puts most energy in one or two bins.

Random filters of the same size are the baseline: small kernels are somewhat oriented by chance.
When a network's initial weights are known, :func:`initial_correlation` says how much of each
trained filter is still its random starting point.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SPECTRUM_SIZE = 32
ORIENTATION_BINS = 8
ZERO_SUM_LIMIT = 0.1
"""A filter counts as zero-sum when its zero-sum ratio is below this."""


@dataclass(frozen=True)
class FilterStats:
    """Summary of a filter bank.

    Attributes:
        filters: number of filters (output channels).
        kernel: (height, width) of a filter.
        zero_sum: filters whose zero-sum ratio is under ``ZERO_SUM_LIMIT``.
        selectivity: median orientation selectivity.
        random_selectivity: median orientation selectivity of Gaussian random filters of the same
            shape (the chance level).
    """

    filters: int
    kernel: tuple[int, int]
    zero_sum: int
    selectivity: float
    random_selectivity: float

    def summary(self) -> str:
        """One line for a caption or a benchmark table."""
        height, width = self.kernel
        return (
            f"{self.filters} filters {height}×{width}: {self.zero_sum} zero-sum; orientation "
            f"selectivity {self.selectivity:.2f} (random filters: {self.random_selectivity:.2f})"
        )


def zero_sum_ratio(weight: np.ndarray) -> np.ndarray:
    """|Σw| / Σ|w| per filter of an O×I×h×w ``weight``: O values in [0, 1]."""
    flat = weight.reshape(weight.shape[0], -1).astype(np.float64)
    return np.abs(flat.sum(1)) / np.maximum(np.abs(flat).sum(1), 1e-12)


def orientation_selectivity(weight: np.ndarray, chunk: int = 64) -> np.ndarray:
    """Largest over mean angular energy bin of each filter's spectrum: O values, 1 or more.

    Computed ``chunk`` filters at a time, so that filters with many input channels (the DIP net's
    first layer reads 32) need little memory.
    """
    frequencies = np.fft.fftfreq(SPECTRUM_SIZE)
    fy, fx = np.meshgrid(frequencies, frequencies, indexing="ij")
    angle = np.mod(np.arctan2(fy, fx), np.pi)
    bins = np.minimum((angle / np.pi * ORIENTATION_BINS).astype(int), ORIENTATION_BINS - 1)
    not_dc = (fy != 0) | (fx != 0)
    masks = [(bins == index) & not_dc for index in range(ORIENTATION_BINS)]
    energies = []
    for start in range(0, weight.shape[0], chunk):
        part = weight[start : start + chunk].astype(np.float64)
        power = (np.abs(np.fft.fft2(part, s=(SPECTRUM_SIZE, SPECTRUM_SIZE))) ** 2).sum(1)
        energies.append(np.stack([power[:, mask].sum(1) for mask in masks], axis=1))
    energy = np.concatenate(energies)
    return energy.max(1) / np.maximum(energy.mean(1), 1e-30)


def filter_stats(weight: np.ndarray) -> FilterStats:
    """:class:`FilterStats` of an O×I×h×w ``weight`` (the baseline: :func:`random_selectivity`)."""
    shape = tuple(int(size) for size in weight.shape[1:])
    return FilterStats(
        filters=int(weight.shape[0]),
        kernel=shape[1:],
        zero_sum=int((zero_sum_ratio(weight) < ZERO_SUM_LIMIT).sum()),
        selectivity=float(np.median(orientation_selectivity(weight))),
        random_selectivity=random_selectivity(shape),
    )


RANDOM_FILTER_BUDGET = 8192
"""Input-channel kernels drawn for the random baseline (at most 1000 filters, at least 100)."""


@lru_cache(maxsize=16)
def random_selectivity(shape: tuple[int, int, int], seed: int = 0) -> float:
    """Median orientation selectivity of Gaussian random filters of I×h×w ``shape`` drawn from
    ``numpy.random.default_rng(seed)``: 1000 of them, fewer for many input channels (about
    ``RANDOM_FILTER_BUDGET`` kernels in all); kept, as the live views ask again and again."""
    filters = max(100, min(1000, RANDOM_FILTER_BUDGET // shape[0]))
    random = np.random.default_rng(seed).standard_normal((filters, *shape))
    return float(np.median(orientation_selectivity(random)))


def initial_correlation(weight: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """Pearson correlation of each trained filter with the same filter at initialisation.

    Args:
        weight, initial: O×I×h×w arrays of the same shape.

    Returns:
        O values in [-1, 1]; near 1 means training left the filter's random pattern in place.
    """
    if weight.shape != initial.shape:
        raise ValueError(f"weights of shape {weight.shape} and {initial.shape} cannot be compared")
    trained = weight.reshape(weight.shape[0], -1).astype(np.float64)
    start = initial.reshape(initial.shape[0], -1).astype(np.float64)
    trained = trained - trained.mean(1, keepdims=True)
    start = start - start.mean(1, keepdims=True)
    norms = np.linalg.norm(trained, axis=1) * np.linalg.norm(start, axis=1)
    return (trained * start).sum(1) / np.maximum(norms, 1e-30)
