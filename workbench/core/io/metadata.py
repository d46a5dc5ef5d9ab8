"""Camera metadata (make, model, ISO, exposure, orientation, date) read from and written to files.

Values follow ``workbench.core.image.METADATA_KEYS``: make and model as str, iso as int,
exposure in seconds as float, orientation as the source's EXIF code 1..8 (pixels are
always upright once read, so writers store orientation 1 in the tag itself), datetime as
the EXIF string "YYYY:MM:DD HH:MM:SS". The full dictionary is also kept as JSON (in a TIFF
or JPEG ImageDescription, or a PNG text chunk) so that our own files round-trip exactly.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from ..image import METADATA_KEYS

JSON_KEY = "workbench"
TAG_MAKE, TAG_MODEL, TAG_ORIENTATION, TAG_DATETIME, TAG_DESCRIPTION = 0x010F, 0x0110, 0x0112, 0x0132, 0x010E
TAG_EXIF_IFD, TAG_EXPOSURE, TAG_ISO, TAG_DATETIME_ORIGINAL = 0x8769, 0x829A, 0x8827, 0x9003


def clean_text(value: Any) -> str | None:
    """A tag's text without NULs and padding; None when it holds nothing."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", " ").strip()
    return text or None


def as_number(value: Any) -> float | None:
    """A rational given as a number, a Pillow IFDRational or a (numerator, denominator) pair."""
    if isinstance(value, tuple | list):
        if len(value) == 2 and all(isinstance(part, int) for part in value):
            return value[0] / value[1] if value[1] else None
        value = value[0] if value else None
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number == number else None


def tidy(raw: dict[str, Any]) -> dict[str, Any]:
    """Keep the known keys with usable values, typed as ``METADATA_KEYS`` says; zeros mean unknown."""
    out: dict[str, Any] = {}
    for key in ("make", "model", "datetime"):
        text = clean_text(raw.get(key))
        if text:
            out[key] = text
    iso = as_number(raw.get("iso"))
    if iso and iso > 0:
        out["iso"] = round(iso)
    exposure = as_number(raw.get("exposure"))
    if exposure and exposure > 0:
        out["exposure"] = exposure
    orientation = as_number(raw.get("orientation"))
    if orientation and 1 <= orientation <= 8:
        out["orientation"] = int(orientation)
    return out


def to_json(metadata: dict[str, Any]) -> str:
    """The metadata as the JSON text stored in descriptions and text chunks."""
    return json.dumps({JSON_KEY: tidy({key: metadata.get(key) for key in METADATA_KEYS})}, sort_keys=True)


def from_json(text: Any) -> dict[str, Any] | None:
    """Metadata from a description written by :func:`to_json`; None for any other text."""
    if not isinstance(text, str) or JSON_KEY not in text:
        return None
    try:
        stored = json.loads(text).get(JSON_KEY)
    except (ValueError, AttributeError):
        return None
    return tidy(stored) if isinstance(stored, dict) else None


def from_pillow_exif(exif: Any) -> dict[str, Any]:
    """Metadata from a Pillow ``Image.Exif`` (JPEG, TIFF, PNG eXIf, WebP)."""
    try:
        sub = exif.get_ifd(TAG_EXIF_IFD)
    except (KeyError, ValueError, TypeError, OSError):
        sub = {}
    stored = from_json(clean_text(exif.get(TAG_DESCRIPTION)))
    found = tidy(
        {
            "make": exif.get(TAG_MAKE),
            "model": exif.get(TAG_MODEL),
            "orientation": exif.get(TAG_ORIENTATION),
            "datetime": sub.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME),
            "iso": sub.get(TAG_ISO),
            "exposure": sub.get(TAG_EXPOSURE),
        }
    )
    return merge_stored(found, stored)


def from_tiff_tags(tags: Any) -> dict[str, Any]:
    """Metadata from a tifffile page's tags, including its EXIF IFD and TIFF/EP tags in IFD0."""

    def value(code: int) -> Any:
        tag = tags.get(code)
        return None if tag is None else tag.value

    exif = value(TAG_EXIF_IFD) or {}
    exif = exif if isinstance(exif, dict) else {}
    stored = from_json(clean_text(value(TAG_DESCRIPTION)))
    found = tidy(
        {
            "make": value(TAG_MAKE),
            "model": value(TAG_MODEL),
            "orientation": value(TAG_ORIENTATION),
            "datetime": exif.get("DateTimeOriginal") or value(TAG_DATETIME),
            "iso": exif.get("ISOSpeedRatings") or value(TAG_ISO),
            "exposure": exif.get("ExposureTime") or value(TAG_EXPOSURE),
        }
    )
    return merge_stored(found, stored)


def merge_stored(found: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """Tags found in the file, completed by our JSON copy.

    With our copy present the Orientation tag is ignored: we always write 1 there (the pixels
    are upright) and keep the source's code, if it had one, in the copy.
    """
    if stored is None:
        return found
    merged = {**stored, **{key: value for key, value in found.items() if key != "orientation"}}
    merged.pop("orientation", None)
    if "orientation" in stored:
        merged["orientation"] = stored["orientation"]
    return merged


def exposure_fraction(seconds: float) -> Fraction:
    """An exposure time as the rational EXIF stores (e.g. 1/250)."""
    return Fraction(seconds).limit_denominator(1_000_000)
