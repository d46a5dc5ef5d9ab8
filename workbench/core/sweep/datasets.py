"""The images of a sweep's dataset: a folder of clean images, or a folder of real noisy/clean pairs.

A folder is a pairs dataset when its image names pair up as ``NAME_real.*`` (noisy) with
``NAME_mean.*`` (the clean reference, the mean of many shots: PolyU, CC15), or ``NAME_noisy.*``
with ``NAME_clean.*``, or when it holds ``noisy/`` and ``clean/`` sub-folders with the same file
names. Anything else is a folder of clean images that the sweep degrades itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..io import IMAGE_SUFFIXES

PAIR_SUFFIXES = (("_real", "_mean"), ("_noisy", "_clean"))
"""(noisy, clean) name endings of real pairs in one folder."""


@dataclass(frozen=True)
class DatasetImage:
    """One image of a dataset.

    Attributes:
        name: the name the tables use (the file name; for a pair, the shared stem).
        clean: the clean image (the reference of a real pair).
        noisy: the real noisy shot of a pair; None in a folder of clean images.
        digest: SHA-256 of the file bytes (clean, then noisy for a pair), hex.
    """

    name: str
    clean: Path
    noisy: Path | None
    digest: str


def list_images(folder: Path, limit: int = 0) -> list[DatasetImage]:
    """The images of ``folder`` in name order (the first ``limit`` when > 0), with their digests.

    Raises:
        InputError: not a folder, or no image in it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    entries = _pairs(folder)
    if entries is None:
        files = sorted(path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES)
        entries = [(path.name, path, None) for path in files]
    if not entries:
        raise InputError(f"{folder}: no images in it")
    if limit > 0:
        entries = entries[:limit]
    return [DatasetImage(name, clean, noisy, _digest(clean, noisy)) for name, clean, noisy in entries]


def is_pairs(folder: Path) -> bool:
    """True when ``folder`` holds real noisy/clean pairs (see the module docstring)."""
    return _pairs(Path(folder)) is not None


def _pairs(folder: Path) -> list[tuple[str, Path, Path]] | None:
    noisy_dir, clean_dir = folder / "noisy", folder / "clean"
    if noisy_dir.is_dir() and clean_dir.is_dir():
        clean = {path.name: path for path in _images(clean_dir)}
        pairs = [(path.name, clean[path.name], path) for path in _images(noisy_dir) if path.name in clean]
        return pairs or None
    files = _images(folder)
    for noisy_end, clean_end in PAIR_SUFFIXES:
        noisy = {path.stem[: -len(noisy_end)]: path for path in files if path.stem.endswith(noisy_end)}
        clean = {path.stem[: -len(clean_end)]: path for path in files if path.stem.endswith(clean_end)}
        common = sorted(set(noisy) & set(clean))
        if common:
            return [(stem, clean[stem], noisy[stem]) for stem in common]
    return None


def _images(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES)


def _digest(clean: Path, noisy: Path | None) -> str:
    digest = hashlib.sha256()
    for path in (clean, noisy):
        if path is not None:
            try:
                digest.update(path.read_bytes())
            except OSError as error:
                raise InputError(f"{path}: cannot read it ({error.strerror or error})") from None
    return digest.hexdigest()
