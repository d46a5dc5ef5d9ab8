"""The Effective field tab: the image with the field of the clicked pixel over it (zoomable, with
its scale, the 95 % circle and the theoretical square) beside the plot of how the field gathers
around the pixel, and a caption with the numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from workbench.core.viz import EffectiveField, MassProfile, RFReport

from .field_view import FieldView
from .mass_plot import MassPlot

NO_IMAGE = "Open an image, then click a pixel to see which input pixels it depends on."
CLICK = (
    "Click a pixel: its effective receptive field is drawn over the image, from close up. "
    "Wheel to zoom, drag to pan, 'Whole image' to see it all."
)
START_TIP = (
    "the field of the network as it began: a live run's network at its first step, or a weight "
    "file's initialisation rebuilt from the seed on its card"
)
CONSTANT_START_TIP = (
    "this network began as the identity (its last layer all zeros), so at its start no output "
    "pixel depended on the input: there is no field to show"
)


@dataclass
class FieldResult:
    """What a field job hands the tab.

    Attributes:
        field: the effective field (raw heat, pixel, 95 % radius).
        report: the theoretical receptive field it is compared with.
        shown: float32 H×W, the heat as drawn (log10 of heat over its peak, see ``render.log_heat``).
        profile: the share of the field within each radius.
    """

    field: EffectiveField
    report: RFReport
    shown: np.ndarray
    profile: MassProfile


class EffectiveFieldTab(QWidget):
    """'At its start' and the framing buttons over the field view (left) and the mass plot (right),
    then the caption."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.at_start = QCheckBox("At its start")
        self.at_start.setToolTip(START_TIP)
        self.whole_button = QPushButton("Whole image")
        self.whole_button.setToolTip("show the whole image (a click still picks a pixel)")
        self.close_up_button = QPushButton("Around the pixel")
        self.close_up_button.setToolTip("show the field from close up: twice its theoretical square")
        self.view = FieldView()
        self.plot = MassPlot()
        self.caption = QLabel(NO_IMAGE)
        self.caption.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.at_start)
        row.addStretch(1)
        row.addWidget(self.whole_button)
        row.addWidget(self.close_up_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.plot)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.caption)
        self.whole_button.clicked.connect(self.view.fit)
        self.close_up_button.clicked.connect(self.view.around_pixel)

    def offer_start(self, usable: bool, constant: bool) -> None:
        """Enable 'At its start' when the network's start is known and has a field."""
        self.at_start.setEnabled(usable)
        if not usable:
            self.at_start.setChecked(False)
        self.at_start.setToolTip(CONSTANT_START_TIP if constant else START_TIP)

    def set_image(self, pixels: np.ndarray | None) -> None:
        """Show ``pixels`` (H×W×C float [0, 1]) with no field yet; None: no image."""
        self.view.set_image(pixels)
        self.plot.clear()
        self.caption.setText(NO_IMAGE if pixels is None else CLICK)

    def show_result(self, result: FieldResult, network_note: str = "") -> None:
        """Draw ``result``; ``network_note`` (", network at ...") is added to the caption."""
        field, report = result.field, result.report
        self.view.show_field(result.shown, field.at, field.radius_95, report.theoretical_rf, report.clipped)
        self.plot.show_profile(result.profile, field.radius_95, report.theoretical_rf, report.clipped)
        bound = "at least " if report.clipped else ""
        self.caption.setText(
            f"Pixel {field.at}{network_note}: 95 % of |d out / d in| lies within "
            f"{field.radius_95:.1f} px (circle); theoretical field {bound}{report.theoretical_rf} px "
            "(square). Click another pixel."
        )
