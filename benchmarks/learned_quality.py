"""Mean PSNR of denoisers on gray and colour test sets with seeded Gaussian noise, and on real noise.

    python benchmarks/learned_quality.py -m colour_cnn,cbm3d --sets cbsd68,kodak24,mcmaster
    python benchmarks/learned_quality.py -m colour_cnn,cbm3d --sets cbsd68 --every 4 --sigmas 25
    python benchmarks/learned_quality.py -m colour_cnn,ffdnet,cbm3d,vst_bm3d --real polyu,cc15 --sets ""
    python benchmarks/learned_quality.py -m dncnn,ffdnet --sets set12,bsd68   # the DnCNN paper's table

Synthetic noise: Gaussian, std sigma/255, each image's from ``numpy.random.default_rng(seed)``,
not clipped; methods with a sigma parameter are given the true sigma (see ``workbench bench``).
``--every N`` scores every N-th image of each set (in name order) and says so.

Real noise (``--real``): the noisy/clean pairs of PolyU and CC15 (``*_real`` against ``*_mean``,
the mean of many shots of the same scene); each method runs with its defaults, so that every
noise level is the method's own estimate (what a photographer gets); the noisy input's own PSNR
is the first column.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.compare import parse_method_list, settings_for  # noqa: E402
from workbench.core.io import read_image  # noqa: E402
from workbench.core.jobs import RunContext  # noqa: E402
from workbench.core.metrics import psnr  # noqa: E402
from workbench.core.pipeline import restore  # noqa: E402
from workbench.core.problem import Problem, Task  # noqa: E402
from workbench.core.train.evaluate import benchmark_folder  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-m", "--methods", default="colour_cnn,cbm3d")
    parser.add_argument("--sets", default="cbsd68,kodak24,mcmaster", help="comma-separated; empty for none")
    parser.add_argument("--sigmas", default="15,25,50")
    parser.add_argument("--every", type=int, default=1, help="score every N-th image of each set")
    parser.add_argument("--real", default="", help="real-noise pair folders, e.g. polyu,cc15")
    parser.add_argument("--pairs", type=int, default=0, help="at most this many pairs per real set (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", dest="assignments", action="append", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "2")))
    runs = settings_for(parse_method_list(args.methods), args.assignments)
    table: dict[str, dict] = {}
    for name in filter(None, args.sets.split(",")):
        subset = f" (every {args.every}th image)" if args.every > 1 else ""
        for sigma in (float(text) for text in args.sigmas.split(",")):
            report = benchmark_folder(SHARED / "datasets" / name, runs, sigma, args.seed, every=args.every)
            key = f"{name}_sigma{sigma:g}"
            table[key] = {
                method: {k: round(v, 4) for k, v in scores.items()} for method, scores in report.mean.items()
            }
            cells = "  ".join(
                f"{method} {scores['psnr']:.2f} dB {scores['seconds']:.1f} s"
                for method, scores in report.mean.items()
            )
            print(f"{key:<18} {cells}{subset}", flush=True)
    for name in filter(None, args.real.split(",")):
        table[f"{name}_real"] = real_pairs(SHARED / "datasets" / name, runs, args.pairs)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(table, indent=2) + "\n")
    return 0


def real_pairs(folder: Path, runs: list, limit: int) -> dict:
    """Mean PSNR against the mean image of the noisy input and of each method (defaults), printed."""
    noisy_files = sorted(path for path in folder.iterdir() if "_real" in path.stem)
    if limit:
        noisy_files = noisy_files[:limit]
    scores: dict[str, list[float]] = {"noisy": []} | {run.method: [] for run in runs}
    seconds: dict[str, list[float]] = {run.method: [] for run in runs}
    for noisy_path in noisy_files:
        clean_path = noisy_path.with_name(noisy_path.name.replace("_real", "_mean"))
        noisy, clean = read_image(noisy_path), read_image(clean_path)
        scores["noisy"].append(psnr(noisy.pixels, clean.pixels))
        problem = Problem(noisy, Task.DENOISE, reference=clean)
        for run in runs:
            started = time.perf_counter()
            result = restore(problem, run.method, run.values, RunContext())
            seconds[run.method].append(time.perf_counter() - started)
            scores[run.method].append(result.psnr)
    means = {method: round(float(np.mean(values)), 3) for method, values in scores.items()}
    cells = "  ".join(f"{method} {value:.2f} dB" for method, value in means.items())
    print(f"{folder.name} real ({len(noisy_files)} pairs, defaults)  {cells}", flush=True)
    return {
        "pairs": len(noisy_files),
        "mean_psnr": means,
        "seconds": {m: round(float(np.mean(v)), 2) for m, v in seconds.items()},
    }


if __name__ == "__main__":
    raise SystemExit(main())
