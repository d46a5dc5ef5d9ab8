"""Noise as a camera makes it, for training colour denoisers on clean sRGB images.

A clean sRGB patch is taken back to a linear sensor mosaic (inverse gamma, inverse white
balance, Bayer RGGB sampling), Poisson–Gaussian noise is added there with shot and read levels
drawn as in Brooks et al. ("Unprocessing images for learned raw denoising", CVPR 2019), and the
mosaic is developed again (bilinear demosaicking, white balance, clipping, gamma), rounded to 8
bits and, for half of the patches, JPEG-compressed. The result carries what real photographs
carry: noise that follows brightness, differs per channel, and is spatially correlated by
demosaicking and compression.

All tensors are N×3×H×W float32, values in [0, 1]; H and W even.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch
from torch.nn import functional

GAMMA = 2.2
JPEG_PROBABILITY = 0.5
JPEG_QUALITY = (70, 97)
LOG_SHOT = (math.log(1e-4), math.log(1.2e-2))
"""Range of log shot-noise variance per unit of linear signal (Brooks et al.)."""


def camera_noisy(clean: torch.Tensor, generator: torch.Generator, rng: np.random.Generator) -> torch.Tensor:
    """A noisy copy of ``clean`` through a simulated camera (see the module doc); same shape."""
    count = clean.shape[0]
    linear = clean.clamp(0, 1) ** GAMMA
    gains = _white_balance_gains(count, generator)
    raw = _mosaic(linear / gains)
    shot, read = _noise_levels(count, generator)
    variance = shot * raw + read
    noisy_raw = raw + torch.randn(raw.shape, generator=generator) * variance.clamp(min=0).sqrt()
    developed = (demosaic_bilinear(noisy_raw) * gains).clamp(0, 1) ** (1 / GAMMA)
    return _maybe_jpeg((developed * 255).round() / 255, rng)


def _white_balance_gains(count: int, generator: torch.Generator) -> torch.Tensor:
    red = 1.9 + 0.5 * torch.rand(count, generator=generator)
    blue = 1.5 + 0.4 * torch.rand(count, generator=generator)
    return torch.stack([red, torch.ones(count), blue], dim=1).reshape(count, 3, 1, 1)


def _noise_levels(count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    low, high = LOG_SHOT
    log_shot = low + (high - low) * torch.rand(count, generator=generator)
    log_read = 2.18 * log_shot + 1.20 + 0.26 * torch.randn(count, generator=generator)
    shape = (count, 1, 1, 1)
    return log_shot.exp().reshape(shape), log_read.exp().reshape(shape)


def bayer_mask(height: int, width: int) -> torch.Tensor:
    """The 3×H×W 0/1 RGGB sampling mask (red at even rows and columns, blue at odd ones)."""
    mask = torch.zeros(3, height, width)
    mask[0, 0::2, 0::2] = 1
    mask[1, 0::2, 1::2] = 1
    mask[1, 1::2, 0::2] = 1
    mask[2, 1::2, 1::2] = 1
    return mask


def _mosaic(linear: torch.Tensor) -> torch.Tensor:
    """Each pixel keeps only its RGGB channel: N×3×H×W with zeros where a channel was not sampled."""
    return linear * bayer_mask(linear.shape[2], linear.shape[3])


def demosaic_bilinear(mosaic: torch.Tensor) -> torch.Tensor:
    """Bilinear demosaicking of an RGGB N×3×H×W mosaic (zeros where not sampled)."""
    green = torch.tensor([[0, 1, 0], [1, 4, 1], [0, 1, 0]], dtype=mosaic.dtype) / 4
    red_blue = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=mosaic.dtype) / 4
    kernels = torch.stack([red_blue, green, red_blue]).unsqueeze(1)
    padded = functional.pad(mosaic, (1, 1, 1, 1), mode="reflect")
    return functional.conv2d(padded, kernels, groups=3)


def _maybe_jpeg(images: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    out = images.clone()
    for index in range(images.shape[0]):
        if rng.random() >= JPEG_PROBABILITY:
            continue
        quality = int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1))
        pixels = (images[index].permute(1, 2, 0).numpy()[..., ::-1] * 255).round().astype(np.uint8)
        _, encoded = cv2.imencode(".jpg", np.ascontiguousarray(pixels), [cv2.IMWRITE_JPEG_QUALITY, quality])
        decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR)[..., ::-1].astype(np.float32) / 255
        out[index] = torch.from_numpy(np.ascontiguousarray(decoded)).permute(2, 0, 1)
    return out


def haar_level(noisy: torch.Tensor) -> torch.Tensor:
    """Per-image, per-channel noise level read from two diagonal Haar bands: N×C, [0, 1] scale.

    Donoho's ``median(|HH|) / 0.6745`` (HH = (a - b - c + d) / 2 over 2×2 blocks) is taken on the
    image and, doubled, on its 2×2 block means; the level is the root mean square of the two. For
    white Gaussian noise both read the noise std. Noise that demosaicking and JPEG made coarse reads
    higher on the second band, which the finest band alone all but misses, and the block means'
    finer steps keep 8-bit images from reading exactly 0. It is the level the colour model is
    given when the user gives none, in training and in use alike
    (``workbench.core.noise.haar_noise_map``), so the model learns what it means on textured,
    demosaicked and compressed images.
    """
    fine = _diagonal_level(noisy)
    coarse = 2 * _diagonal_level(functional.avg_pool2d(noisy, 2))
    return ((fine**2 + coarse**2) / 2).sqrt()


def _diagonal_level(images: torch.Tensor) -> torch.Tensor:
    height, width = (images.shape[2] // 2) * 2, (images.shape[3] // 2) * 2
    blocks = images[:, :, :height, :width]
    diagonal = blocks[:, :, 0::2, 0::2] - blocks[:, :, 0::2, 1::2] - blocks[:, :, 1::2, 0::2]
    diagonal = (diagonal + blocks[:, :, 1::2, 1::2]) / 2
    return diagonal.abs().flatten(2).median(dim=2).values / 0.6745
