"""What every degradation operator is and returns, and the catalogue of operators by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..image import Image
from ..params import ParamSpec
from ..problem import Problem, Task


@dataclass
class Degradation:
    """The result of degrading an image, and what is known of how it was done.

    Attributes:
        observed: float32 H×W×C pixels of the degraded image (values in [0, 1] unless the operator
            was asked not to clip); for down-sampling it is ``scale`` times smaller than the input.
        task: the inverse problem that undoes it.
        mask: H×W bool, True where the pixel is known (inpainting), else None.
        kernel: kh×kw float32 blur kernel summing to 1 (deblurring), else None.
        scale: the down-sampling factor (super-resolution), else 1.
        pattern: the Bayer layout of a mosaic (demosaicking), else None.
        params: the resolved parameter values that produced it.
        noise_sigma: std of the white Gaussian noise it added ([0, 1] scale; measured after any
            clipping), None when it added none or noise of another kind.
    """

    observed: np.ndarray
    task: Task
    mask: np.ndarray | None = None
    kernel: np.ndarray | None = None
    scale: int = 1
    pattern: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    noise_sigma: float | None = None

    def problem(self, observed: Image, reference: Image | None = None) -> Problem:
        """The restoration problem posed by ``observed`` (an Image holding :attr:`observed`).

        For super-resolution the reference is cropped (top-left) to ``scale`` times the observed
        size, since down-sampling drops the rows and columns that do not fill a whole block.
        """
        if reference is not None and self.scale > 1:
            height, width = observed.height * self.scale, observed.width * self.scale
            if reference.pixels.shape[:2] != (height, width):
                reference = reference.with_pixels(reference.pixels[:height, :width])
        return Problem(
            observed=observed,
            task=self.task,
            mask=self.mask,
            kernel=self.kernel,
            scale=self.scale,
            pattern=self.pattern,
            reference=reference,
            noise_sigma=self.noise_sigma,
        )


ApplyFunction = Callable[[np.ndarray, dict, np.random.Generator], Degradation]


@dataclass(frozen=True)
class Operator:
    """A degradation y = A(x) + noise with typed parameters.

    Attributes:
        name: identifier used by the CLI (``--op``) and the window.
        label: the name shown in the window.
        task: the inverse problem its output poses.
        params: its typed parameters.
        apply: ``apply(pixels, params, rng) -> Degradation``; pixels are float32 H×W×C in [0, 1],
            params are already validated, ``rng`` draws every random number it uses.
        summary: one sentence for tooltips and help.
    """

    name: str
    label: str
    task: Task
    params: ParamSpec
    apply: ApplyFunction
    summary: str = ""


_OPERATORS: dict[str, Operator] = {}


def register(operator: Operator) -> Operator:
    """Add an operator to the catalogue; a name already taken is a programming error."""
    if operator.name in _OPERATORS:
        raise ValueError(f"an operator named {operator.name!r} is already registered")
    _OPERATORS[operator.name] = operator
    return operator


def available() -> list[Operator]:
    """Every operator, in the order they were registered."""
    return list(_OPERATORS.values())


def get(name: str) -> Operator:
    """The operator called ``name``; an unknown name is a ParameterError listing the known ones."""
    if name not in _OPERATORS:
        raise ParameterError(f"unknown degradation {name!r} (known: {', '.join(_OPERATORS)})")
    return _OPERATORS[name]


def degrade(
    image: Image, name: str, values: dict[str, Any] | None = None, seed: int = 0
) -> tuple[Image, Degradation]:
    """Apply operator ``name`` with ``values`` (validated against its spec) to ``image``.

    Args:
        image: the clean image.
        name: an operator name from :func:`available`.
        values: parameter values; missing ones take their defaults.
        seed: seed of the ``np.random.Generator`` behind every random draw: the same seed,
            image and values give the same output.

    Returns:
        The observed image (bit depth, metadata and source kept from ``image``) and the
        :class:`Degradation`.

    Raises:
        ParameterError: unknown operator or parameter, or an invalid value.
    """
    operator = get(name)
    params = operator.params.resolve(values, owner=name)
    degradation = operator.apply(image.pixels, params, np.random.default_rng(seed))
    return image.with_pixels(degradation.observed), degradation
