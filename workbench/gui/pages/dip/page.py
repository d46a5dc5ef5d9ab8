"""The Deep Image Prior panel: run DIP on the window's problem and watch it fit, live.

Curves (loss on a log axis, PSNR of the output and of its running average when a
reference is known, the ES-WMV statistic with a marker where automatic stopping fires),
previews of the current output and of the average a few times a second, iterations per
second and time left, and Start / Pause / Resume / Stop and keep / Cancel. Each new run's
curves are drawn over the earlier runs' (faded), so tuning is visual.

The run happens in a :class:`~workbench.gui.worker.JobRunner` thread (see :mod:`.dip_run`). The
worker appends step records and preview snapshots to a feed; a timer on the GUI thread drains
it, so the worker never waits on the GUI and the GUI never touches the network.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.dip import PRESETS, DipOutcome, DipStepper, StepRecord, preset_settings
from workbench.core.errors import WorkbenchError
from workbench.core.jobs import resolve_device
from workbench.core.loss_choices import LABELS as LOSS_LABELS
from workbench.core.loss_choices import LOSSES
from workbench.core.problem import Problem, Task
from workbench.core.result import make_result
from workbench.core.session import Session

from ...host import Host
from ...session import QtSession
from ...views.log_axis import sparse_log_axes
from ...views.plot_frame import frame_empty_plot
from ...views.run_colours import run_colour, run_pen
from ...widgets.elided_label import ElidedLabel
from ...widgets.forms import button_grid, float_spin, int_spin, push_button
from ...workers.runner import JobRunner
from ..network_page import attach_network_page
from .run import DipFeed, RunCurves, averaging_steps, dip_job

CONTROLS_WIDTH = 300
"""Pixels of the settings column (fixed, so changing status text never moves the plots)."""
REFRESH_MS = 200
"""How often the panel drains the feed and redraws (a few times a second)."""

STOP_RULES = {"es_wmv": "ES-WMV", "discrepancy": "discrepancy", "sure": "SURE"}
"""How the plots and the status name the rule that stopped a run."""
EMPTY_STEPS = 1000
EMPTY_Y_RANGES = ((-3.0, -1.0), (15.0, 35.0), (-6.0, -2.0))
"""Before the first run: the loss (log10 of the MSE), PSNR (dB) and ES-WMV variance (log10) shown."""
PREVIEW_CAPTION = "Current output (left) · running average of the outputs (right)"


class DipPanel(QWidget):
    """Deep Image Prior, live. Give it a problem with :meth:`set_problem`, then press Start.

    Signals:
        run_finished(object): the :class:`DipOutcome` of a run that ended by itself or by Stop and keep.
        net_started(object): the torch network a run that has just started optimises (for live views).
    """

    run_finished = Signal(object)
    net_started = Signal(object)

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner or JobRunner(self)
        self.problem: Problem | None = None
        self.stepper: DipStepper | None = None
        self.outcome: DipOutcome | None = None
        self.history: list[RunCurves] = []
        self.curves: RunCurves | None = None
        self.device = "auto"
        self._feed = DipFeed()
        self._cap = 0
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self._set_running(False)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.preset = QComboBox()
        self.preset.addItems(PRESETS)
        self.iterations = int_spin(0, 100_000, 0, "0 = the preset's cap", step=100)
        self.auto_stop = QCheckBox("Automatic stop")
        self.auto_stop.setToolTip(
            "ES-WMV (needs nothing), and the discrepancy principle when the noise σ is known; the first to "
            "fire stops the run"
        )
        self.auto_stop.setChecked(True)
        self.noise_sigma = float_spin(
            0,
            100,
            0,
            1,
            "noise std of the input in 8-bit units, when known: automatic stop then also fires where the "
            "smoothed loss reaches the noise variance (filled in when the image was degraded here)",
            2,
        )
        self.noise_sigma.setSpecialValueText("unknown")
        self._known_sigma = 0.0
        self.run_past = QCheckBox("Run on past it")
        self.sure = QCheckBox("SURE estimate")
        self.sure.setToolTip(
            "denoising, experimental: draw the PSNR estimated without the reference (SURE, at the "
            "noise σ below or an estimated one) and stop past its peak too; a shadow run doubles the time"
        )
        self.window = int_spin(0, 5000, 0, "ES-WMV window W in steps; 0 = the preset's")
        self.patience = int_spin(0, 50_000, 0, "ES-WMV patience P in steps; 0 = the preset's", step=50)
        self.seed = int_spin(0, 2**31 - 1, 0, "seeds the net, its input and the jitter")
        self.loss = QComboBox()
        for name in LOSSES:
            self.loss.addItem(LOSS_LABELS[name], name)
        self.loss.setToolTip(
            "what each step minimises between A(x) and y (mix = 0.84 MS-SSIM + 0.16 l1, Zhao et al.); "
            "the loss curve stays the mean squared error"
        )
        for spin in (self.iterations, self.window, self.patience):
            spin.setSpecialValueText("preset")
        self.preset.currentTextChanged.connect(self._show_preset_values)
        form = QFormLayout()
        form.addRow("Preset", self.preset)
        form.addRow("Iterations", self.iterations)
        form.addRow(self.auto_stop, self.run_past)
        form.addRow("Noise σ (/255)", self.noise_sigma)
        form.addRow("", self.sure)
        form.addRow("Window W", self.window)
        form.addRow("Patience P", self.patience)
        form.addRow("Seed", self.seed)
        form.addRow("Loss", self.loss)

        self.start_button = push_button("Start", self.start)
        self.pause_button = push_button("Pause", self.pause)
        self.resume_button = push_button("Resume", self.resume)
        self.stop_button = push_button("Stop and keep", self.stop_and_keep)
        self.cancel_button = push_button("Cancel", self.cancel)
        self.clear_button = push_button("Clear earlier runs", self.clear_history)
        buttons = button_grid(
            (
                self.start_button,
                self.pause_button,
                self.resume_button,
                self.stop_button,
                self.cancel_button,
                self.clear_button,
            )
        )

        self.problem_label = QLabel("Open an image to run Deep Image Prior on it.")
        self.problem_label.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)

        self.plots = pg.GraphicsLayoutWidget()
        self.loss_plot = self.plots.addPlot(row=0, col=0, title="Loss", axisItems=sparse_log_axes())
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.setLimits(minYRange=1.0)
        self.psnr_plot = self.plots.addPlot(row=1, col=0, title="PSNR (dB): output and average")
        self.es_plot = self.plots.addPlot(
            row=2, col=0, title="ES-WMV statistic (variance)", axisItems=sparse_log_axes()
        )
        self.es_plot.setLogMode(y=True)
        self.es_plot.setLimits(minYRange=1.0)
        for plot in (self.psnr_plot, self.es_plot):
            plot.setXLink(self.loss_plot)
        self.psnr_plot.addLegend(offset=(-10, -10), labelTextColor="#dddddd")
        for plot, y_range in zip(self._plots(), EMPTY_Y_RANGES, strict=True):
            frame_empty_plot(plot, EMPTY_STEPS, y_range)
        self.previews = pg.GraphicsLayoutWidget()
        self.current_view = self.previews.addViewBox(row=0, col=0, lockAspect=True, invertY=True)
        self.average_view = self.previews.addViewBox(row=0, col=1, lockAspect=True, invertY=True)
        self.current_image = pg.ImageItem()
        self.average_image = pg.ImageItem()
        self.current_view.addItem(self.current_image)
        self.average_view.addItem(self.average_image)
        self.preview_caption = ElidedLabel(PREVIEW_CAPTION)

        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.problem_label)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.status)
        column.addStretch(1)
        controls.setFixedWidth(CONTROLS_WIDTH)
        pictures = QWidget()
        pictures_layout = QVBoxLayout(pictures)
        pictures_layout.setContentsMargins(0, 0, 0, 0)
        pictures_layout.addWidget(self.preview_caption)
        pictures_layout.addWidget(self.previews, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.plots)
        right.addWidget(pictures)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(right, 1)

    # ------------------------------------------------------------------ problem

    def set_problem(self, problem: Problem | None) -> None:
        """The problem the next Start solves (a running job goes on with its own)."""
        self.problem = problem
        if problem is None:
            self.problem_label.setText("Open an image to run Deep Image Prior on it.")
            return
        reference = "with a reference (PSNR curves)" if problem.reference is not None else "no reference"
        self.problem_label.setText(f"{describe_problem(problem)}, {reference}.")
        self._follow_known_sigma(problem)
        self._show_preset_values()

    def _follow_known_sigma(self, problem: Problem) -> None:
        """Fill in the noise σ the workbench added to this image; a value the user typed stays."""
        known = round(problem.noise_sigma * 255.0, 2) if problem.noise_sigma else 0.0
        if self.noise_sigma.value() == self._known_sigma:
            self.noise_sigma.setValue(known)
        self._known_sigma = known

    def _show_preset_values(self) -> None:
        """Show what 0 ("preset") means in the iteration, W and P boxes for this preset and problem."""
        if self.problem is None:
            return
        try:
            settings = preset_settings(
                self.preset.currentText(),
                self.problem.task,
                self.problem.scale,
                resolve_device(self.device).type,
            )
        except (WorkbenchError, ValueError):
            return
        self.iterations.setSpecialValueText(f"preset ({settings.iterations})")
        self.window.setSpecialValueText(f"preset ({settings.es_window})")
        self.patience.setSpecialValueText(f"preset ({settings.es_patience})")

    def set_device(self, device: str) -> None:
        """'auto', 'cpu' or 'cuda' for the next run."""
        self.device = device
        self._show_preset_values()

    # ------------------------------------------------------------------ running

    def settings(self):
        """The DIP settings the form describes, for the current problem and device."""
        device = resolve_device(self.device)
        problem = self.problem
        settings = preset_settings(self.preset.currentText(), problem.task, problem.scale, device.type)
        overrides = {
            "iterations": self.iterations.value(),
            "es_window": self.window.value(),
            "es_patience": self.patience.value(),
        }
        settings = replace(settings, **{name: value for name, value in overrides.items() if value})
        return replace(settings, loss=str(self.loss.currentData()))

    def start(self) -> bool:
        """Start a run on the current problem; False if it cannot start (no image, a bad setting,
        or a run still going: Start is disabled then, and a run is never silently discarded)."""
        if self.runner.is_running():
            self.status.setText("A run is going: Pause, Stop and keep, or Cancel it first.")
            return False
        if self.problem is None:
            self.status.setText("Open an image first.")
            return False
        self.status.setText("Building the network and its input…")
        self.status.repaint()
        try:
            device = resolve_device(self.device)
            settings = self.settings()
            stepper = DipStepper(
                self.problem,
                settings,
                device=device,
                seed=self.seed.value(),
                auto_stop=self.auto_stop.isChecked(),
                run_past=self.run_past.isChecked(),
                amp=device.type == "cuda",
                noise_sigma=self.noise_sigma.value() / 255.0,
                sure=self.sure.isChecked() and self.problem.task is Task.DENOISE,
            )
        except (WorkbenchError, ValueError) as error:
            self.status.setText(f"Cannot start: {error}")
            return False
        if self.curves is not None and self.curves.iterations:
            self.history.append(self.curves)
        self.stepper = stepper
        self.outcome = None
        self.net_started.emit(stepper.net)
        self._cap = settings.iterations
        self._feed = DipFeed()
        run_number = len(self.history) + 1
        self.curves = RunCurves(f"run {run_number} ({self.preset.currentText()}, seed {self.seed.value()})")
        self.curves.noise_floor = stepper.discrepancy.floor if stepper.discrepancy is not None else None
        self.curves.average_from = averaging_steps(settings.average_weight)
        self.runner.start(dip_job(stepper, self._feed), self.device)
        self._set_running(True)
        self.status.setText(f"Started {self.curves.label}; cap {self._cap} iterations; first step…")
        self.current_image.clear()
        self.average_image.clear()
        self._show_preview_caption(0)
        self._timer.start()
        self.redraw()
        return True

    def pause(self) -> None:
        if self.stepper is not None and self.runner.is_running():
            self.stepper.pause()
            self._set_running(True)

    def resume(self) -> None:
        if self.stepper is not None:
            self.stepper.resume()
            self._set_running(self.runner.is_running())

    def stop_and_keep(self) -> None:
        """End the run after the current step and keep what it chose."""
        if self.stepper is not None and self.runner.is_running():
            self.stepper.stop()

    def cancel(self) -> None:
        """End the run and discard it (its curves stay on the plot until the next run)."""
        if self.runner.is_running():
            self.runner.cancel()

    def clear_history(self) -> None:
        self.history.clear()
        self.redraw()

    def shutdown(self) -> None:
        """Cancel and join the worker (call before the window closes)."""
        self._timer.stop()
        self.runner.shutdown()

    # ------------------------------------------------------------------ updates

    def refresh(self) -> None:
        """Drain the feed: extend the curves, show the latest previews, update the rate and time left."""
        records, previews = self._feed.take()
        if self.curves is None:
            return
        if records:
            self.curves.extend(records)
            self.curves.fired_at, self.curves.stop_rule = self._feed.fired_at, self._feed.stop_rule
            self.redraw()
            self._show_rate(records[-1])
        if previews is not None:
            self.current_image.setImage(_display(previews[0]), levels=(0.0, 1.0))
            if self.curves.average_shown(self.curves.iterations[-1] if self.curves.iterations else 0):
                self.average_image.setImage(_display(previews[1]), levels=(0.0, 1.0))
        if records:
            self._show_preview_caption(records[-1].iteration)

    def _show_preview_caption(self, iteration: int) -> None:
        """Say what the right preview is, and from which step it is shown (see RunCurves.average_from)."""
        start = self.curves.average_from if self.curves is not None else 0
        if start and iteration < start:
            self.preview_caption.setText(
                f"Current output (left) · running average (right) from step {start}: it weighs about "
                f"the last {start} outputs, so earlier it would mostly show the first, blurry ones"
            )
        else:
            self.preview_caption.setText(PREVIEW_CAPTION)

    def redraw(self) -> None:
        """Draw the earlier runs in a fading colour ramp and the current one bright; the legend names
        the current run's curves only (earlier runs are told apart by colour, newest the most opaque)."""
        for plot in self._plots():
            plot.clear()
        runs = [*self.history, *([self.curves] if self.curves is not None else [])]
        for index, run in enumerate(runs):
            age = len(runs) - 1 - index
            solid, dashed = run_pen(age), run_pen(age, dashed=True)
            self.loss_plot.plot(run.iterations, run.loss, pen=solid)
            if not np.all(np.isnan(run.psnr)):
                average = run.shown_average()
                self.psnr_plot.plot(run.iterations, run.psnr, pen=dashed, name="output" if age == 0 else None)
                self.psnr_plot.plot(
                    run.iterations, average, pen=solid, name="running average" if age == 0 else None
                )
            if not np.all(np.isnan(run.psnr_est)):
                dotted = pg.mkPen(run_colour(age), width=1, style=pg.QtCore.Qt.PenStyle.DotLine)
                self.psnr_plot.plot(
                    run.iterations, run.psnr_est, pen=dotted, name="SURE estimate" if age == 0 else None
                )
            self.es_plot.plot(run.es_iterations, run.es_stat, pen=solid)
            if run.fired_at is not None:
                label = f"auto-stop ({STOP_RULES[run.stop_rule]})"
                for plot in self._plots():
                    marker = pg.InfiniteLine(
                        run.fired_at, angle=90, pen=dashed, label=label, labelOpts={"position": 0.2}
                    )
                    plot.addItem(marker)
            if age == 0 and run.noise_floor:
                floor = pg.InfiniteLine(
                    np.log10(run.noise_floor),
                    angle=0,
                    pen=dashed,
                    label="noise variance σ²",
                    labelOpts={"position": 0.1},
                )
                self.loss_plot.addItem(floor)
        earlier = f" · {len(runs) - 1} earlier run(s), fading with age" if len(runs) > 1 else ""
        self.psnr_plot.setTitle(f"PSNR (dB): output and running average{earlier}")

    def _plots(self) -> tuple[pg.PlotItem, pg.PlotItem, pg.PlotItem]:
        return self.loss_plot, self.psnr_plot, self.es_plot

    def _show_rate(self, record: StepRecord) -> None:
        rate = record.iteration / record.seconds if record.seconds > 0 else 0.0
        left = (self._cap - record.iteration) / rate if rate > 0 else float("nan")
        text = f"Iteration {record.iteration}/{self._cap} · {rate:.1f} it/s · about {left:.0f} s left"
        if record.psnr_avg is not None and self.curves.average_shown(record.iteration):
            text += f" · average {record.psnr_avg:.2f} dB"
        if self.curves.fired_at is not None:
            text += f" · auto-stop ({STOP_RULES[self.curves.stop_rule]}) fired at {self.curves.fired_at}"
        if self.stepper is not None and self.stepper.paused:
            text += " · paused"
        self.status.setText(text)

    def _set_running(self, running: bool) -> None:
        paused = running and self.stepper is not None and self.stepper.paused
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running and not paused)
        self.resume_button.setEnabled(paused)
        self.stop_button.setEnabled(running)
        self.cancel_button.setEnabled(running)

    def _end(self, message: str) -> None:
        self._timer.stop()
        self.refresh()
        self._set_running(False)
        self.status.setText(message)

    def _on_finished(self, outcome: object) -> None:
        if not isinstance(outcome, DipOutcome):
            return
        self.outcome = outcome
        self._end(
            f"Kept: {outcome.description}; {outcome.iterations} iterations, stopped by {outcome.stopped_by}."
        )
        self.average_image.setImage(_display(outcome.pixels), levels=(0.0, 1.0))
        self.preview_caption.setText(f"Current output (left) · kept: {outcome.description} (right)")
        self.run_finished.emit(outcome)

    def _on_failed(self, message: str) -> None:
        self._end(f"Failed: {message}")

    def _on_cancelled(self) -> None:
        self._end("Cancelled; nothing kept.")


