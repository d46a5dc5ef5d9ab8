"""Set12 mean PSNR of vst_bm3d against plain BM3D under low-light (Poisson–Gaussian) noise.

    python benchmarks/vst_bm3d.py                         # 6 images, 256×256 centre crops, 3 settings
    python benchmarks/vst_bm3d.py --images all --crop 0   # all 12 images at full size (slow)

Noise: the workbench's ``poisson_gaussian`` operator, Poisson(peak·x)/peak + N(0, (sigma/255)²), at
the (peak photons, read sigma in 8-bit units) settings of SETTINGS; unclipped (the Mäkitalo–Foi
protocol) unless ``--clip``. Image k of the list gets seed ``--seed`` + k at every setting, and every
method sees the same noisy image. Methods, all through ``workbench.core.pipeline.restore``:

* ``bm3d(auto)``: plain BM3D, sigma estimated as for Gaussian noise; the named baseline.
* ``bm3d(oracle)``: plain BM3D told the global std of the noise actually added (from the clean image),
  the best a single sigma can know.
* ``vst_bm3d``: alpha and sigma both "auto" (estimated from the noisy image).

The ``alpha`` column is the mean of vst_bm3d's estimated alpha over the true 1/peak.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core import operators  # noqa: E402
from workbench.core.image import Image, centre_crop  # noqa: E402
from workbench.core.io import read_image  # noqa: E402
from workbench.core.metrics import psnr  # noqa: E402
from workbench.core.pipeline import restore  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
SETTINGS = ((10.0, 2.0), (30.0, 5.0), (100.0, 5.0))
"""(peak photons at white, read-noise std in 8-bit units): very dark, dark, dim."""
DEFAULT_IMAGES = "01,02,04,05,07,09"
COLUMNS = ("noisy", "bm3d(auto)", "bm3d(oracle)", "vst_bm3d")
BASELINE = "bm3d(auto)"


def score_image(clean: np.ndarray, peak: float, read_sigma: float, seed: int, clip: bool) -> dict[str, float]:
    """PSNR (dB) of the noisy image and of each method, plus vst_bm3d's alpha estimate / true alpha."""
    values = {"peak": peak, "sigma": read_sigma, "clip": clip}
    observed, degradation = operators.degrade(Image(clean), "poisson_gaussian", values, seed=seed)
    problem = degradation.problem(observed, Image(clean))
    oracle = float(np.std(observed.pixels - clean)) * 255.0
    vst = restore(problem, "vst_bm3d")
    return {
        "noisy": psnr(observed.pixels, clean),
        "bm3d(auto)": restore(problem, "bm3d", {"sigma": "auto"}).psnr,
        "bm3d(oracle)": restore(problem, "bm3d", {"sigma": min(oracle, 100.0)}).psnr,
        "vst_bm3d": vst.psnr,
        "alpha": vst.extras["alpha"] * peak,
    }


def row(label: str, scores: dict[str, float]) -> str:
    cells = "".join(f"{scores[name]:>14.2f}" for name in COLUMNS)
    gain = scores["vst_bm3d"] - scores[BASELINE]
    oracle_gain = scores["vst_bm3d"] - scores["bm3d(oracle)"]
    return f"{label:<18}{cells}{gain:>11.2f}{oracle_gain:>12.2f}{scores['alpha']:>8.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", default=DEFAULT_IMAGES, help="Set12 numbers, comma-separated, or 'all'")
    parser.add_argument("--crop", type=int, default=256, help="centre crop side in pixels (0 = whole image)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clip", action="store_true", help="clip the noisy images to [0, 1]")
    parser.add_argument("--folder", type=Path, default=SHARED / "datasets" / "set12")
    args = parser.parse_args()
    names = [path.stem for path in sorted(args.folder.glob("*.png"))]
    if args.images != "all":
        names = [name for name in names if name in args.images.split(",")]
    if not names:
        raise SystemExit(f"no Set12 images found under {args.folder}")
    images = [centre_crop(read_image(args.folder / f"{name}.png").pixels, args.crop) for name in names]
    start = time.perf_counter()
    header = f"{'peak, read sigma':<18}" + "".join(f"{name:>14}" for name in COLUMNS)
    print(header + f"{'gain dB':>11}{'vs oracle':>12}{'alpha':>8}")
    per_setting = []
    for peak, read_sigma in SETTINGS:
        scores = [
            score_image(clean, peak, read_sigma, args.seed + index, args.clip)
            for index, clean in enumerate(images)
        ]
        mean = {key: float(np.mean([score[key] for score in scores])) for key in scores[0]}
        per_setting.append(mean)
        print(row(f"{peak:g}, {read_sigma:g}/255", mean), flush=True)
    overall = {key: float(np.mean([mean[key] for mean in per_setting])) for key in per_setting[0]}
    print(row("mean", overall))
    side = "full size" if args.crop <= 0 else f"centre {args.crop}×{args.crop} crops"
    print(
        f"(PSNR in dB, mean over Set12 {','.join(names)} ({side}; a subset, to keep the run short); "
        f"noise {'clipped' if args.clip else 'unclipped'}, seeds {args.seed}+k; "
        f"gain = vst_bm3d - {BASELINE}; {time.perf_counter() - start:.0f} s)"
    )
    print(f"vst_bm3d gain_db={overall['vst_bm3d'] - overall[BASELINE]:.2f} over {BASELINE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
