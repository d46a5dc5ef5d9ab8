"""Inference speed (megapixels per second) and peak memory of a learned denoiser on a synthetic image.

    python benchmarks/learned_speed.py                    # colour_cnn, 6000x4000 RGB, sigma auto
    python benchmarks/learned_speed.py --method dncnn --size 2000x1000 --channels 1 --sigma 25
    python benchmarks/learned_speed.py --baseline cbm3d   # and CBM3D on a 1000x1000 crop, same run

Runs the method through the pipeline (tiled inference, the method's default tile) on a smooth
random image with Gaussian noise, and prints seconds, MP/s and the process's peak resident memory
(``resource.getrusage`` max RSS, which includes torch's own allocations), minus the RSS measured
just before the image was made. Both noise estimates are timed on the same image (best of three):
``haar_noise_map`` (the per-pixel map colour_cnn's auto level uses), its tile grid alone
(``haar_noise_grid``: the estimate, before it is interpolated to every pixel),
``neighbour_correlation`` (whether the noise is white, which decides colour_cnn's noise gain) and
``estimate_sigma_channels`` (the per-channel level the other methods' auto uses). A
``--baseline`` method runs after the measurement, on a crop of ``--baseline-size``, so it does
not raise the peak. Run it in a fresh process for each measurement.
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
from workbench.core.noise import estimate_sigma_channels, haar_noise_grid, haar_noise_map
from workbench.core.noise_correlation import neighbour_correlation
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task
from workbench.core.tiling import bf16_available


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--method", default="colour_cnn")
    parser.add_argument("--weights", default="", help="weight file (default: the shipped one)")
    parser.add_argument("--size", default="6000x4000", help="WIDTHxHEIGHT")
    parser.add_argument("--channels", type=int, choices=(1, 3), default=3)
    parser.add_argument("--sigma", default="auto", help="8-bit units, or auto (the method estimates it)")
    parser.add_argument("--tile", type=int, default=0, help="tile side (0: the method's default)")
    parser.add_argument("--baseline", default="", help="e.g. cbm3d: timed on a crop after the main run")
    parser.add_argument("--baseline-size", default="1000x1000", help="WIDTHxHEIGHT of the baseline crop")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    width, height = (int(part) for part in args.size.lower().split("x"))
    values = {"weights": args.weights, "sigma": args.sigma if args.sigma == "auto" else float(args.sigma)}
    if args.tile:
        values["tile"] = args.tile
    restore(_problem(64, 64, args.channels), args.method, values)
    baseline = peak_rss_mb()
    problem = _problem(width, height, args.channels)
    start = time.perf_counter()
    restore(problem, args.method, values, RunContext(device=args.device))
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    estimate_seconds = best_time(estimate_sigma_channels, problem.observed.pixels)
    map_seconds = best_time(haar_noise_map, problem.observed.pixels)
    grid_seconds = best_time(haar_noise_grid, problem.observed.pixels)
    correlation_seconds = best_time(neighbour_correlation, problem.observed.pixels)
    megapixels = width * height / 1e6
    record = {
        "method": args.method,
        "weights": args.weights or "shipped",
        "size": [width, height, args.channels],
        "sigma": args.sigma,
        "seconds": round(seconds, 2),
        "megapixels_per_second": round(megapixels / seconds, 3),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_above_baseline_mb": round(peak - baseline, 1),
        "noise_estimate_seconds": round(estimate_seconds, 3),
        "noise_map_seconds": round(map_seconds, 3),
        "noise_grid_seconds": round(grid_seconds, 3),
        "noise_correlation_seconds": round(correlation_seconds, 3),
        "bf16_autocast": bf16_available(),
        "threads": torch.get_num_threads(),
    }
    if args.baseline:
        crop_width, crop_height = (int(part) for part in args.baseline_size.lower().split("x"))
        crop = _problem(crop_width, crop_height, args.channels)
        start = time.perf_counter()
        restore(crop, args.baseline, {"sigma": 25.0}, RunContext(device=args.device))
        crop_seconds = time.perf_counter() - start
        record["baseline"] = {
            "method": args.baseline,
            "size": [crop_width, crop_height],
            "seconds": round(crop_seconds, 2),
            "megapixels_per_second": round(crop_width * crop_height / 1e6 / crop_seconds, 4),
        }
        record["speed_ratio_vs_baseline"] = round(
            record["megapixels_per_second"] / record["baseline"]["megapixels_per_second"], 1
        )
    print(json.dumps(record))
    return 0


def best_time(function, pixels, repeats: int = 3) -> float:
    """The shortest of ``repeats`` wall times of ``function(pixels)``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(pixels)
        times.append(time.perf_counter() - start)
    return min(times)


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
