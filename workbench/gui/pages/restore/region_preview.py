"""Region preview: restore only a marked rectangle of the input first, and again when a setting changes.

The user marks a region on the input (Shift + drag, or View > Preview region); the selected
method runs on that region alone (:func:`workbench.core.region.restore_region`) on its own
worker, and the result is drawn over the output view with its time and scores. The region
stays marked: a change of parameter or method restores it again once the settings have rested
for ``REFRESH_MS``. Clearing the mark cancels the job and shows the output as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.core.errors import WorkbenchError
from workbench.core.history import HistoryEntry
from workbench.core.problem import Problem
from workbench.core.region import Rect, restore_region
from workbench.core.registry import Method
from workbench.core.result import Result
from workbench.core.session import Session

from ...files import input_pending
from ...host import Host
from ...views.captions import describe_region, first_step
from ...views.viewer import ImageViewer
from ...workers.runner import JobRunner

REFRESH_MS = 350
"""How long parameters must rest before a marked region is restored again."""

RunRequest = Callable[[], tuple[Method, Problem, dict]]
"""Gives the selected method, the problem and the resolved parameter values (or raises WorkbenchError)."""


class RegionPreview(QObject):
    """Restores the viewer's marked region with the Restore page's selected method.

    Args:
        viewer: where regions are marked and results drawn.
        request: the page's next run (method, problem, parameter values).
        session: what is open (a pending input makes a preview wait; the input's caption).
        host: the device to run on, and where failures are told.

    Signals:
        busy_changed(bool): a region job started (True) or the worker went idle (False).
        ended(): the region was cleared, or its job failed or was cancelled: the output view
            should show again what it showed before.
    """

    busy_changed = Signal(bool)
    ended = Signal()

    def __init__(
        self,
        viewer: ImageViewer,
        request: RunRequest,
        session: Session,
        host: Host,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.viewer = viewer
        self._request = request
        self._session = session
        self._host = host
        self.runner = JobRunner(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self._job: tuple[Rect, str] | None = None
        viewer.region_selected.connect(self._selected)
        self.timer.timeout.connect(self.refresh)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.idle.connect(lambda: self.busy_changed.emit(False))

    def preview(self, rect: Rect) -> bool:
        """Restore only ``rect`` (input pixels) with the selected method and draw it over the output.

        False (with a dialog saying why) when it cannot start.
        """
        if input_pending(self._session, self._host):
            return False
        try:
            method, problem, values = self._request()
        except WorkbenchError as error:
            self._host.show_error("Cannot preview the region", str(error))
            return False
        self.viewer.set_region(rect)
        self._job = (rect, method.label)
        doing = first_step(method.family, values)
        self.viewer.set_output_caption(
            f"Output - {method.label} on the region {describe_region(rect)}: {doing}"
        )
        self.runner.start(
            lambda ctx: restore_region(problem, rect, method.name, values, ctx), self._host.device()
        )
        self.busy_changed.emit(True)
        return True

    def refresh(self) -> None:
        """Restore the marked region again (after a parameter or the method changed), if one is marked."""
        rect = self.viewer.region()
        if rect is not None:
            self.preview(rect)

    def cancel(self) -> None:
        """Stop the running region job (the mark stays)."""
        self.runner.cancel()

    def is_running(self) -> bool:
        return self.runner.is_running()

    def shutdown(self, wait_ms: int) -> bool:
        """Stop refreshing, cancel and join the worker; False when it is still running after ``wait_ms``."""
        self.timer.stop()
        return self.runner.shutdown(wait_ms)

    def _selected(self, rect: object) -> None:
        if isinstance(rect, Rect):
            self.preview(rect)
        else:
            self.runner.cancel()
            self._job = None
            self.ended.emit()

    def _on_progress(self, fraction: float, message: str) -> None:
        if self._job is not None:
            rect, label = self._job
            self.viewer.set_output_caption(
                f"Output - {label} on the region {describe_region(rect)}: {round(fraction * 100)} %"
                + (f" ({message})" if message else "")
            )

    def _on_finished(self, result: object) -> None:
        if self._job is None or not isinstance(result, Result):
            return
        rect, label = self._job
        self._job = None
        metrics = HistoryEntry(result, label, self._session.input_caption).metrics_text()
        self.viewer.show_region_result(
            result.image.pixels,
            result.image.bit_depth,
            rect,
            f"Output: {label} on the region {describe_region(rect)} in {result.seconds:.2f} s · {metrics}"
            " - Run (Ctrl+R) does the whole image",
        )

    def _on_failed(self, message: str) -> None:
        if self._job is None:
            return
        label = self._job[1]
        self._job = None
        self.ended.emit()
        self._host.show_error(f"{label} failed on the region", message)

    def _on_cancelled(self) -> None:
        if self._job is not None:
            self._job = None
            self.ended.emit()
