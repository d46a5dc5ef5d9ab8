"""Spin boxes for hand-built page forms (the DIP and training pages); method parameters get theirs
from ``param_panel`` instead."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


def int_spin(minimum: int, maximum: int, value: int, tip: str, step: int = 1) -> QSpinBox:
    """An integer spin box over [minimum, maximum] showing ``value``, with ``tip`` as its tooltip."""
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    spin.setSingleStep(step)
    spin.setToolTip(tip)
    return spin


def float_spin(
    minimum: float, maximum: float, value: float, step: float, tip: str, decimals: int = 1
) -> QDoubleSpinBox:
    """A decimal spin box over [minimum, maximum] with ``decimals`` digits, showing ``value``."""
    spin = QDoubleSpinBox()
    spin.setDecimals(decimals)
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    spin.setSingleStep(step)
    spin.setToolTip(tip)
    return spin
