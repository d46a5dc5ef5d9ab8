"""Do first-layer filters look like edge detectors? Zero-sum count and orientation selectivity.

    python benchmarks/first_layer_filters.py [MODEL ...]

Each model (a name ``workbench viz`` knows, or a weight file) is compared with Gaussian random
filters of the same shape (the baseline, in the same run): the ratio of its median orientation
selectivity to theirs, and how many filters are zero-sum (|Σw| / Σ|w| < 0.1). Filters of a model
that reads a pixel-unshuffled image are folded into image-space kernels first, as the window draws
them. Default models: the shipped dncnn, the published DnCNN σ25 weights (when ../shared has
them) and an untrained DnCNN-17.

For a workbench weight file whose card says its first run started from scratch, the last column
is the median correlation of each trained filter with the same filter at initialisation (rebuilt
from the card's seed, as the trainer builds it; see ``viz.models.initial_seed``): near 1 means the
filters are still mostly their random starting pattern.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.viz import filter_grid  # noqa: E402
from workbench.core.viz.models import resolve_model  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
PUBLISHED = SHARED / "models" / "dncnn_official" / "specifics_sigma25.mat"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    models = args.models or ["dncnn", *([str(PUBLISHED)] if PUBLISHED.exists() else []), "dncnn17"]
    print("| model | layer | filters | zero-sum | selectivity | random | ratio | corr. with init |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for spec in models:
        net = resolve_model(spec)
        grid = filter_grid(net)
        stats = grid.stats
        height, width = stats.kernel
        start = "-" if grid.start_correlation is None else f"{grid.start_correlation:.2f}"
        print(
            f"| {net.label or spec} | {grid.layer} | {stats.filters} × {height}×{width} | "
            f"{stats.zero_sum}/{stats.filters} | {stats.selectivity:.2f} | "
            f"{stats.random_selectivity:.2f} | {stats.selectivity / stats.random_selectivity:.2f} | "
            f"{start} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
