"""Memory an operation needs, estimated before it allocates, and the memory there is to spend.

An operation that cannot fit is refused with :class:`~workbench.core.errors.OutOfMemory` before
its first large allocation, instead of growing until the computer swaps or the allocator fails.
Estimates are in bytes and deliberately on the high side of what was measured (an image of
H×W×C float32 samples is H·W·C·4 bytes; a network's need is measured on a small probe input and
scaled by the pixel count, since activations grow linearly with it).

The budget is the memory the system says is available (``MemAvailable`` of ``/proc/meminfo``, or
psutil where installed), lowered by a cgroup limit and by an address-space limit (``ulimit -v``)
when there is one; ``WORKBENCH_MEMORY_LIMIT`` (bytes, or with a K/M/G suffix) overrides it. Where
nothing is known there is no budget and nothing is refused. Importing this module loads no torch.
"""

from __future__ import annotations

import copy
import os
import resource
from pathlib import Path
from typing import Any

from .errors import OutOfMemory

FLOAT_BYTES = 4
"""Bytes per float32 sample."""
IMAGE_COPIES = 4
"""Whole-image buffers a classical run holds at its peak: the input, the method's working copy,
its float32 output and the clipped copy the pipeline returns."""
GRADIENT_SHARE = 1.25
"""Saved activations times this: the backward pass holds gradients of some of them at once."""
HEADROOM = 0.9
"""Share of the available memory an operation may plan to use (the rest is the system's)."""
LIMIT_VARIABLE = "WORKBENCH_MEMORY_LIMIT"
_SUFFIXES = {"k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}


def format_bytes(count: float) -> str:
    """``count`` bytes as a short figure: "512 kB", "9.4 GB", "147 GB", "2.1 PB"."""
    for unit, size in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            value = count / size
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{int(count)} B"


def image_bytes(height: int, width: int, channels: int, copies: int = 1) -> int:
    """Bytes of ``copies`` float32 images of height × width × channels samples."""
    return int(height) * int(width) * int(channels) * FLOAT_BYTES * int(copies)


def parse_size(text: str) -> int:
    """'2G' -> 2e9, '512m' -> 512e6, '1000' -> 1000 (bytes, decimal units); ValueError otherwise."""
    text = text.strip().lower().removesuffix("b")
    factor = _SUFFIXES.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in _SUFFIXES else text
    return int(float(number) * factor)


def budget_bytes(device: str = "cpu") -> int | None:
    """Bytes this process may still allocate on ``device`` ("cpu" or "cuda[:N]"), or None when
    nothing is known (see the module doc; a GPU's budget is its free memory)."""
    override = os.environ.get(LIMIT_VARIABLE, "").strip()
    if override:
        try:
            return parse_size(override)
        except ValueError:
            pass
    if str(device).startswith("cuda"):
        import torch

        return int(HEADROOM * torch.cuda.mem_get_info(torch.device(device))[0])
    limits = [value for value in (_available(), _cgroup_room(), _address_space_room()) if value is not None]
    return int(HEADROOM * min(limits)) if limits else None


def require_fits(needed: int, what: str, advice: str, device: str = "cpu") -> None:
    """Refuse (OutOfMemory) ``what`` when its ``needed`` bytes exceed the budget on ``device``;
    the message is one line that ends with ``advice``."""
    budget = budget_bytes(device)
    if budget is not None and needed > budget:
        raise OutOfMemory(
            f"{what} needs about {format_bytes(needed)} of memory, more than the {format_bytes(budget)} "
            f"available: {advice}"
        )


def training_bytes(net: Any, input_shape: tuple[int, int, int], height: int, width: int) -> int:
    """Bytes one optimisation step of ``net`` needs on a C×``height``×``width`` input.

    Measured on a small probe of ``input_shape`` (C, h, w): every tensor autograd saves for the
    backward pass, counted once and scaled by the pixel ratio, a quarter more for the gradients
    in flight, plus the parameters with their gradients and two Adam moments. (DIP's light net
    at 512×512: 1.0 GB estimated, 0.78 GB measured as the growth of the peak resident size.)
    """
    import torch

    channels, probe_h, probe_w = input_shape
    seen: dict[tuple[int, int], int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        if tensor.device.type != "meta":
            seen[(tensor.untyped_storage().data_ptr(), tensor.numel())] = (
                tensor.numel() * tensor.element_size()
            )
        return tensor

    twin = copy.deepcopy(net)  # a probe through batch norm in training mode would move its statistics
    probe = torch.zeros(1, channels, probe_h, probe_w, device=next(net.parameters()).device)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        twin(probe)
    scale = (height * width) / (probe_h * probe_w)
    activations = sum(seen.values()) * scale
    parameters = sum(p.numel() * p.element_size() for p in net.parameters())
    return int(GRADIENT_SHARE * activations + 4 * parameters)


def inference_bytes(net: Any, channels: int, height: int, width: int) -> int:
    """Bytes a no-grad pass of ``net`` holds at its peak on a ``channels``×``height``×``width`` tile.

    Two activations of the widest convolution side by side at the tile's full resolution (a
    bound: a net that works at a lower resolution inside needs less), plus the tile in and out.
    """
    widest = max(
        (int(module.out_channels) for module in net.modules() if hasattr(module, "out_channels")), default=1
    )
    return image_bytes(height, width, widest, copies=3) + image_bytes(height, width, channels, copies=2)


def _available() -> int | None:
    try:
        import psutil
    except ImportError:
        return _meminfo_available()
    return int(psutil.virtual_memory().available)


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room() -> int | None:
    """What a cgroup v2 memory limit leaves (memory.max - memory.current), or None without one."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        return int(limit) - int(Path("/sys/fs/cgroup/memory.current").read_text())
    except (OSError, ValueError):
        return None


def _address_space_room() -> int | None:
    """What ``ulimit -v`` leaves of the address space beyond this process's size, or None."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return soft - int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
