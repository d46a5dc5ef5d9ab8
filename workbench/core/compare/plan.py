"""Planning a comparison: which methods, with which parameter values, checked before anything runs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import registry
from ..errors import ParameterError
from ..params import split_assignments
from ..problem import Problem

BASELINES = ("bm3d", "cbm3d")
"""Methods ticked by default and used as the reference for the gain column."""


@dataclass(frozen=True)
class MethodRun:
    """One entry of a comparison: a registered method and the values given for its parameters."""

    method: str
    values: dict[str, Any] = field(default_factory=dict)


def parse_method_list(text: str) -> list[str]:
    """``"bm3d, nlm,dncnn"`` -> ``["bm3d", "nlm", "dncnn"]``; empty or repeated names are errors."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise ParameterError("-m/--methods: name at least one method (see 'workbench methods')")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ParameterError(f"-m/--methods: {', '.join(repeated)} named more than once")
    return names


def settings_for(methods: Sequence[str], assignments: Iterable[str]) -> list[MethodRun]:
    """Spread ``k=v`` assignments over the chosen methods.

    Each assignment applies to every chosen method that has a parameter of that
    name, parsed by that method's own parameter type.

    Raises:
        ParameterError: an unknown method, an assignment no chosen method has a
            parameter for, or a value one of them rejects.
    """
    chosen = [registry.get(name) for name in methods]
    values: dict[str, dict[str, Any]] = {method.name: {} for method in chosen}
    for name, text in split_assignments(assignments).items():
        holders = [method for method in chosen if name in method.params]
        if not holders:
            listed = ", ".join(method.name for method in chosen)
            raise ParameterError(f"--set {name}: none of the chosen methods ({listed}) has that parameter")
        for method in holders:
            try:
                values[method.name][name] = method.params[name].parse(text)
            except ParameterError as error:
                raise ParameterError(f"{method.name}: {error}") from None
    return [MethodRun(method.name, values[method.name]) for method in chosen]


def check_plan(problem: Problem, runs: Sequence[MethodRun]) -> dict[str, dict[str, Any]]:
    """Every run's full parameters (defaults filled), validated before anything runs.

    Each method is checked with :func:`registry.prepare` (values, task, weight files), so a
    comparison fails in well under a second, before its first method starts.

    Raises:
        ParameterError: no method, a repeated method, a bad value, a method that does not
            solve the problem's task, a method without the weights it needs, or a problem
            missing what its task needs.
        InputError: a weight file named in the values is missing.
    """
    if not runs:
        raise ParameterError("choose at least one method to compare")
    names = [run.method for run in runs]
    if len(set(names)) != len(names):
        raise ParameterError("each method can appear only once in a comparison")
    problem.require()
    return {run.method: registry.prepare(run.method, run.values, problem.task) for run in runs}
