"""Inside the network: first-layer filters, feature maps, receptive fields and the effective field
at a clicked pixel, for a named model or a live network pushed by another panel (DIP, training).

The page holds the network and runs the jobs; each tab is a module of its own (``filters_tab``,
``features_tab``, ``rf_tab``, ``erf_tab``). Everything heavy (feature maps, measured receptive
fields, gradients, the field's profile) runs through a :class:`JobRunner` the page owns (it is the
runner's :class:`JobOwner`) and stops with the page's Cancel button; the filter grid is cheap and
drawn on the GUI thread, so it can follow a network that is being trained elsewhere (``set_model``
and the Live box).
"""

from __future__ import annotations

import copy

import numpy as np
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
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
    feature_layers,
    feature_maps,
    log_heat,
    mass_profile,
    receptive_fields,
)
from workbench.core.viz.models import MODEL_NAMES, VizNet, resolve_model, wrap_model

from ...host import Host
from ...session import QtSession
from ...workers.runner import JobRunner, owned_runner
from .erf_tab import EffectiveFieldTab, FieldResult
from .features_tab import FeatureMapsTab
from .filters_tab import FiltersTab
from .rf_tab import ReceptiveFieldTab

LIVE = "live network"
LIVE_INTERVAL_MS = 1000
"""How often the filter grid follows a live network (while the Live box is ticked)."""
PROFILE_REACH = (1.5, 0.6)
"""The field's profile reaches this multiple of its 95 % radius, or of the theoretical side if farther."""


