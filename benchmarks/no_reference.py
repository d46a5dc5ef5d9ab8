"""How far the no-reference estimates are from the truth: estimated PSNR, auto-tuning, real photos.

    python benchmarks/no_reference.py                     # all three parts, small subsets
    python benchmarks/no_reference.py --part estimate --images 8 --crop 0

Parts (each prints its own table):

* ``estimate``: BSD68 (gray) and CBSD68 (colour) images with seeded Gaussian noise at sigma
  15/25/50 (not clipped; image k gets seed k), each method told the true sigma (the ``bench``
  protocol). Per method, the mean absolute error |estimated - true PSNR| of SURE with the true
  sigma ("known") and with the sigma estimated from the noisy image ("est."), both from the same
  two runs, and the mean signed error of the known one ("bias").
* ``tune``: BSD68 at the same levels; each tunable method's PSNR at its defaults (the named
  baseline, sigma told), tuned by SURE (true sigma) and oracle-tuned: the best true PSNR among
  every candidate tried, by the SURE search and by the same coarse-to-fine search driven by the
  true MSE. The gap is oracle minus SURE-tuned.
* ``real``: PolyU and CC15 real noisy/mean pairs (colour crops), noise unknown. Each method at
  its defaults (sigma "auto"), tuned by SURE with the estimated sigma, by the J-invariant loss
  with single hidden pixels (hole 0) and with 3×3 hidden squares (hole 1, for noise correlated by
  demosaicking and JPEG), and oracle-tuned (the best true PSNR among every candidate any of the
  searches tried, the oracle's own included); PSNR against the mean image.

Images: every ``len/--images``-th file of each folder (name order), centre-cropped to ``--crop``.
Methods whose weights are missing are skipped and named.
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

from workbench.core import registry  # noqa: E402
from workbench.core.errors import WorkbenchError  # noqa: E402
from workbench.core.image import Image, centre_crop  # noqa: E402
from workbench.core.io import read_image  # noqa: E402
from workbench.core.metrics import psnr  # noqa: E402
from workbench.core.noise import estimate_sigma  # noqa: E402
from workbench.core.problem import Problem  # noqa: E402
from workbench.core.quality.estimate import MethodBox, pin_auto  # noqa: E402
from workbench.core.quality.jinv import JInvariance  # noqa: E402
from workbench.core.quality.sure import (  # noqa: E402
    NoiseModel,
    probe_step,
    psnr_from_mse,
    rademacher,
    sure_from_runs,
)
from workbench.core.quality.tune import tune  # noqa: E402
from workbench.core.train.evaluate import add_gaussian  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
SIGMAS = (15.0, 25.0, 50.0)
GRAY_METHODS = "gaussian,median,bilateral,nlm,tv,wavelet,bm3d,dncnn,ffdnet"
COLOUR_METHODS = "nlm,tv,wavelet,cbm3d,ffdnet,colour_cnn"
TUNE_METHODS = "gaussian,median,bilateral,nlm,tv,wavelet,bm3d"
REAL_METHODS = "nlm,tv,ffdnet"


def pick(folder: Path, count: int, crop: int, pattern: str = "*.png") -> list[tuple[str, np.ndarray]]:
    files = sorted(folder.glob(pattern))
    files = files[:: max(1, len(files) // count)][:count]
    return [(path.name, crop_to(read_image(path).pixels, crop)) for path in files]


def crop_to(pixels: np.ndarray, crop: int) -> np.ndarray:
    return centre_crop(pixels, crop) if crop and min(pixels.shape[:2]) > crop else pixels


def usable(names: str) -> list[str]:
    kept = []
    for name in names.split(","):
        try:
            registry.prepare(name, {}, registry.get(name).tasks and next(iter(registry.get(name).tasks)))
        except WorkbenchError as error:
            print(f"(skipped {name}: {error})")
            continue
        kept.append(name)
    return kept


def with_sigma(method: str, sigma: float) -> dict:
    return {"sigma": sigma} if "sigma" in registry.get(method).params else {}


def estimate_part(args: argparse.Namespace) -> None:
    print("\n== Estimated PSNR (SURE) against the true PSNR: mean |error| dB (known / estimated sigma)")
    sigmas = [float(value) for value in args.sigmas.split(",")]
    for label, folder, names in (
        ("BSD68", "bsd68", args.gray_methods),
        ("CBSD68", "cbsd68", args.colour_methods),
    ):
        if folder not in args.sets.split(","):
            continue
        methods = usable(names)
        images = pick(SHARED / "datasets" / folder, args.images, args.crop)
        print(f"\n{label}: {len(images)} images, crop {args.crop or 'none'}")
        print(f"{'method':<12}" + "".join(f"{f's{s:g} known':>11}{'est.':>7}{'bias':>7}" for s in sigmas))
        table = {m: {s: ([], [], []) for s in sigmas} for m in methods}
        seconds = {m: 0.0 for m in methods}
        for sigma in sigmas:
            for k, (_, clean) in enumerate(images):
                noisy = add_gaussian(clean, sigma, k)
                problem = Problem(Image(noisy), reference=Image(clean), noise_sigma=sigma / 255)
                known = NoiseModel.gaussian(sigma)
                guessed = NoiseModel(float(estimate_sigma(noisy)) ** 2)
                for method in methods:
                    start = time.perf_counter()
                    box = MethodBox(problem, method)
                    params = registry.prepare(method, with_sigma(method, sigma), problem.task)
                    fy = box(noisy, params)
                    probe = rademacher(noisy.shape, 0)
                    step = probe_step(known, noisy, box.eight_bit)
                    shifted = box(
                        (noisy + step * probe).astype(np.float32), pin_auto(box.method, params, box.notes)
                    )
                    seconds[method] += time.perf_counter() - start
                    truth = psnr(fy, clean)
                    by_known = psnr_from_mse(sure_from_runs(noisy, fy, shifted, probe, step, known))
                    by_guess = psnr_from_mse(sure_from_runs(noisy, fy, shifted, probe, step, guessed))
                    cells = table[method][sigma]
                    cells[0].append(abs(by_known - truth))
                    cells[1].append(abs(by_guess - truth))
                    cells[2].append(by_known - truth)
        for method in methods:
            line = f"{method:<12}"
            for sigma in sigmas:
                known_err, guess_err, bias = (float(np.mean(v)) for v in table[method][sigma])
                line += f"{known_err:>11.2f}{guess_err:>7.2f}{bias:>+7.2f}"
            print(line + f"   ({seconds[method]:.0f} s)")


def tune_part(args: argparse.Namespace) -> None:
    methods = usable(args.tune_methods)
    images = pick(SHARED / "datasets" / "bsd68", args.tune_images, args.tune_crop)
    print(
        f"\n== SURE auto-tuning against oracle tuning (true MSE), BSD68: {len(images)} images, "
        f"crop {args.tune_crop or 'none'}; mean PSNR dB"
    )
    print(
        f"{'method':<11}{'sigma':>6}{'default':>9}{'SURE':>8}{'oracle':>8}{'gap':>7}{'SURE-def':>9}"
        "  chosen (SURE / oracle)"
    )
    gaps = {}
    for method in methods:
        for sigma in SIGMAS:
            rows = []
            for k, (_, clean) in enumerate(images):
                noisy = add_gaussian(clean, sigma, k)
                problem = Problem(Image(noisy), reference=Image(clean), noise_sigma=sigma / 255)
                values = with_sigma(method, sigma)
                box = MethodBox(problem, method)
                default = psnr(box(noisy, registry.prepare(method, values, problem.task)), clean)
                by_sure = tune(problem, method, values, "sure")
                oracle = tune(problem, method, values, "oracle")
                rows.append(
                    (default, chosen_psnr(by_sure), chosen_psnr(oracle), by_sure.values, oracle.values)
                )
            default, sure, best = (float(np.mean([r[i] for r in rows])) for i in range(3))
            gaps.setdefault(method, []).append(best - sure)
            chosen = "; ".join(f"{show(r[3])} / {show(r[4])}" for r in rows[:2])
            print(
                f"{method:<11}{sigma:>6g}{default:>9.2f}{sure:>8.2f}{best:>8.2f}{best - sure:>7.3f}"
                f"{sure - default:>+9.2f}  {chosen}"
            )
    print(
        "mean gap (oracle - SURE-tuned) per method: "
        + ", ".join(f"{m} {np.mean(g):.3f}" for m, g in gaps.items())
    )


def chosen_psnr(tuning) -> float:
    mse = next(t["mse"] for t in tuning.trials if t["values"] == tuning.values)
    return psnr_from_mse(mse)


def show(values: dict) -> str:
    return ",".join(f"{v:.3g}" for v in values.values())


def real_part(args: argparse.Namespace) -> None:
    methods = usable(args.real_methods)
    criteria = (
        ("SURE", "sure", None),
        ("jinv h0", "jinv", JInvariance(stride=4, passes=4, hole=0)),
        ("jinv h1", "jinv", JInvariance(stride=4, passes=4, hole=1)),
        ("oracle", "oracle", None),
    )
    print(
        f"\n== Real noise: PolyU and CC15 pairs, {args.real_images} per set, crop {args.real_crop}; "
        "PSNR dB against the mean image"
    )
    print(
        f"{'method':<9}{'default':>9}"
        + "".join(f"{name:>9}" for name, _, _ in criteria)
        + "   gap to oracle: "
        + ", ".join(name for name, _, _ in criteria[:-1])
    )
    pairs = []
    for folder, pattern in (("polyu", "*_real.JPG"), ("cc15", "*_real.png")):
        for name, noisy in pick(SHARED / "datasets" / folder, args.real_images, args.real_crop, pattern):
            mean_name = name.replace("_real", "_mean")
            clean = crop_to(read_image(SHARED / "datasets" / folder / mean_name).pixels, args.real_crop)
            pairs.append((noisy, clean))
    for method in methods:
        scores = {name: [] for name in ("default", *[c[0] for c in criteria])}
        for noisy, clean in pairs:
            problem = Problem(Image(noisy), reference=Image(clean))
            box = MethodBox(problem, method)
            scores["default"].append(psnr(box(noisy, registry.prepare(method, {}, problem.task)), clean))
            trials = []
            for name, criterion, scheme in criteria:
                tuning = tune(problem, method, {}, criterion, scheme=scheme)
                trials += tuning.trials
                scores[name].append(chosen_psnr(tuning))
            scores["oracle"][-1] = psnr_from_mse(min(t["mse"] for t in trials))
        means = {name: float(np.mean(v)) for name, v in scores.items()}
        gaps = ", ".join(f"{means['oracle'] - means[name]:.2f}" for name, _, _ in criteria[:-1])
        print(
            f"{method:<9}{means['default']:>9.2f}"
            + "".join(f"{means[n]:>9.2f}" for n, _, _ in criteria)
            + f"   {gaps}"
        )
    print(f"({len(pairs)} pairs)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", default="estimate,tune,real", help="comma-separated: estimate, tune, real")
    parser.add_argument("--images", type=int, default=4, help="images per set for the estimate part")
    parser.add_argument("--crop", type=int, default=192, help="centre crop side (0 = whole image)")
    parser.add_argument("--sigmas", default=",".join(f"{s:g}" for s in SIGMAS), help="estimate part")
    parser.add_argument("--sets", default="bsd68,cbsd68", help="estimate part: bsd68, cbsd68 or both")
    parser.add_argument("--gray-methods", default=GRAY_METHODS)
    parser.add_argument("--colour-methods", default=COLOUR_METHODS)
    parser.add_argument("--tune-methods", default=TUNE_METHODS)
    parser.add_argument("--tune-images", type=int, default=3)
    parser.add_argument("--tune-crop", type=int, default=128)
    parser.add_argument("--real-methods", default=REAL_METHODS)
    parser.add_argument("--real-images", type=int, default=3, help="pairs per real set")
    parser.add_argument("--real-crop", type=int, default=192)
    args = parser.parse_args()
    start = time.perf_counter()
    for part in args.part.split(","):
        {"estimate": estimate_part, "tune": tune_part, "real": real_part}[part.strip()](args)
        sys.stdout.flush()
    print(f"\n({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
