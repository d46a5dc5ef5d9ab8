"""How close is the noise-level estimate, on whole images and on small crops?

    python benchmarks/noise_estimate.py [--sets set12 bsd68] [--sigmas 5 15 25 50]

For each image set, noise level and size (whole images, then centre crops of 128, 64 and 32
pixels), Gaussian noise of the given sigma (8-bit units, from numpy's default_rng seeded by image
index and sigma, not clipped) is added and the level estimated by ``estimate_sigma`` (weak-texture
patches) and by the baseline in the same run, ``haar_mad_sigma`` (Donoho's median rule on the
finest diagonal Haar band). Printed: each estimator's mean signed error and mean absolute error in
per cent of the true sigma, and the ratio of the baseline's mean absolute error to the estimate's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.image import centre_crop  # noqa: E402
from workbench.core.io import read_image  # noqa: E402
from workbench.core.noise import estimate_sigma, haar_mad_sigma  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
SIZES = (0, 128, 64, 32)
"""Crop sides in pixels; 0 is the whole image."""
ESTIMATORS = {"weak texture": estimate_sigma, "Haar MAD": haar_mad_sigma}


def errors(images: list[np.ndarray], sigma: float, size: int) -> dict[str, np.ndarray]:
    """Per estimator, the relative errors (estimate / sigma - 1) over ``images``."""
    found: dict[str, list[float]] = {name: [] for name in ESTIMATORS}
    for index, clean in enumerate(images):
        crop = centre_crop(clean, size)
        rng = np.random.default_rng([index, int(sigma)])
        noisy = (crop + rng.standard_normal(crop.shape) * sigma / 255).astype(np.float32)
        for name, estimate in ESTIMATORS.items():
            found[name].append(estimate(noisy) * 255 / sigma - 1)
    return {name: np.array(values) for name, values in found.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", nargs="+", default=["set12", "bsd68"])
    parser.add_argument("--sigmas", nargs="+", type=float, default=[5.0, 15.0, 25.0, 50.0])
    args = parser.parse_args()
    print(
        "| set | sigma | size | weak texture: mean / mean abs (%) | Haar MAD: mean / mean abs (%) | ratio |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name in args.sets:
        images = [read_image(path).pixels for path in sorted((SHARED / "datasets" / name).glob("*.png"))]
        if not images:
            print(f"{name}: no images under {SHARED / 'datasets' / name}")
            continue
        for sigma in args.sigmas:
            for size in SIZES:
                found = errors(images, sigma, size)
                cells = [
                    f"{100 * found[estimator].mean():+.1f} / {100 * np.abs(found[estimator]).mean():.1f}"
                    for estimator in ESTIMATORS
                ]
                ratio = np.abs(found["Haar MAD"]).mean() / np.abs(found["weak texture"]).mean()
                label = f"{size}²" if size else "whole"
                row = f"| {name} | {sigma:g} | {label} | {cells[0]} | {cells[1]} | {ratio:.1f}× |"
                print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
