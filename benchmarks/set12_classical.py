"""Set12 mean PSNR at one noise level for the classical denoisers and BM3D.

    python benchmarks/set12_classical.py                       # nlm, tv, wavelet, bm3d at sigma 25
    python benchmarks/set12_classical.py -m bm3d --set profile=refilter --json out/set12.json

Noise: Gaussian, std sigma/255, each image's drawn from ``numpy.random.default_rng(seed)`` and
not clipped (the protocol of /work/shared/README.md); every method is given the true sigma.
The published BM3D figure for Set12 at sigma 25 is 29.97 dB (DnCNN paper, Table 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.cli.bench import format_table  # noqa: E402
from workbench.core.compare import parse_method_list, settings_for  # noqa: E402
from workbench.core.train.evaluate import benchmark_folder  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-m", "--methods", default="nlm,tv,wavelet,bm3d", help="comma-separated method names")
    parser.add_argument("--sigma", type=float, default=25.0, help="noise std in 8-bit units")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", type=Path, default=SHARED / "datasets" / "set12")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--json", type=Path, help="write per-image and mean scores here")
    args = parser.parse_args()
    runs = settings_for(parse_method_list(args.methods), args.assignments)
    report = benchmark_folder(args.folder, runs, args.sigma, args.seed)
    print(format_table(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_json(), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
