"""The catalogue of restoration methods: name -> :class:`Method`, each with its typed parameters.

Method modules register themselves on import. The registry names the built-in ones in
``BUILT_IN_METHODS`` and imports them by name the first time the catalogue is asked for, so the
dependency runs one way: every method module imports the registry, the registry imports none.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ParameterError
from .jobs import RunContext
from .params import ParamSpec
from .problem import Problem, Task

RunFunction = Callable[[Problem, dict, RunContext], np.ndarray]
CheckFunction = Callable[[dict], None]


@dataclass(frozen=True)
class Method:
    """A restoration method.

    Attributes:
        name: the identifier used by the CLI and in files (lowercase, no spaces).
        label: the name shown in the window.
        family: the group it is shown under (classical, bm3d, learned, dip, ...).
        tasks: the inverse problems it solves.
        params: its typed parameters.
        run: ``run(problem, params, ctx) -> pixels``; params are already
            validated; pixels are float32 H×W×C in [0, 1] of ``problem.output_shape``.
        summary: one sentence for tooltips and ``workbench methods``.
        check: ``check(params)`` raises ParameterError or InputError when what the method needs
            beyond its parameters (a weight file) is missing; fast (no model is loaded), so that
            a multi-method run can check every method before the first one starts.
        eight_bit: the method rounds its input to 8 bits (the risk estimates probe it in whole
            8-bit steps).
    """

    name: str
    label: str
    family: str
    tasks: frozenset[Task]
    params: ParamSpec
    run: RunFunction
    summary: str = ""
    check: CheckFunction | None = None
    eight_bit: bool = False

    def describe(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "family": self.family,
            "tasks": sorted(task.value for task in self.tasks),
            "summary": self.summary,
            "params": self.params.describe(),
            "tunable": self.params.tunable,
        }


_METHODS: dict[str, Method] = {}
BUILT_IN_METHODS = (
    "bm3d_methods",
    "classical",
    "deconvolution",
    "demosaicking",
    "dip",
    "inpainting",
    "joint_demosaic",
    "learned",
    "pnp",
    "stabilised",
    "upscaling",
)
"""The modules of ``workbench.core.methods`` that register the built-in methods (one per family)."""


def register(method: Method) -> Method:
    """Add a method to the catalogue; a name already taken is a programming error."""
    if method.name in _METHODS:
        raise ValueError(f"a method named {method.name!r} is already registered")
    _METHODS[method.name] = method
    return method


def available() -> list[Method]:
    """Every registered method, built-ins included, sorted by family then name."""
    for module in BUILT_IN_METHODS:
        importlib.import_module(f"{__package__}.methods.{module}")
    return sorted(_METHODS.values(), key=lambda method: (method.family, method.name))


def get(name: str) -> Method:
    """The method called ``name``; an unknown name is a ParameterError listing the known ones."""
    known = {method.name: method for method in available()}
    if name not in known:
        raise ParameterError(f"unknown method {name!r} (known: {', '.join(sorted(known))})")
    return known[name]


def prepare(name: str, values: Mapping[str, Any] | None, task: Task) -> dict[str, Any]:
    """The full parameters of method ``name`` for ``task`` (defaults filled), once everything the
    run needs has been checked: the method exists, its values are valid, it solves ``task``, and
    its resources (weight files) are there. Takes well under a second; nothing is loaded.

    Raises:
        ParameterError: unknown method, bad value, a task it does not do, no shipped weights.
        InputError: a weight file named in the values is missing.
    """
    method = get(name)
    params = method.params.resolve(values, owner=method.name)
    if task not in method.tasks:
        solves = ", ".join(sorted(t.value for t in method.tasks))
        raise ParameterError(f"method '{method.name}' does not do {task.value} (it does: {solves})")
    if method.check is not None:
        method.check(params)
    return params


def for_task(task: Task) -> list[Method]:
    """The methods that solve ``task``."""
    return [method for method in available() if task in method.tasks]
