"""``workbench bench DIR -m M1[,M2] --sigma S --seed N [--json OUT]``: score methods on a noisy folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.errors import Cancelled

from .common import (
    add_device_option,
    add_quality_options,
    add_set_option,
    check_files,
    progress_context,
    write_json,
)

if TYPE_CHECKING:
    from workbench.core.train.evaluate import BenchReport

COMMAND = "bench"
HELP = "add seeded Gaussian noise to every image of a folder and score denoisers (PSNR, SSIM, time)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="folder of clean images")
    parser.add_argument("-m", "--methods", required=True, help="comma-separated method names")
    parser.add_argument("--sigma", type=float, required=True, help="noise std in 8-bit units (25 = 25/255)")
    parser.add_argument("--seed", type=int, default=0, help="each image's noise comes from default_rng(seed)")
    parser.add_argument("--json", type=Path, help="write per-image and mean scores to this JSON file")
    parser.add_argument("--overwrite", action="store_true", help="replace the JSON file if it exists")
    add_set_option(parser)
    add_quality_options(parser)
    add_device_option(parser)


def run(args: argparse.Namespace) -> int:
    from workbench.core.compare import parse_method_list, settings_for
    from workbench.core.train.evaluate import BenchReport, benchmark_folder

    runs = settings_for(parse_method_list(args.methods), args.assignments)
    images = sorted(args.folder.iterdir()) if args.folder.is_dir() else []
    check_files({f"image {path.name}": path for path in images}, {"JSON report": args.json}, args.overwrite)
    report = BenchReport()
    try:
        benchmark_folder(
            args.folder,
            runs,
            args.sigma,
            args.seed,
            progress_context(args.device),
            report,
            estimate=args.estimate,
            tune=args.tune,
        )
    except (KeyboardInterrupt, Cancelled):
        _finish(args, report)
        raise
    _finish(args, report)
    return 1 if report.failed else 0


def _finish(args: argparse.Namespace, report: BenchReport) -> None:
    """Print and write what was scored (an interrupted run: the images done), then the failures."""
    if report.per_image:
        print(format_table(report))
        if args.json:
            write_json(args.json, report.as_json(), args.overwrite)
    if report.interrupted:
        print(f"interrupted after {len(report.per_image)} images", file=sys.stderr)
    for method, image, reason in report.failed:
        print(f"workbench: {method} failed on {image}: {reason}", file=sys.stderr)


def format_table(report: BenchReport) -> str:
    """Per-image PSNR for each method, then the mean PSNR / SSIM / seconds rows."""
    methods = list(report.mean)
    if not methods:
        return f"(no method finished; {len(report.per_image)} images)"
    width = max([len(name) for name in report.per_image] + [6])
    lines = [f"{'image':<{width}}  " + "  ".join(f"{name:>12}" for name in methods)]
    for name, scores in report.per_image.items():
        lines.append(f"{name:<{width}}  " + "  ".join(f"{scores[m]['psnr']:12.2f}" for m in methods))
    for key, fmt in (("psnr", "12.2f"), ("ssim", "12.4f"), ("psnr_est", "12.2f"), ("seconds", "12.2f")):
        if not all(key in report.mean[m] for m in methods):
            continue
        label = f"mean {key}"
        lines.append(f"{label:<{width}}  " + "  ".join(f"{report.mean[m][key]:{fmt}}" for m in methods))
    lines.append(f"(sigma {report.sigma:g}, seed {report.seed}, {len(report.per_image)} images)")
    return "\n".join(lines)
