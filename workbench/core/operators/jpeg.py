"""JPEG compression at a chosen quality (OpenCV's libjpeg, 4:2:0 chroma for colour)."""

from __future__ import annotations

import cv2
import numpy as np

from ..image import to_uint8
from ..params import IntParam, ParamSpec
from ..problem import Task
from .base import Degradation, Operator, register


def jpeg_round_trip(pixels: np.ndarray, quality: int) -> np.ndarray:
    """Encode float32 H×W×C ``pixels`` as 8-bit JPEG at ``quality`` and decode them again."""
    samples = to_uint8(pixels)
    samples = cv2.cvtColor(samples, cv2.COLOR_RGB2BGR) if samples.shape[2] == 3 else samples[:, :, 0]
    ok, encoded = cv2.imencode(".jpg", samples, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("OpenCV could not encode the image as JPEG")
    decoded = cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED)
    decoded = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB) if decoded.ndim == 3 else decoded[:, :, None]
    return decoded.astype(np.float32) / 255.0


def _jpeg(pixels: np.ndarray, params: dict, rng: np.random.Generator) -> Degradation:
    return Degradation(observed=jpeg_round_trip(pixels, params["quality"]), task=Task.JPEG, params=params)


register(
    Operator(
        name="jpeg",
        label="JPEG compression",
        task=Task.JPEG,
        params=ParamSpec(
            [IntParam("quality", 10, "JPEG quality; lower means stronger artefacts", minimum=1, maximum=100)]
        ),
        apply=_jpeg,
        summary="Encodes the image as JPEG at the given quality and decodes it (blocking, ringing).",
    )
)
