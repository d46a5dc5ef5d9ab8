"""TIFF read with tifffile (8/16-bit and float, gray/RGB) and written with tags and an EXIF IFD.

tifffile refuses to write the ExifIFD pointer itself, so the writer stores a private
placeholder tag, appends an EXIF IFD (ExposureTime, ISOSpeedRatings, ExifVersion,
DateTimeOriginal) at the end of the file and turns the placeholder into tag 34665.
Compressions that need the optional ``imagecodecs`` package (LZW, JPEG-in-TIFF) are
read through Pillow instead, which keeps only 8 bits of a 16-bit RGB file (with a notice).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..image import Image
from . import metadata as meta
from .orientation import apply_orientation
from .pillow_reader import describe, read_with_pillow
from .samples import check_size, to_pixels

SOFTWARE = "Restoration Workbench"
_PLACEHOLDER = 65000
_DIRECT_PHOTOMETRIC = (1, 2)  # tifffile.PHOTOMETRIC.MINISBLACK, RGB
_ASCII, _SHORT, _LONG, _RATIONAL, _UNDEFINED = 2, 3, 4, 5, 7


def _direct_samples(page: Any) -> np.ndarray | None:
    """The page's samples as H×W(×C) when tifffile can decode them here, else None (use Pillow)."""
    simple_depth = page.bitspersample in (8, 16) or (page.bitspersample == 32 and page.sampleformat == 3)
    simple_layout = page.photometric in _DIRECT_PHOTOMETRIC and page.axes in ("YX", "YXS", "SYX")
    if not (simple_depth and simple_layout):
        return None
    try:
        samples = page.asarray()
    except ValueError as error:
        if "imagecodecs" in str(error):
            return None
        raise
    return np.moveaxis(samples, 0, -1) if page.axes == "SYX" else samples


def read_tiff(path: Path, head: bytes, max_pixels: int) -> Image:
    """Read the first page of a TIFF; InputError names the file and the reason on any failure."""
    import tifffile

    notices: list[str] = []
    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            check_size(path, page.imagewidth, page.imagelength, max_pixels)
            found = meta.from_tiff_tags(page.tags)
            orientation = int(page.tags.valueof(meta.TAG_ORIENTATION, 1) or 1)
            samples = _direct_samples(page)
            bits = page.bitspersample
            if len(tif.pages) > 1:
                notices.append(f"only the first of {len(tif.pages)} pages was read")
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"{path}: cannot decode the TIFF data ({describe(error)})") from None
    if samples is None:
        image = read_with_pillow(path, "tiff", head, max_pixels)
        if bits > 8 and image.bit_depth == 8:
            image.notices.append(f"{bits}-bit TIFF read at 8 bits (its compression needs 'imagecodecs')")
        image.notices[:0] = notices
        return image
    pixels, bit_depth = to_pixels(path, samples, notices)
    if orientation != 1:
        pixels = apply_orientation(pixels, orientation)
        notices.append(f"turned upright following TIFF orientation {orientation}")
    return Image(pixels, bit_depth=bit_depth, metadata=found, source=str(path), notices=notices)


def _exif_entries(metadata: dict[str, Any]) -> list[tuple[int, int, int, bytes]]:
    """(tag, type, count, little-endian payload) for the EXIF IFD, sorted by tag."""
    entries = []
    if "exposure" in metadata:
        fraction = meta.exposure_fraction(metadata["exposure"])
        payload = struct.pack("<II", fraction.numerator, fraction.denominator)
        entries.append((meta.TAG_EXPOSURE, _RATIONAL, 1, payload))
    if "iso" in metadata:
        iso = min(int(metadata["iso"]), 65535)
        entries.append((meta.TAG_ISO, _SHORT, 1, struct.pack("<H", iso)))
    if entries or "datetime" in metadata:
        entries.append((0x9000, _UNDEFINED, 4, b"0232"))
    if "datetime" in metadata:
        text = metadata["datetime"].encode("ascii", "replace") + b"\x00"
        entries.append((meta.TAG_DATETIME_ORIGINAL, _ASCII, len(text), text))
    return entries


def _ifd_bytes(entries: list[tuple[int, int, int, bytes]], offset: int) -> bytes:
    """A little-endian IFD placed at ``offset``, values over 4 bytes stored right after it."""
    data_offset = offset + 2 + 12 * len(entries) + 4
    table, data = [struct.pack("<H", len(entries))], b""
    for code, kind, count, payload in entries:
        if len(payload) <= 4:
            table.append(struct.pack("<HHI", code, kind, count) + payload.ljust(4, b"\x00"))
        else:
            table.append(struct.pack("<HHII", code, kind, count, data_offset + len(data)))
            data += payload + b"\x00" * (len(payload) % 2)
    return b"".join(table) + struct.pack("<I", 0) + data


def _attach_exif_ifd(path: Path, entries: list[tuple[int, int, int, bytes]]) -> None:
    """Append the EXIF IFD to ``path`` and turn the placeholder tag into its ExifIFD pointer."""
    import tifffile

    with tifffile.TiffFile(path) as tif:
        tags = tif.pages.first.tags
        entry = tags[_PLACEHOLDER].offset
        between = any(meta.TAG_EXIF_IFD < tag.code < _PLACEHOLDER for tag in tags.values())
        if tif.byteorder != "<" or tif.is_bigtiff or between:
            raise OSError("unexpected TIFF layout for the EXIF IFD")
    with path.open("r+b") as handle:
        end = handle.seek(0, 2)
        offset = end + end % 2
        handle.write(b"\x00" * (offset - end) + _ifd_bytes(entries, offset))
        handle.seek(entry)
        handle.write(struct.pack("<HHII", meta.TAG_EXIF_IFD, _LONG, 1, offset))


def write_tiff(path: Path, samples: np.ndarray, metadata: dict[str, Any]) -> None:
    """Write H×W×C uint8/uint16 samples as a deflate-compressed TIFF carrying ``metadata``.

    Make, Model, DateTime and Orientation (always 1: the pixels are upright) go in TIFF tags,
    ISO, exposure and the capture date in an EXIF IFD, and everything as JSON in ImageDescription.
    """
    import tifffile

    metadata = meta.tidy(metadata)
    extratags: list[tuple] = [(meta.TAG_ORIENTATION, "H", 1, 1, True)]
    for key, code in (("make", meta.TAG_MAKE), ("model", meta.TAG_MODEL), ("datetime", meta.TAG_DATETIME)):
        if key in metadata:
            extratags.append((code, "s", 0, metadata[key].encode("ascii", "replace").decode(), True))
    entries = _exif_entries(metadata)
    if entries:
        extratags.append((_PLACEHOLDER, "I", 1, 0, True))
    tifffile.imwrite(
        path,
        samples[:, :, 0] if samples.shape[2] == 1 else samples,
        photometric="minisblack" if samples.shape[2] == 1 else "rgb",
        compression="zlib",
        description=meta.to_json(metadata),
        metadata=None,
        software=SOFTWARE,
        extratags=extratags,
        bigtiff=False,
    )
    if entries:
        _attach_exif_ifd(path, entries)
