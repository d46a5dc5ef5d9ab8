"""``workbench batch IN_DIR -m METHOD -o OUT_DIR``: one method over a folder, never overwriting."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.core import registry
from workbench.core.batch import batch_inputs, run_batch
from workbench.core.errors import InputError

from .common import add_device_option, add_set_option, progress_context

COMMAND = "batch"
HELP = "restore every image of a folder with one method (unreadable files are skipped and named)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("in_dir", type=Path, help="folder of images or RAW files")
    parser.add_argument("-o", "--out", dest="out_dir", type=Path, required=True, help="output folder")
    parser.add_argument("-m", "--method", required=True, help="method name (see 'workbench methods')")
    parser.add_argument(
        "--format", choices=("tif", "png", "jpg"), default="tif", help="output format (default tif)"
    )
    add_set_option(parser)
    add_device_option(parser)


def run(args: argparse.Namespace) -> int:
    if not args.in_dir.is_dir():
        raise InputError(f"{args.in_dir}: not a folder")
    values = registry.get(args.method).params.parse_assignments(args.assignments, owner=args.method)
    inputs = batch_inputs(args.in_dir)
    if not inputs:
        raise InputError(f"{args.in_dir}: no image or RAW files in it")
    ctx = progress_context(args.device)
    report = run_batch(inputs, args.out_dir, args.method, values, suffix=f".{args.format}", ctx=ctx)
    for source, target in report.written:
        print(f"{source.name} -> {target}")
    for source, reason in report.skipped:
        print(f"skipped {source.name}: {reason}", file=sys.stderr)
    print(f"{len(report.written)} written, {len(report.skipped)} skipped in {report.seconds:.1f} s")
    return 1 if report.skipped and not report.written else 0
