"""``workbench sweep DIR... -m M1,M2 --sigma 15,25 --grid NAME=V1,V2 --seeds 0,1 -o OUT``: a
resumable study of methods x parameter grids x datasets x degradations x seeds; ``--report OUT``
rewrites the report of a sweep folder."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.errors import ParameterError
from workbench.core.sweep.executors import available_cores

from .common import add_device_option, add_set_option

if TYPE_CHECKING:
    from workbench.core.sweep import SweepOutcome, SweepSpec

COMMAND = "sweep"
HELP = "run a resumable grid of methods, parameters, datasets, degradations and seeds; report the gains"

GRID_OPTIONS = ("methods", "sigma", "degrade", "grid", "assignments", "crop", "limit")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders",
        nargs="*",
        type=Path,
        help="datasets: folders of clean images, or of real noisy/clean pairs (NAME_real/NAME_mean, "
        "NAME_noisy/NAME_clean, or noisy/ and clean/ sub-folders)",
    )
    parser.add_argument("-m", "--methods", help="comma-separated method names")
    parser.add_argument("--sigma", default="", help="Gaussian noise levels in 8-bit units, e.g. 15,25,50")
    parser.add_argument(
        "--degrade",
        action="append",
        default=[],
        metavar="OP[:k=v,...]",
        help="another degradation (repeatable), e.g. blur:sigma=1.6,noise_sigma=2; see 'workbench degrade'",
    )
    parser.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="sweep a parameter over values, for every chosen method that has it (repeatable)",
    )
    add_set_option(parser)
    parser.add_argument("--seeds", default="0", help="comma-separated seeds of the noise (default 0)")
    parser.add_argument(
        "--crop", type=int, default=0, help="centre crops of at most N x N pixels (0 = whole images)"
    )
    parser.add_argument("--limit", type=int, default=0, help="the first N images of each folder (0 = all)")
    parser.add_argument("--baseline", help="the method gains are measured against (default bm3d/cbm3d)")
    parser.add_argument("--config", type=Path, help="a TOML study file instead of the grid options")
    parser.add_argument("-o", "--out", type=Path, help="the sweep's folder: table, plan and report")
    parser.add_argument(
        "--report", type=Path, metavar="OUT", help="only rewrite the report of the sweep folder OUT"
    )
    parser.add_argument("--executor", choices=("local", "ray"), default="local", help="where cells run")
    parser.add_argument(
        "--workers",
        type=int,
        default=available_cores(),
        help="local: processes (0 = in this process); ray without --address: CPUs of the local cluster "
        "(default: the cores)",
    )
    parser.add_argument("--address", help="ray: HOST:PORT of a running cluster's head (or 'auto')")
    parser.add_argument("--gpus-per-cell", type=float, default=0.0, help="ray: GPUs each cell reserves")
    parser.add_argument("--retry-failed", action="store_true", help="run again the cells that failed")
    add_device_option(parser)


def run(args: argparse.Namespace) -> int:
    from workbench.core.sweep import make_executor, run_sweep, saved_baseline, write_report

    if args.report is not None:
        if args.out is not None or args.folders or args.config or args.methods:
            raise ParameterError("--report OUT takes no other sweep options but --baseline")
        folder = write_report(args.report, args.baseline or saved_baseline(args.report))
        print(f"report: {folder / 'report.md'}")
        return 0
    if args.out is None:
        raise ParameterError("-o/--out: name the sweep's folder (or use --report OUT)")
    spec = _spec(args)
    executor = make_executor(args.executor, args.workers, args.address, args.gpus_per_cell)
    outcome = run_sweep(spec, args.out, executor, _progress, retry_failed=args.retry_failed)
    for line in outcome.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    print(
        f"{outcome.total} cells: {outcome.resumed} already in the table (resumed), {outcome.ran} run now"
        f" ({outcome.failed} failed)"
    )
    if outcome.report is not None:
        print(f"report: {outcome.report / 'report.md'}")
    return 1 if outcome.failed else 0


def _spec(args: argparse.Namespace) -> SweepSpec:
    from workbench.core.sweep import SweepSpec

    if args.config is not None:
        given = [name for name in GRID_OPTIONS if getattr(args, name)] + (["folders"] if args.folders else [])
        if given:
            raise ParameterError(f"--config holds the whole study: leave out {', '.join(given)}")
        spec = SweepSpec.from_toml(args.config)
        return replace(spec, baseline=args.baseline) if args.baseline else spec
    if not args.methods:
        raise ParameterError("-m/--methods: name at least one method (or give --config)")
    extra = {"crop": args.crop, "limit": args.limit, "baseline": args.baseline, "device": args.device}
    return SweepSpec.from_options(
        args.folders, args.methods, args.sigma, args.degrade, args.grid, args.assignments, args.seeds, **extra
    )


def _progress(row: dict[str, Any], outcome: SweepOutcome) -> None:
    done = outcome.resumed + outcome.ran
    what = f"{row['method']} {row['swept'] if row['swept'] != '{}' else ''}".strip()
    if row["status"] == "ok":
        score = f"{row['psnr']:.2f} dB, {row['seconds']:.2f} s" if row["psnr"] is not None else "done"
    else:
        score = f"FAILED: {row['error']}"
    print(f"[{done}/{outcome.total}] {row['image']} {row['degradation']} {what}: {score}", file=sys.stderr)
