"""What a file holds, judged from its first bytes rather than its name."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
RAW_SUFFIXES = (
    ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf", ".orf", ".rw2",
    ".pef", ".srw", ".kdc", ".dcr", ".mrw", ".3fr", ".erf", ".mef", ".mos", ".iiq", ".x3f", ".raw",
)  # fmt: skip
WRITE_SUFFIXES = {".png": "png", ".tif": "tiff", ".tiff": "tiff", ".jpg": "jpeg", ".jpeg": "jpeg"}


def require_write_suffix(path: Path) -> str:
    """The format ``write_image`` writes for ``path``'s extension ("png", "tiff", "jpeg").

    Raises:
        InputError: an extension it cannot write.
    """
    kind = WRITE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        allowed = ", ".join(WRITE_SUFFIXES)
        raise InputError(f"{path}: cannot write '{path.suffix or 'no extension'}' files (use {allowed})")
    return kind


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),
    (b"MM\x00+", "tiff"),
    (b"BM", "bmp"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
_HEAD_BYTES = 64


def read_head(path: Path) -> bytes:
    """The first bytes of ``path``; InputError when it is missing, a folder, unreadable or empty."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an image file")
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from error
    if not head:
        raise InputError(f"{path}: the file is empty")
    return head


def sniff(head: bytes) -> str:
    """The container named by the magic bytes: png, jpeg, tiff, bmp, gif, webp, or "" if none matches."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return ""


def looks_like_text(head: bytes) -> bool:
    """True when the bytes read as printable UTF-8 text (a mislabelled note, CSV, HTML ...)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(char.isprintable() or char in "\r\n\t" for char in text)


def describe_unknown(path: Path, head: bytes) -> str:
    """One line saying why ``path`` is not an image we can read."""
    if looks_like_text(head):
        return f"{path}: not an image (the content is text)"
    return f"{path}: unsupported format (not PNG, JPEG, TIFF, BMP, WebP or a camera RAW that LibRaw knows)"
