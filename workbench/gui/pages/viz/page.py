"""Inside the network: first-layer filters, feature maps, receptive fields and the effective field
at a clicked pixel, for a named model or a live network pushed by another panel (DIP, training).

Everything heavy (feature maps, measured receptive fields, gradients) runs through a
:class:`JobRunner`; the filter grid is cheap and drawn on the GUI thread, so it can follow a
network that is being trained elsewhere (``set_model`` and the Live box).
"""

from __future__ import annotations

import contextlib
import copy

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.viz import (
    RFReport,
    effective_field,
    erf_overlay,
    feature_grid,
    feature_layers,
    feature_maps,
    filter_grid,
    receptive_fields,
    rf_plot,
)
from workbench.core.viz.models import MODEL_NAMES, VizNet, resolve_model, wrap_model
from workbench.core.viz.tiles import GridLayout

from ...views.pixel_label import PixelLabel
from ...workers.runner import JobRunner, owned_runner

LIVE = "live network"
LIVE_INTERVAL_MS = 1000
"""How often the filter grid follows a live network (while the Live box is ticked)."""
START_TIP = (
    "the field of the network as it began: a live run's network at its first step, or a weight "
    "file's initialisation rebuilt from the seed on its card"
)
CONSTANT_START_TIP = (
    "this network began as the identity (its last layer all zeros), so at its start no output "
    "pixel depended on the input: there is no field to show"
)


def _cell(value: object) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _stride_text(stride: float) -> str:
    if float(stride).is_integer():
        return str(int(stride))
    return f"1/{round(1 / stride)}" if stride > 0 else "?"


