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
as the trainer builds it: ``torch.manual_seed(seed)``, then the architecture): near 1 means the
filters are still mostly their random starting pattern.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from workbench.core.models import build_model  # noqa: E402
from workbench.core.models.weights import load_weights  # noqa: E402
from workbench.core.viz import filter_grid, first_conv  # noqa: E402
from workbench.core.viz.filter_stats import initial_correlation  # noqa: E402
from workbench.core.viz.filters import image_space_weight  # noqa: E402
from workbench.core.viz.models import resolve_model, shipped_dncnn_files, wrap_model  # noqa: E402

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
        print(
            f"| {net.label or spec} | {grid.layer} | {stats.filters} × {height}×{width} | "
            f"{stats.zero_sum}/{stats.filters} | {stats.selectivity:.2f} | "
            f"{stats.random_selectivity:.2f} | {stats.selectivity / stats.random_selectivity:.2f} | "
            f"{_init_correlation(spec, net)} |"
        )
    return 0


def _init_correlation(spec: str, net) -> str:
    """Median correlation of the first-layer filters with their initialisation, or "-" when the
    initial weights are not known (not a workbench file, or its first run did not start from scratch)."""
    path = shipped_dncnn_files()[0] if spec == "dncnn" and shipped_dncnn_files() else Path(spec)
    if path.suffix != ".pt":
        return "-"
    loaded = load_weights(path)
    runs = loaded.card.get("runs") or [{"from": "scratch" if not loaded.card.get("started_from") else ""}]
    if runs[0].get("from") != "scratch" or "seed" not in loaded.card:
        return "-"
    torch.manual_seed(int(loaded.card["seed"]))
    initial = wrap_model(build_model(loaded.architecture, **loaded.kwargs))
    weights = [
        image_space_weight(model, first_conv(model)[1].weight.detach().numpy()) for model in (net, initial)
    ]
    return f"{np.median(initial_correlation(*weights)):.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
