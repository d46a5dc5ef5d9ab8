"""Deep Image Prior: an untrained hourglass fitted to one degraded image, stopped early.

``build_net`` makes the hourglass, ``preset_settings`` the settings of a named preset for a
task, and :class:`DipStepper` runs it step by step (records, previews, pause, stop, and
automatic stopping by ES-WMV or, when the noise level is known, the discrepancy principle).
``dip_stepper`` is the one way the method, the CLI and the window build a stepper from a problem,
a preset name and a :class:`DipRequest`.

The names load on first use (PEP 562), so that importing ``workbench.core.dip.choices`` (as the
method registry does) does not import torch.
"""

from __future__ import annotations

from workbench.core.lazy import lazy_getattr

_HOMES = {
    "Discrepancy": "early_stop",
    "EsWmv": "early_stop",
    "WindowVariance": "early_stop",
    "NetConfig": "net",
    "build_net": "net",
    "DipSettings": "presets",
    "preset_settings": "presets",
    "resolve_preset": "presets",
    "DipOutcome": "records",
    "StepRecord": "records",
    "DipRequest": "request",
    "dip_stepper": "request",
    "DipStepper": "stepper",
    "PICKS": "choices",
    "PRESETS": "choices",
}

__all__ = sorted(_HOMES)

__getattr__ = lazy_getattr(__name__, _HOMES)
