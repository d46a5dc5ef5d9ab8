"""Training and fitting losses in torch: l2, l1, SSIM, MS-SSIM and the MS-SSIM + l1 mix.

All take an estimate and a target of shape N×C×H×W (values in [0, 1]) and return a scalar
tensor to minimise. SSIM is Wang et al. 2004 with an 11×11 Gaussian window (sigma 1.5),
computed per channel over the "valid" region and averaged. MS-SSIM is Wang et al. 2003: the
contrast-structure term at each of up to five scales (2×2 average pooling between them) and the
luminance term at the coarsest, with the published weights; a scale smaller than the window is
left out and the weights of the scales used renormalised (a 64×64 patch keeps three). The mix is
Zhao et al., "Loss Functions for Image Restoration with Neural Networks" (2017):
0.84 · (1 − MS-SSIM) + 0.16 · Gaussian-weighted l1, the l1 error map weighted by the Gaussian of
the coarsest scale used (sigma 1.5 · 2^(scales − 1) pixels).

A ``mask`` (N×1×H×W or N×C×H×W, 1 = pixel counts) is only accepted by l2 and l1: the
structural losses compare windows, which a mask of single pixels (blind-spot training) breaks.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from .errors import ParameterError
from .loss_choices import LOSSES, MASKABLE

WINDOW = 11
WINDOW_SIGMA = 1.5
MS_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
MIX_ALPHA = 0.84
_C1 = 0.01**2
_C2 = 0.03**2

LossFunction = Callable[..., torch.Tensor]


def gaussian_window(size: int, sigma: float, like: torch.Tensor) -> torch.Tensor:
    """A size×size Gaussian summing to 1, as a 1×1×size×size tensor on ``like``'s device and dtype."""
    coords = torch.arange(size, device=like.device, dtype=like.dtype) - (size - 1) / 2
    line = torch.exp(-(coords**2) / (2 * sigma**2))
    line = line / line.sum()
    return torch.outer(line, line)[None, None]


def _filter(x: torch.Tensor, window: torch.Tensor) -> torch.Tensor:
    """Each channel of N×C×H×W ``x`` convolved with ``window`` over the valid region."""
    channels = x.shape[1]
    return F.conv2d(x, window.expand(channels, 1, -1, -1), groups=channels)


def _window_for(x: torch.Tensor, size: int = WINDOW) -> int:
    """``size``, or the largest odd side that fits the image when it is smaller."""
    side = min(x.shape[-2:])
    if side >= size:
        return size
    return side if side % 2 else max(side - 1, 1)


def _ssim_terms(x: torch.Tensor, y: torch.Tensor, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(luminance × contrast-structure map, contrast-structure map) of SSIM, per channel."""
    window = gaussian_window(size, WINDOW_SIGMA, x)
    mean_x, mean_y = _filter(x, window), _filter(y, window)
    var_x = _filter(x * x, window) - mean_x**2
    var_y = _filter(y * y, window) - mean_y**2
    cov = _filter(x * y, window) - mean_x * mean_y
    contrast_structure = (2 * cov + _C2) / (var_x + var_y + _C2)
    luminance = (2 * mean_x * mean_y + _C1) / (mean_x**2 + mean_y**2 + _C1)
    return luminance * contrast_structure, contrast_structure


def ssim(estimate: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean SSIM of N×C×H×W tensors in [0, 1] (Gaussian 11×11 window, shrunk to fit small images)."""
    full, _ = _ssim_terms(estimate, target, _window_for(estimate))
    return full.mean()


def ms_scales(height: int, width: int, scales: int = len(MS_WEIGHTS)) -> int:
    """How many of MS-SSIM's scales an H×W image keeps: each must still hold the 11×11 window."""
    kept, side = 0, min(height, width)
    while kept < scales and side >= WINDOW:
        kept += 1
        side //= 2
    return max(kept, 1)


def ms_ssim(estimate: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """MS-SSIM of N×C×H×W tensors in [0, 1], over the scales that fit (see the module doc)."""
    scales = ms_scales(*estimate.shape[-2:])
    weights = torch.tensor(MS_WEIGHTS[:scales], device=estimate.device, dtype=estimate.dtype)
    weights = weights / weights.sum()
    x, y = estimate, target
    value = torch.ones((), device=estimate.device, dtype=estimate.dtype)
    for level in range(scales):
        full, contrast_structure = _ssim_terms(x, y, _window_for(x))
        term = full if level == scales - 1 else contrast_structure
        value = value * term.mean().clamp(min=1e-6) ** weights[level]
        if level < scales - 1:
            x, y = F.avg_pool2d(x, 2), F.avg_pool2d(y, 2)
    return value


def weighted_l1(estimate: torch.Tensor, target: torch.Tensor, sigma: float) -> torch.Tensor:
    """The absolute error map weighted by a Gaussian of ``sigma`` pixels (valid region, mean)."""
    error = (estimate - target).abs()
    size = min(int(2 * round(3 * sigma) + 1), _window_for(error, 10**6))
    return _filter(error, gaussian_window(size, sigma, error)).mean()


def mix(estimate: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Zhao et al.'s 0.84 · (1 − MS-SSIM) + 0.16 · Gaussian-weighted l1."""
    scales = ms_scales(*estimate.shape[-2:])
    sigma = WINDOW_SIGMA * 2 ** (scales - 1)
    return MIX_ALPHA * (1 - ms_ssim(estimate, target)) + (1 - MIX_ALPHA) * weighted_l1(
        estimate, target, sigma
    )


def _masked_mean(error: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    if mask is None:
        return error.mean()
    mask = mask.to(device=error.device, dtype=error.dtype).expand_as(error)
    return (error * mask).sum() / mask.sum().clamp(min=1)


def loss_value(
    name: str, estimate: torch.Tensor, target: torch.Tensor, mask: torch.Tensor | None = None
) -> torch.Tensor:
    """Loss ``name`` of ``estimate`` against ``target`` (N×C×H×W), only where ``mask`` is 1 if given.

    Raises:
        ParameterError: an unknown loss, or a mask given to a structural loss.
    """
    check_loss(name, masked=mask is not None)
    if name == "l2":
        return _masked_mean((estimate - target) ** 2, mask)
    if name == "l1":
        return _masked_mean((estimate - target).abs(), mask)
    if name == "ssim":
        return 1 - ssim(estimate, target)
    if name == "ms_ssim":
        return 1 - ms_ssim(estimate, target)
    return mix(estimate, target)


def check_loss(name: str, masked: bool = False) -> str:
    """``name`` when it is a known loss (and maskable when ``masked``); else a ParameterError."""
    if name not in LOSSES:
        raise ParameterError(f"unknown loss {name!r} (known: {', '.join(LOSSES)})")
    if masked and name not in MASKABLE:
        raise ParameterError(
            f"loss {name!r} compares windows of pixels, but this run scores single masked pixels "
            f"(blind-spot): use {' or '.join(MASKABLE)}"
        )
    return name
