"""Parameter panels generated from a :class:`ParamSpec`: one editor widget per parameter kind.

FloatParam/IntParam -> slider + spin box (with unit, tooltip, an "auto" box
for ``allow_auto`` and the ``special`` word in place of an integer's minimum),
ChoiceParam -> combo box, BoolParam -> check box, PathParam -> line edit + Browse,
SeedParam -> spin box. Nothing here knows any
particular method: the spec is the whole description.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from workbench.core.params import (
    AUTO,
    BoolParam,
    ChoiceParam,
    FloatParam,
    IntParam,
    Param,
    ParamSpec,
    PathParam,
    SeedParam,
)

SLIDER_STEPS = 1000
MAX_SLIDER_SPAN = 10_000
"""Integer ranges wider than this get a spin box only (a slider would skip most values)."""


def decimals_for(*numbers: float) -> int:
    """How many decimals a spin box needs to show every one of ``numbers`` exactly (at most 6)."""
    needed = 0
    for number in numbers:
        text = f"{float(number):.6f}".rstrip("0")
        needed = max(needed, len(text.partition(".")[2]))
    return min(needed, 6)


def tooltip_for(param: Param) -> str:
    """The help text plus the allowed range and default, for a widget's tooltip."""
    lines = [param.help] if param.help else []
    if isinstance(param, (FloatParam, IntParam)) and not isinstance(param, SeedParam):
        unit = f" {param.unit}" if param.unit else ""
        lines.append(f"range {param.minimum:g} to {param.maximum:g}{unit}")
    if isinstance(param, IntParam) and param.special:
        lines.append(f"{param.minimum} shows as '{param.special}'")
    if isinstance(param, ChoiceParam):
        lines.append("one of " + ", ".join(param.choices))
    lines.append(f"default: {param.show(param.default)}")
    return "\n".join(lines)


class ParamEditor(QWidget):
    """Base of the editors: ``value()``, ``set_value()`` and a ``changed`` signal."""

    changed = Signal()

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.param = param
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.setToolTip(tooltip_for(param))

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class FloatEditor(ParamEditor):
    """A slider over [minimum, maximum] tied to a spin box; an "auto" box when the spec allows it."""

    def __init__(self, param: FloatParam, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        numeric_default = param.default if isinstance(param.default, (int, float)) else param.minimum
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(decimals_for(param.step, param.minimum, param.maximum, numeric_default))
        self.spin.setRange(param.minimum, param.maximum)
        self.spin.setSingleStep(param.step)
        if param.unit:
            self.spin.setSuffix(f" {param.unit}")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.auto = QCheckBox("auto") if param.allow_auto else None
        self._manual = float(numeric_default)
        self.row.addWidget(self.slider, 1)
        self.row.addWidget(self.spin)
        if self.auto is not None:
            self.auto.setToolTip("let the method estimate this value")
            self.row.addWidget(self.auto)
            self.auto.toggled.connect(self._auto_toggled)
        self.slider.valueChanged.connect(self._slider_moved)
        self.spin.valueChanged.connect(self._spin_changed)
        self.set_value(param.default)

    def _to_slider(self, number: float) -> int:
        span = self.param.maximum - self.param.minimum
        return round((number - self.param.minimum) / span * SLIDER_STEPS) if span > 0 else 0

    def _slider_moved(self, position: int) -> None:
        number = self.param.minimum + (self.param.maximum - self.param.minimum) * position / SLIDER_STEPS
        self.spin.setValue(number)

    def _spin_changed(self, number: float) -> None:
        self._sync_slider(number)
        self.changed.emit()

    def _sync_slider(self, number: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self._to_slider(number))
        self.slider.blockSignals(False)

    def _auto_toggled(self, checked: bool) -> None:
        """Under auto the disabled spin box reads "auto" instead of a number that is not used; the
        number typed before comes back when auto is cleared."""
        if checked != bool(self.spin.specialValueText()):
            self.spin.blockSignals(True)
            if checked:
                self._manual = self.spin.value()
                self.spin.setSpecialValueText(AUTO)
                self.spin.setValue(self.param.minimum)
            else:
                self.spin.setSpecialValueText("")
                self.spin.setValue(self._manual)
            self.spin.blockSignals(False)
            self._sync_slider(self.spin.value())
        self.spin.setEnabled(not checked)
        self.slider.setEnabled(not checked)
        self.changed.emit()

    def value(self) -> float | str:
        if self.auto is not None and self.auto.isChecked():
            return AUTO
        return float(self.spin.value())

    def set_value(self, value: Any) -> None:
        is_auto = isinstance(value, str) and value.strip().lower() == AUTO
        if self.auto is not None:
            self.auto.setChecked(is_auto)
            self._auto_toggled(is_auto)
        if not is_auto:
            # A value finer than the step (an auto-tuned one) gets the decimals to show it exactly.
            self.spin.setDecimals(max(self.spin.decimals(), decimals_for(float(value))))
            self.spin.setValue(float(value))
            self._spin_changed(self.spin.value())


class IntEditor(ParamEditor):
    """A spin box, with a slider when the range is narrow enough to be useful."""

    def __init__(self, param: IntParam, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.spin = QSpinBox()
        self.spin.setRange(int(param.minimum), int(min(param.maximum, 2**31 - 1)))
        self.spin.setSingleStep(max(1, int(param.step)))
        if param.unit:
            self.spin.setSuffix(f" {param.unit}")
        if param.special:
            self.spin.setSpecialValueText(param.special)
        self.slider = None
        if param.maximum - param.minimum <= MAX_SLIDER_SPAN and not isinstance(param, SeedParam):
            self.slider = QSlider(Qt.Orientation.Horizontal)
            self.slider.setRange(int(param.minimum), int(param.maximum))
            self.slider.setSingleStep(max(1, int(param.step)))
            self.row.addWidget(self.slider, 1)
            self.slider.valueChanged.connect(self.spin.setValue)
        else:
            self.row.addStretch(1)
        self.row.addWidget(self.spin)
        self.spin.valueChanged.connect(self._spin_changed)
        self.set_value(param.default)

    def _spin_changed(self, number: int) -> None:
        if self.slider is not None:
            self.slider.blockSignals(True)
            self.slider.setValue(number)
            self.slider.blockSignals(False)
        self.changed.emit()

    def value(self) -> int:
        return int(self.spin.value())

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))
        self._spin_changed(self.spin.value())


