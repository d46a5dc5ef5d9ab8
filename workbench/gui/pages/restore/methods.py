"""Choosing a method (grouped by task and family, with search) and editing its parameters and presets."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core import registry
from workbench.core.errors import WorkbenchError
from workbench.core.methods.defaults import default_method
from workbench.core.problem import Task
from workbench.core.registry import Method

from ...widgets.param_panel import ParamPanel

FAMILY_TITLES = {
    "classical": "Classical filters",
    "bm3d": "BM3D",
    "learned": "Learned (CNN)",
    "dip": "Deep Image Prior",
    "noise_adaptive": "Noise-adaptive (VST)",
    "pnp": "Plug-and-play (denoiser prior)",
}
NAME_ROLE = Qt.ItemDataRole.UserRole
FALLBACK_METHOD = "ffdnet"
"""Offered instead of a default method that cannot run here (its weights are missing)."""


def family_title(family: str) -> str:
    """How a method family is headed in the selector."""
    return FAMILY_TITLES.get(family, family.replace("_", " ").capitalize())


def matches(method: Method, text: str) -> bool:
    """True when every word of ``text`` occurs in the method's name, label, family or summary."""
    haystack = " ".join((method.name, method.label, method.family, method.summary)).lower()
    return all(word in haystack for word in text.lower().split())


class MethodSelector(QWidget):
    """A task box, a search field and a tree of the methods for that task, grouped by family.

    Signals:
        method_chosen(str): the name of the newly selected method.
        task_chosen(object): the Task picked in the task box.
    """

    method_chosen = Signal(str)
    task_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task_box = QComboBox()
        for task in Task:
            self.task_box.addItem(task.title, task.value)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search methods…")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Task"))
        row.addWidget(self.task_box, 1)
        layout.addLayout(row)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self._current: str | None = None
        self.user_chose = False
        """True once the user has picked a method (click or keys): defaults are no longer preselected."""
        self._selecting = False
        self.tree.itemPressed.connect(self._picked_by_user)
        self.task_box.currentIndexChanged.connect(self._task_changed)
        self.search.textChanged.connect(lambda _text: self._populate())
        self.tree.currentItemChanged.connect(self._item_changed)
        self._populate()

    @property
    def task(self) -> Task:
        return Task(self.task_box.currentData())

    def set_task(self, task: Task) -> None:
        self.task_box.setCurrentIndex(self.task_box.findData(Task(task).value))

    def current_method(self) -> str | None:
        return self._current

    def visible_methods(self) -> list[str]:
        """Names of the methods listed now (after the task and search filters)."""
        names = []
        for top in range(self.tree.topLevelItemCount()):
            family = self.tree.topLevelItem(top)
            names.extend(family.child(row).data(0, NAME_ROLE) for row in range(family.childCount()))
        return names

    def select(self, name: str, chosen: bool = True) -> bool:
        """Select the method called ``name`` if it is listed; True on success. ``chosen`` marks it
        as the user's choice (defaults are then no longer preselected); the list's own
        reselection and :meth:`preselect` pass False."""
        for top in range(self.tree.topLevelItemCount()):
            family = self.tree.topLevelItem(top)
            for row in range(family.childCount()):
                if family.child(row).data(0, NAME_ROLE) == name:
                    self._selecting = True
                    try:
                        self.tree.setCurrentItem(family.child(row))
                    finally:
                        self._selecting = False
                    self.user_chose = self.user_chose or chosen
                    return True
        return False

    def refresh(self) -> None:
        """List the registry again (methods registered since are added), keeping the selection."""
        self._populate()

    def _task_changed(self) -> None:
        self._populate()
        self.task_chosen.emit(self.task)

    def _populate(self) -> None:
        wanted = self._current
        self.tree.blockSignals(True)
        self.tree.clear()
        text = self.search.text()
        families: dict[str, QTreeWidgetItem] = {}
        for method in registry.available():
            if self.task not in method.tasks or not matches(method, text):
                continue
            if method.family not in families:
                families[method.family] = QTreeWidgetItem(self.tree, [family_title(method.family)])
                families[method.family].setFlags(Qt.ItemFlag.ItemIsEnabled)
            missing = method_unavailable(method.name)
            item = QTreeWidgetItem(
                families[method.family], [method.label + (" (no weights)" if missing else "")]
            )
            item.setData(0, NAME_ROLE, method.name)
            item.setToolTip(
                0, (method.summary or method.label) + (f"\nNot available: {missing}" if missing else "")
            )
            if missing:
                item.setForeground(
                    0, self.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
                )
        if not families:
            reason = (
                f"No method matches '{text}'" if text else f"No {self.task.title.lower()} method is installed"
            )
            placeholder = QTreeWidgetItem(self.tree, [reason])
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        visible = self.visible_methods()
        if wanted in visible:
            self.select(wanted, chosen=False)
        elif visible and not text:
            self.select(visible[0], chosen=False)

    def preselect(self, name: str) -> bool:
        """Select ``name`` as the offered default, unless the user has chosen a method this session."""
        return not self.user_chose and self.select(name, chosen=False)

    def _picked_by_user(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, NAME_ROLE):
            self.user_chose = True

    def _item_changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        name = item.data(0, NAME_ROLE) if item is not None else None
        if not self._selecting and self.tree.hasFocus():
            self.user_chose = True
        if name and name != self._current:
            self._current = name
            self.method_chosen.emit(name)


