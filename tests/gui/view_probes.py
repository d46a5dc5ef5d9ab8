"""What the window tests read from views and drive on pages that the window itself never needs."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from workbench.gui.pages.compare.page import CompareView
from workbench.gui.views.histogram import HistogramView
from workbench.gui.views.viewer import ImageViewer


def output_pixels(viewer: ImageViewer) -> np.ndarray | None:
    """The pixels the viewer's output view shows (a result or a preview), or None."""
    return viewer._output.pixels


def region_pixels(viewer: ImageViewer) -> np.ndarray | None:
    """The region result drawn over the viewer's output, or None."""
    return viewer._region_out.pixels


def zoom_factor(viewer: ImageViewer) -> float:
    """Screen pixels per canvas pixel of the viewer's visible view (1.0 at 100 %)."""
    view = viewer._active_view()
    return view.width() / max(view.viewRect().width(), 1e-9)


def curve_data(view: HistogramView) -> tuple[np.ndarray, np.ndarray]:
    """The (input, output) per-bin fractions the histogram draws."""
    return view._input.yData, view._output.yData


def tick(view: CompareView, names: list[str]) -> None:
    """Tick exactly the compare page's methods called ``names``."""
    for row in range(view.methods.count()):
        item = view.methods.item(row)
        state = item.data(Qt.ItemDataRole.UserRole) in names
        item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
