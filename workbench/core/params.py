"""Typed parameter specs: one description drives validation, the CLI and the window's panels.

A method or operator declares a :class:`ParamSpec`; the CLI turns ``--set k=v``
strings into values with :meth:`ParamSpec.parse_assignments`, the window builds a
widget per :class:`Param` from its kind, range, step and unit, and both hand the
values to :meth:`ParamSpec.resolve`, which fills defaults and rejects anything
unknown or out of range with a :class:`ParameterError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, ClassVar

from .errors import ParameterError

AUTO = "auto"
"""The value of a float parameter with ``allow_auto`` that asks the method to estimate it."""


@dataclass(frozen=True)
class Param:
    """One named parameter with a default and a help text."""

    name: str
    default: Any
    help: str = ""
    label: str = ""
    kind: ClassVar[str] = "param"

    @property
    def title(self) -> str:
        """Label for a form: the explicit label or the name in words."""
        return self.label or self.name.replace("_", " ").capitalize()

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError."""
        return value

    def parse(self, text: str) -> Any:
        """Parse a command-line string and validate it."""
        return self.validate(text)

    def show(self, value: Any) -> str:
        """``value`` in a few characters, for a history line (floats to 4 significant digits)."""
        return show_value(value)

    def describe(self) -> dict:
        """A JSON-friendly description (for ``workbench methods --json``)."""
        return {"name": self.name, "kind": self.kind, "default": self.default, "help": self.help}

    def _fail(self, value: Any, reason: str) -> ParameterError:
        return ParameterError(f"parameter '{self.name}'={value!r}: {reason}")


