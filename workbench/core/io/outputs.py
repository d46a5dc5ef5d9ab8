"""The files a command will write, checked before any work starts.

An :class:`OutputPlan` collects every file a command reads and every file it will write (the
image, and side files: JSON, logs, masks, kernels, grids, reports, checkpoints).
:meth:`OutputPlan.check` refuses, in one line and before anything is computed, a plan whose
outputs are not distinct from each other or from its inputs (the same resolved path, or the same
file through a hard or symbolic link), an output that already exists (unless overwriting is
allowed), an output that is a folder, and an output whose folder is missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

from ..errors import InputError


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    """(the resolved path, (device, inode) when the file exists): two paths name one file when
    either part matches."""
    resolved = str(path.resolve(strict=False))
    try:
        status = os.stat(path)
    except OSError:
        return resolved, None
    return resolved, (status.st_dev, status.st_ino)


def same_file(first: str | PathLike, second: str | PathLike) -> bool:
    """True when both paths name one file: equal once resolved, or one file through a hard link."""
    a, b = _identity(Path(first)), _identity(Path(second))
    return a[0] == b[0] or (a[1] is not None and a[1] == b[1])


@dataclass
class OutputPlan:
    """What a command reads and writes, checked as a whole by :meth:`check`.

    Attributes:
        overwrite: an output that exists may be replaced (``--overwrite``).
        inputs: (path, what it is) of each file read.
        outputs: (path, what it is) of each file to be written.
        folders: folders the command creates before writing into them.
    """

    overwrite: bool = False
    inputs: list[tuple[Path, str]] = field(default_factory=list)
    outputs: list[tuple[Path, str]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def read(self, path: str | PathLike | None, what: str = "input") -> None:
        """Record a file the command reads; None (an option not given) is ignored."""
        if path is not None:
            self.inputs.append((Path(path), what))

    def write(self, path: str | PathLike | None, what: str = "output") -> Path | None:
        """Record a file the command will write; None is ignored. Returns the path."""
        if path is None:
            return None
        self.outputs.append((Path(path), what))
        return Path(path)

    def create(self, folder: str | PathLike) -> None:
        """Record a folder the command makes (with its parents) before writing into it."""
        self.folders.append(Path(folder))

    def check(self) -> None:
        """Raise InputError, naming the files, when the plan would lose or mix up data.

        Checked in this order: an output that is also an input or another output, an output
        that is a folder, an output whose folder neither exists nor is made by the command, and
        outputs that exist (all named at once) unless ``overwrite``.
        """
        seen: list[tuple[Path, str]] = list(self.inputs)
        for path, what in self.outputs:
            for other, other_what in seen:
                if same_file(path, other):
                    raise InputError(
                        f"{path}: the {what} would be written over the {other_what} ({other}); "
                        "give each file its own name"
                    )
            seen.append((path, what))
        for path, what in self.outputs:
            if path.is_dir():
                raise InputError(f"{path}: is a folder, not a file name for the {what}")
            if not self._folder_ready(path.parent):
                raise InputError(f"{path}: the folder {path.parent} does not exist")
        if not self.overwrite:
            taken = [str(path) for path, _ in self.outputs if path.exists()]
            if len(taken) == 1:
                raise InputError(f"{taken[0]}: already exists (use --overwrite to replace it)")
            if taken:
                raise InputError(f"would overwrite {', '.join(taken)} (use --overwrite to replace them)")

    def _folder_ready(self, folder: Path) -> bool:
        if folder.is_dir():
            return True
        for made in self.folders:
            if made.exists() and not made.is_dir():
                raise InputError(f"{made}: exists and is not a folder")
            if folder == made or folder in made.parents:
                return True
        return False
