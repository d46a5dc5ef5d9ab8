"""PNG, JPEG, BMP, WebP, GIF and (as a fallback) TIFF decoded with Pillow; 16-bit PNG with OpenCV."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from ..errors import InputError, error_text
from ..image import Image
from . import metadata as meta
from .orientation import apply_orientation
from .png import header_bit_depth
from .samples import check_size, to_pixels

_PILLOW_LIMIT = threading.Lock()
_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP", "gif": "GIF"}


@contextmanager
def pillow_warnings_as_notices(notices: list[str]) -> Iterator[None]:
    """Turn warnings raised while decoding (corrupt EXIF, ...) into notices instead of errors."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    notices.extend(f"decoder warning: {item.message}" for item in caught)


def open_unchecked(path: Path, kind: str) -> PILImage.Image:
    """Open ``path`` as ``kind`` (header only), Pillow's own pixel limit off: the caller checks the size."""
    with _PILLOW_LIMIT:
        saved = PILImage.MAX_IMAGE_PIXELS
        PILImage.MAX_IMAGE_PIXELS = None
        try:
            return PILImage.open(path, formats=[_PILLOW_FORMATS[kind]])
        finally:
            PILImage.MAX_IMAGE_PIXELS = saved


def _palette_samples(picture: PILImage.Image, notices: list[str]) -> np.ndarray:
    if "transparency" in picture.info:
        notices.append("palette transparency dropped")
    palette = np.asarray(picture.getpalette() or [], dtype=np.uint8).reshape(-1, 3)
    gray = palette.size > 0 and bool(np.all(palette == palette[:, :1]))
    notices.append(f"palette image converted to {'gray' if gray else 'RGB'}")
    return np.asarray(picture.convert("L" if gray else "RGB"))


def pillow_samples(picture: PILImage.Image, notices: list[str]) -> np.ndarray:
    """Decode an opened Pillow image into an 8/16-bit or float sample array (alpha kept for the caller)."""
    mode = picture.mode
    if mode == "P":
        return _palette_samples(picture, notices)
    if mode == "1":
        return np.asarray(picture.convert("L"))
    if mode in ("L", "LA", "RGB", "RGBA"):
        return np.asarray(picture)
    if mode in ("La", "PA"):
        return np.asarray(picture.convert("LA"))
    if mode.startswith("I;16"):
        return np.asarray(picture).astype(np.uint16)
    if mode == "I":
        samples = np.asarray(picture)
        if samples.min(initial=0) < 0 or samples.max(initial=0) > 65535:
            raise ValueError("32-bit integer samples beyond the 16-bit range")
        return samples.astype(np.uint16)
    if mode == "F":
        return np.asarray(picture)
    notices.append(f"{mode} converted to RGB")
    return np.asarray(picture.convert("RGBA" if mode == "RGBa" else "RGB"))


def _png16_samples(path: Path) -> np.ndarray:
    """A 16-bit PNG's samples as uint16 H×W(×C) in RGB(A) order (Pillow would cut them to 8 bits)."""
    import cv2

    quiet = cv2.utils.logging
    level = quiet.getLogLevel()
    quiet.setLogLevel(quiet.LOG_LEVEL_ERROR)
    try:
        decoded = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    finally:
        quiet.setLogLevel(level)
    if decoded is None:
        raise ValueError("the 16-bit PNG data is damaged or cut short")
    if decoded.ndim == 3 and decoded.shape[2] >= 3:
        decoded = np.concatenate([decoded[:, :, 2::-1], decoded[:, :, 3:]], axis=2)
    return decoded


def _header_exif(picture: PILImage.Image, kind: str) -> PILImage.Exif:
    """The EXIF found so far; for PNG, Pillow would decode all pixels to look for an eXIf chunk after them."""
    if kind == "png" and "exif" not in picture.info:
        return PILImage.Exif()
    return picture.getexif()


def read_with_pillow(path: Path, kind: str, head: bytes, max_pixels: int) -> Image:
    """Read a PNG/JPEG/BMP/WebP/GIF/TIFF file; InputError names the file and the reason on any failure."""
    notices: list[str] = []
    try:
        with pillow_warnings_as_notices(notices), open_unchecked(path, kind) as picture:
            check_size(path, picture.width, picture.height, max_pixels)
            exif = _header_exif(picture, kind)
            stored = meta.from_json(picture.info.get("workbench"))
            found = meta.merge_stored(meta.from_pillow_exif(exif), stored)
            orientation = int(exif.get(meta.TAG_ORIENTATION, 1) or 1)
            if kind == "png" and header_bit_depth(head) == 16:
                samples = _png16_samples(path)
            else:
                samples = pillow_samples(picture, notices)
            if kind == "gif" and getattr(picture, "n_frames", 1) > 1:
                notices.append("animated image: only the first frame was read")
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"{path}: cannot decode the {kind.upper()} data ({describe(error)})") from None
    pixels, bit_depth, alpha = to_pixels(path, samples, notices)
    pixels, alpha = upright(pixels, alpha, orientation, found, "EXIF", notices)
    return Image(pixels, bit_depth=bit_depth, metadata=found, source=str(path), notices=notices, alpha=alpha)


def upright(
    pixels: np.ndarray,
    alpha: np.ndarray | None,
    orientation: int,
    metadata: dict,
    where: str,
    notices: list[str],
) -> tuple[np.ndarray, np.ndarray | None]:
    """Pixels (and alpha) turned upright following ``orientation`` (EXIF code 1..8); when they
    turn, ``metadata["orientation"]`` becomes 1 (they are upright now) and a notice says so."""
    if orientation == 1:
        return pixels, alpha
    pixels = apply_orientation(pixels, orientation)
    if alpha is not None:
        alpha = apply_orientation(alpha[:, :, None], orientation)[:, :, 0]
    metadata["orientation"] = 1
    notices.append(f"turned upright following {where} orientation {orientation} (orientation is now 1)")
    return pixels, alpha


def describe(error: BaseException) -> str:
    """A decoder's exception as a short reason, e.g. "image file is truncated"."""
    text = error_text(error)
    return (text.splitlines()[0] if text else "") or type(error).__name__
