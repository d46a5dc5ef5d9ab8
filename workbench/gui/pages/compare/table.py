"""The compare view's metrics table: one row per method with PSNR, SSIM, gain over the baseline
(BM3D, or CBM3D for a colour input), the PSNR estimated without the reference and time, sortable
by any column (numbers sort as numbers)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from workbench.core import compare

COLUMNS = ("Method", "PSNR (dB)", "SSIM", "Gain vs BM3D (dB)", "Est. PSNR (dB)", "Time (s)")
GAIN_COLUMN = 3
DECIMALS = (2, 4, 2, 2, 3)
"""Decimals shown for PSNR, SSIM, gain, estimated PSNR and time."""


class MetricsTable(QTableWidget):
    """Read-only, sortable metrics of a comparison; best PSNR first when there is a reference."""

    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSortingEnabled(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def name_baseline(self, name: str) -> None:
        """Title the gain column after the baseline the gains are measured against."""
        self.setHorizontalHeaderItem(GAIN_COLUMN, QTableWidgetItem(f"Gain vs {name} (dB)"))

    def rows_height(self) -> int:
        """Pixels the header and every row need, without scrolling."""
        rows = (
            sum(self.rowHeight(row) for row in range(self.rowCount()))
            or self.verticalHeader().defaultSectionSize()
        )
        return self.horizontalHeader().height() + rows + 2 * self.frameWidth() + 2

    def fill(self, comparison: compare.Comparison) -> None:
        """One row per result of ``comparison``."""
        self.setSortingEnabled(False)
        self.setRowCount(len(comparison.results))
        for row, result in enumerate(comparison.results):
            values = (result.psnr, result.ssim, comparison.gain(result), result.psnr_est, result.seconds)
            self.setItem(row, 0, QTableWidgetItem(compare.method_label(result.method)))
            self.item(row, 0).setToolTip(str(result.extras.get("psnr_est_by", "")))
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
