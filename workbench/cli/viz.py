"""``workbench viz filters|rf|erf``: first-layer filters, receptive fields and the effective field
of a network, as PNG pictures (and JSON for the receptive fields)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from workbench.core import io
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.io.formats import require_write_suffix
from workbench.core.viz.choices import MODEL_NAMES

from .common import add_device_option, check_files, progress_context, write_json

if TYPE_CHECKING:
    from workbench.core.jobs import RunContext
    from workbench.core.viz import RFReport
    from workbench.core.viz.models import VizNet

COMMAND = "viz"
HELP = "inside a network: first-layer filters, receptive field per layer, effective receptive field"

PROBE_LIMIT = 256
"""Largest side of the noise image used for the effective field in 'viz rf'."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        required=True,
        help=f"{', '.join(MODEL_NAMES)}, or a DnCNN weights file (state dict)",
    )
    parser.add_argument("-o", "--out", type=Path, required=True, help="PNG file to write")
    parser.add_argument("--overwrite", action="store_true", help="replace existing output files")
    add_device_option(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    views = parser.add_subparsers(dest="view", metavar="VIEW", required=True)
    filters = views.add_parser("filters", help="the first convolution's filters as a tile grid")
    _common(filters)
    filters.add_argument(
        "--most-changed-first",
        action="store_true",
        help="order the tiles by how far each filter moved from its known start, furthest first",
    )
    rf = views.add_parser("rf", help="theoretical receptive field per layer (plot, optional JSON)")
    _common(rf)
    rf.add_argument("--json", type=Path, help="also write the layers and fields as JSON")
    erf = views.add_parser("erf", help="effective receptive field at one pixel of an image")
    _common(erf)
    erf.add_argument("image", type=Path, help="the image fed to the network")
    erf.add_argument("--at", required=True, metavar="X,Y", help="the output pixel (column,row from top-left)")


def parse_pixel(text: str) -> tuple[int, int]:
    """'X,Y' -> (x, y) integers; ParameterError otherwise."""
    try:
        x, y = (int(part) for part in text.split(","))
    except ValueError:
        raise ParameterError(f"--at {text!r}: expected two integers X,Y (column,row)") from None
    return x, y


def _save(pixels: np.ndarray, path: Path, overwrite: bool) -> None:
    if pixels.dtype == np.uint8:
        pixels = pixels.astype(np.float32) / 255.0
    io.write_image(Image(pixels), path, bit_depth=8, overwrite=overwrite)


def _check_files(args: argparse.Namespace) -> None:
    """Refuse, before loading the model, outputs that clash with the inputs, each other or existing files."""
    model = Path(args.model) if Path(args.model).suffix else None
    inputs = {"model": model, "image": getattr(args, "image", None)}
    outputs = {"picture": args.out, "JSON": getattr(args, "json", None)}
    require_write_suffix(args.out)
    check_files(inputs, outputs, args.overwrite)


def _model(args: argparse.Namespace) -> VizNet:
    from workbench.core.viz.models import resolve_model

    net = resolve_model(args.model).to(progress_context(args.device).torch_device())
    if net.notice:
        print(f"model: {net.notice}")
    return net


def _filters(args: argparse.Namespace) -> int:
    from workbench.core.viz import filter_grid

    net = _model(args)
    grid = filter_grid(net, most_changed_first=args.most_changed_first)
    if args.most_changed_first and not grid.most_changed_first:
        print("model: its start is not known, so the tiles keep the model's order")
    _save(grid.pixels, args.out, args.overwrite)
    kind = "colour" if grid.colour else "gray"
    print(f"{args.out}: {grid.weight_shape[0]} filters of layer {grid.layer} {grid.weight_shape} ({kind})")
    print(grid.numbers())
    return 0


def erf_probe_side(rf: int, multiple: int) -> int:
    """Side of the noise image for the effective field: twice the field, 64 to ``PROBE_LIMIT``."""
    side = min(PROBE_LIMIT, max(64, 2 * rf + 1))
    return -(-side // multiple) * multiple


def measured_fields(net: VizNet, ctx: RunContext) -> RFReport:
    """The network's receptive fields, the measurement's passes shown by ``ctx``."""
    from workbench.core.viz import receptive_fields

    report = receptive_fields(net, device=ctx.torch_device(), ctx=ctx)
    ctx.progress(1.0, "receptive field measured")
    return report


def _rf(args: argparse.Namespace) -> int:
    from workbench.core.viz import effective_field, noise_probe, rf_plot

    net = _model(args)
    ctx = progress_context(args.device)
    device = ctx.torch_device()
    report = measured_fields(net, ctx)
    side = erf_probe_side(report.theoretical_rf, net.size_multiple)
    at = (side // 2, side // 2)
    window = None if report.clipped else report.theoretical_rf
    field = effective_field(net, noise_probe(side, net.in_channels), at, window=window, device=device)
    _save(rf_plot(report), args.out, args.overwrite)
    record = {
        "model": net.label,
        "method": report.method,
        "clipped": report.clipped,
        "layers": [layer.as_dict() for layer in report.layers],
        "theoretical_rf": report.theoretical_rf,
        "effective_rf": {
            "radius_95": field.radius_95,
            "at": list(at),
            "input": f"uniform noise {side}x{side}, seed 0",
        },
    }
    if args.json:
        write_json(args.json, record, args.overwrite)
    bound = "at least " if report.clipped else ""
    print(f"theoretical receptive field: {bound}{report.theoretical_rf} px ({report.method})")
    if report.note:
        print(report.note)
    print(f"effective field radius_95: {field.radius_95:.1f} px at {at} on {record['effective_rf']['input']}")
    return 0


def _erf(args: argparse.Namespace) -> int:
    from workbench.core.viz import effective_field, erf_overlay

    at = parse_pixel(args.at)
    image = io.read_image(args.image)
    net = _model(args)
    ctx = progress_context(args.device)
    device = ctx.torch_device()
    report = measured_fields(net, ctx)
    window = None if report.clipped else report.theoretical_rf
    field = effective_field(net, image.pixels, at, window=window, device=device)
    _save(erf_overlay(image.pixels, field.heat, at, report.theoretical_rf), args.out, args.overwrite)
    print(f"{args.out}: effective field at {at}, radius_95 {field.radius_95:.1f} px")
    print(f"theoretical field: {report.theoretical_rf} px square ({report.method})")
    return 0


def run(args: argparse.Namespace) -> int:
    _check_files(args)
    return {"filters": _filters, "rf": _rf, "erf": _erf}[args.view](args)
