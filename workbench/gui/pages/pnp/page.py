"""The plug-and-play page: a denoiser as the prior of HQS or ADMM on the window's problem, live.

For a problem with a known operator (deblurring with its kernel, super-resolution, inpainting
with its mask, demosaicking with its pattern) the page runs the core's ``PnpStepper`` an
iteration at a time and draws, per iteration, the PSNR of the denoised estimate against the
reference (when there is one), how much the estimate changed (the convergence curve that needs
no reference) and the denoiser's noise level falling along the DPIR schedule; earlier runs'
curves stay drawn, faded, under the current one. The previews show the data step's output x_k
(left: the detail and noise the observation pulls back in) and the denoised z_k (right).

The form is the plug-and-play methods' own parameter panel (generated from their spec) and the
solver; a run can be paused, resumed, stopped and kept, or cancelled (:mod:`..live.page`). A kept
estimate goes into the window's history as a ``pnp_hqs`` / ``pnp_admm`` result, the same as the
Restore page's, and the Compare page lists both methods for the same tasks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from workbench.core import registry
from workbench.core.errors import WorkbenchError
from workbench.core.jobs import RunContext
from workbench.core.methods.pnp import TASKS
from workbench.core.pnp import PnpOutcome, PnpRecord, PnpStepper, stepper_for
from workbench.core.problem import Problem
from workbench.core.result import make_result

from ...host import Host
from ...session import QtSession
from ...views.log_axis import sparse_log_axes
from ...views.plot_frame import frame_empty_plot
from ...views.run_colours import run_pen
from ...widgets.param_panel import ParamPanel
from ...workers.runner import JobRunner
from ..live.overlay import OverlaidRunsPage
from ..live.results import describe_problem
from ..network_page import attach_network_page
from .level_axis import LevelAxis

SOLVERS = {"pnp_hqs": "HQS (half-quadratic splitting)", "pnp_admm": "ADMM (with a dual)"}
"""The plug-and-play methods the page runs, by registry name."""
PREVIEW_CAPTION = "Data step x_k (left) · denoised estimate z_k (right)"
EMPTY_ITERATIONS = 30
EMPTY_Y_RANGES = ((20.0, 35.0), (-4.0, -1.0), (0.0, 1.8))
"""Before the first run: PSNR (dB), log10 of the change and log10 of the noise level shown."""
NEEDS_OPERATOR = (
    "Plug-and-play needs a known operator: degrade the image on the Restore page by blur, "
    "down-sampling, a mask or a Bayer mosaic (or open such an image with its kernel, scale or mask)."
)


@dataclass
class PnpCurves:
    """One run's curves, per iteration: PSNR (NaN without a reference), change, denoiser level."""

    label: str
    iterations: list[int] = field(default_factory=list)
    psnr: list[float] = field(default_factory=list)
    change: list[float] = field(default_factory=list)
    sigma: list[float] = field(default_factory=list)

    def extend(self, records: list[PnpRecord]) -> None:
        for record in records:
            self.iterations.append(record.iteration)
            self.psnr.append(np.nan if record.psnr is None else record.psnr)
            self.change.append(max(record.change, 1e-12))
            self.sigma.append(record.sigma)