class VizPanel(QWidget):
    """Tabs: Filters, Feature maps, Receptive field, Effective field (click the image).

    Attributes:
        filters, features, rf, erf: the four tabs.
        cancel_button: stops the running job (enabled while one runs).
        changed_first_box, erf_view: the Filters tab's 'Most changed first' toggle and the
            Effective field tab's view, which the window's tests drive.

    Signals:
        model_changed(): another network is shown (picked by name or pushed by ``set_model``).
    """

    model_changed = Signal()

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = owned_runner(self, runner)
        self._running = ""
        self._net: VizNet | None = None
        self._live: VizNet | None = None
        self._image: Image | None = None
        self._erf_label = ""
        self._report: RFReport | None = None
        self.erf_result: FieldResult | None = None
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
        self.filters = FiltersTab()
        self.features = FeatureMapsTab()
        self.rf = ReceptiveFieldTab()
        self.erf = EffectiveFieldTab()
        self.changed_first_box: QCheckBox = self.filters.changed_first_box
        self.erf_view = self.erf.view
        self.tabs = QTabWidget()
        self.tabs.addTab(self.filters, "Filters")
        self.tabs.addTab(self.features, "Feature maps")
        self.tabs.addTab(self.rf, "Receptive field")
        self.tabs.addTab(self.erf, "Effective field")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running computation; nothing of it is shown")
        self.cancel_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.model_box.currentTextChanged.connect(self._model_picked)
        self.filters.refresh_button.clicked.connect(self.refresh_filters)
        self.filters.changed_first_box.toggled.connect(self.refresh_filters)
        self.filters.live_box.toggled.connect(self._live_toggled)
        self.features.show_button.clicked.connect(self.show_features)
        self.rf.compute_button.clicked.connect(self.compute_rf)
        self.erf.view.clicked.connect(self.place_erf)
        self.cancel_button.clicked.connect(self.cancel)
        self.runner.started.connect(lambda: self.cancel_button.setEnabled(True))
        self.runner.idle.connect(lambda: self.cancel_button.setEnabled(False))
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
        self.filters.live_box.setEnabled(True)
        self.filters.live_box.setChecked(True)
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
        self._net, self._report, self.erf_result = net, None, None
        self.notice_label.setText(net.notice)
        self.status_label.clear()
        self.features.clear()
        self.rf.clear()
        self._fill_layers(net)
        constant = net.start_is_constant()
        self.erf.offer_start(net.start_network() is not None and not constant, constant)
        self.filters.follow(net)
        self._show_image()
        self.refresh_filters()
        self.model_changed.emit()

    def _fill_layers(self, net: VizNet) -> None:
        try:
            self.features.set_layers(feature_layers(_snapshot(net)))
        except (WorkbenchError, RuntimeError, ValueError) as error:
            self.features.set_layers([])
            self._show_error(f"cannot list the layers: {error}")

    @Slot(bool)
    def _live_toggled(self, on: bool) -> None:
        if on:
            self._live_timer.start()
        else:
            self._live_timer.stop()

    @Slot()
    def refresh_filters(self) -> None:
        """Redraw the first-layer filters of the current network (cheap: on the GUI thread)."""
        if self._net is not None:
            self.filters.draw(self._net)

    # ------------------------------------------------------------- images and jobs

    @Slot(object)
    def set_image(self, image: Image | None) -> None:
        """The image the feature maps and the effective field are computed on."""
        self._image = image
        self.erf_result = None
        self.features.clear()
        self._show_image()

    def _show_image(self) -> None:
        self.erf.set_image(None if self._image is None else self._image.pixels)

    def _start(self, kind: str, job, net: VizNet | None = None) -> bool:
        """Run ``job(ctx, copy of net)`` in the background; ``net`` defaults to the shown network."""
        net = net or self.network()
        if net is None:
            return False
        self.status_label.setText(f"computing the {kind}…")
        snapshot = _snapshot(net)
        self._running = kind
        self.runner.start(lambda ctx: (kind, job(ctx, snapshot)), device="cpu")
        return True

    @Slot()
    def cancel(self) -> None:
        """Stop the running job between two of its steps; what it had computed is dropped."""
        if self.runner.is_running():
            self.status_label.setText(f"cancelling the {self._running}…")
            self.runner.cancel()

    def _need_image(self) -> bool:
        if self._image is None:
            self._show_error("open an image first")
            return False
        return True

    @Slot()
    def show_features(self) -> bool:
        """Compute the chosen layer's feature maps for the current image in the background."""
        layer = self.features.layer_box.currentText()
        if not layer or not self._need_image():
            return False
        pixels = self._image.pixels
        return self._start("feature maps", lambda _ctx, net: feature_maps(net, layer, pixels))

    @Slot()
    def compute_rf(self) -> bool:
        """Compute the receptive field per layer in the background (the table stays empty until it
        is known)."""
        self.rf.clear()
        return self._start("receptive field", lambda ctx, net: receptive_fields(net, ctx=ctx))

    @Slot(int, int)
    def place_erf(self, x: int, y: int) -> bool:
        """Compute the effective field of output pixel (x, y) of the current image in the background."""
        if not self._need_image():
            return False
        pixels, report = self._image.pixels, self._report
        start = self._net.start_network() if self.erf.at_start.isChecked() and self._net else None
        self._erf_label = f", network at {self._net.start_label}" if start is not None else ""
        return self._start(
            "effective field", lambda ctx, net: _erf_job(ctx, net, pixels, (x, y), report), start
        )

    def job_finished(self, outcome: object) -> None:
        """Show a job's ``(kind, value)`` in its tab."""
        if not (isinstance(outcome, tuple) and len(outcome) == 2):
            return
        kind, value = outcome
        self.status_label.clear()
        if kind == "feature maps":
            self.features.show_features(value)
        elif kind == "receptive field":
            self._report = value
            self.rf.show_report(value)
        elif kind == "effective field":
            self._report = value.report
            self.erf_result = value
            self.erf.show_result(value, self._erf_label)

    def job_failed(self, message: str) -> None:
        self._show_error(message)

    def job_cancelled(self) -> None:
        self.status_label.setText(f"Cancelled: the {self._running} was not computed.")

    def _show_error(self, message: str) -> None:
        self.status_label.setText(f"<span style='color:#c0392b'>{message}</span>")

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the live refresh and any job; False if a job thread is still running after the wait."""
        self._live_timer.stop()
        return self.runner.shutdown(timeout_ms)


def _snapshot(net: VizNet) -> VizNet:
    """A copy for a job, so that a network trained elsewhere is neither changed nor read mid-step."""
    return copy.deepcopy(net)


def _erf_job(
    ctx: RunContext, net: VizNet, pixels: np.ndarray, at: tuple[int, int], report: RFReport | None
) -> FieldResult:
    """The field of pixel ``at``, its drawn heat and its profile; the receptive field is computed
    when not yet known."""
    if report is None:
        ctx.progress(0.1, "computing the theoretical receptive field…")
        report = receptive_fields(net, ctx=ctx)
    ctx.progress(0.5, "back-propagating from the clicked pixel…")
    field = effective_field(net, pixels, at, window=None if report.clipped else report.theoretical_rf)
    ctx.progress(0.9, "measuring how the field spreads…")
    of_radius, of_side = PROFILE_REACH
    reach = max(of_radius * field.radius_95, of_side * report.theoretical_rf)
    return FieldResult(field, report, log_heat(field.heat), mass_profile(field.heat, at, reach))


def attach(session: QtSession, host: Host) -> VizPanel:
    """Add an 'Inside the network' page: it follows the session's image and offers the network a
    DIP run (or training) is optimising as the 'live network'."""
    panel = VizPanel()
    host.add_page("Inside the network", panel, shutdown=panel.shutdown)
    session.live_network.connect(panel.set_model)
    if session.model.live_net is not None:
        panel.set_model(session.model.live_net)
    else:
        panel.network()
    session.follow_image(panel.set_image)
    return panel
