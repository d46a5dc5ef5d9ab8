"""``workbench compare IN -m M1,M2,... -o DIR``: several methods on one image, exported as one folder."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from workbench.core import compare, io
from workbench.core.errors import Cancelled, ParameterError
from workbench.core.image import Image
from workbench.core.operators.cfa import PATTERNS
from workbench.core.problem import Problem, Task
from workbench.core.result import Result

from .common import add_device_option, add_quality_options, add_set_option, print_notes, progress_context

COMMAND = "compare"
HELP = "run several methods on one image and write results, grid.png, metrics.csv and comparison.json"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, nargs="?", help="the degraded image (optional with --rerun)")
    parser.add_argument(
        "-m", "--methods", help="comma-separated method names, e.g. bm3d,nlm,dncnn (see 'workbench methods')"
    )
    parser.add_argument("-o", "--out", dest="out_dir", type=Path, required=True, help="output folder")
    parser.add_argument("--reference", type=Path, help="the clean image, for PSNR/SSIM and error maps")
    parser.add_argument("--task", default=Task.DENOISE.value, choices=[task.value for task in Task])
    parser.add_argument("--mask", type=Path, help="inpainting mask (white = known pixels)")
    parser.add_argument("--kernel", type=Path, help="blur kernel (.npy or image) for deblurring")
    parser.add_argument("--scale", type=int, default=1, help="up-scaling factor for super-resolution")
    parser.add_argument(
        "--pattern",
        choices=PATTERNS,
        help="demosaicking: the Bayer layout of the one-channel mosaic (the top-left 2x2 block, row by row)",
    )
    parser.add_argument(
        "--rerun",
        type=Path,
        metavar="JSON",
        help="repeat a comparison.json (its files, methods and parameters)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace files already in the output folder")
    add_set_option(parser)
    add_quality_options(parser)
    add_device_option(parser)


def _problem(args: argparse.Namespace) -> Problem:
    observed = io.read_image(args.input)
    task = Task.parse(args.task)
    reference = io.read_image(args.reference) if args.reference else None
    print_notes(observed.notices)
    print_notes(reference.notices if reference else [], "reference")
    mask = io.read_mask(args.mask, observed.pixels.shape[:2]) if args.mask else None
    kernel = io.read_kernel(args.kernel) if args.kernel else None
    return Problem(
        observed, task, mask=mask, kernel=kernel, scale=args.scale, pattern=args.pattern, reference=reference
    )


def _from_rerun(args: argparse.Namespace) -> tuple[Problem, list[compare.MethodRun]]:
    if args.methods or args.assignments:
        raise ParameterError("--rerun takes its methods and parameters from the JSON; drop -m and --set")
    plan = compare.read_rerun(args.rerun)
    args.input, args.reference, args.mask, args.kernel = plan.input, plan.reference, plan.mask, plan.kernel
    args.task, args.scale, args.pattern = plan.task.value, plan.scale, plan.pattern
    return dataclasses.replace(_problem(args), noise_sigma=plan.noise_sigma), plan.runs


def _check_reference(problem: Problem, reference: Image | None, path: Path | None) -> None:
    height, width = problem.output_shape
    if reference is not None and (reference.height, reference.width) != (height, width):
        raise ParameterError(
            f"{path}: reference is {reference.width}x{reference.height}, results will be {width}x{height}"
        )


def run(args: argparse.Namespace) -> int:
    if args.rerun:
        problem, runs = _from_rerun(args)
    else:
        if args.input is None or not args.methods:
            raise ParameterError("compare needs an input image and -m METHODS (or --rerun JSON)")
        runs = compare.settings_for(compare.parse_method_list(args.methods), args.assignments)
        problem = _problem(args)
    _check_reference(problem, problem.reference, args.reference)
    compare.check_plan(problem, runs)
    stem = Path(args.input).stem
    files = compare.planned_files(problem, [run.method for run in runs], stem)
    inputs = [path for path in (args.input, args.reference, args.mask, args.kernel, args.rerun) if path]
    compare.check_folder(args.out_dir, files, args.overwrite, inputs)
    finished: list[Result] = []
    try:
        comparison = compare.run_comparison(
            problem,
            runs,
            progress_context(args.device),
            on_result=finished.append,
            keep_going=True,
            estimate=args.estimate and problem.task is Task.DENOISE,
            tune=args.tune,
        )
    except (KeyboardInterrupt, Cancelled):
        _export(args, compare.Comparison(problem, finished), stem)
        ran = {result.method for result in finished}
        missing = ", ".join(run.method for run in runs if run.method not in ran)
        print(f"interrupted before {missing} finished", file=sys.stderr)
        raise
    _export(args, comparison, stem)
    for method, reason in comparison.failed:
        print(f"workbench: {method} failed: {reason}", file=sys.stderr)
    return 1 if comparison.failed else 0


def _export(args: argparse.Namespace, comparison: compare.Comparison, stem: str) -> None:
    """Write the finished results (none: nothing) and say what went where."""
    if not comparison.results:
        print(f"no method finished; nothing written to {args.out_dir}", file=sys.stderr)
        return
    sources = {"input": str(Path(args.input).resolve())}
    if args.reference:
        sources["reference"] = str(Path(args.reference).resolve())
    written = compare.export_comparison(
        comparison, args.out_dir, stem=stem, sources=sources, overwrite=args.overwrite
    )
    _print_table(comparison)
    print(f"{len(written)} files written to {args.out_dir}")


def _print_table(comparison: compare.Comparison) -> None:
    base = comparison.baseline
    header = f"{'method':<16}{'PSNR dB':>9}{'SSIM':>8}{'gain dB':>9}{'est. dB':>9}{'seconds':>9}"
    if base is not None:
        header += f"   (gain over {base.method})"
    print(header)
    for result in comparison.results:
        psnr = "" if result.psnr is None else compare.format_psnr(result.psnr)
        ssim = "" if result.ssim is None else f"{result.ssim:.4f}"
        gain = comparison.gain(result)
        gain_text = "" if gain is None else f"{gain:+.2f}"
        estimate = "" if result.psnr_est is None else f"{result.psnr_est:.2f}"
        print(f"{result.method:<16}{psnr:>9}{ssim:>8}{gain_text:>9}{estimate:>9}{result.seconds:>9.2f}")
