"""``workbench batch IN_DIR -m METHOD -o OUT_DIR``: one method over a folder, resumable.

Run again into the same folder, a batch keeps the outputs already there and restores only the
rest; ``--copies`` writes numbered copies beside them instead, ``--overwrite`` replaces them.
Interrupted (Ctrl+C), it says what it wrote and which files it did not reach.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.core import registry
from workbench.core.batch import BatchReport, batch_inputs, run_batch
from workbench.core.errors import Cancelled, InputError

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
    existing = parser.add_mutually_exclusive_group()
    existing.add_argument(
        "--overwrite", action="store_true", help="replace outputs already in OUT_DIR (default: keep them)"
    )
    existing.add_argument(
        "--copies",
        action="store_true",
        help="write a numbered copy (NAME-1.tif, ...) beside an output already in OUT_DIR (default: keep it)",
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
    existing = "overwrite" if args.overwrite else "copy" if args.copies else "skip"
    report = BatchReport()
    ctx = progress_context(args.device)
    try:
        run_batch(
            inputs,
            args.out_dir,
            args.method,
            values,
            suffix=f".{args.format}",
            ctx=ctx,
            existing=existing,
            report=report,
        )
    except (KeyboardInterrupt, Cancelled):
        _print_report(report)
        untouched = report.untouched(inputs)
        print(
            f"interrupted: {len(report.written)} written; not restored: "
            f"{', '.join(path.name for path in untouched) or 'none'} (run again to resume)",
            file=sys.stderr,
        )
        raise
    _print_report(report)
    kept = f", {len(report.kept)} kept" if report.kept else ""
    print(f"{len(report.written)} written, {len(report.skipped)} skipped{kept} in {report.seconds:.1f} s")
    return 1 if report.skipped and not report.written and not report.kept else 0


def _print_report(report: BatchReport) -> None:
    for source, target in report.written:
        print(f"{source.name} -> {target}")
    if report.kept:
        folder = report.kept[0][1].parent
        print(
            f"kept {len(report.kept)} outputs already in {folder} "
            "(resumed; --overwrite replaces them, --copies adds new copies)"
        )
    for source, note in report.notes:
        print(f"note: {source.name}: {note}", file=sys.stderr)
    for source, reason in report.skipped:
        print(f"skipped {source.name}: {reason}", file=sys.stderr)
