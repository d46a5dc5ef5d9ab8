"""Degradation operators y = A(x) + noise, to make test inputs with a known ground truth.

Each operator (``gaussian_noise``, ``poisson_gaussian``, ``blur``, ``downsample``, ``mask``,
``jpeg``, ``mosaic``) declares a :class:`~workbench.core.params.ParamSpec` and draws its randomness from a
seeded ``np.random.Generator``; :func:`degrade` applies one to an Image. The linear ones also
exist as differentiable torch operators with exact adjoints in :mod:`.linear`.
"""

from . import blur, cfa, downsample, jpeg, mask, noise_models  # noqa: F401  (register the operators)
from .base import Degradation, Operator, available, degrade, get, register

__all__ = ["Degradation", "Operator", "available", "degrade", "get", "register"]
