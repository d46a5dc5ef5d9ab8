"""``read_image``: any supported file to an :class:`~workbench.core.image.Image`, sniffing the content."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..image import Image
from .formats import RAW_SUFFIXES, describe_unknown, looks_like_text, read_head, sniff
from .pillow_reader import read_with_pillow
from .raw import RawOptions, read_raw
from .tiff import read_tiff

if TYPE_CHECKING:
    from ..jobs import RunContext

DEFAULT_MAX_PIXELS = 200_000_000
_RAW_PHOTOMETRIC = (32803, 34892)  # CFA, LinearRaw
_DNG_VERSION = 50706


def _tiff_holds_raw(path: Path) -> bool:
    """True for a TIFF container that holds sensor data (a DNG, or any CFA image): LibRaw develops those."""
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            return _DNG_VERSION in page.tags or int(page.photometric) in _RAW_PHOTOMETRIC
    except Exception:
        return False


def read_image(
    path: str | PathLike,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    raw: RawOptions | None = None,
    ctx: RunContext | None = None,
) -> Image:
    """Read a PNG, JPEG, TIFF, BMP, WebP, GIF or camera RAW file into float32 H×W×C pixels in [0, 1].

    The format is judged from the content, not the name. The size in the header is checked
    against ``max_pixels`` before any pixel is decoded. Alpha is dropped, palette and CMYK
    images are converted and EXIF orientation is applied, each recorded in ``Image.notices``.

    Args:
        path: the file.
        max_pixels: the largest width × height accepted.
        raw: how to develop a camera RAW (``RawOptions()`` when None); ignored for other files.
        ctx: progress and cancellation of a RAW development by a workbench demosaicker.

    Raises:
        InputError: the file is missing, empty, cut short, not an image, unsupported or too large.
    """
    path = Path(path)
    head = read_head(path)
    kind = sniff(head)
    if kind == "tiff" and (path.suffix.lower() in RAW_SUFFIXES or _tiff_holds_raw(path)):
        return read_raw(path, max_pixels, raw, ctx)
    if kind == "tiff":
        return read_tiff(path, head, max_pixels)
    if kind:
        return read_with_pillow(path, kind, head, max_pixels)
    if looks_like_text(head):
        raise InputError(describe_unknown(path, head))
    try:
        return read_raw(path, max_pixels, raw, ctx)
    except InputError:
        if path.suffix.lower() in RAW_SUFFIXES:
            raise
        raise InputError(describe_unknown(path, head)) from None
