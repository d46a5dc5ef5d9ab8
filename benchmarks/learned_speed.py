"""Inference speed (megapixels per second) and peak memory of a learned denoiser on a synthetic image.

    python benchmarks/learned_speed.py --method dncnn --size 2000x1000
    python benchmarks/learned_speed.py --method dncnn --size 6000x4000 --channels 3

Runs the method through the pipeline (tiled inference, the method's default tile) on a smooth
random image with Gaussian noise, and prints seconds, MP/s and the process's peak resident memory
(``resource.getrusage`` max RSS, which includes torch's own allocations), minus the RSS measured
just before the image was made. Run it in a fresh process for each measurement.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--method", default="dncnn")
    parser.add_argument("--weights", default="", help="weight file (default: the shipped one)")
    parser.add_argument("--size", default="1000x1000", help="WIDTHxHEIGHT")
    parser.add_argument("--channels", type=int, choices=(1, 3), default=1)
    parser.add_argument("--tile", type=int, default=512)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    width, height = (int(part) for part in args.size.lower().split("x"))
    restore(_problem(64, 64, args.channels), args.method, {"weights": args.weights, "sigma": 25})
    baseline = peak_rss_mb()
    problem = _problem(width, height, args.channels)
    start = time.perf_counter()
    values = {"weights": args.weights, "sigma": 25, "tile": args.tile}
    restore(problem, args.method, values, RunContext(device=args.device))
    seconds = time.perf_counter() - start
    megapixels = width * height / 1e6
    record = {
        "method": args.method,
        "weights": args.weights or "shipped",
        "size": [width, height, args.channels],
        "tile": args.tile,
        "seconds": round(seconds, 2),
        "megapixels_per_second": round(megapixels / seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_above_baseline_mb": round(peak_rss_mb() - baseline, 1),
        "threads": torch.get_num_threads(),
    }
    print(json.dumps(record))
    return 0


def _problem(width: int, height: int, channels: int) -> Problem:
    rng = np.random.default_rng(0)
    coarse = rng.random((max(height // 64, 2), max(width // 64, 2), channels)).astype(np.float32)
    import cv2

    clean = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR).reshape(
        height, width, channels
    )
    clean += rng.normal(0, 25 / 255, clean.shape).astype(np.float32)
    return Problem(Image(clean), Task.DENOISE)


if __name__ == "__main__":
    raise SystemExit(main())
