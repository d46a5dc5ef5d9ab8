"""``workbench degrade IN -o OUT --op OP [--set k=v ...] [--seed N]``: make a test input with a known truth.

Beside OUT it writes the inpainting mask (OUT stem + ``_mask.png``, white = known) or the blur
kernel (OUT stem + ``_kernel.npy``) when the operator produces one. Every output path is checked
before anything is written, so a refusal leaves no file behind.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.core import operators
from workbench.core.io import read_image, write_image, write_kernel, write_mask
from workbench.core.io.formats import require_write_suffix
from workbench.core.params import SeedParam
from workbench.core.problem import Task

from .common import add_set_option, check_files, print_notes

COMMAND = "degrade"
HELP = "degrade an image (noise, blur, down-sampling, missing pixels, JPEG) to make a test input"
SEED = SeedParam("seed", 0, "seed of the random draws")


def configure(parser: argparse.ArgumentParser) -> None:
    names = ", ".join(operator.name for operator in operators.available())
    parser.add_argument("input", type=Path, help="the clean image")
    parser.add_argument(
        "-o", "--out", type=Path, required=True, help="the degraded image (.png or .tif keep it exact)"
    )
    parser.add_argument("--op", required=True, help=f"the degradation: {names}")
    parser.add_argument("--seed", default="0", help="seed of the random draws (default 0)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing output files")
    add_set_option(parser, [operator.params for operator in operators.available()])
    parser.epilog = "Parameters per degradation: " + "; ".join(
        f"{operator.name}: {', '.join(operator.params.names)}" for operator in operators.available()
    )


def companion_paths(out: Path) -> dict[str, Path]:
    """Where the mask and the kernel of a degradation written to ``out`` go."""
    return {"mask": out.with_name(out.stem + "_mask.png"), "kernel": out.with_name(out.stem + "_kernel.npy")}


def run(args: argparse.Namespace) -> int:
    operator = operators.get(args.op)
    values = operator.params.parse_assignments(args.assignments, owner=args.op)
    seed = SEED.parse(args.seed)
    out = Path(args.out)
    require_write_suffix(out)
    companions = companion_paths(out)
    planned = {"degraded image": out}
    if operator.task is Task.INPAINT:
        planned["mask"] = companions["mask"]
    if operator.task is Task.DEBLUR:
        planned["kernel"] = companions["kernel"]
    check_files({"input": args.input}, planned, args.overwrite)
    image = read_image(args.input)
    print_notes(image.notices)
    observed, degradation = operators.degrade(image, args.op, values, seed=seed)
    targets = [out]
    if degradation.mask is not None:
        targets.append(companions["mask"])
    if degradation.kernel is not None:
        targets.append(companions["kernel"])
    write_image(observed, out, overwrite=args.overwrite)
    if degradation.mask is not None:
        write_mask(degradation.mask, companions["mask"], overwrite=args.overwrite)
    if degradation.kernel is not None:
        write_kernel(degradation.kernel, companions["kernel"], overwrite=args.overwrite)
    settings = ", ".join(f"{key}={value}" for key, value in degradation.params.items())
    print(f"{args.op} ({settings}; seed {seed}) -> {', '.join(str(target) for target in targets)}")
    return 0
