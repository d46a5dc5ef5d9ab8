"""The image container and explicit conversions between pixel representations.

Convention everywhere in the core: pixels are ``float32`` arrays of shape
H×W×C (C is 1 for gray, 3 for RGB) with values in [0, 1]. Tensors are
1×C×H×W float32 on a torch device.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

METADATA_KEYS = ("make", "model", "iso", "exposure", "orientation", "datetime")


@dataclass
class Image:
    """Pixels plus what is known of where they came from.

    Attributes:
        pixels: float32, H×W×C, C in {1, 3}, values in [0, 1].
        bit_depth: bits per sample of the source (8 or 16); export uses it by default.
        metadata: camera facts carried to export, keys from ``METADATA_KEYS``
            (make, model as str; iso as int; exposure in seconds as float;
            orientation as the EXIF code 1..8).
        source: the path it was read from, or "" for one made in memory.
        notices: things the loader changed that the user should know, one sentence each
            (alpha set aside, NaN replaced, palette converted, turned upright, ...); the CLI
            prints them as ``note:`` lines, results list them under "notes" and the window
            shows them in its status bar.
        alpha: the source's transparency, float32 H×W in [0, 1] (1 = opaque), or None. The
            pixels are restored without it; export writes it back to PNG and TIFF.
    """

    pixels: np.ndarray
    bit_depth: int = 8
    metadata: dict = field(default_factory=dict)
    source: str = ""
    notices: list[str] = field(default_factory=list)
    alpha: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.pixels = as_hwc(self.pixels)

    @property
    def height(self) -> int:
        return self.pixels.shape[0]

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def channels(self) -> int:
        return self.pixels.shape[2]

    @property
    def is_color(self) -> bool:
        return self.channels == 3

    def with_pixels(self, pixels: np.ndarray) -> Image:
        """A copy that keeps bit depth, metadata, source and alpha but holds new pixels (an alpha
        of another size is resized with them, bilinearly, as for a super-resolved result)."""
        alpha = self.alpha
        height, width = np.shape(pixels)[:2]
        if alpha is not None and alpha.shape != (height, width):
            import cv2

            alpha = cv2.resize(alpha, (width, height), interpolation=cv2.INTER_LINEAR).clip(0, 1)
        return replace(self, pixels=pixels, notices=[], alpha=alpha)

    def cropped(self, rows: slice, cols: slice) -> Image:
        """The rows × cols part of the image, alpha included (bit depth, metadata, source kept)."""
        alpha = None if self.alpha is None else self.alpha[rows, cols]
        return replace(self, pixels=self.pixels[rows, cols], notices=[], alpha=alpha)


def as_hwc(pixels: np.ndarray) -> np.ndarray:
    """Return ``pixels`` as float32 H×W×C (a 2-D array gains a channel axis)."""
    array = np.asarray(pixels)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[2] not in (1, 3):
        raise ValueError(f"expected H×W, H×W×1 or H×W×3 pixels, got shape {array.shape}")
    return np.ascontiguousarray(array, dtype=np.float32)


def from_uint(array: np.ndarray) -> np.ndarray:
    """uint8 or uint16 samples -> float32 in [0, 1] (by the dtype's full range)."""
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    raise ValueError(f"expected uint8 or uint16 samples, got {array.dtype}")


def centre_crop(pixels: np.ndarray, side: int) -> np.ndarray:
    """The central crop of at most ``side``×``side`` pixels of an H×W×C array (all of it for side <= 0)."""
    if side <= 0:
        return pixels
    height, width = pixels.shape[:2]
    top, left = max(0, (height - side) // 2), max(0, (width - side) // 2)
    return np.ascontiguousarray(pixels[top : top + side, left : left + side])


def to_uint8(pixels: np.ndarray) -> np.ndarray:
    """float [0, 1] -> uint8, clipped and rounded to nearest."""
    return np.round(np.clip(pixels, 0.0, 1.0) * 255.0).astype(np.uint8)


def to_uint16(pixels: np.ndarray) -> np.ndarray:
    """float [0, 1] -> uint16, clipped and rounded to nearest."""
    return np.round(np.clip(pixels, 0.0, 1.0) * 65535.0).astype(np.uint16)


def to_gray(pixels: np.ndarray) -> np.ndarray:
    """H×W×C -> H×W×1 using Rec. 601 luma weights (a no-op for gray)."""
    pixels = as_hwc(pixels)
    if pixels.shape[2] == 1:
        return pixels
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return (pixels @ weights)[:, :, None].astype(np.float32)


def to_tensor(pixels: np.ndarray, device: object = "cpu"):
    """H×W×C float32 -> 1×C×H×W torch tensor on ``device``."""
    import torch

    array = as_hwc(pixels)
    return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))[None].to(device)


def from_tensor(tensor) -> np.ndarray:
    """1×C×H×W (or C×H×W) tensor -> H×W×C float32 numpy array on the CPU."""
    array = tensor.detach().float().cpu().numpy()
    if array.ndim == 4:
        array = array[0]
    return np.ascontiguousarray(array.transpose(1, 2, 0), dtype=np.float32)
