"""Restore a rectangle of an image first, so the user sees a result in a second or two.

The crop is taken with a margin of context around it (so that filters and
networks see what they would see in the full run) and the margin is cut off
again afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .errors import ParameterError
from .jobs import RunContext
from .pipeline import restore
from .problem import Problem, Task
from .result import Result, score


@dataclass(frozen=True)
class Rect:
    """A pixel rectangle: left column x, top row y, width and height, in observed-image pixels."""

    x: int
    y: int
    width: int
    height: int

    def clipped(self, height: int, width: int) -> Rect:
        """The part of this rectangle that lies inside an image of the given size."""
        left, top = max(self.x, 0), max(self.y, 0)
        right, bottom = min(self.x + self.width, width), min(self.y + self.height, height)
        if right <= left or bottom <= top:
            raise ParameterError(f"the region {self} lies outside the {width}x{height} image")
        return Rect(left, top, right - left, bottom - top)


def crop_problem(problem: Problem, rect: Rect, margin: int = 32) -> tuple[Problem, Rect]:
    """The sub-problem covering ``rect`` plus ``margin`` pixels of context on each side.

    Returns:
        (the cropped problem, where ``rect`` lies inside the cropped observation).
    """
    observed = problem.observed
    rect = rect.clipped(observed.height, observed.width)
    top, left = max(rect.y - margin, 0), max(rect.x - margin, 0)
    bottom = min(rect.y + rect.height + margin, observed.height)
    right = min(rect.x + rect.width + margin, observed.width)
    rows, cols = slice(top, bottom), slice(left, right)
    factor = problem.scale if problem.task is Task.SUPER_RESOLVE else 1
    reference = problem.reference
    if reference is not None:
        ref_rows = slice(top * factor, bottom * factor)
        ref_cols = slice(left * factor, right * factor)
        reference = reference.cropped(ref_rows, ref_cols)
    cropped = replace(
        problem,
        observed=observed.cropped(rows, cols),
        mask=None if problem.mask is None else problem.mask[rows, cols],
        reference=reference,
    )
    return cropped, Rect(rect.x - left, rect.y - top, rect.width, rect.height)


def restore_region(
    problem: Problem,
    rect: Rect,
    method_name: str,
    values: Mapping[str, Any] | None = None,
    ctx: RunContext | None = None,
    margin: int = 32,
) -> Result:
    """Run ``method_name`` on ``rect`` only (with context); the result covers exactly ``rect``.

    For super-resolution the result covers ``rect`` scaled by the problem's factor.
    PSNR/SSIM, when a reference is known, are measured on that region.
    """
    cropped, inner = crop_problem(problem, rect, margin)
    result = restore(cropped, method_name, values, ctx)
    factor = problem.scale if problem.task is Task.SUPER_RESOLVE else 1
    rows = slice(inner.y * factor, (inner.y + inner.height) * factor)
    cols = slice(inner.x * factor, (inner.x + inner.width) * factor)
    result.image = result.image.cropped(rows, cols)
    pixels = result.image.pixels
    if cropped.reference is not None:
        result.psnr, result.ssim = score(pixels, cropped.reference.pixels[rows, cols])
    return result
