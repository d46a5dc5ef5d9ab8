"""What a sweep covers: datasets x degradations x methods with parameter grids x seeds.

A :class:`SweepSpec` comes from the command line (:meth:`SweepSpec.from_options`) or from a
TOML study file (:meth:`SweepSpec.from_toml`); both check every method, value and operator
before anything runs. :mod:`.cells` expands it into one task per grid cell.

TOML study file (lists of parameter values are grids, single values are fixed)::

    datasets = ["../shared/datasets/bsd68"]
    sigma = [15, 25, 50]          # Gaussian noise, 8-bit units, not clipped
    seeds = [0]
    crop = 128                    # centre crops of at most 128x128 (0 = whole images)
    limit = 24                    # the first 24 images of each dataset (0 = all)
    baseline = "bm3d"

    [[degrade]]                   # any other degradation operator, with its parameters
    op = "blur"
    sigma = 1.6
    noise_sigma = 2

    [methods.bm3d]
    [methods.nlm]
    h_factor = [0.6, 0.85, 1.1]
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import operators, registry
from ..compare import BASELINES, parse_method_list
from ..errors import InputError, ParameterError
from ..params import split_assignments
from ..problem import Task

REAL = "real"
"""The degradation of a dataset of real noisy/clean pairs: the camera's own noise."""


@dataclass(frozen=True)
class DegradationSpec:
    """One degradation of the grid: an operator and its resolved parameter values.

    Attributes:
        name: an operator name (``workbench degrade --op``), or :data:`REAL` for real pairs.
        values: the operator's parameters, defaults filled (empty for real pairs).
        task: the inverse problem its output poses.
    """

    name: str
    values: dict[str, Any] = field(default_factory=dict)
    task: Task = Task.DENOISE

    @property
    def label(self) -> str:
        """A short name for tables: ``sigma 25`` for plain Gaussian noise, else the operator and
        the values that differ from its defaults."""
        if self.name == REAL:
            return REAL
        if self.name == "gaussian_noise" and set(self.values) == {"sigma", "clip"}:
            return f"sigma {self.values['sigma']:g}"
        spec = operators.get(self.name).params
        changed = {k: v for k, v in self.values.items() if spec[k].default != v}
        return f"{self.name} {spec.summary(changed)}".strip()

    @property
    def known_sigma(self) -> float | None:
        """The std (8-bit units) of the Gaussian noise it adds, given to methods with a ``sigma``
        parameter the grid leaves unset; None when it adds no Gaussian noise of a known level."""
        if self.name == "gaussian_noise":
            return float(self.values["sigma"])
        if "noise_sigma" in self.values and self.values["noise_sigma"] > 0:
            return float(self.values["noise_sigma"])
        return None

    @classmethod
    def gaussian(cls, sigma: float) -> DegradationSpec:
        """Gaussian noise of ``sigma`` (8-bit units), not clipped: the benchmark protocol."""
        return cls.of("gaussian_noise", {"sigma": sigma, "clip": False})

    @classmethod
    def of(cls, name: str, values: Mapping[str, Any] | None = None) -> DegradationSpec:
        """Operator ``name`` with ``values`` validated against its spec.

        Raises:
            ParameterError: unknown operator, parameter or value.
        """
        operator = operators.get(name)
        return cls(name, operator.params.resolve(values, owner=name), operator.task)


@dataclass(frozen=True)
class MethodGrid:
    """One method of the sweep: fixed values and, for the swept parameters, lists of values.

    Attributes:
        method: a registered method name.
        fixed: parameter values used in every cell.
        grid: parameter name -> the values it takes (the cells are their cartesian product).
    """

    method: str
    fixed: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list[Any]] = field(default_factory=dict)

    def combinations(self) -> list[dict[str, Any]]:
        """Every combination of the grid's values, each with the fixed values added, in grid order."""
        names = list(self.grid)
        return [
            self.fixed | dict(zip(names, values, strict=True))
            for values in itertools.product(*(self.grid[name] for name in names))
        ]


