"""The Filters tab: the first layer's filters of the shown network as a grid of tiles, refreshed on
demand or, for a network being trained elsewhere, on a timer (cheap: drawn on the GUI thread)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.core.errors import WorkbenchError
from workbench.core.viz import filter_grid
from workbench.core.viz.models import VizNet

from ...views.pixel_label import PixelLabel

CHANGED_FIRST_TIP = (
    "Order the tiles by how far each filter moved from its start (lowest correlation with it "
    "first): the filters training shaped, then those still near their random start. Needs a "
    "known start: a live run, or a workbench weight file trained from scratch."
)


class FiltersTab(QWidget):
    """Refresh, 'Most changed first' and 'Live' over the tile grid and its caption."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PixelLabel()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.live_box = QCheckBox("Live (follow a network being trained)")
        self.live_box.setEnabled(False)
        self.changed_first_box = QCheckBox("Most changed first")
        self.changed_first_box.setToolTip(CHANGED_FIRST_TIP)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.changed_first_box)
        row.addWidget(self.live_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)

    def follow(self, net: VizNet) -> None:
        """Offer 'Most changed first' only when ``net``'s start is known."""
        self.changed_first_box.setEnabled(net.start_filters is not None)

    def draw(self, net: VizNet) -> None:
        """Draw ``net``'s first-layer filters and say what they are (or why they cannot be drawn)."""
        try:
            grid = filter_grid(
                net, most_changed_first=self.changed_first_box.isChecked(), strongest_channel=True
            )
        except WorkbenchError as error:
            self.view.set_pixels(None)
            self.caption.setText(str(error))
            return
        self.view.set_pixels(grid.pixels)
        out, inputs, height, width = grid.weight_shape
        kind = "colour: one RGB tile per filter" if grid.colour else "gray"
        if inputs not in (1, 3):
            kind = "one tile per filter: its input channel of largest weight norm"
        self.caption.setText(
            f"{out} filters of {grid.layer} ({inputs} input channel(s), {height}×{width}; {kind}); "
            f"each tile scaled to its own range.\n{grid.numbers()}"
        )
