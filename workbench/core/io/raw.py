"""Camera RAW files decoded with rawpy (LibRaw), with their metadata.

Defaults follow what a photographer expects: the camera's white balance, 16-bit output,
sRGB primaries with the sRGB tone curve. The demosaicking is LibRaw's (AHD, ...) or one of the
workbench's own methods run on the camera's Bayer data (``workbench.core.io.raw_bayer``). Make
and model are read from the file's TIFF tags when it has them (DNG, CR2, NEF, ARW, KDC ... are
TIFF containers); ISO, exposure and date come from those tags first and from LibRaw otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, ParameterError
from ..image import Image, from_uint
from . import metadata as meta
from .orientation import libraw_flip_to_exif
from .pillow_reader import describe
from .quiet import captured_stderr
from .raw_bayer import WORKBENCH_DEMOSAICKERS, BayerData, bayer_data, develop_bayer
from .samples import check_size

if TYPE_CHECKING:
    import rawpy

    from ..jobs import RunContext

DEMOSAIC_ALGORITHMS = {
    "ahd": "AHD",
    "aahd": "AAHD",
    "dcb": "DCB",
    "dht": "DHT",
    "linear": "LINEAR",
    "ppg": "PPG",
    "vng": "VNG",
}
"""Option name -> member of ``rawpy.DemosaicAlgorithm`` (by name, so that rawpy loads only on use)."""
DEMOSAIC_CHOICES = (*DEMOSAIC_ALGORITHMS, *WORKBENCH_DEMOSAICKERS)
"""Every demosaic option: LibRaw's algorithms, then the workbench's methods (by method name)."""
WHITE_BALANCES = ("camera", "auto")
OUTPUTS = ("srgb", "linear")
BIT_DEPTHS = (16, 8)
_SRGB_CURVE = (2.4, 12.92)


@dataclass(frozen=True)
class RawOptions:
    """How a camera RAW is developed.

    Attributes:
        demosaic: one of ``DEMOSAIC_CHOICES``: LibRaw's algorithms (AHD by default) or a
            workbench demosaicking method run on the Bayer data (``WORKBENCH_DEMOSAICKERS``).
        white_balance: "camera" (as shot) or "auto" (LibRaw's grey-world estimate).
        output: "srgb" (sRGB primaries, sRGB tone curve, LibRaw's auto-brightness) or
            "linear" (sRGB primaries, linear response, no brightening: for noise models).
        half_size: merge each 2×2 Bayer block into one pixel: a quick preview at half
            the width and height, with no demosaicing (by LibRaw, whatever ``demosaic`` says).
        bit_depth: 16 (the default, keeps the sensor's tonal range) or 8 bits per sample.
    """

    demosaic: str = "ahd"
    white_balance: str = "camera"
    output: str = "srgb"
    half_size: bool = False
    bit_depth: int = 16

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("demosaic", self.demosaic, DEMOSAIC_CHOICES),
            ("white_balance", self.white_balance, WHITE_BALANCES),
            ("output", self.output, OUTPUTS),
            ("bit_depth", self.bit_depth, BIT_DEPTHS),
        ):
            if value not in allowed:
                choices = ", ".join(str(choice) for choice in allowed)
                raise ParameterError(f"raw {name}: {value!r} is not one of {choices}")

    @property
    def by_workbench(self) -> bool:
        """True when a workbench method demosaics (a full-size development with such a choice)."""
        return self.demosaic in WORKBENCH_DEMOSAICKERS and not self.half_size

    def postprocess_params(self) -> dict[str, Any]:
        """Keyword arguments for ``rawpy.RawPy.postprocess`` (LibRaw's development)."""
        import rawpy

        algorithm = DEMOSAIC_ALGORITHMS.get(self.demosaic, DEMOSAIC_ALGORITHMS["ahd"])
        params: dict[str, Any] = {
            "demosaic_algorithm": getattr(rawpy.DemosaicAlgorithm, algorithm),
            "half_size": self.half_size,
            "use_camera_wb": self.white_balance == "camera",
            "use_auto_wb": self.white_balance == "auto",
            "output_color": rawpy.ColorSpace.sRGB,
            "output_bps": self.bit_depth,
        }
        if self.output == "linear":
            params.update(gamma=(1.0, 1.0), no_auto_bright=True)
        else:
            params.update(gamma=_SRGB_CURVE)
        return params

    def describe(self) -> str:
        """One line for notices, e.g. "AHD demosaic, camera white balance, sRGB, 16-bit"."""
        output = "sRGB" if self.output == "srgb" else "linear sRGB"
        size = ", half size" if self.half_size else ""
        demosaic = WORKBENCH_DEMOSAICKERS.get(self.demosaic, self.demosaic.upper())
        return (
            f"{demosaic} demosaic, {self.white_balance} white balance, {output}, {self.bit_depth}-bit{size}"
        )


def _tag_metadata(path: Path) -> dict[str, Any] | None:
    """Metadata from the RAW's TIFF container, or None when it is not one tifffile can parse."""
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            return meta.from_tiff_tags(tif.pages.first.tags)
    except Exception:
        return None


def _libraw_metadata(raw: rawpy.RawPy) -> dict[str, Any]:
    other = raw.other
    stamp = other.timestamp
    known_stamp = isinstance(stamp, dt.datetime) and stamp > dt.datetime(1970, 1, 2)
    return meta.tidy(
        {
            "iso": other.iso_speed,
            "exposure": other.shutter_speed,
            "datetime": stamp.strftime("%Y:%m:%d %H:%M:%S") if known_stamp else None,
        }
    )


def raw_metadata(path: Path, raw: rawpy.RawPy) -> dict[str, Any]:
    """Make, model, ISO, exposure, orientation and date of an opened RAW.

    LibRaw's exposure is used only when the file has no TIFF tags: for a DNG whose EXIF
    says "unknown" (0) LibRaw reports 1 s, which would be wrong.
    """
    tags = _tag_metadata(path)
    libraw = _libraw_metadata(raw)
    found = dict(tags) if tags is not None else dict(libraw)
    for key in ("iso", "datetime"):
        if key not in found and key in libraw:
            found[key] = libraw[key]
    found["orientation"] = libraw_flip_to_exif(raw.sizes.flip)
    return found


def _upright_note(found: dict[str, Any]) -> list[str]:
    """LibRaw turns the pixels upright itself: the notice, and orientation 1 in the metadata."""
    orientation = found.get("orientation", 1)
    if orientation in (None, 1):
        return []
    found["orientation"] = 1
    return [f"turned upright following the camera's orientation {orientation} (orientation is now 1)"]


def _bayer_data(path: Path, raw: rawpy.RawPy, white_balance: str) -> BayerData:
    try:
        return bayer_data(raw, white_balance)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None


def read_raw(
    path: Path, max_pixels: int, options: RawOptions | None = None, ctx: RunContext | None = None
) -> Image:
    """Develop a camera RAW into an upright RGB Image, 16-bit unless ``options`` ask for 8.

    ``ctx`` reports the progress of (and can cancel) a workbench demosaicker; LibRaw's
    development is one call that cannot be interrupted.

    Raises:
        InputError: not a RAW LibRaw can decode, or (for a workbench demosaicker) not a Bayer sensor.
    """
    import rawpy

    options = options or RawOptions()
    with captured_stderr() as libraw_said:
        try:
            with rawpy.imread(str(path)) as raw:
                check_size(path, raw.sizes.width, raw.sizes.height, max_pixels)
                found = raw_metadata(path, raw)
                if options.by_workbench:
                    samples = _bayer_data(path, raw, options.white_balance)
                else:
                    samples = raw.postprocess(**options.postprocess_params())
        except InputError:
            raise
        except rawpy.LibRawFileUnsupportedError:
            raise InputError(f"{path}: not a camera RAW that LibRaw can decode") from None
        except Exception as error:
            failure = error
        else:
            failure = None
    said = [line.removeprefix(f"{path}: ").removeprefix(f"{path.name}: ") for line in libraw_said.lines()]
    if failure is not None:
        reasons = "; ".join([describe(failure), *said])
        raise InputError(f"{path}: cannot decode the camera RAW data ({reasons})")
    extra = []
    if options.by_workbench:
        pixels = develop_bayer(samples, options.demosaic, options.output, options.bit_depth, ctx)
        extra = samples.notices
    else:
        pixels = from_uint(np.ascontiguousarray(samples))
    notices = [f"camera RAW developed with {options.describe()}", *extra, *_upright_note(found)]
    notices += [f"LibRaw: {line}" for line in said]
    return Image(pixels, bit_depth=options.bit_depth, metadata=found, source=str(path), notices=notices)
