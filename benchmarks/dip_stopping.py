"""Deep Image Prior automatic stopping: ES-WMV against the discrepancy principle, per image.

    python benchmarks/dip_stopping.py                 # 4 crops, 2000 steps each (about 15 min on a CPU)
    python benchmarks/dip_stopping.py --cap 800 --crop 96

Each image is a centred crop with Gaussian noise at sigma 25 (numpy default_rng(0), not
clipped), run with the light preset to the cap. One run serves every rule, since no rule
changes the optimisation: the records give the best averaged PSNR (the oracle that needs the
clean image), ES-WMV's pick (the running average at the variance minimum; "-" when it never
fired), and the discrepancy rule's pick replayed on the logged losses, with the true sigma and
with the sigma the workbench estimates from the noisy crop. Figures are the picks' averaged
PSNR in dB and their distance to the oracle; the baseline of the comparison is ES-WMV.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core import io  # noqa: E402
from workbench.core.dip import DipStepper, Discrepancy, StepRecord, preset_settings  # noqa: E402
from workbench.core.image import Image, centre_crop  # noqa: E402
from workbench.core.noise import estimate_sigma  # noqa: E402
from workbench.core.problem import Problem, Task  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
SIGMA = 25.0
IMAGES = (
    SHARED / "datasets" / "set12" / "02.png",
    SHARED / "datasets" / "set12" / "05.png",
    SHARED / "datasets" / "set12" / "08.png",
    ROOT / "resources" / "sample.png",
)


def noisy_crop(path: Path, side: int) -> Problem:
    """The centred side×side crop of ``path`` with unclipped Gaussian noise of SIGMA (8-bit units)."""
    clean = centre_crop(io.read_image(path).pixels, side)
    noise = np.random.default_rng(0).normal(0.0, SIGMA / 255.0, clean.shape)
    return Problem(Image((clean + noise).astype(np.float32)), Task.DENOISE, reference=Image(clean))


def discrepancy_pick(records: list[StepRecord], sigma: float) -> StepRecord | None:
    """The record at which the discrepancy rule (noise std ``sigma``, [0, 1] scale) fires, if it does."""
    rule = Discrepancy(sigma**2)
    return next((record for record in records if rule.update(record.iteration, record.loss)), None)


def describe(record: StepRecord | None, best: float) -> str:
    if record is None:
        return f"{'-':>8}{'':>7}{'':>8}"
    return f"{record.psnr_avg:>8.2f}{record.iteration:>7}{record.psnr_avg - best:>+8.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cap", type=int, default=2000)
    parser.add_argument("--crop", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(1)
    settings = replace(preset_settings("light", Task.DENOISE), iterations=args.cap)
    print(
        f"light preset, cap {args.cap}, {args.crop}x{args.crop} crops, sigma {SIGMA:g}; "
        "PSNR of the picked average"
    )
    print(
        f"{'image':<12}{'best':>8}{'at':>6}  | {'ES-WMV':>8}{'at':>7}{'vs best':>8}  | "
        f"{'discr.':>8}{'at':>7}{'vs best':>8}  | {'est. s':>7}{'discr.':>8}{'at':>7}{'vs best':>8}"
    )
    gaps: dict[str, list[float]] = {"best": [], "es": [], "true": [], "estimated": []}
    for path in IMAGES:
        problem = noisy_crop(path, args.crop)
        stepper = DipStepper(problem, settings, seed=0, auto_stop=True, run_past=True, noise_sigma=0)
        records = stepper.run().records
        best = max(records, key=lambda record: record.psnr_avg)
        fired = stepper.early_stop.fired_at is not None
        es = records[stepper.early_stop.best_iteration - 1] if fired else None
        true = discrepancy_pick(records, SIGMA / 255.0)
        estimate = estimate_sigma(problem.observed.pixels)
        estimated = discrepancy_pick(records, estimate)
        for key, record in (("es", es), ("true", true), ("estimated", estimated)):
            gaps[key].append(records[-1].psnr_avg if record is None else record.psnr_avg)
        gaps["best"].append(best.psnr_avg)
        print(
            f"{path.stem:<12}{best.psnr_avg:>8.2f}{best.iteration:>6}  | {describe(es, best.psnr_avg)}  | "
            f"{describe(true, best.psnr_avg)}  | {estimate * 255:>7.2f}{describe(estimated, best.psnr_avg)}",
            flush=True,
        )
    best_mean = np.mean(gaps["best"])
    print("mean distance to the best (a rule that never fired counts the average at the cap):")
    for key, label in (
        ("es", "ES-WMV (baseline)"),
        ("true", "discrepancy, true sigma"),
        ("estimated", "discrepancy, estimated sigma"),
    ):
        print(f"  {label:<30}{np.mean(gaps[key]) - best_mean:+.2f} dB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