def _display(pixels: np.ndarray) -> np.ndarray:
    """H×W×C float -> what ImageItem shows: H×W for gray, H×W×3 for colour."""
    return pixels[:, :, 0] if pixels.shape[2] == 1 else pixels


def attach(session: QtSession, host: Host) -> DipPanel:
    """Add a 'Deep Image Prior' page that solves the session's problem on the host's device.

    A kept run goes into the session's history (and the Restore page's output view) like any
    other method's result.
    """
    panel = DipPanel()
    attach_network_page(session, host, "Deep Image Prior", panel)
    panel.run_finished.connect(lambda outcome: _keep(session.model, panel, outcome))
    return panel


def _keep(session: Session, panel: DipPanel, outcome: DipOutcome) -> None:
    """Put a kept DIP output into the session's history."""
    problem = panel.problem
    seconds = outcome.records[-1].seconds if outcome.records else 0.0
    params = {"iterations": outcome.iterations, "stopped by": outcome.stop_reason, "output": outcome.choice}
    result = make_result(problem, outcome.pixels, "dip", params, seconds, {"dip_output": outcome.description})
    session.add_result(result, "Deep Image Prior", describe_problem(problem))


def describe_problem(problem: Problem) -> str:
    return f"{problem.task.title}, {problem.observed.width}×{problem.observed.height}"
