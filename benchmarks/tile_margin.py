"""How much overlap tiled inference needs: seams against whole-image output, per tile margin.

    python benchmarks/tile_margin.py                       # colour_cnn on kodim01 + sigma 25 noise
    python benchmarks/tile_margin.py --margins 16,32,48,64 --tile 256

Denoises one image whole (the baseline: one tile, no seams), then tiled with each margin, and
prints the largest and mean absolute difference from the baseline in 8-bit levels, with the
tiled run's time and the fraction of extra pixels the overlap costs at the method's default
tile. Also prints the theoretical receptive radius and the radius holding 95 % of the
effective field (Luo et al. 2016) at the image centre: the margin a model ships with
(``tile_margin``) should sit where the seams fall under half an 8-bit level.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.resources import path as resource_path  # noqa: E402

from workbench.core.io import read_image  # noqa: E402
from workbench.core.models.weights import load_weights  # noqa: E402
from workbench.core.tiling import denoise_image  # noqa: E402
from workbench.core.viz.effective import radius_holding  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))


def effective_radius(model: torch.nn.Module, noisy: np.ndarray, sigma: float) -> float:
    """Radius (pixels) holding 95 % of |d out(centre) / d in| for ``model`` at noise level ``sigma``,
    on a window of the theoretical field around the centre of H×W×3 ``noisy``."""
    align, radius = model.alignment, model.receptive_radius
    rows, cols = noisy.shape[:2]
    top = max(0, (rows // 2 - radius) // align * align)
    left = max(0, (cols // 2 - radius) // align * align)
    bottom = min(rows, top + (2 * radius + 1 + align) // align * align)
    right = min(cols, left + (2 * radius + 1 + align) // align * align)
    bottom, right = top + (bottom - top) // align * align, left + (right - left) // align * align
    crop = torch.from_numpy(np.ascontiguousarray(noisy[top:bottom, left:right].transpose(2, 0, 1)))[None]
    crop.requires_grad_(True)
    output = model(crop, torch.full((1,), sigma / 255.0))
    at = (cols // 2 - left, rows // 2 - top)
    gradient = torch.autograd.grad(output[0, :, at[1], at[0]].sum(), crop)[0][0].abs().sum(0)
    return radius_holding(gradient.numpy(), at)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, default=resource_path("resunet_colour.pt"))
    parser.add_argument("--image", type=Path, default=SHARED / "datasets" / "kodak24" / "kodim01.png")
    parser.add_argument("--sigma", type=float, default=25.0)
    parser.add_argument("--tile", type=int, default=256)
    parser.add_argument(
        "--default-tile", type=int, default=1024, help="the method's tile, for the cost column"
    )
    parser.add_argument("--margins", default="8,16,24,32,48,64,112")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("WORKBENCH_THREADS", "2")))

    model = load_weights(args.weights).model.eval()
    clean = read_image(args.image).pixels
    noisy = clean + np.random.default_rng(0).normal(0, args.sigma / 255, clean.shape).astype(np.float32)
    print(
        f"{args.weights.name}: theoretical radius {model.receptive_radius} px, "
        f"effective 95 % radius {effective_radius(model, noisy, args.sigma):.1f} px "
        f"(at the centre of {args.image.name})"
    )

    started = time.perf_counter()
    whole = denoise_image(model, noisy, args.sigma, tile=0)
    whole_seconds = time.perf_counter() - started
    print(f"baseline: whole image {noisy.shape[1]}x{noisy.shape[0]} in one tile, {whole_seconds:.2f} s")
    print(
        f"{'margin':>6} {'max diff':>9} {'mean diff':>10} {'seconds':>8} "
        f"{'overlap cost @' + str(args.default_tile):>18}"
    )
    for margin in (int(value) for value in args.margins.split(",")):
        model.tile_margin = margin
        started = time.perf_counter()
        tiled = denoise_image(model, noisy, args.sigma, tile=args.tile)
        seconds = time.perf_counter() - started
        difference = np.abs(tiled - whole) * 255
        cost = ((args.default_tile + 2 * margin) / args.default_tile) ** 2 - 1
        print(
            f"{margin:>6} {difference.max():>9.3f} {difference.mean():>10.4f} {seconds:>8.2f} {cost:>17.0%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