class VizPanel(QWidget):
    """Tabs: Filters, Feature maps, Receptive field, Effective field (click the image).

    Signals:
        model_changed(): another network is shown (picked by name or pushed by ``set_model``).
    """

    model_changed = Signal()

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = owned_runner(self, runner)
        self._net: VizNet | None = None
        self._live: VizNet | None = None
        self._image: Image | None = None
        self._erf_label = ""
        self._report: RFReport | None = None
        self._features = None
        self._feature_layout: GridLayout | None = None
        self.erf_result = None
        self.shown_channel: int | None = None
        self._build()
        self._connect()
        self._live_timer = QTimer(self)
        self._live_timer.setInterval(LIVE_INTERVAL_MS)
        self._live_timer.timeout.connect(self.refresh_filters)

    # ----------------------------------------------------------------- building

    def _build(self) -> None:
        self.model_box = QComboBox()
        self.model_box.addItems(MODEL_NAMES)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Model"))
        top.addWidget(self.model_box, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._filters_tab(), "Filters")
        self.tabs.addTab(self._features_tab(), "Feature maps")
        self.tabs.addTab(self._rf_tab(), "Receptive field")
        self.tabs.addTab(self._erf_tab(), "Effective field")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)

    def _filters_tab(self) -> QWidget:
        self.filters_view = PixelLabel()
        self.filters_caption = QLabel()
        self.filters_caption.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.live_box = QCheckBox("Live (follow a network being trained)")
        self.live_box.setEnabled(False)
        self.changed_first_box = QCheckBox("Most changed first")
        self.changed_first_box.setToolTip(
            "Order the tiles by how far each filter moved from its start (lowest correlation with it "
            "first): the filters training shaped, then those still near their random start. Needs a "
            "known start: a live run, or a workbench weight file trained from scratch."
        )
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.changed_first_box)
        row.addWidget(self.live_box, 1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.filters_view, 1)
        layout.addWidget(self.filters_caption)
        return tab

    def _features_tab(self) -> QWidget:
        self.layer_box = QComboBox()
        self.layer_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.features_button = QPushButton("Show")
        self.features_view = PixelLabel()
        self.channel_view = PixelLabel()
        self.channel_caption = QLabel("Click a channel to enlarge it.")
        self.channel_caption.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.layer_box, 1)
        row.addWidget(self.features_button)
        enlarged = QWidget()
        enlarged_layout = QVBoxLayout(enlarged)
        enlarged_layout.setContentsMargins(0, 0, 0, 0)
        enlarged_layout.addWidget(self.channel_view, 1)
        enlarged_layout.addWidget(self.channel_caption)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.features_view)
        splitter.addWidget(enlarged)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        return tab

    def _rf_tab(self) -> QWidget:
        self.rf_button = QPushButton("Compute")
        self.rf_summary = QLabel()
        self.rf_summary.setWordWrap(True)
        self.rf_table = QTableWidget(0, 5)
        self.rf_table.setHorizontalHeaderLabels(["layer", "kernel", "stride", "dilation", "rf (px)"])
        self.rf_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.rf_table.verticalHeader().setVisible(False)
        self.rf_plot_view = PixelLabel()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.rf_table)
        splitter.addWidget(self.rf_plot_view)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.rf_button)
        layout.addWidget(self.rf_summary)
        layout.addWidget(splitter, 1)
        return tab

    def _erf_tab(self) -> QWidget:
        self.erf_view = PixelLabel()
        self.erf_caption = QLabel(
            "Open an image, then click a pixel to see which input pixels it depends on."
        )
        self.erf_caption.setWordWrap(True)
        self.erf_at_start = QCheckBox("At its start")
        self.erf_at_start.setToolTip(START_TIP)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.erf_at_start)
        layout.addWidget(self.erf_view, 1)
        layout.addWidget(self.erf_caption)
        return tab

    def _connect(self) -> None:
        self.model_box.currentTextChanged.connect(self._model_picked)
        self.refresh_button.clicked.connect(self.refresh_filters)
        self.changed_first_box.toggled.connect(self.refresh_filters)
        self.live_box.toggled.connect(self._live_toggled)
        self.features_button.clicked.connect(self.show_features)
        self.features_view.clicked.connect(self._feature_clicked)
        self.rf_button.clicked.connect(self.compute_rf)
        self.erf_view.clicked.connect(self.place_erf)
        self.runner.progress.connect(lambda _fraction, message: self.status_label.setText(message))

    # ------------------------------------------------------------- the model

    def network(self) -> VizNet | None:
        """The network shown now (resolved on first use from the model box)."""
        if self._net is None:
            self._model_picked(self.model_box.currentText())
        return self._net

    @Slot(object)
    def set_model(self, module: object) -> None:
        """Show ``module`` (a torch network another panel is running) as the 'live network'."""
        self._live = wrap_model(module, "live network")
        self._live.keep_start("the start of the run")
        if self.model_box.findText(LIVE) < 0:
            self.model_box.addItem(LIVE)
        self.live_box.setEnabled(True)
        self.live_box.setChecked(True)
        if self.model_box.currentText() == LIVE:
            self._use(self._live)
        else:
            self.model_box.setCurrentText(LIVE)

    @Slot(str)
    def _model_picked(self, name: str) -> None:
        if name == LIVE and self._live is not None:
            self._use(self._live)
            return
        try:
            self._use(resolve_model(name))
        except WorkbenchError as error:
            self._net = None
            self._show_error(str(error))

    def _use(self, net: VizNet) -> None:
        self.runner.cancel()
        self._net, self._report, self._features, self.erf_result = net, None, None, None
        self.notice_label.setText(net.notice)
        self.status_label.clear()
        self.features_view.set_pixels(None)
        self.channel_view.set_pixels(None)
        self.rf_table.setRowCount(0)
        self.rf_plot_view.set_pixels(None)
        self.rf_summary.clear()
        self._fill_layers(net)
        constant = net.start_is_constant()
        usable_start = net.start_network() is not None and not constant
        self.erf_at_start.setEnabled(usable_start)
        if not usable_start:
            self.erf_at_start.setChecked(False)
        self.erf_at_start.setToolTip(CONSTANT_START_TIP if constant else START_TIP)
        self.changed_first_box.setEnabled(net.start_filters is not None)
        self._show_image()
        self.refresh_filters()
        self.model_changed.emit()

    def _fill_layers(self, net: VizNet) -> None:
        self.layer_box.clear()
        try:
            self.layer_box.addItems(feature_layers(_snapshot(net)))
        except (WorkbenchError, RuntimeError, ValueError) as error:
            self._show_error(f"cannot list the layers: {error}")

    @Slot(bool)
    def _live_toggled(self, on: bool) -> None:
        if on:
            self._live_timer.start()
        else:
            self._live_timer.stop()

    # ------------------------------------------------------------- filters

    @Slot()
    def refresh_filters(self) -> None:
        """Redraw the first-layer filters of the current network (cheap: on the GUI thread)."""
        net = self._net
        if net is None:
            return
        try:
            grid = filter_grid(
                net, most_changed_first=self.changed_first_box.isChecked(), strongest_channel=True
            )
        except WorkbenchError as error:
            self.filters_view.set_pixels(None)
            self.filters_caption.setText(str(error))
            return
        self.filters_view.set_pixels(grid.pixels)
        out, inputs, height, width = grid.weight_shape
        kind = "colour: one RGB tile per filter" if grid.colour else "gray"
        if inputs not in (1, 3):
            kind = "one tile per filter: its input channel of largest weight norm"
        self.filters_caption.setText(
            f"{out} filters of {grid.layer} ({inputs} input channel(s), {height}×{width}; {kind}); "
            f"each tile scaled to its own range.\n{grid.numbers()}"
        )

    # ------------------------------------------------------------- images and jobs

    @Slot(object)
    def set_image(self, image: Image | None) -> None:
        """The image the feature maps and the effective field are computed on."""
        self._image = image
        self._features, self.erf_result = None, None
        self.features_view.set_pixels(None)
        self.channel_view.set_pixels(None)
        self._show_image()

    def _show_image(self) -> None:
        if self._image is None:
            self.erf_view.set_pixels(None)
            return
        self.erf_view.set_pixels(self._image.pixels)
        self.erf_caption.setText("Click a pixel: its effective receptive field is drawn over the image.")

    def _start(self, kind: str, job, net: VizNet | None = None) -> bool:
        """Run ``job(ctx, copy of net)`` in the background; ``net`` defaults to the shown network."""
        net = net or self.network()
        if net is None:
            return False
        self.status_label.setText(f"computing the {kind}…")
        snapshot = _snapshot(net)
        self.runner.start(lambda ctx: (kind, job(ctx, snapshot)), device="cpu")
        return True

    def _need_image(self) -> bool:
        if self._image is None:
            self._show_error("open an image first")
            return False
        return True

    @Slot()
    def show_features(self) -> bool:
        """Compute the chosen layer's feature maps for the current image in the background."""
        layer = self.layer_box.currentText()
        if not layer or not self._need_image():
            return False
        pixels = self._image.pixels
        return self._start("feature maps", lambda _ctx, net: feature_maps(net, layer, pixels))

    @Slot()
    def compute_rf(self) -> bool:
        """Compute the receptive field per layer in the background."""
        return self._start("receptive field", lambda _ctx, net: receptive_fields(net))

    @Slot(int, int)
    def place_erf(self, x: int, y: int) -> bool:
        """Compute the effective field of output pixel (x, y) of the current image in the background."""
        if not self._need_image():
            return False
        pixels, report = self._image.pixels, self._report
        start = self._net.start_network() if self.erf_at_start.isChecked() and self._net else None
        self._erf_label = f", network at {self._net.start_label}" if start is not None else ""
        return self._start(
            "effective field", lambda ctx, net: _erf_job(ctx, net, pixels, (x, y), report), start
        )

    @Slot(object)
    def job_finished(self, outcome: object) -> None:
        if not (isinstance(outcome, tuple) and len(outcome) == 2):
            return
        kind, value = outcome
        self.status_label.clear()
        if kind == "feature maps":
            self._show_features(value)
        elif kind == "receptive field":
            self._show_rf(value)
        elif kind == "effective field":
            self._show_erf(*value)

    @Slot(str)
    def job_failed(self, message: str) -> None:
        self._show_error(message)

    def job_cancelled(self) -> None:
        self.status_label.setText("cancelled")

    def _show_error(self, message: str) -> None:
        self.status_label.setText(f"<span style='color:#c0392b'>{message}</span>")

    # ------------------------------------------------------------- results

    def _show_features(self, features) -> None:
        self._features = features
        grid, self._feature_layout = feature_grid(features)
        self.features_view.set_pixels(grid)
        height, width = features.maps.shape[1:]
        self.channel_caption.setText(
            f"{features.channels} channels of {features.layer} at {width}×{height}; click one to enlarge it"
        )

    @Slot(int, int)
    def _feature_clicked(self, x: int, y: int) -> None:
        if self._features is None or self._feature_layout is None:
            return
        index = self._feature_layout.tile_at(x, y)
        if index is not None:
            self.show_channel(index)

    def show_channel(self, index: int) -> None:
        """Enlarge channel ``index`` of the feature maps shown."""
        channel = self._features.channel(index)
        self.channel_view.set_pixels(channel[..., None])
        maps = self._features.maps[index]
        self.channel_caption.setText(
            f"channel {index} of {self._features.layer}: values {maps.min():.3g} to {maps.max():.3g}"
        )
        self.shown_channel = index

    def _show_rf(self, report: RFReport) -> None:
        self._report = report
        self.rf_table.setRowCount(len(report.layers))
        for row, layer in enumerate(report.layers):
            values = (layer.name, layer.kernel, _stride_text(layer.stride), layer.dilation, layer.rf)
            for column, value in enumerate(values):
                self.rf_table.setItem(row, column, _cell(value))
        self.rf_plot_view.set_pixels(rf_plot(report).astype(np.float32) / 255.0)
        bound = "at least " if report.clipped else ""
        self.rf_summary.setText(
            f"Theoretical receptive field: {bound}{report.theoretical_rf}×{report.theoretical_rf} px "
            f"({report.method}). {report.note}".strip()
        )

    def _show_erf(self, field, report: RFReport, overlay: np.ndarray) -> None:
        self._report = report
        self.erf_result = field
        height, width = self._image.pixels.shape[:2]
        self.erf_view.set_pixels(overlay, logical_size=(width, height))
        bound = "at least " if report.clipped else ""
        self.erf_caption.setText(
            f"Pixel {field.at}{self._erf_label}: 95 % of |d out / d in| lies within "
            f"{field.radius_95:.1f} px; theoretical field {bound}{report.theoretical_rf} px (square). "
            "Click another pixel."
        )

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the live refresh and any job; False if a job thread is still running after the wait."""
        self._live_timer.stop()
        return self.runner.shutdown(timeout_ms)


def _snapshot(net: VizNet) -> VizNet:
    """A copy for a job, so that a network trained elsewhere is neither changed nor read mid-step."""
    return copy.deepcopy(net)


def _erf_job(ctx: RunContext, net: VizNet, pixels: np.ndarray, at: tuple[int, int], report: RFReport | None):
    """(field, report, overlay) for pixel ``at``; the receptive field is computed when not yet known."""
    if report is None:
        ctx.progress(0.1, "computing the theoretical receptive field…")
        report = receptive_fields(net)
    ctx.progress(0.5, "back-propagating from the clicked pixel…")
    field = effective_field(net, pixels, at, window=None if report.clipped else report.theoretical_rf)
    return field, report, erf_overlay(pixels, field.heat, at, report.theoretical_rf)


def attach(window) -> VizPanel:
    """Add an 'Inside the network' page to ``window`` (a MainWindow): it follows the window's current
    image and offers the network a DIP run (or training) is optimising as the 'live network'."""
    panel = VizPanel()
    window.add_page("Inside the network", panel)
    window.image_changed.connect(panel.set_image)
    window.live_network.connect(panel.set_model)
    if window.live_net is not None:
        panel.set_model(window.live_net)
    else:
        panel.network()
    with contextlib.suppress(WorkbenchError):
        panel.set_image(window.current_problem().observed)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(panel.shutdown)
    return panel
