"""Seconds per method on a 512×512 gray and a 512×512 colour image, with the ratio to Gaussian blur.

    python benchmarks/methods_speed.py                  # every classical and BM3D method
    python benchmarks/methods_speed.py -m bm3d,nlm --repeat 3

Each method runs on the task it solves: denoising at sigma 25, deblurring a Gaussian blur (std 1.6 px)
with noise 2, super-resolution x2 from 256×256, inpainting half the pixels. The input is the bundled
sample (resources/sample.png) cropped or tiled to 512×512. Times are wall-clock (best of --repeat)
on this machine; they depend on its load.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.resources import path as resource_path  # noqa: E402

from workbench.core import operators, registry  # noqa: E402
from workbench.core.image import Image, to_gray  # noqa: E402
from workbench.core.io import read_image  # noqa: E402
from workbench.core.pipeline import restore  # noqa: E402
from workbench.core.problem import Task  # noqa: E402

SIZE = 512
BASELINE = "gaussian"
DEGRADATIONS = {
    Task.DENOISE: ("gaussian_noise", {"sigma": 25}),
    Task.DEBLUR: ("blur", {}),
    Task.SUPER_RESOLVE: ("downsample", {"scale": "2"}),
    Task.INPAINT: ("mask", {"kind": "random", "fraction": 0.5}),
}


def test_image(channels: int) -> np.ndarray:
    """The bundled sample as SIZE×SIZE×channels float32 (tiled by reflection when smaller)."""
    pixels = read_image(resource_path("sample.png")).pixels
    pixels = (
        to_gray(pixels) if channels == 1 else np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels
    )
    reps = (-(-SIZE // pixels.shape[0]), -(-SIZE // pixels.shape[1]), 1)
    return np.ascontiguousarray(np.tile(pixels, reps)[:SIZE, :SIZE])


def time_method(method: registry.Method, clean: np.ndarray, repeat: int) -> float:
    task = Task.DENOISE if Task.DENOISE in method.tasks else next(iter(method.tasks))
    name, values = DEGRADATIONS[task]
    if task is Task.SUPER_RESOLVE:
        clean = clean[: SIZE // 2 * 2, : SIZE // 2 * 2]
    observed, degradation = operators.degrade(Image(clean), name, values, seed=0)
    problem = degradation.problem(observed, None)
    sigma = {"sigma": 25.0 if task is Task.DENOISE else 2.0} if "sigma" in method.params else {}
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        restore(problem, method.name, sigma)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-m", "--methods", help="comma-separated names (default: all but learned and dip)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method and image; the best is kept")
    args = parser.parse_args()
    if args.methods:
        methods = [registry.get(name) for name in args.methods.split(",")]
    else:
        methods = [m for m in registry.available() if m.family not in ("learned", "dip")]
    if BASELINE not in [m.name for m in methods]:
        methods.insert(0, registry.get(BASELINE))
    images = {"gray": test_image(1), "colour": test_image(3)}
    times = {
        m.name: {kind: time_method(m, pixels, args.repeat) for kind, pixels in images.items()}
        for m in methods
    }
    base = times[BASELINE]
    print(f"{'method':<16}{'task':<9}{'gray s':>9}{'colour s':>10}{'gray ×':>10}{'colour ×':>10}")
    for method in methods:
        row = times[method.name]
        task = "denoise" if Task.DENOISE in method.tasks else next(iter(method.tasks)).value
        print(
            f"{method.name:<16}{task:<9}{row['gray']:9.3f}{row['colour']:10.3f}"
            f"{row['gray'] / base['gray']:10.0f}{row['colour'] / base['colour']:10.0f}"
        )
    print(f"(512x512, best of {args.repeat}; × = time relative to {BASELINE})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
