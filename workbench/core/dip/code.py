"""The network's fixed input code: uniform noise or a meshgrid, plus the per-step jitter."""

from __future__ import annotations

import torch

INPUT_KINDS = ("noise", "meshgrid")

NOISE_SCALE = 0.1
"""The uniform noise code is U(0, NOISE_SCALE), as in the paper."""


def code_channels(kind: str, channels: int) -> int:
    """Channels the code really has: a meshgrid always has two (x and y)."""
    return 2 if kind == "meshgrid" else channels


def make_code(kind: str, channels: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
    """A 1×C×H×W float32 CPU tensor: U(0, 0.1) noise with ``channels`` channels, or a 2-channel meshgrid.

    The meshgrid holds the x and y coordinates, each running over [0, 1].
    """
    if kind == "noise":
        return torch.rand(1, channels, height, width, generator=generator) * NOISE_SCALE
    if kind == "meshgrid":
        ys = torch.linspace(0.0, 1.0, height).view(height, 1).expand(height, width)
        xs = torch.linspace(0.0, 1.0, width).view(1, width).expand(height, width)
        return torch.stack([xs, ys])[None].contiguous()
    raise ValueError(f"input kind must be one of {', '.join(INPUT_KINDS)}, got {kind!r}")


def jittered(code: torch.Tensor, std: float, generator: torch.Generator | None) -> torch.Tensor:
    """``code`` plus N(0, std²) noise drawn from ``generator`` (the code itself when std is 0)."""
    if std <= 0:
        return code
    noise = torch.randn(code.shape, generator=generator, device=code.device, dtype=code.dtype)
    return code + noise * std
