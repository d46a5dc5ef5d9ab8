"""Spin boxes and button grids for hand-built page forms (the DIP and training pages); method
parameters get their widgets from ``param_panel`` instead."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QPushButton, QSpinBox


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


def push_button(text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    """A button labelled ``text`` that calls ``slot`` when clicked, with ``tip`` as its tooltip."""
    button = QPushButton(text)
    button.clicked.connect(lambda _checked=False: slot())
    if tip:
        button.setToolTip(tip)
    return button


def button_grid(buttons: Sequence[QPushButton], columns: int = 2) -> QGridLayout:
    """``buttons`` in reading order, ``columns`` to a row; a last button alone on its row spans it."""
    grid = QGridLayout()
    for index, button in enumerate(buttons):
        row, column = divmod(index, columns)
        alone = index == len(buttons) - 1 and column == 0
        grid.addWidget(button, row, column, 1, columns if alone else 1)
    return grid
