"""Run a denoising network over a large image in overlapping tiles, with the same result as one pass.

The image is reflect-padded at the bottom/right to a multiple of the network's alignment. Each tile
reads its core plus a margin of at least the network's receptive radius, clipped at the image
border (where the network's own zero padding applies, as in a whole-image pass), and keeps only
its core. Every core pixel thus sees exactly the input it would see in one whole-image pass, so
the tiled result equals the untiled one up to float rounding. A model may declare a smaller
``tile_margin`` (its measured effective field): tiles then overlap by that much only, and the
result differs from one pass by less than the model's documented tolerance.

Models that set ``low_precision_ok`` run under autocast where that pays: bfloat16 on CPUs with
bfloat16 matrix instructions (AMX or AVX-512 BF16), float16 on CUDA, in channels-last layout; the
others, and every model on other CPUs, run in float32.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import memory
from .errors import OUT_OF_MEMORY_ADVICE, out_of_memory
from .jobs import RunContext


def denoise_image(
    model: nn.Module,
    pixels: np.ndarray,
    sigma: float | np.ndarray | None = None,
    tile: int = 512,
    ctx: RunContext | None = None,
    device: torch.device | str = "cpu",
) -> np.ndarray:
    """Denoise H×W×C float32 ``pixels`` (about [0, 1]) with ``model``, tile by tile.

    Args:
        model: a network taking (N×C×H×W, sigma N) with ``receptive_radius`` and ``alignment``.
        sigma: noise std in 8-bit units for models that use it: one value, one per channel, or
            an H×W×C map (per-channel values and maps need a model that takes a noise map,
            unless it is a one-channel model). A one-channel model on a C-channel
            image denoises each channel on its own (the channels go through the network as a
            batch of C).
        tile: core tile side in pixels (rounded up to the alignment); 0 means one tile.
        ctx: progress per tile, cancellation between tiles.
        device: where the network runs (the model is moved there).

    Returns:
        H×W×C float32 estimate (not clipped).

    Raises:
        OutOfMemory: one tile's pass (see ``memory.inference_bytes``) and the whole-image buffers
            would not fit on ``device``; checked before the first tile.
    """
    ctx = ctx or RunContext()
    align = int(getattr(model, "alignment", 1))
    margin = _round_up(int(getattr(model, "tile_margin", model.receptive_radius)), align)
    height, width, channels = pixels.shape
    tile = _round_up(tile, align) if tile > 0 else _round_up(max(height, width), align)
    padded = _pad_to_multiple(pixels, align)
    full_rows, full_cols = padded.shape[:2]
    model = model.to(device).eval()
    per_channel = getattr(model, "channels", channels) == 1 and channels > 1
    if not per_channel and sigma is not None and np.size(sigma) == channels > 1:
        sigma = np.broadcast_to(np.asarray(sigma, dtype=np.float32).ravel(), pixels.shape)
    level_map = _pad_to_multiple(sigma, align) if _is_map(sigma) else None
    level = None if level_map is not None else _levels(sigma, channels if per_channel else 1, device)
    out = np.empty((height, width, channels), dtype=np.float32)
    corners = [(top, left) for top in range(0, height, tile) for left in range(0, width, tile)]
    _require_tiles_fit(model, (height, width, channels), tile, margin, per_channel, device)
    precision = autocast_dtype(model, torch.device(device))
    if precision is not None:
        model = model.to(memory_format=torch.channels_last)
    with (
        torch.inference_mode(),
        torch.autocast(torch.device(device).type, precision or torch.float32, enabled=precision is not None),
    ):
        for index, (top, left) in enumerate(corners):
            ctx.progress(index / len(corners), f"tile {index + 1} of {len(corners)}")
            bottom, right = min(top + tile, height), min(left + tile, width)
            y0, x0 = max(top - margin, 0), max(left - margin, 0)
            y1 = min(_round_up(bottom, align) + margin, full_rows)
            x1 = min(_round_up(right, align) + margin, full_cols)
            window = padded[y0:y1, x0:x1]
            tensor = torch.from_numpy(np.ascontiguousarray(window)).permute(2, 0, 1)[None]  # channels-last
            tensor = (tensor if precision is not None else tensor.contiguous()).to(device)
            if per_channel:
                tensor = tensor.transpose(0, 1)
            if level_map is not None:
                level = _map_tensor(level_map[y0:y1, x0:x1], device)
            estimate = model(tensor, level).transpose(0, 1) if per_channel else model(tensor, level)
            estimate = estimate[0].float().cpu().numpy().transpose(1, 2, 0)
            out[top:bottom, left:right] = estimate[top - y0 : bottom - y0, left - x0 : right - x0]
    ctx.progress(1.0, "done")
    return out


MIN_TILE = 128
"""The smallest tile side an out-of-memory retry goes down to before it leaves the GPU."""


def denoise_fitting(
    model: nn.Module,
    pixels: np.ndarray,
    sigma: float | np.ndarray | None = None,
    tile: int = 512,
    ctx: RunContext | None = None,
    device: torch.device | str = "cpu",
) -> np.ndarray:
    """:func:`denoise_image`, retried when memory runs out: with tiles half as wide, down to
    ``MIN_TILE``, then on the CPU. Each retry is said on the progress line and listed in
    ``ctx.notes["memory"]``; the result is the same as one pass (tiling is exact).

    Raises:
        OutOfMemory: even ``MIN_TILE`` tiles on the CPU do not fit.
    """
    ctx = ctx or RunContext()
    device = torch.device(device)
    side = tile if tile > 0 else max(pixels.shape[:2])
    while True:
        try:
            return denoise_image(model, pixels, sigma, side, ctx, device)
        except Exception as error:
            failure = out_of_memory(error)
            if failure is None:
                raise
            if device.type == "cuda":
                torch.cuda.empty_cache()
            if side > MIN_TILE:
                side = max(MIN_TILE, side // 2)
                note = f"out of memory on {device}: retried with {side}-pixel tiles"
            elif device.type != "cpu":
                device, side = torch.device("cpu"), tile if tile > 0 else max(pixels.shape[:2])
                note = f"out of memory on the GPU even with {MIN_TILE}-pixel tiles: ran on the CPU"
            else:
                raise failure from None
            ctx.notes.setdefault("memory", []).append(note)
            ctx.progress(0.0, note)


def _require_tiles_fit(
    model: nn.Module,
    shape: tuple[int, int, int],
    tile: int,
    margin: int,
    per_channel: bool,
    device: torch.device | str,
) -> None:
    height, width, channels = shape
    window_h, window_w = min(tile, height) + 2 * margin, min(tile, width) + 2 * margin
    batch, depth = (channels, 1) if per_channel else (1, channels)
    needed = batch * memory.inference_bytes(model, depth, window_h, window_w)
    if torch.device(device).type == "cpu":
        needed += memory.image_bytes(height, width, channels, copies=3)
    memory.require_fits(
        needed,
        f"a {width}x{height} image in {min(tile, max(height, width))}-pixel tiles",
        OUT_OF_MEMORY_ADVICE,
        str(device),
    )


def _is_map(sigma: float | np.ndarray | None) -> bool:
    return isinstance(sigma, np.ndarray) and sigma.ndim == 3


def _map_tensor(window: np.ndarray, device: torch.device | str) -> torch.Tensor:
    """An h×w×C window of an 8-bit noise map as a 1×C×h×w tensor on the [0, 1] scale."""
    return torch.from_numpy(np.ascontiguousarray(window.transpose(2, 0, 1)) / 255.0)[None].float().to(device)


def autocast_dtype(model: nn.Module, device: torch.device) -> torch.dtype | None:
    """The reduced precision ``model`` runs in on ``device``, or None for float32 (see the module doc)."""
    if not getattr(model, "low_precision_ok", False):
        return None
    if device.type == "cuda":
        return torch.float16
    if device.type == "cpu" and bf16_available():
        return torch.bfloat16
    return None


@cache
def bf16_available() -> bool:
    """True on CPUs with bfloat16 matrix instructions, AMX or AVX-512 BF16 (read from Linux's
    /proc/cpuinfo; False elsewhere).

    There the colour model's convolutions run faster in bfloat16 (AVX-512 BF16, 2 threads, 512²:
    0.40 s against 0.71 s in float32, 0.0015 dB lower PSNR; AMX about 5×); on CPUs without them
    bfloat16 runs slower, so float32 is kept.
    """
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return False
    return bool(flags & {"amx_bf16", "avx512_bf16"})


def _levels(sigma: float | np.ndarray | None, count: int, device: torch.device | str) -> torch.Tensor | None:
    """``count`` noise levels on the [0, 1] scale from 8-bit ``sigma`` (one value or one per channel)."""
    if sigma is None:
        return None
    values = np.broadcast_to(np.asarray(sigma, dtype=np.float32).ravel(), (count,)) / 255.0
    return torch.tensor(values, dtype=torch.float32, device=device)


def _round_up(value: int, multiple: int) -> int:
    return int(math.ceil(value / multiple) * multiple)


def _pad_to_multiple(pixels: np.ndarray, align: int) -> np.ndarray:
    """Reflect-pad the bottom/right so that height and width are multiples of ``align``."""
    height, width = pixels.shape[:2]
    extra_rows = _round_up(height, align) - height
    extra_cols = _round_up(width, align) - width
    if not extra_rows and not extra_cols:
        return pixels
    mode = "reflect" if max(extra_rows, extra_cols) < min(height, width) else "edge"
    return np.pad(pixels, ((0, extra_rows), (0, extra_cols), (0, 0)), mode=mode)
