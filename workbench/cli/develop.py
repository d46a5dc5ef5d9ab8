"""``workbench develop RAW -o OUT [--demosaic D] [--against D2] [--crop X,Y,W,H] ...``: develop a camera RAW.

``--demosaic`` is one of LibRaw's algorithms (ahd, aahd, dcb, dht, linear, ppg, vng) or a workbench
demosaicker run on the camera's Bayer data (demosaic_bilinear, demosaic_malvar, demosaic_menon,
demosaic_net), with the same white balance, colour matrix and tone curve either way. With
``--against D2`` the RAW is developed a second time with D2, written beside OUT as
``<OUT stem>_<D2><OUT suffix>``, and ``<OUT stem>_vs_<D2>.png`` shows the two side by side
(whole, and a region enlarged to show single pixels: ``--crop``, by default the centre 256×256);
the differences between the two are printed: PSNR of one against the other, mean absolute
difference, and the mean absolute difference of 16×16 block means (the colour, with the
demosaicking detail averaged out), all in 8-bit levels.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.io import RawOptions, read_image, write_image
from workbench.core.io.formats import require_write_suffix
from workbench.core.io.raw import BIT_DEPTHS, DEMOSAIC_CHOICES, OUTPUTS, WHITE_BALANCES

from .common import check_files, print_notes, progress_context

COMMAND = "develop"
HELP = "develop a camera RAW with LibRaw's or the workbench's demosaicker; --against compares two"
BLOCK = 16
"""Side of the blocks whose means :func:`differences` compares (colour agreement)."""
DEFAULT_CROP = 256
FIGURE_SIDE = 640
"""Long side of each picture in the side-by-side figure (whole images reduced, crops enlarged)."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="the camera RAW file")
    parser.add_argument(
        "-o", "--out", type=Path, required=True, help="the developed image (.tif keeps 16 bits)"
    )
    parser.add_argument(
        "--demosaic", choices=DEMOSAIC_CHOICES, default="ahd", help="demosaicker (default ahd)"
    )
    parser.add_argument("--against", choices=DEMOSAIC_CHOICES, help="develop again with this one and compare")
    parser.add_argument("--white-balance", choices=WHITE_BALANCES, default="camera")
    parser.add_argument("--output", choices=OUTPUTS, default="srgb", help="srgb (tone curve) or linear")
    parser.add_argument("--bit-depth", type=int, choices=BIT_DEPTHS, default=16)
    parser.add_argument("--crop", help="the 100 %% region of the side-by-side figure: X,Y,W,H in pixels")
    parser.add_argument("--overwrite", action="store_true", help="replace existing output files")


def companion_paths(out: Path, against: str) -> dict[str, Path]:
    """Where the second development and the side-by-side figure go beside ``out``."""
    return {
        "second development": out.with_name(f"{out.stem}_{against}{out.suffix}"),
        "side-by-side figure": out.with_name(f"{out.stem}_vs_{against}.png"),
    }


def parse_crop(text: str | None, height: int, width: int) -> tuple[int, int, int, int]:
    """``X,Y,W,H`` as (top, left, bottom, right) inside an image of ``height``×``width``; None gives
    the centre ``DEFAULT_CROP`` square (or the whole image when smaller).

    Raises:
        ParameterError: not four whole numbers, or a region outside the image.
    """
    if text is None:
        side_y, side_x = min(DEFAULT_CROP, height), min(DEFAULT_CROP, width)
        top, left = (height - side_y) // 2, (width - side_x) // 2
        return top, left, top + side_y, left + side_x
    try:
        x, y, w, h = (int(part) for part in text.split(","))
    except ValueError:
        raise ParameterError(f"--crop {text!r}: expected X,Y,W,H (four whole numbers of pixels)") from None
    if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > width or y + h > height:
        raise ParameterError(f"--crop {text!r}: not a region inside the {width}x{height} image")
    return y, x, y + h, x + w


def differences(first: np.ndarray, second: np.ndarray) -> dict[str, float]:
    """How far two H×W×3 developments in [0, 1] lie apart, in 8-bit levels (PSNR in dB)."""
    from workbench.core.metrics import psnr

    height, width = (first.shape[0] // BLOCK) * BLOCK, (first.shape[1] // BLOCK) * BLOCK

    def block_means(pixels: np.ndarray) -> np.ndarray:
        blocks = pixels[:height, :width].reshape(height // BLOCK, BLOCK, width // BLOCK, BLOCK, 3)
        return blocks.mean(axis=(1, 3))

    return {
        "psnr": psnr(first, second),
        "mean_abs": float(np.abs(first - second).mean() * 255),
        "block_mean_abs": float(np.abs(block_means(first) - block_means(second)).mean() * 255),
        "block_max_abs": float(np.abs(block_means(first) - block_means(second)).max() * 255),
    }


def side_by_side(first: Image, second: Image, labels: tuple[str, str], crop: tuple[int, int, int, int]):
    """The figure: both developments whole, then the crop of each, enlarged by a whole factor with
    nearest neighbour so that single pixels show (H×W×3 uint8)."""
    from workbench.core.compare.grid import Tile, render_grid

    top, left, bottom, right = crop
    whole = [Tile(image.pixels, (label,)) for image, label in zip((first, second), labels, strict=True)]
    factor = max(1, FIGURE_SIDE // max(bottom - top, right - left))
    region = f"x {left}, y {top}, {right - left}x{bottom - top}, each pixel shown {factor}x{factor}"
    crops = [
        Tile(image.pixels[top:bottom, left:right].repeat(factor, axis=0).repeat(factor, axis=1), (region,))
        for image in (first, second)
    ]
    return render_grid([whole, crops], min_side=1, max_side=FIGURE_SIDE)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    require_write_suffix(out)
    planned = {"developed image": out}
    if args.against is not None:
        if args.against == args.demosaic:
            raise ParameterError("--against names the same demosaicker as --demosaic")
        planned |= companion_paths(out, args.against)
    check_files({"input": args.input}, planned, args.overwrite)
    choices = [args.demosaic] + ([args.against] if args.against else [])
    developed = []
    for choice in choices:
        options = RawOptions(choice, args.white_balance, args.output, bit_depth=args.bit_depth)
        image = read_image(args.input, raw=options, ctx=progress_context())
        print_notes(image.notices)
        developed.append(image)
    if args.against is not None:
        first, second = developed
        if first.pixels.shape != second.pixels.shape:
            raise ParameterError(
                f"the two developments differ in size ({first.width}x{first.height} and "
                f"{second.width}x{second.height}): LibRaw crops this camera's frame differently"
            )
        crop = parse_crop(args.crop, first.height, first.width)
    write_image(developed[0], out, overwrite=args.overwrite)
    print(f"{args.demosaic} -> {out}")
    if args.against is None:
        return 0
    paths = companion_paths(out, args.against)
    write_image(second, paths["second development"], overwrite=args.overwrite)
    figure = Image(side_by_side(first, second, (args.demosaic, args.against), crop).astype(np.float32) / 255)
    write_image(figure, paths["side-by-side figure"], bit_depth=8, overwrite=args.overwrite)
    found = differences(first.pixels, second.pixels)
    print(f"{args.against} -> {paths['second development']}; side by side -> {paths['side-by-side figure']}")
    print(
        f"{args.against} against {args.demosaic}: PSNR {found['psnr']:.2f} dB, mean |difference| "
        f"{found['mean_abs']:.2f} of 255; {BLOCK}x{BLOCK} block means (colour) differ by "
        f"{found['block_mean_abs']:.2f} on average, {found['block_max_abs']:.2f} at most"
    )
    return 0
