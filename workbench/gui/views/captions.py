"""One-line captions of images, cameras and regions for the window's labels and status bar."""

from __future__ import annotations

from pathlib import Path

from workbench.core.image import Image
from workbench.core.params import AUTO
from workbench.core.region import Rect


def exposure_text(seconds: float) -> str:
    """An exposure time as photographers write it: "1/250 s", "0.4 s", "2 s"."""
    if seconds < 1:
        denominator = 1 / seconds
        if abs(denominator - round(denominator)) <= 0.05 * denominator:
            return f"1/{round(denominator)} s"
    return f"{seconds:.2g} s"


def describe_camera(metadata: dict) -> str:
    """The camera, ISO and exposure known of an image, e.g. "Canon EOS R6 · ISO 3200 · 1/250 s"."""
    make, model = str(metadata.get("make", "")), str(metadata.get("model", ""))
    camera = model if model.lower().startswith(make.lower()) else f"{make} {model}".strip()
    parts = [camera] if camera else []
    if "iso" in metadata:
        parts.append(f"ISO {metadata['iso']}")
    if "exposure" in metadata:
        parts.append(exposure_text(float(metadata["exposure"])))
    return " · ".join(parts)


def describe_image(image: Image, what: str) -> str:
    """A caption like "noisy.png (512×512, 8-bit RGB)", with the camera when it is known and then
    each notice of the loader ("note: alpha kept …"), so that what was changed stays in view."""
    name = Path(image.source).name if image.source else what
    colour = "RGB" if image.is_color else "gray"
    parts = [f"{name} ({image.width}×{image.height}, {image.bit_depth}-bit {colour})"]
    camera = describe_camera(image.metadata)
    parts += [camera] if camera else []
    parts += [f"note: {notice}" for notice in image.notices]
    return " · ".join(parts)


def describe_region(rect: Rect) -> str:
    """A region as "120×80 at (10, 20)"."""
    return f"{rect.width}×{rect.height} at ({rect.x}, {rect.y})"


FIRST_STEPS = {
    "learned": "loading the weights",
    "noise_adaptive": "estimating the noise model",
    "dip": "building the network",
}
"""What a method of each family does before it reports progress of its own."""


def first_step(family: str, values: dict) -> str:
    """What a run of a method of ``family`` with resolved ``values`` does first, for the status bar
    until it reports: e.g. "estimating the noise level, loading the weights…", else "starting…"."""
    steps = []
    if family != "noise_adaptive" and any(value == AUTO for value in values.values()):
        steps.append("estimating the noise level")
    if family in FIRST_STEPS:
        steps.append(FIRST_STEPS[family])
    return (", ".join(steps) or "starting") + "…"
