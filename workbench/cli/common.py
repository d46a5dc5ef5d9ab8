"""Argument helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbench.core.io.atomic import write_text
from workbench.core.io.outputs import OutputPlan
from workbench.core.jobs import DEVICES, RunContext
from workbench.core.params import IntParam, ParamSpec


def add_set_option(parser: argparse.ArgumentParser, specs: Iterable[ParamSpec] | None = None) -> None:
    """``--set k=v`` (repeatable): parameter values, validated against the spec.

    Its help names the words that stand for a sentinel value (``iterations=auto``) among the
    parameters of ``specs``, by default those of every registered method.
    """
    where = "'workbench methods'" if specs is None else "the list below"
    help_text = f"set a parameter (repeatable); see {where} for names and ranges"
    words = special_words(registry_specs() if specs is None else specs)
    if words:
        help_text += "; " + words
    parser.add_argument(
        "--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE", help=help_text
    )


def registry_specs() -> list[ParamSpec]:
    """The parameter spec of every registered method."""
    from workbench.core import registry

    return [method.params for method in registry.available()]


def special_words(specs: Iterable[ParamSpec]) -> str:
    """``"words for a sentinel value: iterations=auto (= 0), tile=off (= 0)"``, one entry per
    distinct (name, word) among integer parameters with a ``special`` word; empty if none."""
    entries = sorted(
        {
            (param.name, param.special, param.minimum)
            for spec in specs
            for param in spec
            if isinstance(param, IntParam) and param.special
        }
    )
    if not entries:
        return ""
    listed = ", ".join(f"{name}={word} (= {minimum})" for name, word, minimum in entries)
    return f"words for a sentinel value: {listed}"


def add_quality_options(parser: argparse.ArgumentParser) -> None:
    """``--tune [CRITERION]`` and ``--no-estimate``: auto-tuning and the no-reference PSNR estimate."""
    from workbench.core.quality.tune import CRITERIA

    parser.add_argument(
        "--tune",
        nargs="?",
        const="sure",
        choices=CRITERIA,
        help="choose the tunable parameters (noise level, strength) on the image itself, by SURE "
        "(default), the J-invariant loss (jinv: any pixel-independent noise) or, with a reference, "
        "the true error (oracle); the choice is recorded in the JSON",
    )
    parser.add_argument(
        "--no-estimate",
        dest="estimate",
        action="store_false",
        help="skip the estimated PSNR (psnr_est, by SURE without the reference; one more run per method)",
    )


def add_device_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default="auto", choices=DEVICES, help="where torch methods run")


def progress_context(device: str = "auto", quiet: bool = False) -> RunContext:
    """A RunContext that draws a one-line progress indicator on stderr."""
    if quiet or not sys.stderr.isatty():
        return RunContext(device=device)

    def show(fraction: float, message: str) -> None:
        print(f"\r{fraction * 100:5.1f}% {message[:60]:<60}", end="", file=sys.stderr, flush=True)
        if fraction >= 1.0:
            print(file=sys.stderr)

    return RunContext(device=device, on_progress=show)


def check_files(
    inputs: dict[str, Path | None],
    outputs: dict[str, Path | None],
    overwrite: bool,
    folders: tuple[Path, ...] = (),
) -> OutputPlan:
    """Check, before any work, that the outputs are distinct from each other and from the inputs
    and that none exists unless ``overwrite`` (see :class:`OutputPlan`); None entries are options
    not given. ``folders`` are made by the command. Returns the checked plan."""
    plan = OutputPlan(overwrite=overwrite)
    for folder in folders:
        plan.create(folder)
    for what, path in inputs.items():
        plan.read(path, what)
    for what, path in outputs.items():
        plan.write(path, what)
    plan.check()
    return plan


def print_notes(notes: Iterable[str], about: str = "") -> None:
    """Each note on its own stderr line, ``note: [about: ]text``."""
    for note in notes:
        print(f"note: {about}: {note}" if about else f"note: {note}", file=sys.stderr)


def write_json(path: str | Path, record: Any, overwrite: bool = False) -> Path:
    """Write ``record`` as indented JSON (NaN and inf become null), atomically; returns the path."""
    return write_text(path, json.dumps(_finite(record), indent=2) + "\n", overwrite)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
