"""Image quality metrics: PSNR and SSIM, matching scikit-image's definitions, and MS-SSIM.

Inputs are float arrays H×W×C (or H×W) with values in [0, 1] unless
``data_range`` says otherwise. PSNR is in dB; SSIM is unitless in [-1, 1]; MS-SSIM in [0, 1].
"""

from __future__ import annotations

import math

import numpy as np

SSIM_WINDOW = 7
_K1, _K2 = 0.01, 0.03


def psnr(estimate: np.ndarray, reference: np.ndarray, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB; ``inf`` for identical images."""
    _check_shapes(estimate, reference)
    diff = np.asarray(estimate, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    mse = float(np.mean(diff * diff))
    if mse == 0.0:
        return math.inf
    return 10.0 * math.log10(data_range * data_range / mse)


def ssim(estimate: np.ndarray, reference: np.ndarray, data_range: float = 1.0) -> float:
    """Mean structural similarity (Wang et al. 2004) over all channels.

    Same definition as ``skimage.metrics.structural_similarity`` with its
    defaults: a 7×7 uniform window, sample covariance, reflective borders and
    the border of half a window left out of the mean. Images smaller than the
    window use the largest odd window that fits.
    """
    _check_shapes(estimate, reference)
    x = np.asarray(estimate, dtype=np.float64)
    y = np.asarray(reference, dtype=np.float64)
    if x.ndim == 2:
        x, y = x[:, :, None], y[:, :, None]
    window = min(SSIM_WINDOW, _largest_odd(min(x.shape[:2])))
    return float(
        np.mean([_ssim_channel(x[..., c], y[..., c], window, data_range) for c in range(x.shape[2])])
    )


def ms_ssim(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Multi-scale SSIM (Wang et al. 2003) of images in [0, 1]; each scale's term is averaged over channels.

    Gaussian 11×11 window, up to five scales with the published weights; scales smaller than the
    window are left out (see ``workbench.core.losses``). Computed in torch on the CPU.
    """
    _check_shapes(estimate, reference)
    import torch

    from .losses import ms_ssim as ms_ssim_tensor

    def tensor(pixels: np.ndarray):
        array = np.asarray(pixels, dtype=np.float64)
        array = array[:, :, None] if array.ndim == 2 else array
        return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))[:, None]

    with torch.no_grad():
        return float(ms_ssim_tensor(tensor(estimate), tensor(reference)).mean())


def _ssim_channel(x: np.ndarray, y: np.ndarray, window: int, data_range: float) -> float:
    from scipy.ndimage import uniform_filter

    count = window * window
    covariance_norm = count / (count - 1) if count > 1 else 1.0
    mean_x = uniform_filter(x, window)
    mean_y = uniform_filter(y, window)
    var_x = covariance_norm * (uniform_filter(x * x, window) - mean_x * mean_x)
    var_y = covariance_norm * (uniform_filter(y * y, window) - mean_y * mean_y)
    cov_xy = covariance_norm * (uniform_filter(x * y, window) - mean_x * mean_y)
    c1 = (_K1 * data_range) ** 2
    c2 = (_K2 * data_range) ** 2
    numerator = (2 * mean_x * mean_y + c1) * (2 * cov_xy + c2)
    denominator = (mean_x**2 + mean_y**2 + c1) * (var_x + var_y + c2)
    ssim_map = numerator / denominator
    pad = (window - 1) // 2
    cropped = ssim_map[pad : ssim_map.shape[0] - pad, pad : ssim_map.shape[1] - pad]
    return float(cropped.mean())


def _largest_odd(size: int) -> int:
    return size if size % 2 == 1 else max(size - 1, 1)


def _check_shapes(a: np.ndarray, b: np.ndarray) -> None:
    if np.shape(a) != np.shape(b):
        raise ValueError(f"shapes differ: {np.shape(a)} vs {np.shape(b)}")
