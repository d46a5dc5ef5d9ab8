"""Plug-and-play HQS against the classical solvers and Deep Image Prior, one table with times.

    nice -n 10 python benchmarks/pnp.py                      # 4 Set12 128² crops, DIP 600 steps
    python benchmarks/pnp.py --crops 2 --dip-iters 0         # without DIP

Problems (each made by the workbench's own degradations, seed = crop index): deblurring a
Gaussian blur (std 1.6 px, 25×25 kernel, circular) with Gaussian noise of std 2.55 and 7.65,
super-resolution ×2 and ×4 (bicubic down-sampling, noise-free), inpainting 50 % random pixels
(noise-free). Test images: the central 128×128 crop of the first ``--crops`` Set12 images.

Methods: ``pnp_hqs`` with the noise-aware CNN (ffdnet) and with BM3D as the prior (defaults:
DPIR's schedule, 8 iterations for deblurring, 24 for SR, 30 for inpainting; BM3D, about 50 times
slower, on the first ``--bm3d-crops`` crops only, so its column averages fewer images), and per task the
classical ones: Wiener and Richardson–Lucy (each given the best of a few settings for each image,
chosen against the clean image: an oracle, so an upper bound of what they do), BM3D deblurring
(true sigma), bicubic and Lanczos, Telea and Navier–Stokes; Deep Image Prior (light preset, a
fixed ``--dip-iters`` steps, its running average) on the ``--dip-cases``. The baseline of each
row is its first classical method; the last column is PnP-ffdnet's gain over it.
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

from workbench.core import operators  # noqa: E402
from workbench.core.image import Image, centre_crop  # noqa: E402
from workbench.core.io import read_image  # noqa: E402
from workbench.core.pipeline import restore  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
BLUR = {"kind": "gaussian", "sigma": 1.6, "size": 25}

CASES = {
    "deblur σ2.55": ("blur", BLUR | {"noise_sigma": 2.55}, ["wiener", "richardson_lucy", "bm3d_deblur"]),
    "deblur σ7.65": ("blur", BLUR | {"noise_sigma": 7.65}, ["wiener", "richardson_lucy", "bm3d_deblur"]),
    "sr ×2": ("downsample", {"scale": "2"}, ["bicubic", "lanczos"]),
    "sr ×4": ("downsample", {"scale": "4"}, ["bicubic", "lanczos"]),
    "inpaint 50%": ("mask", {"fraction": 0.5}, ["telea", "navier_stokes"]),
}
ORACLE = {
    "wiener": [{"balance": value} for value in (0.001, 0.003, 0.01, 0.03, 0.1)],
    "richardson_lucy": [{"iterations": value} for value in (5, 10, 20, 40, 80)],
}


def best_of(problem, method: str) -> tuple[float, float]:
    """(PSNR, seconds) of ``method``: the best of its oracle settings, or its defaults (true sigma)."""
    trials = ORACLE.get(method, [{}])
    if method == "bm3d_deblur":
        trials = [{"sigma": problem.noise_sigma * 255}]
    results = [restore(problem, method, values) for values in trials]
    best = max(results, key=lambda result: result.psnr)
    return best.psnr, best.seconds


def cell(mean: dict, name: str) -> str:
    """``PSNR (seconds)`` of ``name`` in ``mean``, or "-" when it did not run."""
    return f"{mean[name][0]:.2f} ({mean[name][1]:.1f} s)" if name in mean else "-"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--crops", type=int, default=4)
    parser.add_argument("--side", type=int, default=128)
    parser.add_argument("--dip-iters", type=int, default=600)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--dip-cases", default="deblur σ2.55,sr ×4", help="the cases DIP runs on")
    parser.add_argument("--bm3d-crops", type=int, default=1, help="crops PnP-BM3D runs on (slow); 0 = none")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "1")))
    paths = sorted((SHARED / "datasets" / "set12").iterdir())[: args.crops]
    clean = [Image(centre_crop(read_image(path).pixels, args.side)) for path in paths]
    print(
        f"{len(clean)} Set12 {args.side}² crops ({', '.join(path.name for path in paths)}); mean PSNR dB (s)"
    )
    header = ["case", "pnp ffdnet", "pnp bm3d", "classical (first = baseline)", "dip", "pnp ffdnet gain"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for case in args.cases.split(","):
        op, values, classical = CASES[case]
        scores: dict[str, list[tuple[float, float]]] = {}
        for index, image in enumerate(clean):
            observed, degradation = operators.degrade(image, op, values, seed=index)
            problem = degradation.problem(observed, image)
            priors = [("pnp ffdnet", "ffdnet")] + ([("pnp bm3d", "bm3d")] if index < args.bm3d_crops else [])
            for label, denoiser in priors:
                result = restore(problem, "pnp_hqs", {"denoiser": denoiser})
                scores.setdefault(label, []).append((result.psnr, result.seconds))
            for method in classical:
                scores.setdefault(method, []).append(best_of(problem, method))
            if args.dip_iters and case in args.dip_cases.split(","):
                start = time.perf_counter()
                dip = restore(
                    problem, "dip", {"preset": "light", "iterations": args.dip_iters, "auto_stop": False}
                )
                scores.setdefault("dip", []).append((dip.psnr, time.perf_counter() - start))
        mean = {name: np.mean(values, axis=0) for name, values in scores.items()}

        others = ", ".join(f"{name} {cell(mean, name)}" for name in classical)
        gain = mean["pnp ffdnet"][0] - mean[classical[0]][0]
        row = [
            case,
            cell(mean, "pnp ffdnet"),
            cell(mean, "pnp bm3d"),
            others,
            cell(mean, "dip"),
            f"{gain:+.2f} vs {classical[0]}",
        ]
        print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
