"""Run settings of Deep Image Prior and the named presets per task.

"paper" follows the authors' notebooks (see shared/design/references.md); "light" is a
smaller hourglass that makes sense on a CPU and is the default there ("auto").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..errors import ParameterError
from ..problem import Task
from .choices import PRESETS
from .net import NetConfig


@dataclass(frozen=True)
class DipSettings:
    """Everything a Deep Image Prior run needs besides the problem itself.

    Attributes:
        net: the hourglass (its output channels are set from the image when the run starts).
        input_kind: "noise" (U(0, 0.1)) or "meshgrid".
        jitter: std of the N(0, jitter²) noise added to the input code at every step.
        learning_rate: Adam's step size.
        iterations: the cap on the number of steps.
        average_weight: the running average keeps this much of itself per step (0 = off).
        es_window: ES-WMV window W (outputs whose variance is tracked).
        es_patience: ES-WMV patience P (steps without a new variance minimum before it fires).
        loss: what each step minimises between A(x) and y (``workbench.core.losses.LOSSES``);
            the records' loss and the discrepancy rule stay the mean squared error.
    """

    net: NetConfig = field(default_factory=NetConfig)
    input_kind: str = "noise"
    jitter: float = 1 / 30
    learning_rate: float = 0.01
    iterations: int = 3000
    average_weight: float = 0.99
    es_window: int = 100
    es_patience: int = 1000
    loss: str = "l2"


_PAPER_NET = NetConfig()
_LIGHT_NET = NetConfig(
    channels_down=(32, 32, 64, 64),
    channels_up=(32, 32, 64, 64),
    channels_skip=(4, 4, 4, 4),
    input_channels=16,
)


def _paper(task: Task, scale: int) -> DipSettings:
    if task is Task.INPAINT:
        net = replace(_PAPER_NET, channels_skip=(128,) * 5, upsample="nearest")
        return DipSettings(net=net, jitter=0.03, iterations=5000)
    if task is Task.SUPER_RESOLVE:
        return DipSettings(jitter=0.05 if scale >= 8 else 0.03, iterations=4000 if scale >= 8 else 2000)
    if task is Task.JPEG:
        small = (8, 16, 32, 64, 128)
        net = replace(
            _PAPER_NET,
            channels_down=small,
            channels_up=small,
            channels_skip=(0, 0, 0, 4, 4),
            input_channels=3,
        )
        return DipSettings(net=net, iterations=2400)
    return DipSettings()


def _light(task: Task, scale: int) -> DipSettings:
    if task is Task.INPAINT:
        net = replace(_LIGHT_NET, channels_skip=(16, 16, 16, 16), upsample="nearest")
        return DipSettings(net=net, jitter=0.03, iterations=3000, es_patience=600)
    if task is Task.SUPER_RESOLVE:
        return DipSettings(net=_LIGHT_NET, jitter=0.03, iterations=1500, es_patience=500)
    if task is Task.JPEG:
        small = (8, 16, 32, 64)
        net = replace(_LIGHT_NET, channels_down=small, channels_up=small, channels_skip=(0, 0, 4, 4))
        return DipSettings(net=net, iterations=1500, es_patience=500)
    return DipSettings(net=_LIGHT_NET, iterations=1500, es_patience=500)


def resolve_preset(name: str, device_type: str) -> str:
    """'auto' -> 'paper' on a GPU, 'light' on a CPU; other names pass through (ParameterError if unknown)."""
    if name not in PRESETS:
        raise ParameterError(f"unknown DIP preset {name!r} (use one of {', '.join(PRESETS)})")
    if name == "auto":
        return "paper" if device_type == "cuda" else "light"
    return name


def preset_settings(name: str, task: Task, scale: int = 4, device_type: str = "cpu") -> DipSettings:
    """The settings of preset ``name`` for ``task`` (``scale`` matters for super-resolution)."""
    chosen = resolve_preset(name, device_type)
    return _paper(task, scale) if chosen == "paper" else _light(task, scale)
