"""Image files in and out: PNG, JPEG, TIFF, BMP, WebP and camera RAW, with camera metadata.

``read_image`` sniffs the format from the content, checks the size before decoding and
turns every failure into an :class:`~workbench.core.errors.InputError` that names the
file and the reason. ``write_image`` writes through a temporary file and never overwrites
unless asked. Masks and blur kernels have their own small readers and writers.
"""

from .formats import IMAGE_SUFFIXES, RAW_SUFFIXES
from .masks import read_kernel, read_mask, write_kernel, write_mask
from .raw import RawOptions
from .reader import DEFAULT_MAX_PIXELS, read_image
from .writer import export_notices, write_image

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "IMAGE_SUFFIXES",
    "RAW_SUFFIXES",
    "RawOptions",
    "export_notices",
    "read_image",
    "read_kernel",
    "read_mask",
    "write_image",
    "write_kernel",
    "write_mask",
]
