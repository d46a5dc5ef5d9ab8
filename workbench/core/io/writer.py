"""``write_image``: PNG and TIFF at 8 or 16 bits, JPEG at 8 bits, with the image's metadata."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL.TiffImagePlugin import IFDRational

from ..errors import ParameterError
from ..image import Image, to_uint8, to_uint16
from . import metadata as meta
from .atomic import atomic_output
from .formats import require_write_suffix
from .png import write_png
from .tiff import SOFTWARE, write_tiff


def _jpeg_exif(metadata: dict) -> PILImage.Exif:
    """JPEG EXIF: Make, Model, DateTime, Orientation 1 and our JSON in IFD0; ISO, exposure in the EXIF IFD."""
    exif = PILImage.Exif()
    exif[meta.TAG_ORIENTATION] = 1
    exif[0x0131] = SOFTWARE
    exif[meta.TAG_DESCRIPTION] = meta.to_json(metadata)
    for key, code in (("make", meta.TAG_MAKE), ("model", meta.TAG_MODEL), ("datetime", meta.TAG_DATETIME)):
        if key in metadata:
            exif[code] = metadata[key]
    sub = exif.get_ifd(meta.TAG_EXIF_IFD)
    if "iso" in metadata:
        sub[meta.TAG_ISO] = min(int(metadata["iso"]), 65535)
    if "exposure" in metadata:
        fraction = meta.exposure_fraction(metadata["exposure"])
        sub[meta.TAG_EXPOSURE] = IFDRational(fraction.numerator, fraction.denominator)
    if "datetime" in metadata:
        sub[meta.TAG_DATETIME_ORIGINAL] = metadata["datetime"]
    return exif


def _png_text(metadata: dict) -> dict[str, str]:
    text = {"Software": SOFTWARE, "workbench": meta.to_json(metadata)}
    camera = " ".join(metadata[key] for key in ("make", "model") if key in metadata)
    if camera:
        text["Source"] = camera
    if "datetime" in metadata:
        text["Creation Time"] = metadata["datetime"]
    return text


def export_notices(image: Image, path: str | PathLike) -> list[str]:
    """What writing ``image`` to ``path`` leaves out that the user should know (one sentence each)."""
    if image.alpha is not None and require_write_suffix(Path(path)) == "jpeg":
        return ["alpha channel not written: JPEG has no transparency (write PNG or TIFF to keep it)"]
    return []


def _encode(image: Image, target: Path, kind: str, bit_depth: int, quality: int) -> None:
    metadata = meta.tidy(image.metadata)
    pixels = image.pixels
    if image.alpha is not None and kind != "jpeg":
        pixels = np.concatenate([pixels, image.alpha[:, :, None].astype(np.float32)], axis=2)
    samples = to_uint16(pixels) if bit_depth == 16 else to_uint8(pixels)
    if kind == "png":
        write_png(target, samples, _png_text(metadata))
    elif kind == "tiff":
        write_tiff(target, samples, metadata)
    else:
        picture = PILImage.fromarray(samples[:, :, 0] if image.channels == 1 else samples)
        picture.save(target, format="JPEG", quality=quality, exif=_jpeg_exif(metadata))


def write_image(
    image: Image,
    path: str | PathLike,
    *,
    bit_depth: int | None = None,
    quality: int = 95,
    overwrite: bool = False,
) -> Path:
    """Write ``image`` to ``path``, format from the extension (.png, .tif, .tiff, .jpg, .jpeg).

    Args:
        image: pixels in [0, 1] (values outside are clipped), gray or RGB; its alpha, when it has
            one, is written to PNG and TIFF (JPEG has none: see :func:`export_notices`).
        bit_depth: 8 or 16; None keeps ``image.bit_depth``. JPEG is always 8-bit.
        quality: JPEG quality 1..100.
        overwrite: replace an existing file; otherwise an existing file is an error.

    Returns:
        The path written.

    Raises:
        InputError: unknown extension, existing file without ``overwrite``, missing folder, write failure.
            No partial file is ever left: the data goes to a temporary sibling first.
        ParameterError: bit_depth not 8/16 or quality outside 1..100.
    """
    path = Path(path)
    kind = require_write_suffix(path)
    depth = 8 if kind == "jpeg" else (bit_depth or image.bit_depth)
    if depth not in (8, 16):
        raise ParameterError(f"bit_depth: {depth} is not 8 or 16")
    if not 1 <= quality <= 100:
        raise ParameterError(f"quality: {quality} is outside 1..100")
    with atomic_output(path, overwrite) as target:
        _encode(image, target, kind, depth, quality)
    return path
