"""Train the shipped default denoiser weights on Train400 only, on the CPU.

    python scripts/train_shipped.py dncnn   # resources/dncnn_gray_s25.pt (+ .json card), 110 min
    python scripts/train_shipped.py ffdnet --minutes 38 --patch 64 --batch 32
                                            # resources/ffdnet_gray.pt, fine-tuned from the dncnn file
    python scripts/train_shipped.py dncnn --init resources/dncnn_gray_s25.pt --lr 2e-4 --minutes 70
                                            # train the shipped dncnn further (a new cosine schedule)
    nice -n 19 python scripts/train_shipped.py colour --minutes 120 --patch 96 --batch 8
                                            # resources/resunet_colour.pt, CBSD432 only, bf16 steps
    python scripts/train_shipped.py demosaic --minutes 40 --patch 64 --batch 16
                                            # resources/demosaicnet.pt, CBSD432 mosaics only

The shipped dncnn is one run of this script with its defaults: 110 minutes of steps from scratch,
Adam from 1e-3 down a cosine to 1e-5, patches of 48 and batches of 16 (40,819 steps on a 2-core
CPU). The dncnn shipped before it, three shorter runs with 64-pixel patches in batches of 32
(17.5k steps in 180 minutes, the later two at lower rates), gave 0.07 dB less on BSD68 and
first-layer filters that had hardly left their random start. The shipped ffdnet was fine-tuned
from that earlier dncnn file.

``dncnn``: a DnCNN body (12 convs, 64 wide, batch norm, residual) run on the 2× pixel-unshuffled
image, which is about 4× cheaper per pixel than the full-resolution DnCNN and so learns far more
in an hour of a shared 2-core CPU; trained for Gaussian sigma 25 (DnCNN-S style).
``ffdnet``: the same body with a noise-level map input, started from the dncnn weights (the map's
input filters start at zero) and trained on sigma drawn uniformly from 0 to 75.
``colour``: the colour residual U-Net (``workbench.core.models.resunet``) trained on CBSD432 only
with Gaussian noise of 0-75 (known or estimated levels, per channel, ramps) and simulated camera
noise (``workbench.core.train.colour_batches``), its forward pass in bfloat16; watched on every
8th CBSD68 image at sigma 25.
``demosaic``: the joint demosaicking + denoising network (``workbench.core.models.demosaicnet``)
trained on RGGB mosaics of CBSD432 patches with Gaussian noise of 0-20 on the mosaic
(``workbench.core.train.mosaic_batches``); watched on every 8th CBSD68 image at sigma 5 on the
mosaic; its card holds Kodak24/McMaster colour PSNR noise-free and at sigma 5/10 on the mosaic,
measured as ``benchmarks/demosaic.py`` measures them. Its rate, 3e-4, was chosen on a 150-step
comparison on four CBSD68 images (36.34 dB noise-free and 29.18 at sigma 10 against 36.24 / 29.05
with 1e-3).

The validation PSNR logged during training uses every 8th BSD68 image; it is only watched, never
used to choose a checkpoint. The final card holds full Set12/BSD68 means (noise from
numpy.random.default_rng(0), unclipped).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.models.weights import load_weights  # noqa: E402
from workbench.core.tiling import bf16_available  # noqa: E402
from workbench.core.train.batches import SupervisedBatches  # noqa: E402
from workbench.core.train.colour_batches import MixedNoiseBatches  # noqa: E402
from workbench.core.train.data import load_folder  # noqa: E402
from workbench.core.train.evaluate import NoisySet  # noqa: E402
from workbench.core.train.mosaic_batches import MosaicBatches  # noqa: E402
from workbench.core.train.mosaic_eval import MosaicSet  # noqa: E402
from workbench.core.train.noise import NoiseModel  # noqa: E402
from workbench.core.train.trainer import OPTIMIZERS, StepRecord, TrainConfig, Trainer  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
BODY = {"channels": 1, "depth": 12, "width": 64, "batch_norm": True}
RECIPES = {
    "dncnn": {
        "architecture": "dncnn",
        "kwargs": BODY | {"unshuffle": 2},
        "noise": NoiseModel("gaussian", 25.0, 25.0),
        "lr": 1e-3,
        "output": "dncnn_gray_s25.pt",
        "eval_sigmas": (25,),
        "data": "train400",
        "channels": 1,
    },
    "ffdnet": {
        "architecture": "ffdnet",
        "kwargs": BODY,
        "noise": NoiseModel("gaussian", 0.0, 75.0),
        "lr": 3e-4,
        "output": "ffdnet_gray.pt",
        "eval_sigmas": (15, 25, 50),
        "data": "train400",
        "channels": 1,
    },
    "colour": {
        "architecture": "resunet",
        "kwargs": {"channels": 3, "widths": [64, 128, 256], "blocks": 2},
        "noise": NoiseModel("gaussian", 0.0, 75.0),
        "lr": 3e-4,
        "lr_final": 1e-6,
        "precision": "bf16",
        "output": "resunet_colour.pt",
        "eval_sigmas": (15, 25, 50),
        "data": "cbsd432",
        "channels": 3,
        "eval_sets": ("cbsd68", "kodak24", "mcmaster"),
    },
    "demosaic": {
        "architecture": "demosaicnet",
        "kwargs": {"depth": 12, "width": 64},
        "noise": NoiseModel("gaussian", 0.0, 20.0),
        "lr": 3e-4,
        "output": "demosaicnet.pt",
        "eval_sigmas": (0, 5, 10),
        "data": "cbsd432_mosaic",
        "channels": 3,
        "eval_sets": ("kodak24", "mcmaster"),
        "watch_sigma": 5,
    },
}
TRAINING_DATA = {
    "train400": "Train400 (400 gray 180x180, cszn/DnCNN), scales 1/0.9/0.8/0.7, flips and rotations",
    "cbsd432": "CBSD432 (432 colour BSD images, about 481x321), scales 1/0.8, flips and rotations; "
    "Gaussian 0-75 (known or Haar-estimated level, per channel, ramps) and simulated camera noise",
    "cbsd432_mosaic": "CBSD432 (432 colour BSD images, about 481x321), scales 1/0.8, flips and rotations; "
    "RGGB mosaic with Gaussian noise of 0-20 on it (a fifth of the patches noise-free), clipped to [0, 1]",
}
PROTOCOLS = {
    "denoise": "Gaussian noise, each image's from numpy default_rng(0), not clipped; estimate "
    "clipped to [0, 1]; whole images (workbench bench protocol)",
    "demosaic": "RGGB mosaic of each clean image, Gaussian noise of sigma on the mosaic (clipped, seed = "
    "the image's index in name order), the network told that sigma; colour PSNR of whole images "
    "(benchmarks/demosaic.py protocol)",
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("recipe", choices=sorted(RECIPES))
    parser.add_argument("--minutes", type=float, default=110.0, help="time spent in optimiser steps")
    parser.add_argument("--patch", type=int, default=48)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "train")
    parser.add_argument("--out", type=Path, default=ROOT / "resources")
    parser.add_argument(
        "--resume", action="store_true", help="continue from the workdir checkpoint up to --minutes in all"
    )
    parser.add_argument(
        "--init", type=Path, help="start from this weight file of the same architecture (a fresh schedule)"
    )
    parser.add_argument("--lr", type=float, help="starting learning rate (default: the recipe's)")
    parser.add_argument(
        "--optimizer", choices=OPTIMIZERS, default="adam", help="sgd: momentum 0.9, as in the DnCNN paper"
    )
    parser.add_argument("--weight-decay", type=float, default=0.0, help="L2 penalty (the paper: 1e-4)")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "2")))
    recipe = RECIPES[args.recipe]
    args.workdir.mkdir(parents=True, exist_ok=True)
    checkpoint = args.workdir / f"{args.recipe}.ckpt"

    source = batch_source(recipe, args.patch, args.batch)
    config = TrainConfig(
        recipe["architecture"],
        recipe["kwargs"],
        steps=10**6,
        lr=args.lr or recipe["lr"],
        lr_final=recipe.get("lr_final", 1e-5),
        precision=step_precision(recipe),
        max_seconds=args.minutes * 60,
        seed=0,
        optimizer=args.optimizer,
        weight_decay=args.weight_decay,
    )
    resumed = args.resume and checkpoint.exists()
    if resumed:
        trainer = Trainer.from_checkpoint(checkpoint, source)
        trainer.config.max_seconds = config.max_seconds
    else:
        trainer = Trainer(config, source)
        if args.init is not None:
            trainer.model.load_state_dict(load_weights(args.init).model.state_dict())
        elif args.recipe == "ffdnet":
            start_from_dncnn(trainer, args.out / RECIPES["dncnn"]["output"])
    watch_set = "cbsd68" if recipe["channels"] == 3 else "bsd68"
    watch_sigma = recipe.get("watch_sigma", 25)
    watch = watch_set_for(recipe, SHARED / "datasets" / watch_set, watch_sigma)
    started = time.time()

    def log(record: StepRecord) -> None:
        if record.step % 50 == 0:
            print(
                f"step {record.step} loss {record.loss:.3e} lr {record.lr:.2e} "
                f"step-time {trainer.elapsed:.0f}s wall {time.time() - started:.0f}s",
                flush=True,
            )
        if record.step % 500 == 0:
            print(
                f"  watch {watch_set}/8 sigma {watch_sigma}: {trainer.validation[-1][1]:.2f} dB", flush=True
            )

    trainer.run(
        validate=watch.mean_psnr,
        validate_every=500,
        checkpoint=checkpoint,
        checkpoint_every=200,
        on_step=log,
    )
    scores = final_scores(trainer, recipe)
    card = {
        "name": args.recipe,
        "training_data": TRAINING_DATA[recipe["data"]],
        "noise": {
            "kind": recipe["noise"].kind,
            "sigma_range": [recipe["noise"].sigma_min, recipe["noise"].sigma_max],
        },
        "patch": args.patch,
        "batch": args.batch,
        "hardware": f"CPU, {torch.get_num_threads()} threads (shared machine), {config.precision} steps",
        "wall_seconds_this_session": round(time.time() - started, 1),
        "resumed": resumed,
        "started_from": args.init.name if args.init is not None else None,
        "psnr": scores,
        "psnr_protocol": PROTOCOLS["demosaic" if is_demosaic(recipe) else "denoise"],
        "script": "scripts/train_shipped.py " + args.recipe,
    }
    path = trainer.export(args.out / recipe["output"], card)
    print(json.dumps(scores, indent=2))
    print(f"wrote {path}")
    return 0


def step_precision(recipe: dict) -> str:
    """The recipe's precision, except that bfloat16 falls back to float32 on CPUs without bfloat16
    instructions, where emulated bfloat16 steps run about ten times slower."""
    precision = recipe.get("precision", "fp32")
    if precision == "bf16" and not bf16_available():
        print("this CPU has no bfloat16 instructions: training in float32", flush=True)
        return "fp32"
    return precision


def is_demosaic(recipe: dict) -> bool:
    return recipe["architecture"] == "demosaicnet"


def batch_source(recipe: dict, patch: int, batch: int):
    """The recipe's training batches: gray Train400 with Gaussian noise, colour CBSD432 mixed noise,
    or noisy mosaics of CBSD432."""
    if recipe["data"] == "cbsd432_mosaic":
        images = load_folder(SHARED / "datasets" / "cbsd432", channels=3, scales=(1.0, 0.8))
        return MosaicBatches(images, patch=patch, batch=batch, sigma_max=recipe["noise"].sigma_max)
    if recipe["data"] == "cbsd432":
        images = load_folder(SHARED / "datasets" / "cbsd432", channels=3, scales=(1.0, 0.8))
        return MixedNoiseBatches(images, patch=patch, batch=batch, align=8, sigma_max=75.0)
    images = load_folder(SHARED / "datasets" / "train400", scales=(1.0, 0.9, 0.8, 0.7))
    return SupervisedBatches(images, recipe["noise"], patch=patch, batch=batch, align=2)


def start_from_dncnn(trainer: Trainer, path: Path) -> None:
    """Copy the dncnn weights into the ffdnet body; the noise-map input filters start at zero."""
    state = load_weights(path).model.state_dict()
    first = state["body.0.weight"]
    state["body.0.weight"] = torch.cat([first, torch.zeros_like(first[:, :1])], dim=1)
    trainer.model.load_state_dict(state)


def watch_set_for(recipe: dict, folder: Path, sigma: float) -> NoisySet | MosaicSet:
    """Every 8th image of ``folder`` with noise of ``sigma`` (on the mosaic for a demosaicking recipe)."""
    if is_demosaic(recipe):
        return MosaicSet.from_folder(folder, float(sigma), every=8)
    return NoisySet.from_folder(folder, float(sigma), seed=0, every=8, channels=recipe["channels"])


def final_scores(trainer: Trainer, recipe: dict) -> dict:
    trainer.model.eval()
    scores = {}
    with torch.inference_mode():
        for name in recipe.get("eval_sets", ("set12", "bsd68")):
            for sigma in recipe["eval_sigmas"]:
                folder = SHARED / "datasets" / name
                if is_demosaic(recipe):
                    scored = MosaicSet.from_folder(folder, float(sigma))
                else:
                    scored = NoisySet.from_folder(folder, float(sigma), seed=0, channels=recipe["channels"])
                scores[f"{name}_sigma{sigma}"] = round(scored.mean_psnr(trainer.model), 3)
                print(f"{name} sigma {sigma}: {scores[f'{name}_sigma{sigma}']:.2f} dB", flush=True)
    return scores


if __name__ == "__main__":
    raise SystemExit(main())