def offered_method(task: Task, channels: int) -> tuple[str | None, str]:
    """The method to offer for ``task`` on an image of ``channels`` (colour_cnn for colour,
    ffdnet for gray) and a note for the status bar: a default whose weights are not here gives
    way to FFDNet, and the note says so (else it is empty). (None, "") when the task has none."""
    name = default_method(task, channels)
    if name is None or not method_unavailable(name):
        return name, ""
    if name == FALLBACK_METHOD or method_unavailable(FALLBACK_METHOD):
        return name, ""
    note = (
        f"{registry.get(name).label} is not available here (no weights); "
        f"{registry.get(FALLBACK_METHOD).label} is selected instead."
    )
    return FALLBACK_METHOD, note


def method_unavailable(name: str) -> str:
    """Why method ``name`` cannot run with its default parameters (a missing weight file), or ""."""
    method = registry.get(name)
    if method.check is None:
        return ""
    try:
        method.check(method.params.resolve({}, owner=method.label))
    except WorkbenchError as error:
        return str(error)
    return ""


class PresetStore:
    """Named parameter sets per method, kept in QSettings under ``presets/<method>/<name>`` as JSON."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def names(self, method: str) -> list[str]:
        self.settings.beginGroup(f"presets/{method}")
        names = sorted(self.settings.childKeys())
        self.settings.endGroup()
        return names

    def load(self, method: str, name: str) -> dict[str, Any]:
        return json.loads(str(self.settings.value(f"presets/{method}/{name}", "{}")))

    def save(self, method: str, name: str, values: dict[str, Any]) -> None:
        self.settings.setValue(f"presets/{method}/{name}", json.dumps(values))


TUNE_CRITERIA = (
    ("SURE", "sure", "Stein's unbiased risk estimate at the known or estimated Gaussian noise level"),
    ("J-invariant", "jinv", "Noise2Self's loss: any noise independent across pixels, no noise level needed"),
)


class ParametersBox(QWidget):
    """The chosen method's description, its generated parameter panel, Reset, presets, and
    Auto-tune (which the window runs in its worker).

    Signals:
        tune_requested(str): Auto-tune pressed; the criterion ("sure" or "jinv").
    """

    tune_requested = Signal(str)

    def __init__(self, presets: PresetStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presets = presets
        self.method: Method | None = None
        self.panel: ParamPanel | None = None
        self.title = QLabel("No method selected")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.preset_box = QComboBox()
        self.preset_box.setToolTip("Apply a saved preset")
        self.preset_box.activated.connect(self._apply_preset)
        self.save_button = QPushButton("Save preset…")
        self.save_button.clicked.connect(self._ask_and_save)
        self.reset_button = QPushButton("Defaults")
        self.reset_button.setToolTip("Reset every parameter to its default")
        self.reset_button.clicked.connect(self.reset)
        self.tune_button = QPushButton("Auto-tune")
        self.tune_button.setToolTip(
            "choose the tunable parameters (noise level, strength) on this image by the criterion "
            "beside, then run with them; the result and its choice go into the history"
        )
        self.tune_button.clicked.connect(lambda: self.tune_requested.emit(self.criterion_box.currentData()))
        self.criterion_box = QComboBox()
        for index, (label, name, tip) in enumerate(TUNE_CRITERIA):
            self.criterion_box.addItem(label, name)
            self.criterion_box.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.estimate_box = QCheckBox("Estimate PSNR")
        self.estimate_box.setToolTip(
            "denoising: estimate the result's PSNR without the reference (SURE; one more run)"
        )
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.preset_box, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.reset_button)
        layout.addLayout(row)
        layout.addWidget(self.scroll, 1)
        tune_row = QHBoxLayout()
        tune_row.addWidget(self.tune_button)
        tune_row.addWidget(self.criterion_box, 1)
        layout.addLayout(tune_row)
        layout.addWidget(self.estimate_box)
        self._refresh_presets()

    def set_method(self, method: Method) -> None:
        """Build the panel for ``method`` from its ParamSpec."""
        self.method = method
        self.panel = ParamPanel(method.params)
        self.scroll.setWidget(self.panel)
        summary = f"<br><span style='color:gray'>{method.summary}</span>" if method.summary else ""
        self.title.setText(f"<b>{method.label}</b>{summary}")
        self._refresh_presets()

    def values(self) -> dict[str, Any]:
        return self.panel.values() if self.panel is not None else {}

    def reset(self) -> None:
        if self.panel is not None:
            self.panel.reset()

    def save_preset(self, name: str) -> None:
        """Store the current values under ``name`` for this method."""
        if self.method is None or not name.strip():
            return
        self.presets.save(self.method.name, name.strip(), self.values())
        self._refresh_presets()
        self.preset_box.setCurrentText(name.strip())

    def apply_preset(self, name: str) -> None:
        if self.method is not None and self.panel is not None:
            self.panel.set_values(self.presets.load(self.method.name, name))

    def _ask_and_save(self) -> None:
        name, accepted = QInputDialog.getText(self, "Save preset", "Preset name:")
        if accepted:
            self.save_preset(name)

    def _apply_preset(self, index: int) -> None:
        if index > 0:
            self.apply_preset(self.preset_box.itemText(index))

    def _refresh_presets(self) -> None:
        self.preset_box.clear()
        self.preset_box.addItem("Presets…")
        for widget in (self.preset_box, self.save_button, self.reset_button):
            widget.setEnabled(self.method is not None)
        can_tune = self.method is not None and bool(self.method.params.tunable)
        self.tune_button.setEnabled(can_tune)
        self.criterion_box.setEnabled(can_tune)
        if self.method is not None:
            self.preset_box.addItems(self.presets.names(self.method.name))
