"""Down-sampling by 2, 3, 4 or 8 with an anti-aliased bicubic or Lanczos filter (Pillow's resize).

The input is first cropped (top-left) to a multiple of the factor, so that each output pixel
is the filtered centre of one factor×factor block and the super-resolved result lines up with
the cropped reference (see :meth:`Degradation.problem`).
"""

from __future__ import annotations

import numpy as np
from PIL import Image as PILImage

from ..errors import ParameterError
from ..params import ChoiceParam, ParamSpec
from ..problem import Task
from .base import Degradation, Operator, register

FILTERS = {"bicubic": PILImage.Resampling.BICUBIC, "lanczos": PILImage.Resampling.LANCZOS}
SCALES = ("2", "3", "4", "8")


def resize_down(pixels: np.ndarray, scale: int, filter_name: str) -> np.ndarray:
    """float32 H×W×C -> (H // scale)×(W // scale)×C, filtered, clipped to [0, 1].

    Raises:
        ParameterError: the image is smaller than ``scale`` in either direction.
    """
    height, width = pixels.shape[0] // scale, pixels.shape[1] // scale
    if height == 0 or width == 0:
        raise ParameterError(
            f"parameter 'scale'={scale}: the image ({pixels.shape[1]}x{pixels.shape[0]}) "
            "is smaller than the down-sampling factor"
        )
    cropped = pixels[: height * scale, : width * scale]
    planes = [
        np.asarray(
            PILImage.fromarray(np.ascontiguousarray(cropped[:, :, channel])).resize(
                (width, height), FILTERS[filter_name]
            )
        )
        for channel in range(pixels.shape[2])
    ]
    return np.clip(np.stack(planes, axis=2), 0.0, 1.0).astype(np.float32)


def _downsample(pixels: np.ndarray, params: dict, rng: np.random.Generator) -> Degradation:
    scale = int(params["scale"])
    observed = resize_down(pixels, scale, params["filter"])
    return Degradation(observed=observed, task=Task.SUPER_RESOLVE, scale=scale, params=params)


register(
    Operator(
        name="downsample",
        label="Down-sample",
        task=Task.SUPER_RESOLVE,
        params=ParamSpec(
            [
                ChoiceParam("scale", "4", "down-sampling factor in each direction", choices=SCALES),
                ChoiceParam(
                    "filter",
                    "bicubic",
                    "anti-aliasing filter (bicubic: Keys a=-0.5; lanczos: Lanczos-3)",
                    choices=tuple(FILTERS),
                ),
            ]
        ),
        apply=_downsample,
        summary="Anti-aliased down-sampling by an integer factor; the result is that many times smaller.",
    )
)
