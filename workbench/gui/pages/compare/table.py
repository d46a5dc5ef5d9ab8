"""The compare view's metrics table: one row per method with PSNR, SSIM, gain over the BM3D
baseline and time, sortable by any column (numbers sort as numbers)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from workbench.core import compare

COLUMNS = ("Method", "PSNR (dB)", "SSIM", "Gain vs BM3D (dB)", "Time (s)")
DECIMALS = (2, 4, 2, 3)
"""Decimals shown for PSNR, SSIM, gain and time."""


class MetricsTable(QTableWidget):
    """Read-only, sortable metrics of a comparison; best PSNR first when there is a reference."""

    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSortingEnabled(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def fill(self, comparison: compare.Comparison) -> None:
        """One row per result of ``comparison``."""
        self.setSortingEnabled(False)
        self.setRowCount(len(comparison.results))
        for row, result in enumerate(comparison.results):
            values = (result.psnr, result.ssim, comparison.gain(result), result.seconds)
            self.setItem(row, 0, QTableWidgetItem(compare.method_label(result.method)))
            for column, (value, decimals) in enumerate(zip(values, DECIMALS, strict=True), start=1):
                self.setItem(row, column, number_item(value, decimals))
        self.setSortingEnabled(True)
        if comparison.problem.reference is not None:
            self.sortItems(1, Qt.SortOrder.DescendingOrder)


def number_item(value: float | None, decimals: int) -> QTableWidgetItem:
    """A table cell holding a number (so the column sorts numerically); empty for None or NaN."""
    item = QTableWidgetItem()
    if value is not None and math.isfinite(value):
        item.setData(Qt.ItemDataRole.DisplayRole, round(float(value), decimals))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
