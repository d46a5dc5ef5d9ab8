"""The Deep Image Prior panel: run DIP on the window's problem and watch it fit, live.

Curves (loss on a log axis, PSNR of the output and of its running average when a
reference is known, the ES-WMV statistic with a marker where automatic stopping fires),
previews of the current output and of the average a few times a second, iterations per
second and time left, and Start / Pause / Resume / Stop and keep / Cancel. Each new run's
curves are drawn over the earlier runs' (faded), so tuning is visual.

The form becomes a :class:`~workbench.core.dip.request.DipRequest`, and the stepper comes from
the core's ``dip_stepper``, as the 'dip' method's and ``workbench dip``'s do. The run happens in
the page's :class:`~workbench.gui.workers.runner.JobRunner` thread (:mod:`..live.page`); the
worker appends step records and preview snapshots to a feed; a timer on the GUI thread drains
it, so the worker never waits on the GUI and the GUI never touches the network. The previews are
linked views (:mod:`..live.previews`): zoom or pan one and the other follows.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QWidget

from workbench.core.dip import (
    PRESETS,
    DipOutcome,
    DipRequest,
    DipStepper,
    StepRecord,
    dip_stepper,
    preset_settings,
)
from workbench.core.dip.averaging import averaging_steps
from workbench.core.dip.choices import DEFAULT_CPU_THREADS
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
from ...widgets.forms import float_spin, int_spin
from ...workers.runner import JobRunner
from ..live.feed import Drained
from ..live.overlay import OverlaidRunsPage
from ..live.plot_note import PlotNote
from ..live.results import describe_problem
from ..network_page import attach_network_page
from .run import RunCurves

STOP_RULES = {"es_wmv": "ES-WMV", "discrepancy": "discrepancy", "sure": "SURE"}
"""How the plots and the status name the rule that stopped a run."""
EMPTY_STEPS = 1000
EMPTY_Y_RANGES = ((-3.0, -1.0), (15.0, 35.0), (-6.0, -2.0))
"""Before the first run: the loss (log10 of the MSE), PSNR (dB) and ES-WMV variance (log10) shown."""
PREVIEW_CAPTION = "Current output (left) · running average of the outputs (right)"
ES_NOTE = "fills after the first W = {window} steps"
"""What the empty ES-WMV plot says until its window has filled (W from the run's settings)."""


class DipPanel(OverlaidRunsPage):
    """Deep Image Prior, live. Give it a problem with :meth:`set_problem`, then press Start.

    ``run_finished`` carries the :class:`DipOutcome` of a run that ended by itself or by Stop and
    keep; ``net_started`` the network a run optimises.
    """

    CPU_THREADS = DEFAULT_CPU_THREADS

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(PREVIEW_CAPTION, runner, parent)
        self.stepper: DipStepper | None = None
        self.outcome: DipOutcome | None = None
        self._cap = 0
        self._build()
        self.current_image = self.previews.left_image
        self.average_image = self.previews.right_image
        self.preview_caption = self.previews.caption

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
            "denoising only, experimental: draw the PSNR estimated without the reference (SURE, at the "
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

        self.problem_label = QLabel("Open an image to run Deep Image Prior on it.")
        self.problem_label.setWordWrap(True)

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
        # one row, top left: a PSNR curve rises from the bottom left, so that strip stays free of it
        self.psnr_plot.addLegend(offset=(10, 2), labelTextColor="#dddddd", colCount=3)
        self.es_note = PlotNote(self.es_plot)
        self.es_note.show_text(ES_NOTE.format(window="W"))
        for plot, y_range in zip(self.run_plots(), EMPTY_Y_RANGES, strict=True):
            frame_empty_plot(plot, EMPTY_STEPS, y_range)
        self.assemble([self.problem_label, form], self.plots, [self.clear_button])

    # ------------------------------------------------------------------ problem

    def set_problem(self, problem: Problem | None) -> None:
        """The problem the next Start solves (a running job goes on with its own)."""
        self.problem = problem
        if problem is None:
            self.problem_label.setText("Open an image to run Deep Image Prior on it.")
            return
        reference = "with a reference (PSNR curves)" if problem.reference is not None else "no reference"
        self.problem_label.setText(f"{describe_problem(problem)}, {reference}.")
        denoising = problem.task is Task.DENOISE
        self.sure.setEnabled(denoising)
        if not denoising:
            self.sure.setChecked(False)
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
        super().set_device(device)
        self._show_preset_values()

    # ------------------------------------------------------------------ running

    def request(self) -> DipRequest:
        """The DIP request the form describes (the noise σ /255 -> [0, 1]; 0 = unknown)."""
        return DipRequest(
            iterations=self.iterations.value(),
            es_window=self.window.value(),
            es_patience=self.patience.value(),
            loss=str(self.loss.currentData()),
            seed=self.seed.value(),
            auto_stop=self.auto_stop.isChecked(),
            run_past=self.run_past.isChecked(),
            noise_sigma=self.noise_sigma.value() / 255.0,
            sure=self.sure.isChecked(),
        )

    def start(self) -> bool:
        """Start a run on the current problem; False if it cannot start (no image, a bad setting,
        or a run still going: Start is disabled then, and a run is never silently discarded)."""
        if self.running():
            self.status.setText("A run is going: Pause, Stop and keep, or Cancel it first.")
            return False
        if self.problem is None:
            self.status.setText("Open an image first.")
            return False
        self.status.setText("Building the network and its input…")
        self.status.repaint()
        try:
            stepper = dip_stepper(
                self.problem, self.preset.currentText(), self.request(), resolve_device(self.device)
            )
        except (WorkbenchError, ValueError) as error:
            self.status.setText(f"Cannot start: {error}")
            return False
        self.outcome = None
        self.net_started.emit(stepper.net)
        settings = stepper.settings
        self._cap = settings.iterations
        run = self.next_run()
        self.curves = RunCurves(f"run {run} ({self.preset.currentText()}, seed {self.seed.value()})")
        self.curves.noise_floor = stepper.discrepancy.floor if stepper.discrepancy is not None else None
        self.curves.average_from = averaging_steps(settings.average_weight)
        self.curves.es_window = settings.es_window
        self.previews.clear()
        self._show_preview_caption(0)
        self.start_live(stepper, f"Started {self.curves.label}; cap {self._cap} iterations; first step…")
        self.redraw()
        return True

    # ------------------------------------------------------------------ updates

    def show_records(self, drained: Drained) -> None:
        """Extend the curves and redraw (with where a stopping rule fired); say what the previews
        show from this step on."""
        self.curves.fired_at, self.curves.stop_rule = self.stepper.fired_at, self.stepper.stop_rule
        super().show_records(drained)
        self._show_preview_caption(drained.records[-1].iteration)

    def show_previews(self, pictures: tuple[np.ndarray, ...]) -> None:
        """The current output on the left; the running average on the right once it is worth it."""
        average, current = pictures
        self.previews.show_left(current)
        if self.curves.average_shown(self.curves.iterations[-1] if self.curves.iterations else 0):
            self.previews.show_right(average)

    def _show_preview_caption(self, iteration: int) -> None:
        """Say what the right preview is, and from which step it is shown (see RunCurves.average_from);
        the caption stays one short line, the tooltip says why."""
        start = self.curves.average_from if self.curves is not None else 0
        if start and iteration < start:
            self.preview_caption.setText(f"Current output (left) · running average (right) from step {start}")
            self.preview_caption.setToolTip(
                f"The running average weighs about the last {start} outputs, so before step {start} "
                "it would mostly show the first, blurry ones."
            )
        else:
            self.preview_caption.setText(PREVIEW_CAPTION)

    def run_plots(self) -> tuple[pg.PlotItem, pg.PlotItem, pg.PlotItem]:
        return self.loss_plot, self.psnr_plot, self.es_plot

    def counted_title(self) -> tuple[pg.PlotItem, str]:
        return self.psnr_plot, "PSNR (dB): output and running average"

    def draw_run(self, run: RunCurves, age: int) -> None:
        """A run's loss, PSNR (output dashed, running average solid, SURE estimate dotted) and ES-WMV
        curves, the auto-stop marker where it fired; the legend names the current run's curves only
        and its noise variance is drawn on the loss plot."""
        solid, dashed = run_pen(age), run_pen(age, dashed=True)
        self.loss_plot.plot(run.iterations, run.loss, pen=solid)
        if not np.all(np.isnan(run.psnr)):
            average = run.shown_average()
            self.psnr_plot.plot(run.iterations, run.psnr, pen=dashed, name="output" if age == 0 else None)
            name = average_legend(run) if age == 0 else None
            self.psnr_plot.plot(run.iterations, average, pen=solid, name=name)
        if not np.all(np.isnan(run.psnr_est)):
            dotted = pg.mkPen(run_colour(age), width=1, style=pg.QtCore.Qt.PenStyle.DotLine)
            self.psnr_plot.plot(
                run.iterations, run.psnr_est, pen=dotted, name="SURE estimate" if age == 0 else None
            )
        self.es_plot.plot(run.es_iterations, run.es_stat, pen=solid)
        if age == 0:
            self._show_es_note(run)
        if run.fired_at is not None:
            label = f"auto-stop ({STOP_RULES[run.stop_rule]})"
            for plot in self.run_plots():
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

    def _show_es_note(self, run: RunCurves) -> None:
        """Say in the empty ES-WMV plot when it fills; hide the note once it has a point."""
        if run.es_iterations:
            self.es_note.hide()
        else:
            self.es_note.show_text(ES_NOTE.format(window=run.es_window or "W"))

    def status_text(self, record: StepRecord) -> str:
        """Iterations, rate and time left, the average's PSNR once shown, where auto-stop fired."""
        rate = record.iteration / record.seconds if record.seconds > 0 else 0.0
        left = (self._cap - record.iteration) / rate if rate > 0 else float("nan")
        text = f"Iteration {record.iteration}/{self._cap} · {rate:.1f} it/s · about {left:.0f} s left"
        if record.psnr_avg is not None and self.curves.average_shown(record.iteration):
            text += f" · average {record.psnr_avg:.2f} dB"
        if self.curves.fired_at is not None:
            text += f" · auto-stop ({STOP_RULES[self.curves.stop_rule]}) fired at {self.curves.fired_at}"
        return text

    def kept(self, outcome: DipOutcome) -> str:
        """Show the kept output on the right and hand it on (``run_finished``)."""
        self.outcome = outcome
        self.previews.show_right(outcome.pixels)
        self.preview_caption.setText(f"Current output (left) · kept (right): {kept_name(outcome)}")
        self.preview_caption.setToolTip(f"Kept: {outcome.description}")
        self.run_finished.emit(outcome)
        return (
            f"Kept: {outcome.description}; {outcome.iterations} iterations, stopped by {outcome.stopped_by}."
        )


def average_legend(run: RunCurves) -> str:
    """The running average's legend entry: until its curve starts, it says from which step."""
    shown = bool(run.iterations) and run.average_shown(run.iterations[-1])
    if shown or not run.average_from:
        return "running average"
    return f"running average from step {run.average_from}"


def kept_name(outcome: DipOutcome) -> str:
    """Which image a run kept, in a few words: "running average", "step N" (the automatic stop's
    pick, or the last output) or "auto-stop pick (SURE)" when the step is not known here."""
    if outcome.choice == "average":
        return "running average"
    if outcome.choice == "last":
        return f"step {outcome.iterations}"
    step = {"es_wmv": outcome.es_iteration, "discrepancy": outcome.fired_at}.get(outcome.stop_rule or "")
    rule = STOP_RULES.get(outcome.stop_rule or "", "auto-stop")
    return f"step {step} ({rule} pick)" if step is not None else f"auto-stop pick ({rule})"


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
    session.add_result(result, f"Deep Image Prior ({kept_name(outcome)})", describe_problem(problem))
