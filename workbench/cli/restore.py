"""``workbench restore IN -o OUT -m METHOD [--set k=v ...] [--reference CLEAN] [--json METRICS]``.

Everything is checked before the method runs (files readable, parameters valid, outputs free
unless ``--overwrite``), so a bad call fails fast with one line and writes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.core import io, registry
from workbench.core.errors import ParameterError
from workbench.core.history import gain_text
from workbench.core.io.formats import require_write_suffix
from workbench.core.operators.cfa import PATTERNS
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task
from workbench.core.result import Result

from .common import (
    add_device_option,
    add_quality_options,
    add_set_option,
    check_files,
    print_notes,
    progress_context,
    write_json,
)

COMMAND = "restore"
HELP = "restore one image with one method (see 'workbench methods'); optionally score it against a reference"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="the degraded image")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the result")
    parser.add_argument("-m", "--method", required=True, help="method name, e.g. bm3d, nlm, wiener, telea")
    parser.add_argument(
        "--task",
        choices=[task.value for task in Task],
        help="the problem to solve; default: inpaint with --mask, deblur with --kernel, sr with --scale > 1, "
        "demosaic with --pattern, else the method's only task or denoise",
    )
    parser.add_argument("--reference", type=Path, help="the clean image: PSNR and SSIM are reported")
    parser.add_argument("--mask", type=Path, help="inpainting mask (white = known pixels)")
    parser.add_argument("--kernel", type=Path, help="blur kernel (.npy or image) for deblurring")
    parser.add_argument("--scale", type=int, default=1, help="up-scaling factor for super-resolution")
    parser.add_argument(
        "--pattern",
        choices=PATTERNS,
        help="demosaicking: the Bayer layout of the one-channel mosaic (the top-left 2x2 block, row by row)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="METRICS", help="write method, params, seconds (and scores)"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace OUT and METRICS if they exist")
    add_set_option(parser)
    add_quality_options(parser)
    add_device_option(parser)


def choose_task(args: argparse.Namespace, method: registry.Method) -> Task:
    """The explicit --task, else the one implied by --mask / --kernel / --scale or by the method."""
    if args.task:
        return Task.parse(args.task)
    if args.mask is not None:
        return Task.INPAINT
    if args.kernel is not None:
        return Task.DEBLUR
    if args.scale > 1:
        return Task.SUPER_RESOLVE
    if args.pattern is not None:
        return Task.DEMOSAIC
    if len(method.tasks) == 1:
        return next(iter(method.tasks))
    return Task.DENOISE


def check_outputs(args: argparse.Namespace) -> None:
    """Fail before any work when the result's format is unknown, or when an output would replace an
    input or the other output, exists (without --overwrite) or has no folder."""
    require_write_suffix(args.output)
    inputs = {"input": args.input, "reference": args.reference, "mask": args.mask, "kernel": args.kernel}
    check_files(inputs, {"result": args.output, "JSON report": args.json}, args.overwrite)


def build_problem(args: argparse.Namespace, task: Task) -> Problem:
    """Read the input, reference, mask and kernel named by ``args`` into a checked Problem."""
    observed = io.read_image(args.input)
    reference = io.read_image(args.reference) if args.reference else None
    mask = io.read_mask(args.mask, observed.pixels.shape[:2]) if args.mask else None
    kernel = io.read_kernel(args.kernel) if args.kernel else None
    pattern = args.pattern or ("RGGB" if task is Task.DEMOSAIC else None)
    problem = Problem(
        observed, task, mask=mask, kernel=kernel, scale=args.scale, pattern=pattern, reference=reference
    )
    problem.require()
    if reference is not None:
        height, width = problem.output_shape
        expected = (height, width, problem.output_channels)
        if reference.pixels.shape != expected:
            raise ParameterError(
                f"{args.reference}: reference is {reference.width}x{reference.height}x{reference.channels}, "
                f"the result will be {width}x{height}x{problem.output_channels}"
            )
    return problem


def run(args: argparse.Namespace) -> int:
    method = registry.get(args.method)
    values = method.params.parse_assignments(args.assignments, owner=method.name)
    check_outputs(args)
    task = choose_task(args, method)
    if task not in method.tasks:
        solves = ", ".join(sorted(t.value for t in method.tasks))
        raise ParameterError(f"method '{method.name}' does not do {task.value} (it does: {solves})")
    problem = build_problem(args, task)
    estimate = args.estimate and task is Task.DENOISE
    if args.tune is not None:
        from workbench.core.quality.tune import restore_tuned

        ctx = progress_context(args.device)
        result = restore_tuned(problem, method.name, values, args.tune, ctx, estimate)
    else:
        result = restore(problem, method.name, values, progress_context(args.device), estimate=estimate)
    result.notes += io.export_notices(result.image, args.output)
    io.write_image(result.image, args.output, overwrite=args.overwrite)
    print_notes(result.notes)
    if args.json:
        write_json(args.json, result.summary(), args.overwrite)
    print(describe(result, args.output))
    return 0


def describe(result: Result, output: Path) -> str:
    """One line: method, time, scores when known, where the result went."""
    parts = [f"{result.method}: {result.seconds:.2f} s"]
    if result.psnr is not None:
        parts.append(f"PSNR {result.psnr:.2f} dB, SSIM {result.ssim:.4f}")
    if result.psnr_est is not None:
        parts.append(f"estimated PSNR {result.psnr_est:.2f} dB")
    tuned = result.extras.get("tuned")
    if isinstance(tuned, dict):
        values = ", ".join(f"{name}={value:.4g}" for name, value in tuned["values"].items())
        parts.append(f"tuned by {tuned['criterion']}: {values}")
    if "sigma" in result.extras:
        parts.append(f"estimated sigma {result.extras['sigma']}")
    if gain_text(result.extras):
        parts.append(gain_text(result.extras))
    if "alpha" in result.extras:
        parts.append(f"estimated gain alpha {result.extras['alpha']}")
    return ", ".join(parts) + f" -> {output}"
