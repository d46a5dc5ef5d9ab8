"""The history of results: one row per finished run with thumbnail, method, parameters, metrics and time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from workbench.core import registry
from workbench.core.errors import ParameterError
from workbench.core.params import ParamSpec
from workbench.core.pipeline import Result

from ...views.display import thumbnail

ENTRY_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class HistoryEntry:
    """A finished run: the result, the method's label and what input it was run on."""

    result: Result
    label: str
    input_caption: str
    finished_at: datetime = field(default_factory=datetime.now)

    def metrics_text(self) -> str:
        """PSNR and SSIM against the reference ("no reference" without one), then the PSNR
        estimated without it when the run estimated it."""
        text = (
            "no reference"
            if self.result.psnr is None
            else f"PSNR {self.result.psnr:.2f} dB · SSIM {self.result.ssim:.3f}"
        )
        if self.result.psnr_est is not None:
            text += f" · est. {self.result.psnr_est:.2f} dB"
        return text

    def params_text(self) -> str:
        """The parameters as the method's spec shows them (a weight file by its name, none as
        what it means); a method the registry does not hold shows them plainly."""
        try:
            spec = registry.get(self.result.method).params
        except ParameterError:
            spec = ParamSpec()
        return spec.summary(self.result.params) or "defaults"

    def text(self) -> str:
        """Three lines: method and time; metrics and duration; parameters."""
        return (
            f"{self.label}  ·  {self.finished_at:%H:%M:%S}\n"
            f"{self.metrics_text()}  ·  {self.result.seconds:.2f} s\n"
            f"{self.params_text()}"
        )


class HistoryList(QListWidget):
    """Results, newest first; selecting one emits it so the window can show or export it again.

    Signals:
        entry_chosen(object): the HistoryEntry of the selected row.
    """

    entry_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIconSize(QSize(56, 56))
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.currentItemChanged.connect(self._changed)

    def add(self, entry: HistoryEntry) -> None:
        """Insert ``entry`` at the top and select it."""
        item = QListWidgetItem(QIcon(thumbnail(entry.result.image.pixels)), entry.text())
        item.setData(ENTRY_ROLE, entry)
        item.setToolTip(f"Input: {entry.input_caption}\n{entry.text()}")
        self.insertItem(0, item)
        self.blockSignals(True)
        self.setCurrentItem(item)
        self.blockSignals(False)

    def entries(self) -> list[HistoryEntry]:
        """Every entry, newest first."""
        return [self.item(row).data(ENTRY_ROLE) for row in range(self.count())]

    def selected(self) -> HistoryEntry | None:
        item = self.currentItem()
        return item.data(ENTRY_ROLE) if item is not None else None

    def _changed(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.entry_chosen.emit(item.data(ENTRY_ROLE))
