"""The degrade panel: pick a core operator, set its parameters and a seed, and make a test input.

The panel only asks; the Restore page applies the operator to the session's clean image and
keeps that image as the reference, so every result can be scored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import ParameterError
from workbench.core.session import Session

from ...widgets.fitted_stack import FittedStack
from ...widgets.param_panel import ParamPanel


def degrade_input(session: Session, name: str, values: dict[str, Any], seed: int) -> None:
    """Apply core operator ``name`` with ``values`` and ``seed`` to the session's clean image and
    make the result its input, with the clean image as the reference and the operator's label
    and settings as its caption (e.g. "Gaussian noise (sigma=25, clip=True), 512×512").

    Raises:
        WorkbenchError: no image is open, or the operator refuses these values or this image.
    """
    from workbench.core import operators

    clean = session.clean
    if clean is None:
        raise ParameterError("open an image before degrading it")
    observed, degradation = operators.degrade(clean, name, values, seed=seed)
    problem = degradation.problem(observed, clean)
    settings = ", ".join(
        f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}"
        for key, value in degradation.params.items()
    )
    label = operators.get(name).label + (f" ({settings})" if settings else "")
    session.set_input(observed, clean, problem, f"{label}, {observed.width}×{observed.height}")


def core_operators() -> list:
    """The degradation operators the core offers (empty if the operators package has none)."""
    from workbench.core import operators

    available = getattr(operators, "available", None)
    return list(available()) if available is not None else []


class DegradePanel(QWidget):
    """Operator box + generated parameters + seed + Apply / Use clean image.

    Signals:
        degrade_requested(str, dict, int): operator name, parameter values, seed.
        clean_requested(): go back to the clean image as the input.
    """

    degrade_requested = Signal(str, dict, int)
    clean_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operators = core_operators()
        self.operator_box = QComboBox()
        self.panels: dict[str, ParamPanel] = {}
        self.stack = FittedStack()
        for operator in self.operators:
            self.operator_box.addItem(operator.label, operator.name)
            self.operator_box.setItemData(
                self.operator_box.count() - 1, operator.summary or operator.label, Qt.ItemDataRole.ToolTipRole
            )
            panel = ParamPanel(operator.params)
            self.panels[operator.name] = panel
            self.stack.addWidget(panel)
        self.operator_box.currentIndexChanged.connect(self.stack.setCurrentIndex)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("Random seed of the noise or mask: the same seed gives the same input")
        self.apply_button = QPushButton("Degrade")
        self.apply_button.setToolTip(
            "Apply the degradation to the clean image; the clean image becomes the reference"
        )
        self.apply_button.clicked.connect(self._request)
        self.clean_button = QPushButton("Use clean image")
        self.clean_button.setToolTip("Go back to the clean image as the input")
        self.clean_button.clicked.connect(self.clean_requested)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        form = QFormLayout()
        form.addRow("Degradation", self.operator_box)
        layout.addLayout(form)
        layout.addWidget(self.stack)
        seed_form = QFormLayout()
        seed_form.addRow("Seed", self.seed)
        layout.addLayout(seed_form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.clean_button)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        if not self.operators:
            self.apply_button.setEnabled(False)
            self.status.setText("No degradation operators are available in this installation.")

    def current_operator(self) -> str | None:
        return self.operator_box.currentData()

    def choose(self, name: str) -> None:
        self.operator_box.setCurrentIndex(self.operator_box.findData(name))

    def values(self) -> dict[str, Any]:
        name = self.current_operator()
        return self.panels[name].values() if name in self.panels else {}

    def set_values(self, values: dict[str, Any]) -> None:
        name = self.current_operator()
        if name in self.panels:
            self.panels[name].set_values(values)

    def show_state(self, text: str) -> None:
        self.status.setText(text)

    def _request(self) -> None:
        name = self.current_operator()
        if name:
            self.degrade_requested.emit(name, self.values(), int(self.seed.value()))
