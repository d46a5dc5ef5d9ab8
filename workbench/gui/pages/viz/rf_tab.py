"""The Receptive field tab: the theoretical field of each layer as a table and a live plot, and a
summary of the whole network's field (computed by the page in the background)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.viz import RFReport

from .rf_plot import ReceptiveFieldPlot

COLUMNS = ("layer", "kernel", "stride", "dilation", "rf (px)")


def _cell(value: object) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def stride_text(stride: float) -> str:
    """A stride as a whole number, or "1/2" for an up-sampling by 2 ("?" when unknown)."""
    if float(stride).is_integer():
        return str(int(stride))
    return f"1/{round(1 / stride)}" if stride > 0 else "?"


def summary_text(report: RFReport) -> str:
    """One line on the network's theoretical field, how it was found, and the report's note."""
    bound = "at least " if report.clipped else ""
    return (
        f"Theoretical receptive field: {bound}{report.theoretical_rf}×{report.theoretical_rf} px "
        f"({report.method}). {report.note}"
    ).strip()


class ReceptiveFieldTab(QWidget):
    """Compute and the summary over the layer table (left) and the plot (right)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compute_button = QPushButton("Compute")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.plot = ReceptiveFieldPlot()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.plot)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.compute_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._fit_table_width()

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.summary.clear()
        self.plot.clear()

    def show_report(self, report: RFReport) -> None:
        """Fill the table, the plot and the summary from ``report``."""
        self.table.setRowCount(len(report.layers))
        for row, layer in enumerate(report.layers):
            values = (layer.name, layer.kernel, stride_text(layer.stride), layer.dilation, layer.rf)
            for column, value in enumerate(values):
                self.table.setItem(row, column, _cell(value))
        self.plot.show_report(report)
        self.summary.setText(summary_text(report))
        self._fit_table_width()

    def _fit_table_width(self) -> None:
        """Keep every column of the table in view: it is only as wide as they are."""
        table = self.table
        table.resizeColumnsToContents()
        scroll = table.verticalScrollBar().sizeHint().width()
        table.setMinimumWidth(table.horizontalHeader().length() + scroll + 2 * table.frameWidth())
