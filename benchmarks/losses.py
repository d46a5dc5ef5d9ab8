"""The same small denoiser trained with each loss for the same number of steps; PSNR, SSIM, MS-SSIM.

    nice -n 10 python benchmarks/losses.py                       # l2, l1, ssim, ms_ssim, mix
    python benchmarks/losses.py --steps 300 --losses l2,mix --every 4

Checks the claim of Zhao et al., "Loss Functions for Image Restoration with Neural Networks"
(IEEE TCI 2017): a net trained with l1 or with 0.84 MS-SSIM + 0.16 l1 ("mix") scores better
than the same net trained with l2, even on PSNR, the metric l2 optimises. Every run starts from
the same seed (same initial weights, same patches and noise in the same order: Train400, gray,
Gaussian noise of std ``--sigma``), uses Adam with the same cosine schedule and the same step
count; only the loss differs. The test images (every ``--every``-th of Set12, seeded noise of the
same std) are scored by PSNR and SSIM (``workbench.core.metrics``, scikit-image's definitions)
and MS-SSIM (``workbench.core.losses.ms_ssim``, five scales on 256² images). The baseline is l2:
the last columns are each loss's gain over it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.losses import LOSSES  # noqa: E402
from workbench.core.metrics import ms_ssim, psnr, ssim  # noqa: E402
from workbench.core.tiling import denoise_image  # noqa: E402
from workbench.core.train.data import load_folder  # noqa: E402
from workbench.core.train.evaluate import add_gaussian  # noqa: E402
from workbench.core.train.setup import TrainSettings, make_trainer  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--losses", default=",".join(LOSSES))
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--sigma", type=float, default=25.0)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--width", type=int, default=24)
    parser.add_argument("--patch", type=int, default=48)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--every", type=int, default=3, help="score every N-th Set12 image")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "1")))
    names = sorted(p.name for p in (SHARED / "datasets" / "set12").iterdir())[:: args.every]
    clean = load_folder(SHARED / "datasets" / "set12", 1)[:: args.every]
    noisy = [add_gaussian(image, args.sigma, args.seed + index) for index, image in enumerate(clean)]
    print(
        f"DnCNN depth {args.depth} width {args.width}, Train400 {args.patch}² patches × {args.batch}, "
        f"{args.steps} Adam steps, sigma {args.sigma:g}; "
        f"test: {len(clean)} Set12 images ({', '.join(names)})",
        flush=True,
    )
    rows = {}
    for loss in args.losses.split(","):
        settings = TrainSettings(
            "supervised",
            SHARED / "datasets" / "train400",
            architecture="dncnn",
            model_kwargs={"depth": args.depth, "width": args.width},
            sigma_min=args.sigma,
            sigma_max=args.sigma,
            patch=args.patch,
            batch=args.batch,
            steps=args.steps,
            lr=args.lr,
            seed=args.seed,
            loss=loss,
        )
        trainer = make_trainer(settings)
        start = time.perf_counter()
        trainer.run()
        seconds = time.perf_counter() - start
        trainer.model.eval()
        scores = []
        with torch.inference_mode():
            for image, observed in zip(clean, noisy, strict=True):
                estimate = np.clip(denoise_image(trainer.model, observed, args.sigma, tile=0), 0, 1)
                scores.append((psnr(estimate, image), ssim(estimate, image), ms_ssim(estimate, image)))
        rows[loss] = (*np.mean(scores, axis=0), seconds)
        print(
            f"{loss:<8} PSNR {rows[loss][0]:.2f}  SSIM {rows[loss][1]:.4f}  MS-SSIM {rows[loss][2]:.4f}  "
            f"train {seconds:.0f} s",
            flush=True,
        )
    base = rows.get("l2")
    print("\n| loss | PSNR dB | SSIM | MS-SSIM | train s | PSNR vs l2 | SSIM vs l2 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for loss, (p, s, m, seconds) in rows.items():
        gain = f"{p - base[0]:+.2f} | {s - base[1]:+.4f}" if base else "- | -"
        print(f"| {loss} | {p:.2f} | {s:.4f} | {m:.4f} | {seconds:.0f} | {gain} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
