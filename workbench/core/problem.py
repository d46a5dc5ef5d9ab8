"""What a restoration is asked to solve: the observation y = A(x) + noise and what is known of A."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .errors import ParameterError
from .image import Image

EMPTY_MASK = "the inpainting mask is all black: no pixel is marked known (white = known pixels)"
PATTERNS = ("RGGB", "BGGR", "GRBG", "GBRG")
"""The Bayer colour-filter layouts a demosaicking problem can have (top-left 2×2 block, row by row)."""


def check_pattern(pattern: str | None) -> str:
    """``pattern`` when it is a known Bayer layout, else a ParameterError naming the known ones."""
    if pattern not in PATTERNS:
        raise ParameterError(
            f"demosaicking needs the Bayer pattern of the mosaic (one of {', '.join(PATTERNS)}), "
            f"got {pattern!r}"
        )
    return pattern


class Task(StrEnum):
    """The inverse problems the workbench knows. The value is the CLI spelling."""

    DENOISE = "denoise"
    DEBLUR = "deblur"
    SUPER_RESOLVE = "sr"
    INPAINT = "inpaint"
    JPEG = "jpeg"
    DEMOSAIC = "demosaic"

    @property
    def title(self) -> str:
        return {
            "denoise": "Denoising",
            "deblur": "Deblurring",
            "sr": "Super-resolution",
            "inpaint": "Inpainting",
            "jpeg": "JPEG artefact removal",
            "demosaic": "Demosaicking",
        }[self.value]

    @classmethod
    def parse(cls, text: str) -> Task:
        try:
            return cls(text)
        except ValueError:
            names = ", ".join(task.value for task in cls)
            raise ParameterError(f"unknown task {text!r} (use one of {names})") from None


@dataclass
class Problem:
    """An observation and the facts of its degradation.

    Attributes:
        observed: the degraded image y.
        task: which inverse problem to solve.
        mask: H×W bool, True where the pixel of ``observed`` is known (inpainting).
        kernel: kh×kw float32 blur kernel summing to 1 (deblurring).
        scale: integer up-scaling factor (super-resolution); the result is
            ``scale`` times larger than ``observed`` in each direction.
        pattern: the Bayer colour-filter layout of a one-channel mosaic ("RGGB", "BGGR", "GRBG",
            "GBRG": the colours of the top-left 2×2 block, row by row) (demosaicking); the
            result has three channels.
        reference: the clean image x when known (for PSNR/SSIM).
        noise_sigma: std of the white Gaussian noise in ``observed`` ([0, 1] scale) when known:
            given by the user, or measured when the workbench added it; None when unknown.
    """

    observed: Image
    task: Task = Task.DENOISE
    mask: np.ndarray | None = None
    kernel: np.ndarray | None = None
    scale: int = 1
    pattern: str | None = None
    reference: Image | None = None
    noise_sigma: float | None = None

    def require(self) -> None:
        """Check that the task has what it needs; raise ParameterError naming what is missing."""
        height, width = self.observed.height, self.observed.width
        if self.task is Task.INPAINT:
            if self.mask is None:
                raise ParameterError("inpainting needs a mask (white = known pixels)")
            if self.mask.shape[:2] != (height, width):
                raise ParameterError(
                    f"mask is {self.mask.shape[1]}x{self.mask.shape[0]}, image is {width}x{height}"
                )
            if not self.mask.any():
                raise ParameterError(EMPTY_MASK)
        if self.task is Task.DEBLUR and self.kernel is None:
            raise ParameterError("deblurring needs a blur kernel")
        if self.task is Task.SUPER_RESOLVE and self.scale < 2:
            raise ParameterError("super-resolution needs a scale of 2 or more")
        if self.task is Task.DEMOSAIC:
            check_pattern(self.pattern)
            if self.observed.channels != 1:
                raise ParameterError(
                    "demosaicking needs a one-channel Bayer mosaic (the raw samples), not a colour image"
                )

    @property
    def output_channels(self) -> int:
        """Channels of the restored image: three for demosaicking, else the observation's."""
        return 3 if self.task is Task.DEMOSAIC else self.observed.channels

    @property
    def output_shape(self) -> tuple[int, int]:
        """(height, width) of the restored image."""
        factor = self.scale if self.task is Task.SUPER_RESOLVE else 1
        return self.observed.height * factor, self.observed.width * factor
