"""A stacked parameter panel is as tall as the page it shows."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from workbench.gui.pages.restore.degrade import DegradePanel
from workbench.gui.widgets.fitted_stack import FittedStack


def form_page(rows: int) -> QWidget:
    page = QWidget()
    form = QFormLayout(page)
    for index in range(rows):
        form.addRow(f"row {index}", QLineEdit())
    return page


def test_the_size_hint_follows_the_current_page_not_the_tallest(qtbot):
    stack = FittedStack()
    qtbot.addWidget(stack)
    short, tall = form_page(1), form_page(8)
    stack.addWidget(short)
    stack.addWidget(tall)
    assert stack.sizeHint().height() == short.sizeHint().height()
    stack.setCurrentIndex(1)
    assert stack.sizeHint().height() == tall.sizeHint().height()


def test_the_degrade_panel_is_no_taller_than_its_current_operator_needs(qtbot):
    panel = DegradePanel()
    qtbot.addWidget(panel)
    heights = {}
    for index in range(panel.operator_box.count()):
        panel.operator_box.setCurrentIndex(index)
        heights[panel.operator_box.itemText(index)] = panel.stack.sizeHint().height()
    assert len(set(heights.values())) > 1, heights
