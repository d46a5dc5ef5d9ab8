"""The catalogue of restoration methods: name -> :class:`Method`, each with its typed parameters.

Method modules register themselves on import (see ``workbench.core.methods``);
``available()`` imports them once and returns the catalogue in a stable order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import ParameterError
from .jobs import RunContext
from .params import ParamSpec
from .problem import Problem, Task

RunFunction = Callable[[Problem, dict, RunContext], np.ndarray]


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
    """

    name: str
    label: str
    family: str
    tasks: frozenset[Task]
    params: ParamSpec
    run: RunFunction
    summary: str = ""

    def describe(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "family": self.family,
            "tasks": sorted(task.value for task in self.tasks),
            "summary": self.summary,
            "params": self.params.describe(),
        }


_METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add a method to the catalogue; a name already taken is a programming error."""
    if method.name in _METHODS:
        raise ValueError(f"a method named {method.name!r} is already registered")
    _METHODS[method.name] = method
    return method


def available() -> list[Method]:
    """Every registered method, built-ins included, sorted by family then name."""
    from . import methods  # noqa: F401  (registers the built-in methods)

    return sorted(_METHODS.values(), key=lambda method: (method.family, method.name))


def get(name: str) -> Method:
    """The method called ``name``; an unknown name is a ParameterError listing the known ones."""
    known = {method.name: method for method in available()}
    if name not in known:
        raise ParameterError(f"unknown method {name!r} (known: {', '.join(sorted(known))})")
    return known[name]


def for_task(task: Task) -> list[Method]:
    """The methods that solve ``task``."""
    return [method for method in available() if task in method.tasks]