class PnpPage(OverlaidRunsPage):
    """Plug-and-play, live. Give it a problem with :meth:`set_problem`, then press Start.

    ``run_finished`` carries the :class:`PnpOutcome` of a run that ended by itself or by Stop
    and keep; :attr:`result` is then its Result, scored against the reference when there is one,
    and :attr:`result_caption` names the problem it solved.
    """

    def __init__(self, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(PREVIEW_CAPTION, runner, parent)
        self.stepper: PnpStepper | None = None
        self.result = None
        self.result_caption = ""
        self._run: tuple[Problem, str, dict] | None = None
        self.problem_label = QLabel(NEEDS_OPERATOR)
        self.problem_label.setWordWrap(True)
        self.solver = QComboBox()
        for name, label in SOLVERS.items():
            self.solver.addItem(label, name)
        self.solver.setToolTip(
            "HQS alternates a data step and a denoising step; ADMM adds back what the denoiser took away"
        )
        self.params = ParamPanel(registry.get("pnp_hqs").params)
        form = QFormLayout()
        form.addRow("Solver", self.solver)
        self._build_plots()
        self.assemble([self.problem_label, form, self.params], self.plots, [self.clear_button])

    def _build_plots(self) -> None:
        self.plots = pg.GraphicsLayoutWidget()
        self.psnr_plot = self.plots.addPlot(row=0, col=0, title="PSNR (dB) of the denoised estimate")
        self.change_plot = self.plots.addPlot(
            row=1, col=0, title="Change of the estimate per iteration (RMS)", axisItems=sparse_log_axes()
        )
        self.sigma_plot = self.plots.addPlot(
            row=2, col=0, title="Denoiser's noise level σ_k (/255)", axisItems={"left": LevelAxis()}
        )
        for plot in (self.change_plot, self.sigma_plot):
            plot.setLogMode(y=True)
            plot.setLimits(minYRange=1.0)
            plot.setXLink(self.psnr_plot)
        self.sigma_plot.setLabel("bottom", "iteration")
        for plot, y_range in zip(self.run_plots(), EMPTY_Y_RANGES, strict=True):
            frame_empty_plot(plot, EMPTY_ITERATIONS, y_range)

    def run_plots(self) -> tuple[pg.PlotItem, pg.PlotItem, pg.PlotItem]:
        return self.psnr_plot, self.change_plot, self.sigma_plot

    def counted_title(self) -> tuple[pg.PlotItem, str]:
        return self.psnr_plot, "PSNR (dB) of the denoised estimate"

    # ------------------------------------------------------------------ problem

    def set_problem(self, problem: Problem | None) -> None:
        """The problem the next Start solves (a running job goes on with its own)."""
        self.problem = problem
        if problem is None:
            self.problem_label.setText("Open an image to run plug-and-play on it.")
        elif problem.task not in TASKS:
            self.problem_label.setText(f"{describe_problem(problem)}: {NEEDS_OPERATOR}")
        else:
            reference = "with a reference (PSNR curve)" if problem.reference is not None else "no reference"
            self.problem_label.setText(f"{describe_problem(problem)}, {reference}.")

    # ------------------------------------------------------------------ running

    def method_name(self) -> str:
        return str(self.solver.currentData())

    def start(self) -> bool:
        """Start a run on the current problem; False (the reason in the status line) if it cannot."""
        if self.running():
            self.status.setText("A run is going: Pause, Stop and keep, or Cancel it first.")
            return False
        if self.problem is None or self.problem.task not in TASKS:
            self.status.setText(NEEDS_OPERATOR if self.problem is not None else "Open an image first.")
            return False
        name = self.method_name()
        cancel_event = threading.Event()
        try:
            params = registry.prepare(name, self.params.values(), self.problem.task)
            ctx = RunContext(device=self.device, cancel_event=cancel_event)
            stepper = stepper_for(self.problem, params, ctx, name.removeprefix("pnp_"))
        except (WorkbenchError, ValueError) as error:
            self.status.setText(f"Cannot start: {error}")
            return False
        self._run = (self.problem, name, params)
        self.result = None
        solver = name.removeprefix("pnp_").upper()
        self.curves = PnpCurves(f"run {self.next_run()} ({solver}, {params['denoiser']})")
        self.previews.clear()
        total = len(stepper.levels)
        noise = f"noise σ {stepper.noise_sigma * 255:.2f}/255"
        self.start_live(
            stepper, f"Started {self.curves.label}: {total} iterations, {noise}…", cancel_event=cancel_event
        )
        self.redraw()
        return True

    # ------------------------------------------------------------------ updates

    def draw_run(self, run: PnpCurves, age: int) -> None:
        """A run's PSNR (with a dot per iteration), change and noise-level curves in its age's pen."""
        pen = run_pen(age)
        if not np.all(np.isnan(run.psnr)):
            self.psnr_plot.plot(run.iterations, run.psnr, pen=pen, symbol="o", symbolSize=4, symbolPen=pen)
        self.change_plot.plot(run.iterations, run.change, pen=pen)
        self.sigma_plot.plot(run.iterations, run.sigma, pen=pen)

    def status_text(self, record: PnpRecord) -> str:
        total = len(self.stepper.levels)
        per_iteration = record.seconds / record.iteration
        text = f"Iteration {record.iteration}/{total} · σ {record.sigma:.1f}/255 · {per_iteration:.2f} s each"
        text += f" · about {per_iteration * (total - record.iteration):.0f} s left"
        if record.psnr is not None:
            text += f" · {record.psnr:.2f} dB"
        return text

    def kept(self, outcome: PnpOutcome) -> str:
        """Score the kept estimate, show it on the right and hand it on (``run_finished``)."""
        problem, name, params = self._run
        extras = {"iterations": len(outcome.records), "stopped by": outcome.stop_reason}
        extras["noise_sigma"] = round(self.stepper.noise_sigma * 255, 2)
        if outcome.records and outcome.records[-1].psnr is not None:
            extras["psnr_per_iteration"] = [round(record.psnr, 2) for record in outcome.records]
        seconds = outcome.records[-1].seconds if outcome.records else 0.0
        self.result = make_result(problem, outcome.pixels, name, params, seconds, extras)
        self.result_caption = describe_problem(problem)
        self.previews.show_right(outcome.pixels)
        self.run_finished.emit(outcome)
        score = f", {self.result.psnr:.2f} dB" if self.result.psnr is not None else ""
        return (
            f"Kept the estimate after {len(outcome.records)} iterations (stopped by {outcome.stopped_by})"
            f"{score}."
        )


def attach(session: QtSession, host: Host) -> PnpPage:
    """Add a 'Plug-and-play' page that solves the session's problem on the host's device.

    A kept estimate goes into the session's history (and the Restore page's output view) like any
    method's result.
    """
    page = PnpPage()
    attach_network_page(session, host, "Plug-and-play", page)
    page.run_finished.connect(
        lambda _outcome: session.model.add_result(
            page.result, registry.get(page.result.method).label, page.result_caption
        )
    )
    return page
