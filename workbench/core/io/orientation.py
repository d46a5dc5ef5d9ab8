"""EXIF orientation codes (1..8) applied to pixel arrays, so that images are read upright."""

from __future__ import annotations

import numpy as np


def apply_orientation(array: np.ndarray, code: int) -> np.ndarray:
    """Turn an H×W(×C) array stored with EXIF orientation ``code`` into the upright view.

    Codes follow the EXIF/TIFF Orientation tag: 1 upright, 2 mirrored, 3 rotated 180°,
    4 flipped, 5 transposed, 6 needs a 90° clockwise turn, 7 transversed, 8 needs a
    90° counter-clockwise turn. Unknown codes leave the array as it is.
    """
    transforms = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: np.swapaxes(a, 0, 1),
        6: lambda a: np.rot90(a, k=-1),
        7: lambda a: np.swapaxes(a[::-1, ::-1], 0, 1),
        8: lambda a: np.rot90(a, k=1),
    }
    transform = transforms.get(int(code))
    return array if transform is None else np.ascontiguousarray(transform(array))


def libraw_flip_to_exif(flip: int) -> int:
    """LibRaw's ``sizes.flip`` (0, 3, 5, 6) as the matching EXIF orientation code."""
    return {3: 3, 5: 8, 6: 6}.get(int(flip), 1)