@dataclass(frozen=True)
class SweepSpec:
    """A whole study.

    Attributes:
        datasets: folders of clean images, or of real noisy/clean pairs (see :mod:`.datasets`).
        methods: each method with its fixed values and grid.
        degradations: what is done to the clean images of a folder of clean images (pairs
            datasets bring their own noise and ignore these).
        seeds: each cell is run once per seed (the noise, and a method's own ``seed``, if any).
        crop: centre crops of at most ``crop`` x ``crop`` pixels; 0 = whole images.
        limit: the first ``limit`` images of each dataset, in name order; 0 = all.
        baseline: the method the report measures gains against; None = BM3D or CBM3D when in the
            sweep.
        device: where torch methods run ("auto", "cpu", "cuda").
    """

    datasets: list[Path]
    methods: list[MethodGrid]
    degradations: list[DegradationSpec] = field(default_factory=list)
    seeds: list[int] = field(default_factory=lambda: [0])
    crop: int = 0
    limit: int = 0
    baseline: str | None = None
    device: str = "auto"

    def __post_init__(self) -> None:
        if not self.datasets:
            raise ParameterError("name at least one dataset folder")
        if not self.methods:
            raise ParameterError("name at least one method (-m)")
        if not self.seeds:
            raise ParameterError("--seeds: name at least one seed")
        if any(seed < 0 for seed in self.seeds):
            raise ParameterError("--seeds: seeds are 0 or more")
        if self.crop < 0 or self.limit < 0:
            raise ParameterError("crop and limit must be 0 or more")
        for folder in self.datasets:
            if not Path(folder).is_dir():
                raise InputError(f"{folder}: not a folder")
        names = [grid.method for grid in self.methods]
        if self.baseline is not None and self.baseline not in names:
            raise ParameterError(f"baseline {self.baseline!r} is not one of the sweep's methods")

    @property
    def baseline_method(self) -> str | None:
        """The explicit baseline, else the first of BM3D/CBM3D in the sweep, else None."""
        if self.baseline is not None:
            return self.baseline
        names = [grid.method for grid in self.methods]
        return next((name for name in BASELINES if name in names), None)

    @classmethod
    def from_options(
        cls,
        datasets: Sequence[Path],
        methods: str,
        sigmas: str = "",
        degrade: Iterable[str] = (),
        grid: Iterable[str] = (),
        assignments: Iterable[str] = (),
        seeds: str = "0",
        **extra: Any,
    ) -> SweepSpec:
        """The spec of the command line ``workbench sweep DIR... -m M1,M2 --sigma 15,25
        --degrade OP:k=v,k=v --grid NAME=V1,V2 --set NAME=V --seeds 0,1``.

        ``--grid`` and ``--set`` apply to every chosen method that has the parameter, parsed by
        that method's type; one that none has is an error. ``extra``: crop, limit, baseline, device.

        Raises:
            ParameterError: an unknown method, operator or parameter, or a bad value.
        """
        names = parse_method_list(methods)
        fixed = split_assignments(assignments)
        swept = {name: _split_list(text, f"--grid {name}") for name, text in split_assignments(grid).items()}
        grids = _spread(names, fixed, swept)
        degradations = [DegradationSpec.gaussian(s) for s in _numbers(sigmas, "--sigma")]
        degradations += [_parse_degrade(text) for text in degrade]
        seed_list = [int(value) for value in _numbers(seeds, "--seeds", integer=True)]
        return cls(list(datasets), grids, degradations, seed_list, **extra)

    @classmethod
    def from_toml(cls, path: Path) -> SweepSpec:
        """The spec of a TOML study file (see the module docstring); relative dataset paths are
        read from the file's folder.

        Raises:
            InputError: the file is missing or not TOML.
            ParameterError: an unknown key, method, operator or parameter, or a bad value.
        """
        try:
            study = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise InputError(f"{path}: cannot read it ({error.strerror or error})") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: not a TOML file ({error})") from None
        known = {"datasets", "sigma", "degrade", "methods", "seeds", "crop", "limit", "baseline", "device"}
        unknown = sorted(set(study) - known)
        if unknown:
            raise ParameterError(
                f"{path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        base = Path(path).parent
        datasets = [base / Path(folder) for folder in _as_list(study.get("datasets", []))]
        degradations = [DegradationSpec.gaussian(float(s)) for s in _as_list(study.get("sigma", []))]
        for table in _as_list(study.get("degrade", [])):
            values = dict(table)
            name = values.pop("op", None)
            if not name:
                raise ParameterError(f'{path}: each [[degrade]] needs an op = "NAME"')
            degradations.append(DegradationSpec.of(name, values))
        methods = study.get("methods", {})
        if not isinstance(methods, dict):
            raise ParameterError(f"{path}: methods must be tables, [methods.NAME]")
        grids = [_method_grid(name, values or {}) for name, values in methods.items()]
        seeds = [int(seed) for seed in _as_list(study.get("seeds", [0]))]
        extra = {key: study[key] for key in ("crop", "limit", "baseline", "device") if key in study}
        return cls(datasets, grids, degradations, seeds, **extra)


def _method_grid(name: str, values: Mapping[str, Any]) -> MethodGrid:
    """A TOML ``[methods.NAME]`` table: lists are grids, scalars fixed, each validated."""
    spec = registry.get(name).params
    fixed, grid = {}, {}
    for key, value in values.items():
        if key not in spec:
            spec.resolve({key: value}, owner=name)
        if isinstance(value, list):
            if not value:
                raise ParameterError(f"{name}: the grid of {key} is empty")
            grid[key] = [spec[key].validate(item) for item in value]
        else:
            fixed[key] = spec[key].validate(value)
    return MethodGrid(name, fixed, grid)


def _spread(names: list[str], fixed: dict[str, str], swept: dict[str, list[str]]) -> list[MethodGrid]:
    """Give each method the ``--set`` and ``--grid`` values of the parameters it has."""
    methods = [registry.get(name) for name in names]
    both = sorted(set(fixed) & set(swept))
    if both:
        raise ParameterError(f"{', '.join(both)}: given with both --set and --grid (use one)")
    for option, given in (("--set", fixed), ("--grid", swept)):
        for param in given:
            if not any(param in method.params for method in methods):
                listed = ", ".join(names)
                raise ParameterError(
                    f"{option} {param}: none of the chosen methods ({listed}) has that parameter"
                )
    grids = []
    for method in methods:
        try:
            own_fixed = {k: method.params[k].parse(v) for k, v in fixed.items() if k in method.params}
            own_grid = {
                k: [method.params[k].parse(v) for v in values]
                for k, values in swept.items()
                if k in method.params
            }
        except ParameterError as error:
            raise ParameterError(f"{method.name}: {error}") from None
        grids.append(MethodGrid(method.name, own_fixed, own_grid))
    return grids


def _parse_degrade(text: str) -> DegradationSpec:
    """``OP`` or ``OP:k=v,k=v`` (``--degrade blur:sigma=1.6,noise_sigma=2``)."""
    name, _, rest = text.partition(":")
    operator = operators.get(name.strip())
    pairs = split_assignments(item for item in rest.split(",") if item.strip())
    values = operator.params.parse_assignments([f"{k}={v}" for k, v in pairs.items()], owner=operator.name)
    return DegradationSpec.of(operator.name, values)


def _split_list(text: str, option: str) -> list[str]:
    values = [item.strip() for item in text.split(",") if item.strip()]
    if not values:
        raise ParameterError(f"{option}: give at least one value (V1,V2,...)")
    return values


def _numbers(text: str, option: str, integer: bool = False) -> list[float]:
    if not text.strip():
        return []
    numbers = []
    for item in _split_list(text, option):
        try:
            number = float(item)
        except ValueError:
            raise ParameterError(f"{option}: {item!r} is not a number") from None
        if integer and number != int(number):
            raise ParameterError(f"{option}: {item!r} is not an integer")
        numbers.append(number)
    return numbers


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
