"""Deep Image Prior speed: iterations per second, and time to come within 0.5 dB of the peak.

    python benchmarks/dip_speed.py                      # full run (long on a CPU)
    python benchmarks/dip_speed.py --paper-cap 200 --light-cap 600 --crop 128   # modest caps

1. Iterations per second of the paper's denoising net (5 levels, 128 channels, about 2.2 M
   parameters) at 256x256 and 512x512 on the current device, fp32, and with mixed precision
   (float16 autocast, channels-last) where the device is a CUDA GPU.
2. On a 256x256 Set12 image (or a centred crop of it) with Gaussian noise at sigma 25: the
   peak averaged PSNR of the paper preset and the time it takes to come within 0.5 dB of it,
   and the time the light preset takes to reach that same level (the paper's peak minus
   0.5 dB). When a run's best value is its last step, the cap came before the peak: say so.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core import io  # noqa: E402
from workbench.core.dip import DipStepper, preset_settings  # noqa: E402
from workbench.core.dip.threads import cpu_threads  # noqa: E402
from workbench.core.image import Image, centre_crop  # noqa: E402
from workbench.core.problem import Problem, Task  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
MARGIN_DB = 0.5


def iterations_per_second(size: int, device: torch.device, amp: bool, steps: int) -> float:
    """Steps per second of the paper's denoising net on a size×size RGB image (after 2 warm-up steps)."""
    pixels = np.random.default_rng(0).random((size, size, 3), dtype=np.float32)
    settings = preset_settings("paper", Task.DENOISE)
    stepper = DipStepper(Problem(Image(pixels)), settings, device=device, amp=amp)
    for _ in range(2):
        stepper.step()
    _sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        stepper.step()
    _sync(device)
    return steps / (time.perf_counter() - start)


def convergence(problem: Problem, preset: str, cap: int, device: torch.device, seed: int) -> list:
    """Every step's record of a ``preset`` run capped at ``cap`` steps."""
    settings = replace(preset_settings(preset, Task.DENOISE, device_type=device.type), iterations=cap)
    stepper = DipStepper(problem, settings, device=device, seed=seed, amp=device.type == "cuda")
    return stepper.run().records


def time_to_reach(records: list, level: float) -> tuple[float | None, int | None]:
    """(seconds, iteration) of the first step whose averaged PSNR reaches ``level``; (None, None) if none."""
    for record in records:
        if record.psnr_avg >= level:
            return record.seconds, record.iteration
    return None, None


def noisy_problem(path: Path, crop: int, sigma: float, seed: int) -> Problem:
    clean = centre_crop(io.read_image(path).pixels, crop)
    noise = np.random.default_rng(seed).normal(0.0, sigma / 255.0, clean.shape)
    noisy = np.clip(clean + noise, 0.0, 1.0).astype(np.float32)
    return Problem(Image(noisy), Task.DENOISE, reference=Image(np.ascontiguousarray(clean)))


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _describe(records: list, name: str) -> tuple[float, int]:
    values = [record.psnr_avg for record in records]
    best = int(np.argmax(values))
    note = " (the best is the last step: the cap came before the peak)" if best == len(values) - 1 else ""
    print(
        f"  {name}: {len(records)} steps in {records[-1].seconds:.1f} s "
        f"({len(records) / records[-1].seconds:.2f} it/s); peak averaged PSNR {values[best]:.2f} dB "
        f"at step {best + 1}{note}"
    )
    return values[best], best + 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (0 = torch's default)")
    parser.add_argument("--sizes", default="256,512", help="image sides for the it/s figures")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per it/s figure")
    parser.add_argument("--image", type=Path, default=SHARED / "datasets" / "set12" / "02.png")
    parser.add_argument("--crop", type=int, default=0, help="centred crop side for part 2 (0 = whole image)")
    parser.add_argument("--sigma", type=float, default=25.0)
    parser.add_argument("--paper-cap", type=int, default=3000, help="step cap of the paper preset run")
    parser.add_argument("--light-cap", type=int, default=3000, help="step cap of the light preset run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-convergence", action="store_true", help="only the it/s figures")
    args = parser.parse_args()

    from workbench.core.jobs import resolve_device

    device = resolve_device(args.device)
    name = (
        torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else f"CPU, {args.threads or 'default'} thread(s)"
    )
    print(f"device: {device} ({name}); torch {torch.__version__}")
    with cpu_threads(args.threads):
        print("1. paper denoising net (5 levels x 128 channels), steps per second:")
        for size in (int(text) for text in args.sizes.split(",")):
            fp32 = iterations_per_second(size, device, amp=False, steps=args.steps)
            line = f"  {size}x{size}: fp32 {fp32:.2f} it/s"
            if device.type == "cuda":
                mixed = iterations_per_second(size, device, amp=True, steps=args.steps)
                line += f", mixed precision {mixed:.2f} it/s ({mixed / fp32:.2f}x)"
            else:
                line += ", mixed precision: not measured (needs a CUDA device)"
            print(line, flush=True)
        if args.skip_convergence:
            return 0
        if not args.image.exists():
            print(f"2. skipped: {args.image} not found (set WORKBENCH_SHARED)")
            return 0
        problem = noisy_problem(args.image, args.crop, args.sigma, args.seed)
        height, width = problem.output_shape
        print(f"2. {args.image.name} {width}x{height}, sigma {args.sigma:g}, seed {args.seed}:")
        paper = convergence(problem, "paper", args.paper_cap, device, args.seed)
        paper_peak, _ = _describe(paper, "paper")
        light = convergence(problem, "light", args.light_cap, device, args.seed)
        light_peak, _ = _describe(light, "light")
        level = paper_peak - MARGIN_DB
        paper_time, paper_step = time_to_reach(paper, level)
        light_time, light_step = time_to_reach(light, level)
        print(f"  target: the paper preset's peak minus {MARGIN_DB} dB = {level:.2f} dB")
        print(f"  paper reaches it at step {paper_step} after {paper_time:.1f} s")
        if light_time is None:
            print(f"  light does not reach it within {args.light_cap} steps (its peak: {light_peak:.2f} dB)")
        else:
            ratio = light_time / paper_time
            print(
                f"  light reaches it at step {light_step} after {light_time:.1f} s "
                f"({ratio:.2f} of paper's time)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
