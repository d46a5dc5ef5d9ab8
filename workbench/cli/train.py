"""``workbench train MODE DATA -o WEIGHTS.pt``: train a denoiser (supervised, Noise2Noise, blind-spot)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.io.formats import require_write_suffix
from workbench.core.loss_choices import LOSSES
from workbench.core.train.choices import ARCHITECTURE_NAMES, MODES, OPTIMIZERS

from .common import add_device_option, check_files, progress_context

if TYPE_CHECKING:
    from workbench.core.train.setup import TrainSettings

COMMAND = "train"
HELP = "train a denoiser: on clean images with synthetic noise, on noisy pairs, or on noisy images alone"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("mode", choices=MODES, help="supervised | noise2noise | blindspot")
    parser.add_argument("data", type=Path, help="clean folder (supervised), noisy folder or image")
    parser.add_argument("-o", "--out", type=Path, required=True, help="weight file to write (.pt)")
    parser.add_argument("--pair", type=Path, help="second folder of noisy shots (noise2noise)")
    parser.add_argument("--arch", choices=ARCHITECTURE_NAMES, default="dncnn")
    parser.add_argument(
        "--model", action="append", default=[], metavar="K=V", help="model setting (depth=12)"
    )
    parser.add_argument("--color", action="store_true", help="train a 3-channel model")
    parser.add_argument("--noise", choices=("gaussian", "poisson_gaussian"), default="gaussian")
    parser.add_argument("--sigma", default="25", help="std in 8-bit units, or a range LOW:HIGH")
    parser.add_argument("--peak", type=float, default=30.0, help="Poisson photons at white")
    parser.add_argument("--patch", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--minutes", type=float, help="stop after this much training time")
    parser.add_argument("--lr", type=float, default=1e-3, help="starting learning rate (cosine to 1/100)")
    parser.add_argument(
        "--optimizer",
        choices=OPTIMIZERS,
        default="adam",
        help="adam, or sgd with momentum 0.9 as in the DnCNN paper (give it --lr 0.01: 0.05 can "
        "kill a batch-norm DnCNN in its first steps)",
    )
    parser.add_argument(
        "--loss",
        choices=LOSSES,
        default="l2",
        help="what training minimises: l2, l1, ssim, ms_ssim, or mix (0.84 MS-SSIM + 0.16 l1, Zhao et al. "
        "2017); blindspot takes l2 or l1 (recorded in the card)",
    )
    parser.add_argument("--weight-decay", type=float, default=0.0, help="L2 penalty (the paper: 1e-4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--checkpoint", type=Path, help="checkpoint file, written every 100 steps and on cancel"
    )
    parser.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    parser.add_argument("--denoised", type=Path, help="blindspot: also write the denoised image here")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the weight file, its card, the checkpoint and --denoised if they exist",
    )
    add_device_option(parser)


def run(args: argparse.Namespace) -> int:
    from workbench.core.train.session import training_card
    from workbench.core.train.setup import TrainSettings, make_trainer

    low, high = parse_sigma(args.sigma)
    settings = TrainSettings(
        args.mode,
        args.data,
        args.pair,
        args.arch,
        parse_model(args.model),
        3 if args.color else 1,
        args.noise,
        low,
        high,
        args.peak,
        args.patch,
        args.batch,
        args.steps,
        args.minutes,
        args.lr,
        args.seed,
        args.optimizer,
        args.weight_decay,
        args.loss,
    )
    if args.resume and args.checkpoint is None:
        raise ParameterError("--resume needs --checkpoint FILE")
    check_outputs(args)
    trainer = make_trainer(settings, args.checkpoint if args.resume else None, _device(args.device))
    ctx = progress_context(args.device)
    trainer.run(ctx, checkpoint=args.checkpoint, checkpoint_every=100 if args.checkpoint else 0)
    data = str(args.data.resolve()) + (f" + {args.pair.resolve()}" if args.pair else "")
    path = trainer.export(args.out, training_card(settings, data), overwrite=args.overwrite)
    last = trainer.history[-1].loss if trainer.history else float("nan")
    print(f"{trainer.step_count} steps in {trainer.elapsed:.0f} s, last loss {last:.3e}; wrote {path}")
    if args.denoised is not None:
        _write_denoised(trainer, settings, args.denoised, args.overwrite)
    return 0


def check_outputs(args: argparse.Namespace) -> None:
    """Before training: the weight file, its card, the checkpoint and --denoised are distinct from the
    data and each other, and none exists unless --overwrite (a checkpoint resumed from is read and
    then rewritten, as it should be)."""
    from workbench.core.models.weights import card_path

    if args.denoised is not None:
        require_write_suffix(args.denoised)
    inputs = {"training data": args.data if args.data.is_file() else None}
    outputs = {"weight file": args.out, "weight card": card_path(args.out), "denoised image": args.denoised}
    if args.resume:
        inputs["checkpoint"] = args.checkpoint
    else:
        outputs["checkpoint"] = args.checkpoint
    check_files(inputs, outputs, args.overwrite)


def parse_sigma(text: str) -> tuple[float, float]:
    """'25' -> (25, 25); '0:75' -> (0, 75); ParameterError otherwise."""
    try:
        parts = [float(part) for part in text.split(":")]
    except ValueError:
        raise ParameterError(f"--sigma {text!r}: expected a number or LOW:HIGH") from None
    low, high = (parts[0], parts[0]) if len(parts) == 1 else parts[:2]
    if len(parts) > 2 or not 0 <= low <= high <= 255:
        raise ParameterError(f"--sigma {text!r}: need 0 <= LOW <= HIGH <= 255")
    return low, high


def parse_model(assignments: list[str]) -> dict[str, object]:
    """['depth=12', 'batch_norm=false'] -> {'depth': 12, 'batch_norm': False}."""
    kwargs: dict[str, object] = {}
    for text in assignments:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise ParameterError(f"--model {text!r}: expected NAME=VALUE")
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            kwargs[name.strip()] = lowered == "true"
        else:
            try:
                kwargs[name.strip()] = int(value)
            except ValueError:
                raise ParameterError(f"--model {text!r}: expected an integer or true/false") from None
    return kwargs


def _device(name: str) -> str:
    from workbench.core.jobs import resolve_device

    return str(resolve_device(name))


def _write_denoised(trainer, settings: TrainSettings, target: Path, overwrite: bool) -> None:
    from workbench.core.io import write_image
    from workbench.core.tiling import denoise_image
    from workbench.core.train.data import read_training_image

    if not settings.data.is_file():
        print("--denoised needs DATA to be one image; skipped", file=sys.stderr)
        return
    noisy = read_training_image(settings.data, settings.channels)
    estimate = denoise_image(trainer.model, noisy, settings.sigma_min, device=trainer.device)
    write_image(Image(estimate.clip(0, 1)), target, overwrite=overwrite)
    print(f"wrote {target}")
