"""``workbench dip IN -o OUT``: Deep Image Prior on one image, with its curve and automatic stopping."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core import io, metrics
from workbench.core.dip.choices import DEFAULT_CPU_THREADS, PICKS, PRESETS
from workbench.core.errors import ParameterError
from workbench.core.image import Image, to_gray
from workbench.core.io.formats import require_write_suffix
from workbench.core.jobs import resolve_device
from workbench.core.loss_choices import LOSSES
from workbench.core.operators.cfa import PATTERNS
from workbench.core.problem import Problem, Task

from .common import add_device_option, check_files, print_notes, progress_context

if TYPE_CHECKING:
    from workbench.core.dip.request import DipRequest

COMMAND = "dip"
HELP = "restore one image with Deep Image Prior (denoise, inpaint, sr, deblur, jpeg), optionally auto-stopped"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="the degraded image")
    parser.add_argument("-o", "--out", type=Path, required=True, help="where to write the chosen output")
    parser.add_argument("--task", default="denoise", choices=[task.value for task in Task])
    parser.add_argument(
        "--preset", default="auto", choices=PRESETS, help="auto = paper on a GPU, light on a CPU"
    )
    parser.add_argument("--iters", type=int, default=0, help="step cap (default: the preset's)")
    parser.add_argument(
        "--auto-stop",
        action="store_true",
        help="stop by ES-WMV, or by the discrepancy principle when --noise-sigma is given, and keep the pick",
    )
    parser.add_argument(
        "--noise-sigma",
        type=float,
        default=0.0,
        help="the input's noise std in 8-bit units, when known: --auto-stop then also stops where the "
        "smoothed loss reaches its variance (default: unknown)",
    )
    parser.add_argument(
        "--sure-stop",
        action="store_true",
        help="denoising, experimental: follow the SURE-estimated PSNR (psnr_est in the log; at "
        "--noise-sigma, else an estimated sigma) and, with --auto-stop, stop past its peak too; runs a "
        "shadow net (2x time)",
    )
    parser.add_argument("--run-past", action="store_true", help="with --auto-stop: go on to the cap")
    parser.add_argument("--window", type=int, default=0, help="ES-WMV window W (default: the preset's)")
    parser.add_argument("--patience", type=int, default=0, help="ES-WMV patience P (default: the preset's)")
    parser.add_argument(
        "--loss",
        default="l2",
        choices=LOSSES,
        help="what each step minimises between A(x) and y (mix = 0.84 MS-SSIM + 0.16 l1, Zhao et al.); "
        "the logged loss stays the mean squared error",
    )
    parser.add_argument("--pick", default="average", choices=PICKS, help="what auto-stop keeps")
    parser.add_argument("--reference", type=Path, help="the clean image, for the PSNR curves")
    parser.add_argument(
        "--log", type=Path, help="CSV of iteration, seconds, loss, psnr, psnr_avg, es_stat, psnr_est"
    )
    parser.add_argument("--mask", type=Path, help="inpainting: mask image (white = known pixels)")
    parser.add_argument("--scale", type=int, default=4, help="super-resolution factor (default 4)")
    parser.add_argument(
        "--pattern",
        choices=PATTERNS,
        help="demosaic: the Bayer layout of the one-channel mosaic (the top-left 2x2 block, row by row)",
    )
    parser.add_argument("--kernel", type=Path, help="deblurring: the blur kernel (.npy or image)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the net, its input and the jitter")
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_CPU_THREADS,
        help="torch CPU threads (default 1: DIP's small ops gain little from more and stall on shared cores; "
        "0 = torch's default)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace OUT and the log if they exist")
    add_device_option(parser)


def run(args: argparse.Namespace) -> int:
    from workbench.core.dip import resolve_preset
    from workbench.core.dip.curve import write_curve
    from workbench.core.dip.request import dip_stepper
    from workbench.core.dip.threads import cpu_threads

    require_write_suffix(args.out)
    inputs = {"input": args.input, "reference": args.reference, "mask": args.mask, "kernel": args.kernel}
    check_files(inputs, {"result": args.out, "log": args.log}, args.overwrite)
    if min(args.iters, args.window, args.patience, args.threads, args.noise_sigma) < 0:
        raise ParameterError(
            "--iters, --window, --patience, --threads and --noise-sigma must not be negative"
        )
    problem = _problem(args)
    device = resolve_device(args.device)
    stepper = dip_stepper(problem, args.preset, _request(args), device)
    preset = resolve_preset(args.preset, device.type)
    print(f"preset {preset} on {device}, cap {stepper.settings.iterations} iterations", file=sys.stderr)
    with cpu_threads(args.threads):
        outcome = stepper.run(progress_context(args.device))
    restored = problem.observed.with_pixels(outcome.pixels)
    io.write_image(restored, args.out, overwrite=args.overwrite)
    print_notes([*problem.observed.notices, *io.export_notices(restored, args.out)])
    if args.log is not None:
        write_curve(outcome.records, args.log, args.overwrite)
    last = outcome.records[-1]
    print(f"wrote {args.out}: {outcome.description}")
    print(f"{outcome.iterations} iterations in {last.seconds:.1f} s, stopped by {outcome.stopped_by}")
    if problem.reference is not None:
        chosen = metrics.psnr(outcome.pixels, problem.reference.pixels)
        _, best_iteration, best_psnr = stepper.best()
        print(
            f"PSNR of the output {chosen:.2f} dB; best seen {best_psnr:.2f} dB at iteration {best_iteration}"
        )
    return 0


def _request(args: argparse.Namespace) -> DipRequest:
    """The DIP request the flags describe (``--noise-sigma`` /255 -> [0, 1]; 0 = unknown)."""
    from workbench.core.dip.request import DipRequest

    return DipRequest(
        iterations=args.iters,
        es_window=args.window,
        es_patience=args.patience,
        loss=args.loss,
        seed=args.seed,
        auto_stop=args.auto_stop,
        run_past=args.run_past,
        pick=args.pick,
        noise_sigma=args.noise_sigma / 255.0,
        sure=args.sure_stop,
    )


def _problem(args: argparse.Namespace) -> Problem:
    task = Task.parse(args.task)
    observed = io.read_image(args.input)
    mask = io.read_mask(args.mask, (observed.height, observed.width)) if args.mask else None
    kernel = io.read_kernel(args.kernel) if args.kernel else None
    pattern = args.pattern or ("RGGB" if task is Task.DEMOSAIC else None)
    problem = Problem(observed, task, mask=mask, kernel=kernel, scale=args.scale, pattern=pattern)
    if args.reference is not None:
        problem.reference = _reference(io.read_image(args.reference), problem, args.reference)
    problem.require()
    return problem


def _reference(reference: Image, problem: Problem, path: Path) -> Image:
    height, width = problem.output_shape
    if (reference.height, reference.width) != (height, width):
        raise ParameterError(
            f"{path}: the reference is {reference.width}x{reference.height}, "
            f"the output will be {width}x{height}"
        )
    if reference.channels == problem.output_channels:
        return reference
    if problem.output_channels == 1:
        return reference.with_pixels(to_gray(reference.pixels))
    raise ParameterError(f"{path}: the reference is gray, the input is colour")
