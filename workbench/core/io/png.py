"""A small PNG encoder (8/16-bit, gray/RGB, UTF-8 text chunks) and an IHDR reader.

Pillow cannot write 16-bit RGB PNG, so every PNG is written here with zlib.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG colour type (gray, gray+alpha, RGB, RGBA)


def header_bit_depth(head: bytes) -> int | None:
    """Bits per sample from the IHDR chunk that opens every PNG; None if the header is cut short."""
    if len(head) < 25 or head[12:16] != b"IHDR":
        return None
    return head[24]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _text_chunk(keyword: str, text: str) -> bytes:
    """An iTXt chunk: Latin-1 keyword, uncompressed UTF-8 text."""
    return _chunk(b"iTXt", keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"))


def _filtered_rows(samples: np.ndarray) -> bytes:
    """Rows of big-endian samples, each prefixed with filter type 1 (Sub: difference to the pixel left)."""
    height, _, channels = samples.shape
    row_bytes = samples.astype(samples.dtype.newbyteorder(">")).view(np.uint8).reshape(height, -1)
    step = channels * samples.dtype.itemsize
    filtered = row_bytes.copy()
    filtered[:, step:] = row_bytes[:, step:] - row_bytes[:, :-step]
    return np.hstack([np.ones((height, 1), np.uint8), filtered]).tobytes()


def encode_png(samples: np.ndarray, text: dict[str, str], level: int = 6) -> bytes:
    """PNG bytes for H×W×C samples (C 1 or 3; uint8 or uint16) with ``text`` as iTXt chunks."""
    height, width, channels = samples.shape
    depth = 16 if samples.dtype == np.uint16 else 8
    header = struct.pack(">IIBBBBB", width, height, depth, _COLOR_TYPES[channels], 0, 0, 0)
    chunks = [_chunk(b"IHDR", header)]
    chunks += [_text_chunk(keyword, value) for keyword, value in text.items()]
    chunks.append(_chunk(b"IDAT", zlib.compress(_filtered_rows(samples), level)))
    chunks.append(_chunk(b"IEND", b""))
    return SIGNATURE + b"".join(chunks)


def write_png(path: Path, samples: np.ndarray, text: dict[str, str]) -> None:
    """Write :func:`encode_png`'s bytes to ``path``."""
    path.write_bytes(encode_png(samples, text))
