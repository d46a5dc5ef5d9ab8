"""Set12 / BSD68 mean PSNR of denoisers at several noise levels (the DnCNN paper's table).

    python benchmarks/learned_quality.py -m dncnn,ffdnet --sigmas 15,25,50 --json out/quality.json

Noise: Gaussian, std sigma/255, each image's from ``numpy.random.default_rng(seed)``, not clipped;
methods with a sigma parameter are given the true sigma (see ``workbench bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.compare import parse_method_list, settings_for  # noqa: E402
from workbench.core.train.evaluate import benchmark_folder  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-m", "--methods", default="dncnn,ffdnet")
    parser.add_argument("--sets", default="set12,bsd68")
    parser.add_argument("--sigmas", default="15,25,50")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", dest="assignments", action="append", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "2")))
    runs = settings_for(parse_method_list(args.methods), args.assignments)
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name in args.sets.split(","):
        for sigma in (float(text) for text in args.sigmas.split(",")):
            report = benchmark_folder(SHARED / "datasets" / name, runs, sigma, args.seed)
            key = f"{name}_sigma{sigma:g}"
            table[key] = {
                method: {k: round(v, 4) for k, v in scores.items()} for method, scores in report.mean.items()
            }
            cells = "  ".join(f"{method} {scores['psnr']:.2f} dB" for method, scores in report.mean.items())
            print(f"{key:<16} {cells}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(table, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
