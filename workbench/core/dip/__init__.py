"""Deep Image Prior: an untrained hourglass fitted to one degraded image, stopped early.

``build_net`` makes the hourglass, ``preset_settings`` the settings of a named preset for a
task, and :class:`DipStepper` runs it step by step (records, previews, pause, stop and
ES-WMV automatic stopping).
"""

from .early_stop import EsWmv, WindowVariance
from .net import NetConfig, build_net
from .presets import PRESETS, DipSettings, preset_settings, resolve_preset
from .stepper import PICKS, DipOutcome, DipStepper, StepRecord

__all__ = [
    "PICKS",
    "PRESETS",
    "DipOutcome",
    "DipSettings",
    "DipStepper",
    "EsWmv",
    "NetConfig",
    "StepRecord",
    "WindowVariance",
    "build_net",
    "preset_settings",
    "resolve_preset",
]
