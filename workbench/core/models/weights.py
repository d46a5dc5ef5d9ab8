"""The project's own weight files: a state dict plus a small card, read without running pickle code.

A file is ``torch.save`` of a plain dict::

    {"format": "workbench-weights", "version": 1, "architecture": "dncnn",
     "kwargs": {...}, "state_dict": {...}, "card": {...}}

and is read with ``torch.load(weights_only=True)``, which only rebuilds tensors and plain
containers. The card records what a user needs to trust the file: architecture, training
data, noise model and sigma range (8-bit units), steps, and measured PSNR.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..errors import InputError, error_text
from ..io.atomic import atomic_output, write_text
from . import BUILDABLE, build_model

FORMAT = "workbench-weights"
VERSION = 1


@dataclass
class LoadedModel:
    """A model ready for inference (eval mode, CPU) and what is known about it."""

    model: nn.Module
    architecture: str
    kwargs: dict[str, Any]
    card: dict[str, Any] = field(default_factory=dict)


def card_path(path: str | Path) -> Path:
    """Where :func:`save_weights` writes the card beside a weight file: the same name, ``.json``."""
    return Path(path).with_suffix(".json")


def save_weights(
    path: str | Path, model: nn.Module, architecture: str, kwargs: dict, card: dict, overwrite: bool = True
) -> Path:
    """Write ``model``'s weights and ``card`` to ``path`` (and the card alone to :func:`card_path`).

    Both files go through temporary siblings, so a failure leaves neither half-written.

    Raises:
        InputError: a file exists and ``overwrite`` is False, or a write failed.
    """
    path = Path(path)
    state = {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}
    record = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": architecture,
        "kwargs": dict(kwargs),
        "state_dict": state,
        "card": dict(card),
    }
    card_record = {"architecture": architecture, "kwargs": dict(kwargs)} | dict(card)
    with atomic_output(path, overwrite) as target:
        torch.save(record, target)
    write_text(card_path(path), json.dumps(card_record, indent=2) + "\n", overwrite)
    return path


def load_weights(path: str | Path) -> LoadedModel:
    """Read a file written by :func:`save_weights`.

    Raises:
        InputError: missing file, not a workbench weight file, unknown architecture, or
            weights that do not fit the architecture.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such weight file")
    try:
        record = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise InputError(f"{path}: not a readable workbench weight file ({_first_line(error)})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise InputError(f"{path}: not a workbench weight file (no '{FORMAT}' header)")
    architecture = record.get("architecture")
    if architecture not in BUILDABLE:
        raise InputError(f"{path}: unknown architecture {architecture!r}")
    kwargs = dict(record.get("kwargs", {}))
    return LoadedModel(
        model_from_state(path, architecture, kwargs, record.get("state_dict", {})),
        architecture,
        kwargs,
        dict(record.get("card", {})),
    )


def model_from_state(path: Path, architecture: str, kwargs: dict, state: dict) -> nn.Module:
    """Build ``architecture(**kwargs)`` and load ``state`` strictly; InputError names the mismatch."""
    try:
        model = build_model(architecture, **kwargs)
        model.load_state_dict(state, strict=True)
    except (TypeError, ValueError, RuntimeError) as error:
        raise InputError(f"{path}: weights do not fit {architecture} ({_first_line(error)})") from None
    return model.eval()


def _first_line(error: BaseException) -> str:
    text = error_text(error).splitlines()
    return text[0] if text else type(error).__name__
