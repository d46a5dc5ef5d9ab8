"""One table of GPU figures: DIP iterations per second at 512×512 (fp32 and mixed precision), a
learned denoiser's megapixels per second, and the peak memory of each, beside the CPU's figures
for the same work on a smaller input, measured in the same run.

    python benchmarks/gpu_summary.py                 # CUDA when present, else the CPU part only
    python benchmarks/gpu_summary.py --steps 20 --learned-side 4096

Without a CUDA GPU the script says so and measures the CPU rows only (small sizes, one thread),
so that it runs anywhere. Peak memory is torch's ``max_memory_allocated`` on the GPU and the
growth of the process's peak resident size on the CPU.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.dip import DipStepper, preset_settings  # noqa: E402
from workbench.core.image import Image  # noqa: E402
from workbench.core.jobs import RunContext  # noqa: E402
from workbench.core.memory import format_bytes  # noqa: E402
from workbench.core.pipeline import restore  # noqa: E402
from workbench.core.problem import Problem, Task  # noqa: E402


def _image(side: int, channels: int, seed: int = 0) -> Image:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / side
    clean = np.stack([0.2 + 0.6 * x, 0.3 + 0.4 * y, 0.8 - 0.5 * x * y], axis=2)[:, :, :channels]
    return Image(np.clip(clean + rng.normal(0, 25 / 255, clean.shape), 0, 1).astype(np.float32))


class Peak:
    """Peak memory of the block: CUDA's allocator on a GPU, the resident-size growth on the CPU."""

    def __init__(self, device: str) -> None:
        self.device, self.bytes = device, 0

    def __enter__(self) -> Peak:
        if self.device == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        self._rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return self

    def __exit__(self, *exc: object) -> None:
        if self.device == "cuda":
            torch.cuda.synchronize()
            self.bytes = torch.cuda.max_memory_allocated()
        else:
            self.bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - self._rss


def dip_rate(device: str, side: int, preset: str, amp: bool, steps: int) -> tuple[float, int]:
    """(iterations per second, peak bytes) of DIP denoising at side×side, after two warm-up steps."""
    settings = replace(preset_settings(preset, Task.DENOISE), iterations=steps + 2)
    with Peak(device) as peak:
        stepper = DipStepper(Problem(_image(side, 3)), settings, device=device, seed=0, amp=amp)
        stepper.step()
        stepper.step()
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            stepper.step()
        if device == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
    return steps / seconds, peak.bytes


def learned_rate(device: str, method: str, side: int) -> tuple[float, int]:
    """(megapixels per second, peak bytes) of ``method`` (sigma 25) on a side×side gray image."""
    problem = Problem(_image(side, 1))
    restore(Problem(_image(64, 1)), method, {"sigma": 25}, RunContext(device=device))  # load and warm up
    with Peak(device) as peak:
        result = restore(problem, method, {"sigma": 25}, RunContext(device=device))
    return side * side / 1e6 / result.seconds, peak.bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="timed DIP steps per figure")
    parser.add_argument("--method", default="dncnn", help="the learned method timed")
    parser.add_argument("--learned-side", type=int, default=2048, help="image side for the GPU's MP/s")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows: list[tuple[str, str, str, str]] = []
    gpu = torch.cuda.is_available()
    if gpu:
        print(f"GPU: {torch.cuda.get_device_name(0)}; torch {torch.__version__}")
        for preset, amp in (("paper", False), ("paper", True), ("light", False)):
            rate, peak = dip_rate("cuda", 512, preset, amp, args.steps)
            label = f"DIP {preset} 512x512 {'amp' if amp else 'fp32'}"
            rows.append((label, "cuda", f"{rate:.1f} it/s", format_bytes(peak)))
        rate, peak = learned_rate("cuda", args.method, args.learned_side)
        side = args.learned_side
        rows.append((f"{args.method} {side}x{side} gray", "cuda", f"{rate:.2f} MP/s", format_bytes(peak)))
    else:
        print("no CUDA GPU found: measuring the CPU rows only (small sizes, one thread)")
    rate, peak = dip_rate("cpu", 128, "light", False, max(2, args.steps // 2))
    rows.append(("DIP light 128x128 fp32", "cpu", f"{rate:.1f} it/s", format_bytes(peak)))
    rate, peak = learned_rate("cpu", args.method, 512)
    rows.append((f"{args.method} 512x512 gray", "cpu", f"{rate:.2f} MP/s", format_bytes(peak)))
    print(f"{'measurement':<30} {'device':<7} {'speed':>12} {'peak memory':>12}")
    for label, device, speed, peak_text in rows:
        print(f"{label:<30} {device:<7} {speed:>12} {peak_text:>12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