class ChoiceEditor(ParamEditor):
    def __init__(self, param: ChoiceParam, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.combo = QComboBox()
        self.combo.addItems(list(param.choices))
        self.row.addWidget(self.combo, 1)
        self.combo.currentTextChanged.connect(lambda _text: self.changed.emit())
        self.set_value(param.default)

    def value(self) -> str:
        return self.combo.currentText()

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentText(str(value))


class BoolEditor(ParamEditor):
    def __init__(self, param: BoolParam, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.check = QCheckBox()
        self.row.addWidget(self.check, 1)
        self.check.toggled.connect(lambda _checked: self.changed.emit())
        self.set_value(param.default)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.setChecked(bool(self.param.validate(value)))


class PathEditor(ParamEditor):
    """A path typed in or chosen with a file dialog (empty for none)."""

    def __init__(self, param: PathParam, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText(param.empty)
        self.browse = QPushButton("Browse…")
        self.row.addWidget(self.line, 1)
        self.row.addWidget(self.browse)
        self.line.textChanged.connect(lambda _text: self.changed.emit())
        self.browse.clicked.connect(self._choose)
        self.set_value(param.default)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.param.title, self.line.text(), self.param.file_filter
        )
        if path:
            self.line.setText(path)

    def value(self) -> str:
        return self.line.text().strip()

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))


class TextEditor(ParamEditor):
    """Fallback for a parameter kind this panel does not know: the value as text."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.line = QLineEdit()
        self.row.addWidget(self.line, 1)
        self.line.textChanged.connect(lambda _text: self.changed.emit())
        self.set_value(param.default)

    def value(self) -> str:
        return self.line.text()

    def set_value(self, value: Any) -> None:
        self.line.setText(str(value))


def editor_for(param: Param) -> ParamEditor:
    """The editor widget for ``param``'s kind (SeedParam is checked before its base IntParam)."""
    for kind, editor in (
        (SeedParam, IntEditor),
        (FloatParam, FloatEditor),
        (IntParam, IntEditor),
        (ChoiceParam, ChoiceEditor),
        (BoolParam, BoolEditor),
        (PathParam, PathEditor),
    ):
        if isinstance(param, kind):
            return editor(param)
    return TextEditor(param)


class ParamPanel(QWidget):
    """A form with one labelled editor per parameter of ``spec``.

    Signals:
        changed(): any value changed.
    """

    changed = Signal()

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.editors: dict[str, ParamEditor] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for param in spec:
            editor = editor_for(param)
            label = QLabel(param.title)
            label.setToolTip(editor.toolTip())
            form.addRow(label, editor)
            editor.changed.connect(self.changed)
            self.editors[param.name] = editor
        if not len(spec):
            form.addRow(QLabel("This method has no parameters."))

    def values(self) -> dict[str, Any]:
        """The current value of every parameter, by name."""
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        """Set the named values; names the spec does not have are ignored (an old preset)."""
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_value(value)

    def reset(self) -> None:
        """Every parameter back to its default."""
        self.set_values(self.spec.defaults())
