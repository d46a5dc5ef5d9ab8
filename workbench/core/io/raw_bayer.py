"""Developing a camera RAW with the workbench's own demosaickers instead of LibRaw's.

The steps follow LibRaw's own development, so that only the demosaicker differs:

1. the visible Bayer samples, each less the black level of its colour, divided by (white level −
   black level), negatives set to 0: linear sensor values, 1 at the clipping point. As LibRaw
   does by default (``adjust_maximum_thr`` 0.75), when the brightest sample lies between 75 % and
   100 % of that range it is taken as the clipping point instead (on colorchart.dng: 10072 of
   12944, so LibRaw's linear output is 1.285 times brighter than the nominal white level gives);
2. white balance: each sample times its colour's multiplier (the camera's as-shot multipliers, or
   grey-world ones from the image), the multipliers divided by their smallest (as LibRaw does
   without highlight recovery), then clipped to 1;
3. demosaicking of that mosaic by a workbench method of the ``demosaic`` task;
4. the camera's colour matrix to linear sRGB, clipped to [0, 1]: rawpy's ``color_matrix`` (camera
   RGB to sRGB, as on colorchart.dng), else one made from ``rgb_xyz_matrix`` (camera from XYZ) as
   LibRaw makes it (rows of camera-from-sRGB scaled to sum to 1, then inverted), else none: the
   camera's own RGB is kept and a notice says so (the Kodak DC50 KDC exposes neither, though
   LibRaw's development applies a matrix of its own there, so its colours are more saturated);
5. for sRGB output LibRaw's auto-brightness (the 99th percentile of the brightest channel becomes
   white) and the sRGB tone curve; linear output stops at step 4;
6. the camera's orientation, and rounding to 16 bits; 8 bits keep the high byte of those, as
   LibRaw's 8-bit output does (0.4 of a level darker on average than rounding, on colorchart.dng).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from .orientation import apply_orientation, libraw_flip_to_exif

if TYPE_CHECKING:
    import rawpy

    from ..jobs import RunContext

WORKBENCH_DEMOSAICKERS = {
    "demosaic_bilinear": "workbench bilinear",
    "demosaic_malvar": "workbench Malvar-He-Cutler",
    "demosaic_menon": "workbench Menon 2007",
    "demosaic_net": "workbench joint demosaick + denoise CNN",
}
"""Demosaic choices of a RAW development that run a workbench method (by its name) on the Bayer data."""

ADJUST_MAXIMUM = 0.75
"""LibRaw's ``adjust_maximum_thr``: the brightest sample becomes white when above this share of the range."""
AUTO_BRIGHT_SHARE = 0.01
"""LibRaw's ``auto_bright_thr``: the share of pixels that may end brighter than white."""


@dataclass
class BayerData:
    """A camera's Bayer samples ready to demosaic, and how to turn the result into sRGB.

    Attributes:
        samples: H×W float32 linear samples in [0, 1], black level subtracted, white balanced.
        pattern: the layout of the top-left 2×2 block ("RGGB", "BGGR", "GRBG" or "GBRG").
        multipliers: the white-balance multipliers applied to R, G and B (the smallest is 1).
        camera_to_srgb: 3×3 matrix from white-balanced camera RGB to linear sRGB.
        orientation: the EXIF orientation code of the pixels as stored.
        notices: what the user should know about this development (no colour matrix).
    """

    samples: np.ndarray
    pattern: str
    multipliers: np.ndarray
    camera_to_srgb: np.ndarray
    orientation: int
    notices: list[str]


def bayer_pattern(raw: rawpy.RawPy) -> str:
    """The RAW's 2×2 Bayer layout as a pattern name.

    Raises:
        InputError: the sensor is not a 2×2 RGB Bayer mosaic (X-Trans, four-colour, linear DNG).
    """
    from ..operators.cfa import PATTERNS

    description = raw.color_desc.decode("ascii", "replace")
    layout = np.asarray(raw.raw_pattern) if raw.raw_pattern is not None else np.zeros((0, 0))
    pattern = ""
    if layout.shape == (2, 2) and raw.num_colors == 3 and description[:3] == "RGB":
        pattern = "".join(description[index] for index in layout.ravel()).replace("g", "G")
    if pattern not in PATTERNS:
        raise InputError(
            f"this camera's sensor is not an RGB Bayer mosaic ({description}, a {layout.shape} "
            "pattern): develop it with one of LibRaw's demosaic algorithms"
        )
    return pattern


