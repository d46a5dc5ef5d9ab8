"""``workbench bench DIR -m M1[,M2] --sigma S --seed N [--json OUT]``: score methods on a noisy folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.core.compare import parse_method_list, settings_for
from workbench.core.train.evaluate import BenchReport, benchmark_folder

from .common import add_device_option, add_set_option, progress_context, write_json

COMMAND = "bench"
HELP = "add seeded Gaussian noise to every image of a folder and score denoisers (PSNR, SSIM, time)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="folder of clean images")
    parser.add_argument("-m", "--methods", required=True, help="comma-separated method names")
    parser.add_argument("--sigma", type=float, required=True, help="noise std in 8-bit units (25 = 25/255)")
    parser.add_argument("--seed", type=int, default=0, help="each image's noise comes from default_rng(seed)")
    parser.add_argument("--json", type=Path, help="write per-image and mean scores to this JSON file")
    add_set_option(parser)
    add_device_option(parser)


def run(args: argparse.Namespace) -> int:
    runs = settings_for(parse_method_list(args.methods), args.assignments)
    report = benchmark_folder(args.folder, runs, args.sigma, args.seed, progress_context(args.device))
    print(format_table(report))
    if args.json:
        write_json(args.json, report.as_json())
    return 0


def format_table(report: BenchReport) -> str:
    """Per-image PSNR for each method, then the mean PSNR / SSIM / seconds rows."""
    methods = list(report.mean)
    width = max([len(name) for name in report.per_image] + [6])
    lines = [f"{'image':<{width}}  " + "  ".join(f"{name:>12}" for name in methods)]
    for name, scores in report.per_image.items():
        lines.append(f"{name:<{width}}  " + "  ".join(f"{scores[m]['psnr']:12.2f}" for m in methods))
    for key, fmt in (("psnr", "12.2f"), ("ssim", "12.4f"), ("seconds", "12.2f")):
        label = f"mean {key}"
        lines.append(f"{label:<{width}}  " + "  ".join(f"{report.mean[m][key]:{fmt}}" for m in methods))
    lines.append(f"(sigma {report.sigma:g}, seed {report.seed}, {len(report.per_image)} images)")
    return "\n".join(lines)
