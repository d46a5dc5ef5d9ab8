"""How far do first-layer filters move from their random start in a short training run?

    python benchmarks/filter_learning.py [--steps 3000] [--every 1000]
    python benchmarks/filter_learning.py --optimizer sgd --lr 0.05 --weight-decay 1e-4
    python benchmarks/filter_learning.py --png build/filters   # also save each reported grid

Trains two small DnCNNs (6 convolutions, 32 wide, batch norm) with the workbench's trainer (Adam
1e-3 by default, or the given optimiser; cosine to 1/100 of the rate; Train400 patches of 40 px,
batch 16, Gaussian sigma 25, seed 0): one at full resolution (3×3 first-layer filters, as in the
paper) and one on the 2×-unshuffled image (6×6 filters in image space, as the shipped DnCNN). Every
``--every`` steps it prints, per net, the training PSNR (mean of the last 200 losses), how many
filters are zero-sum, the median orientation selectivity against random filters of the same size
(the baseline), and the median correlation of each filter with itself at initialisation (the mean
taken out): near 1 means the filter's pattern is still the random one it started from. With
``--png DIR`` each reported state's filter grid (as ``workbench viz filters`` draws it) is written
to DIR as ``<net>-<step>.png``, the start as step 0, so the filters can be looked at, not only
counted.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from workbench.core import io  # noqa: E402
from workbench.core.image import Image  # noqa: E402
from workbench.core.train.batches import SupervisedBatches  # noqa: E402
from workbench.core.train.data import load_folder  # noqa: E402
from workbench.core.train.noise import NoiseModel  # noqa: E402
from workbench.core.train.trainer import OPTIMIZERS, TrainConfig, Trainer  # noqa: E402
from workbench.core.viz.filter_stats import filter_stats, initial_correlation  # noqa: E402
from workbench.core.viz.filters import filter_grid, first_layer_weights  # noqa: E402
from workbench.core.viz.models import wrap_model  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
NETS = {"full resolution": 1, "2x unshuffled": 2}


def first_layer(trainer: Trainer) -> np.ndarray:
    """The first-layer filters in image space, O×I×h×w."""
    return first_layer_weights(wrap_model(trainer.model))[1]


def save_grid(trainer: Trainer, folder: Path | None, net: str) -> None:
    """Write the trainer's first-layer filter grid to ``folder/<net>-<step>.png`` (no-op without a folder)."""
    if folder is None:
        return
    slug = net.replace(" ", "-")
    grid = filter_grid(wrap_model(trainer.model))
    path = folder / f"{slug}-{trainer.step_count:06d}.png"
    io.write_image(Image(grid.pixels), path, bit_depth=8, overwrite=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--png", type=Path, help="folder for the filter grids (created; files replaced)")
    args = parser.parse_args()
    if args.png is not None:
        args.png.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "2")))
    images = load_folder(SHARED / "datasets" / "train400")
    print(f"{args.optimizer}, lr {args.lr:g}, weight decay {args.weight_decay:g}")
    print("| net | step | train PSNR | zero-sum | selectivity (random) | corr. with init |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, unshuffle in NETS.items():
        source = SupervisedBatches(images, NoiseModel("gaussian", 25.0, 25.0), patch=40, batch=16, align=2)
        kwargs = {"channels": 1, "depth": 6, "width": 32, "unshuffle": unshuffle}
        config = TrainConfig(
            "dncnn",
            kwargs,
            steps=args.steps,
            lr=args.lr,
            lr_final=args.lr / 100,
            optimizer=args.optimizer,
            weight_decay=args.weight_decay,
        )
        trainer = Trainer(config, source)
        initial = first_layer(trainer)
        save_grid(trainer, args.png, label)
        while not trainer.done:
            trainer.step()
            if trainer.step_count % args.every and not trainer.done:
                continue
            weight = first_layer(trainer)
            save_grid(trainer, args.png, label)
            stats = filter_stats(weight)
            loss = np.mean([record.loss for record in trainer.history[-200:]])
            selectivity = f"{stats.selectivity:.2f} ({stats.random_selectivity:.2f})"
            print(
                f"| {label} | {trainer.step_count} | {-10 * math.log10(loss):.2f} | "
                f"{stats.zero_sum}/{stats.filters} | {selectivity} | "
                f"{np.median(initial_correlation(weight, initial)):.2f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
