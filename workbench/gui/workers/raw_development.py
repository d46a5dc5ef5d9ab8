"""Developing a camera RAW at full size in the background while the window shows its half-size preview.

LibRaw develops a RAW in one call that cannot be interrupted: a cancelled development ends when
that call returns, and its image is then dropped. A development by one of the workbench's own
demosaickers reports its progress and stops at the next tile or step when cancelled. A reference
the user opened together with the RAW (a second path) waits here until the full-size image is the
input, since it must match it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workbench.core import io
from workbench.core.image import Image
from workbench.core.jobs import RunContext

from .runner import owned_runner


def develop(path: Path, options: io.RawOptions, ctx: RunContext) -> Image:
    """The job that develops a RAW at full size (LibRaw's: one call, cancelled before or after it;
    a workbench demosaicker's: cancelled between its steps)."""
    ctx.progress(0.0, "developing")
    image = io.read_image(path, raw=options, ctx=ctx)
    ctx.progress(1.0, "developed")
    return image


class RawDevelopment(QObject):
    """One full-size RAW development at a time, on its own worker.

    Attributes:
        path: the RAW being developed, or None.
        reference_after: a reference image to open once the development has arrived, or None.

    Signals:
        developed(object, object): the full-size :class:`Image` and ``reference_after`` (or None).
        failed(str): the development failed; the message is for the user.
        cancelled(): the development was cancelled before it arrived.
    """

    developed = Signal(object, object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = owned_runner(self)
        self.path: Path | None = None
        self.reference_after: Path | None = None

    def start(self, path: Path, options: io.RawOptions) -> None:
        """Develop ``path`` with ``options``, forgetting any development still running."""
        self.stop()
        self.path = path
        self.runner.start(lambda ctx: develop(path, options, ctx), "cpu")

    def stop(self) -> bool:
        """Forget the development (cancelling its job if it still runs); True if there was one."""
        if self.path is None:
            return False
        self._forget()
        self.runner.cancel()
        return True

    def is_developing(self) -> bool:
        """True from :meth:`start` until the development arrives, fails or is stopped."""
        return self.path is not None

    def shutdown(self, wait_ms: int) -> bool:
        """Cancel and join the worker; False when it is still inside LibRaw after ``wait_ms``."""
        return self.runner.shutdown(wait_ms)

    def _forget(self) -> Path | None:
        """Clear the state; returns the reference that was waiting."""
        reference = self.reference_after
        self.path = None
        self.reference_after = None
        return reference

    def job_finished(self, image: object) -> None:
        if self.path is not None and isinstance(image, Image):
            self.developed.emit(image, self._forget())

    def job_failed(self, message: str) -> None:
        if self.path is not None:
            self._forget()
            self.failed.emit(message)

    def job_cancelled(self) -> None:
        if self.path is not None:
            self._forget()
            self.cancelled.emit()