@dataclass(frozen=True)
class FloatParam(Param):
    """A real number in [minimum, maximum]; ``allow_auto`` also admits the string "auto".

    ``tunable`` marks a parameter that auto-tuning may choose (see ``workbench.core.quality.tune``).
    """

    minimum: float = 0.0
    maximum: float = 1.0
    step: float = 0.1
    unit: str = ""
    allow_auto: bool = False
    tunable: bool = False
    kind: ClassVar[str] = "float"

    def validate(self, value: Any) -> float | str:
        if self.allow_auto and isinstance(value, str) and value.strip().lower() == AUTO:
            return AUTO
        if isinstance(value, bool):
            raise self._fail(value, "expected a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            hint = " or 'auto'" if self.allow_auto else ""
            raise self._fail(value, f"expected a number{hint}") from None
        if not math.isfinite(number) or not self.minimum <= number <= self.maximum:
            unit = f" {self.unit}" if self.unit else ""
            raise self._fail(value, f"must be between {self.minimum:g} and {self.maximum:g}{unit}")
        return number

    def describe(self) -> dict:
        return super().describe() | {
            "min": self.minimum,
            "max": self.maximum,
            "step": self.step,
            "unit": self.unit,
            "auto": self.allow_auto,
            "tunable": self.tunable,
        }


@dataclass(frozen=True)
class IntParam(Param):
    """An integer in [minimum, maximum]; ``tunable`` as for :class:`FloatParam`.

    ``special`` names what the minimum stands for when it is a sentinel rather than a count
    (``"auto"`` for "0 = the task's"): panels show the word in place of the number, history
    lines and the CLI's listing print it, and the word itself is accepted as the minimum.
    """

    minimum: int = 0
    maximum: int = 100
    step: int = 1
    unit: str = ""
    tunable: bool = False
    special: str = ""
    kind: ClassVar[str] = "int"

    def validate(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self._fail(value, "expected an integer")
        if self.special and isinstance(value, str) and value.strip().lower() == self.special.lower():
            return self.minimum
        try:
            number = float(value)
        except (TypeError, ValueError):
            hint = f" or '{self.special}'" if self.special else ""
            raise self._fail(value, f"expected an integer{hint}") from None
        if not math.isfinite(number) or number != int(number):
            raise self._fail(value, "expected an integer")
        if not self.minimum <= number <= self.maximum:
            unit = f" {self.unit}" if self.unit else ""
            raise self._fail(value, f"must be between {self.minimum} and {self.maximum}{unit}")
        return int(number)

    def show(self, value: Any) -> str:
        """The special word for the minimum when the spec names one, else the number."""
        return self.special if self.special and value == self.minimum else show_value(value)

    def describe(self) -> dict:
        return super().describe() | {
            "min": self.minimum,
            "max": self.maximum,
            "step": self.step,
            "unit": self.unit,
            "tunable": self.tunable,
            "special": self.special,
        }


@dataclass(frozen=True)
class SeedParam(IntParam):
    """A random seed: a non-negative 32-bit integer."""

    maximum: int = 2**31 - 1
    kind: ClassVar[str] = "seed"


@dataclass(frozen=True)
class ChoiceParam(Param):
    """One of a fixed tuple of strings."""

    choices: tuple[str, ...] = ()
    kind: ClassVar[str] = "choice"

    def validate(self, value: Any) -> str:
        text = str(value)
        if text not in self.choices:
            raise self._fail(value, f"must be one of {', '.join(self.choices)}")
        return text

    def describe(self) -> dict:
        return super().describe() | {"choices": list(self.choices)}


@dataclass(frozen=True)
class BoolParam(Param):
    """True or False; the CLI accepts true/false, yes/no, on/off, 1/0."""

    kind: ClassVar[str] = "bool"

    def validate(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise self._fail(value, "expected true or false")


@dataclass(frozen=True)
class PathParam(Param):
    """A file path; the window shows a file chooser. ``empty`` says what no path means."""

    file_filter: str = ""
    empty: str = "none"
    kind: ClassVar[str] = "path"

    def validate(self, value: Any) -> str:
        return "" if value is None else str(value)

    def show(self, value: Any) -> str:
        """The file's name, or ``empty`` when there is no path."""
        return PurePath(value).name if value else self.empty


class ParamSpec:
    """An ordered set of parameters with unique names."""

    def __init__(self, params: Iterable[Param] = ()) -> None:
        self._params: dict[str, Param] = {}
        for param in params:
            if param.name in self._params:
                raise ValueError(f"duplicate parameter name {param.name!r}")
            param.validate(param.default)
            self._params[param.name] = param

    def __iter__(self) -> Iterator[Param]:
        return iter(self._params.values())

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, name: object) -> bool:
        return name in self._params

    def __getitem__(self, name: str) -> Param:
        return self._params[name]

    @property
    def names(self) -> list[str]:
        return list(self._params)

    @property
    def tunable(self) -> list[str]:
        """Names of the parameters auto-tuning may choose, in spec order."""
        return [name for name, param in self._params.items() if getattr(param, "tunable", False)]

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default value."""
        return {name: param.default for name, param in self._params.items()}

    def resolve(self, values: Mapping[str, Any] | None = None, owner: str = "") -> dict[str, Any]:
        """Defaults overridden by ``values``, each validated.

        Raises:
            ParameterError: a name the spec does not have, or an invalid value.
        """
        resolved = self.defaults()
        for name, value in (values or {}).items():
            if name not in self._params:
                where = f" for {owner}" if owner else ""
                known = ", ".join(self._params) or "none"
                raise ParameterError(f"unknown parameter '{name}'{where} (known: {known})")
            resolved[name] = self._params[name].validate(value)
        return resolved

    def parse_assignments(self, assignments: Iterable[str], owner: str = "") -> dict[str, Any]:
        """Parse ``k=v`` strings (from ``--set``) into validated values."""
        values = {}
        for name, text in split_assignments(assignments).items():
            if name not in self._params:
                self.resolve({name: text}, owner)
            values[name] = self._params[name].parse(text)
        return values

    def describe(self) -> list[dict]:
        return [param.describe() for param in self]

    def summary(self, values: Mapping[str, Any]) -> str:
        """``name=value, ...`` for ``values``, each shown by its parameter (names the spec does
        not have are shown plainly); empty for no values."""
        return ", ".join(
            f"{name}={self._params[name].show(value) if name in self._params else show_value(value)}"
            for name, value in values.items()
        )


def show_value(value: Any) -> str:
    """A float to 4 significant digits, anything else as ``str``."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def split_assignments(assignments: Iterable[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` -> ``{"a": "1", "b": "x"}``; a string without '=' is an error."""
    pairs = {}
    for item in assignments:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"expected NAME=VALUE, got {item!r}")
        pairs[name.strip()] = text.strip()
    return pairs
