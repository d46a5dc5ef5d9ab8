"""Colour PSNR of demosaicking methods on Kodak24 and McMaster, noise-free and with noise on the mosaic.

    nice -n 10 python benchmarks/demosaic.py
    python benchmarks/demosaic.py -m demosaic_malvar,pnp_hqs --sigmas 10 --every 6 --crop 256

Each clean image is mosaicked with the RGGB Bayer pattern (``workbench degrade --op mosaic``);
for sigma > 0 Gaussian noise of that std (8-bit units, clipped, seed = image index) is added on
the mosaic, as a sensor adds it. Methods get their defaults (``--set k=v`` changes them for every
method that has the parameter), except that a method with a ``sigma`` parameter the command does
not set (the joint network, ``demosaic_net``) is told the sigma of the row, as ``workbench bench``
tells denoisers; ``--set sigma=auto`` makes it use the level the workbench measured on the mosaic
it made instead (none when noise-free: then it estimates one from the mosaic). Colour PSNR is the
PSNR over all three channels of the whole image (no border is left out; papers often drop a
border of 5 to 15 pixels, which raises the figures); ``--crop N`` scores the central N×N crop of
each image instead of the whole image (to keep slow methods short). Seconds are the method's own
run per image (scoring excluded). The baseline is bilinear: the last column is each method's gain
over it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core import operators  # noqa: E402
from workbench.core.compare import parse_method_list, settings_for  # noqa: E402
from workbench.core.image import Image, centre_crop  # noqa: E402
from workbench.core.io import read_image  # noqa: E402
from workbench.core.pipeline import restore  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
BASELINE = "demosaic_bilinear"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-m", "--methods", default="demosaic_bilinear,demosaic_malvar,demosaic_menon,demosaic_net"
    )
    parser.add_argument("--sets", default="kodak24,mcmaster")
    parser.add_argument("--sigmas", default="0,5,10")
    parser.add_argument("--every", type=int, default=1, help="score every N-th image of each set")
    parser.add_argument("--crop", type=int, default=0, help="central crop side (0 = whole images)")
    parser.add_argument("--set", dest="assignments", action="append", default=[])
    args = parser.parse_args()
    import torch

    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "1")))
    runs = settings_for(parse_method_list(args.methods), args.assignments)
    names = [run.method for run in runs]
    print(f"| set | sigma | {' | '.join(names)} | gain over bilinear |")
    print(f"| --- | --- | {' | '.join('---' for _ in names)} | --- |")
    for set_name in args.sets.split(","):
        paths = sorted((SHARED / "datasets" / set_name).iterdir())[:: args.every]
        clean = [read_image(path) for path in paths]
        if args.crop:
            clean = [Image(centre_crop(image.pixels, args.crop)) for image in clean]
        for sigma in (float(text) for text in args.sigmas.split(",")):
            scores: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
            for index, image in enumerate(clean):
                observed, degradation = operators.degrade(
                    image, "mosaic", {"pattern": "RGGB", "sigma": sigma}, seed=index
                )
                problem = degradation.problem(observed, image)
                for run in runs:
                    result = restore(problem, run.method, told_sigma(run, sigma))
                    scores[run.method].append((result.psnr, result.seconds))
            means = {name: np.mean(values, axis=0) for name, values in scores.items()}
            cells = " | ".join(f"{psnr:.2f} dB ({seconds:.2f} s)" for psnr, seconds in means.values())
            base = means.get(BASELINE)
            gains = (
                ", ".join(f"{name} {means[name][0] - base[0]:+.2f}" for name in names if name != BASELINE)
                if base is not None
                else "-"
            )
            subset = f", {len(clean)} images" + (f" {args.crop}² crops" if args.crop else "")
            print(f"| {set_name}{subset} | {sigma:g} | {cells} | {gains} |", flush=True)
    return 0


def told_sigma(run, sigma: float) -> dict:
    """``run``'s values, with ``sigma`` added when its method has that parameter and it is not set."""
    from workbench.core import registry

    if "sigma" in registry.get(run.method).params and "sigma" not in run.values:
        return run.values | {"sigma": sigma}
    return run.values


if __name__ == "__main__":
    raise SystemExit(main())
