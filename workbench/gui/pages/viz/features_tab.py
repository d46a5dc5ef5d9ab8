"""The Feature maps tab: every channel of a chosen layer for the current image as a grid (computed
by the page in the background), and one channel enlarged when its tile is clicked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from workbench.core.viz import FeatureMaps, feature_grid
from workbench.core.viz.tiles import GridLayout

from ...views.pixel_label import PixelLabel

HINT = "Click a channel to enlarge it."


class FeatureMapsTab(QWidget):
    """Layer box and Show over the channel grid; the enlarged channel and its caption below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer_box = QComboBox()
        self.layer_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.show_button = QPushButton("Show")
        self.grid_view = PixelLabel()
        self.channel_view = PixelLabel()
        self.caption = QLabel(HINT)
        self.caption.setWordWrap(True)
        self.features: FeatureMaps | None = None
        self.layout_of_grid: GridLayout | None = None
        self.shown_channel: int | None = None
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.layer_box, 1)
        row.addWidget(self.show_button)
        enlarged = QWidget()
        enlarged_layout = QVBoxLayout(enlarged)
        enlarged_layout.setContentsMargins(0, 0, 0, 0)
        enlarged_layout.addWidget(self.channel_view, 1)
        enlarged_layout.addWidget(self.caption)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.grid_view)
        splitter.addWidget(enlarged)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        self.grid_view.clicked.connect(self._tile_clicked)

    def set_layers(self, names: list[str]) -> None:
        self.layer_box.clear()
        self.layer_box.addItems(names)

    def clear(self) -> None:
        """Forget the maps shown (another image or network)."""
        self.features, self.layout_of_grid, self.shown_channel = None, None, None
        self.grid_view.set_pixels(None)
        self.channel_view.set_pixels(None)
        self.caption.setText(HINT)

    def show_features(self, features: FeatureMaps) -> None:
        """Draw every channel of ``features`` as one grid."""
        self.features = features
        grid, self.layout_of_grid = feature_grid(features)
        self.grid_view.set_pixels(grid)
        height, width = features.maps.shape[1:]
        self.caption.setText(
            f"{features.channels} channels of {features.layer} at {width}×{height}; click one to enlarge it"
        )

    @Slot(int, int)
    def _tile_clicked(self, x: int, y: int) -> None:
        if self.features is None or self.layout_of_grid is None:
            return
        index = self.layout_of_grid.tile_at(x, y)
        if index is not None:
            self.show_channel(index)

    def show_channel(self, index: int) -> None:
        """Enlarge channel ``index`` of the feature maps shown."""
        channel = self.features.channel(index)
        self.channel_view.set_pixels(channel[..., None])
        maps = self.features.maps[index]
        self.caption.setText(
            f"channel {index} of {self.features.layer}: values {maps.min():.3g} to {maps.max():.3g}"
        )
        self.shown_channel = index
