"""Write a file through a temporary sibling, so that a failure never leaves a partial file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import InputError


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()


def refuse_existing(path: Path, overwrite: bool) -> None:
    """InputError when ``path`` exists and ``overwrite`` is False, or when its folder is missing."""
    if path.exists() and not overwrite:
        raise InputError(f"{path}: already exists (choose another name or allow overwriting)")
    if not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist")


def _publish(temporary: Path, path: Path, overwrite: bool) -> None:
    """Move the finished temporary file to ``path``; without ``overwrite`` an existing file is kept."""
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise InputError(f"{path}: already exists (choose another name or allow overwriting)") from None
    except OSError:
        if path.exists():
            raise InputError(f"{path}: already exists (choose another name or allow overwriting)") from None
        os.replace(temporary, path)
        return
    temporary.unlink()


@contextmanager
def atomic_output(path: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it becomes ``path``, on failure it is removed.

    Raises:
        InputError: ``path`` exists and ``overwrite`` is False, its folder is missing or not
            writable, or writing failed (disk full, permission denied ...).
    """
    refuse_existing(path, overwrite)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise InputError(f"{path}: cannot write there ({error.strerror or error})") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _FILE_MODE)
        _publish(temporary, path, overwrite)
    except OSError as error:
        raise InputError(f"{path}: cannot write ({error.strerror or error})") from None
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


def write_text(path: str | os.PathLike, text: str, overwrite: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary sibling; returns the path.

    Raises:
        InputError: as :func:`atomic_output`; no partial file is left on any failure.
    """
    path = Path(path)
    with atomic_output(path, overwrite) as target:
        target.write_text(text, encoding="utf-8")
    return path