def bayer_data(raw: rawpy.RawPy, white_balance: str) -> BayerData:
    """Steps 1 and 2 of the module doc on an opened RAW; ``white_balance`` is "camera" or "auto".

    Raises:
        InputError: not a Bayer sensor (see :func:`bayer_pattern`).
    """
    pattern = bayer_pattern(raw)
    colours = np.asarray(raw.raw_colors_visible)
    colours = np.where(colours == 3, 1, colours)
    black = np.asarray(raw.black_level_per_channel, dtype=np.float32)[np.asarray(raw.raw_colors_visible)]
    above_black = np.asarray(raw.raw_image_visible, dtype=np.float32) - black
    span = max(float(raw.white_level) - float(black.min()), 1.0)
    brightest = float(above_black.max())
    if ADJUST_MAXIMUM * span < brightest < span:
        span = brightest
    linear = np.maximum(above_black / span, 0.0)
    if white_balance == "auto":
        multipliers = grey_world_multipliers(linear, colours)
    else:
        multipliers = camera_multipliers(raw)
    samples = np.minimum(linear * multipliers[colours], 1.0).astype(np.float32)
    matrix = camera_to_srgb(np.asarray(raw.color_matrix), np.asarray(raw.rgb_xyz_matrix))
    notices = []
    if matrix is None:
        matrix = np.eye(3)
        notices.append("this RAW holds no colour matrix that rawpy reads: the camera's own RGB is kept")
    return BayerData(samples, pattern, multipliers, matrix, libraw_flip_to_exif(raw.sizes.flip), notices)


XYZ_FROM_SRGB = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
"""Linear sRGB (D65) to CIE XYZ, LibRaw's ``xyz_rgb``."""


def camera_to_srgb(color_matrix: np.ndarray, camera_from_xyz: np.ndarray) -> np.ndarray | None:
    """The 3×3 matrix from white-balanced camera RGB to linear sRGB (step 4 of the module doc), or
    None when both of rawpy's matrices are zero.

    Args:
        color_matrix: rawpy's 3×4 ``color_matrix`` (its first three columns are used).
        camera_from_xyz: rawpy's 4×3 ``rgb_xyz_matrix`` (its first three rows are used).
    """
    direct = np.asarray(color_matrix, dtype=np.float64)[:3, :3]
    if np.any(direct):
        return direct
    camera_from_srgb = np.asarray(camera_from_xyz, dtype=np.float64)[:3, :3] @ XYZ_FROM_SRGB
    sums = camera_from_srgb.sum(axis=1, keepdims=True)
    if not np.any(camera_from_srgb) or np.any(sums == 0):
        return None
    return np.linalg.pinv(camera_from_srgb / sums)


def camera_multipliers(raw: rawpy.RawPy) -> np.ndarray:
    """The camera's as-shot R, G, B multipliers scaled so the smallest is 1 (the daylight ones when
    the file has none, else 1, 1, 1)."""
    for values in (raw.camera_whitebalance, raw.daylight_whitebalance):
        multipliers = np.asarray(values[:3], dtype=np.float64)
        if np.all(multipliers > 0):
            return multipliers / multipliers.min()
    return np.ones(3)


def grey_world_multipliers(linear: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """R, G, B multipliers that give the three colours the same mean (smallest multiplier 1), over
    the samples below 0.98 of the clipping point (clipped ones carry no colour)."""
    usable = linear < 0.98
    means = np.array([linear[usable & (colours == colour)].mean() for colour in range(3)])
    means = np.where(means > 0, means, means.max() or 1.0)
    multipliers = means.max() / means
    return multipliers / multipliers.min()


def develop_bayer(
    data: BayerData, method: str, output: str, bit_depth: int, ctx: RunContext | None = None
) -> np.ndarray:
    """Steps 3 to 6 of the module doc: H×W×3 float32 in [0, 1], upright, rounded to ``bit_depth``.

    Args:
        method: one of ``WORKBENCH_DEMOSAICKERS`` (run with its default parameters).
        output: "srgb" or "linear".
        bit_depth: 16 or 8.
        ctx: progress and cancellation of the demosaicking.
    """
    from ..image import Image
    from ..pipeline import restore
    from ..problem import Problem, Task

    problem = Problem(Image(data.samples[..., None]), Task.DEMOSAIC, pattern=data.pattern)
    camera_rgb = restore(problem, method, {}, ctx).image.pixels
    rgb = np.clip(camera_rgb @ data.camera_to_srgb.T.astype(np.float32), 0.0, 1.0)
    if output == "srgb":
        rgb = srgb_encode(np.clip(rgb / auto_bright_white(rgb), 0.0, 1.0))
    sixteen = np.round(rgb * 65535)
    rgb = sixteen / 65535 if bit_depth == 16 else np.floor(sixteen / 256) / 255
    return apply_orientation(rgb.astype(np.float32), data.orientation)


def auto_bright_white(rgb: np.ndarray) -> float:
    """The level LibRaw's auto-brightness maps to white: for each channel the value that
    ``AUTO_BRIGHT_SHARE`` of the pixels exceed, the largest of the three (1 for a black image)."""
    levels = np.quantile(rgb.reshape(-1, 3), 1 - AUTO_BRIGHT_SHARE, axis=0)
    white = float(levels.max())
    return white if white > 0 else 1.0


def srgb_encode(linear: np.ndarray) -> np.ndarray:
    """The sRGB tone curve (IEC 61966-2-1) of linear values in [0, 1]."""
    return np.where(
        linear <= 0.0031308, 12.92 * linear, 1.055 * np.power(np.maximum(linear, 0.0031308), 1 / 2.4) - 0.055
    ).astype(np.float32)
