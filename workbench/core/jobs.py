"""The run context: how a long computation reports progress and previews, and learns it must stop.

The same :class:`RunContext` is used by the CLI (which prints progress), the
window (whose QThread worker turns the callbacks into signals) and the tests
(which usually pass a bare context). Nothing here imports Qt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .errors import Cancelled, ParameterError

ProgressCallback = Callable[[float, str], None]
PreviewCallback = Callable[[np.ndarray], None]

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(name: str = "auto"):
    """'auto' -> CUDA when available else CPU; 'cuda' without a GPU is a ParameterError."""
    import torch

    choice = (name or "auto").lower()
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ParameterError("device 'cuda' asked for, but no CUDA GPU is available")
        return torch.device(choice)
    if choice == "cpu":
        return torch.device("cpu")
    raise ParameterError(f"unknown device {name!r} (use auto, cpu or cuda)")


@dataclass
class RunContext:
    """Progress, previews, cancellation and device choice for one job.

    Attributes:
        device: "auto", "cpu", "cuda" or "cuda:N".
        on_progress: called with (fraction in [0, 1], message).
        on_preview: called with an H×W×C float32 CPU array; throttled to
            one call per ``preview_interval`` seconds.
        cancel_event: set it (or call :meth:`cancel`) to stop the job at its next check.
        notes: facts a method learns while running (an estimated sigma, the
            iteration it stopped at); copied into the Result's extras.
    """

    device: str = "auto"
    on_progress: ProgressCallback | None = None
    on_preview: PreviewCallback | None = None
    preview_interval: float = 0.25
    cancel_event: threading.Event = field(default_factory=threading.Event)
    notes: dict = field(default_factory=dict)
    _last_preview: float = field(default=-1e9, repr=False)

    def torch_device(self):
        """The torch.device this job runs on."""
        return resolve_device(self.device)

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress and raise Cancelled if cancellation was requested."""
        self.check_cancelled()
        if self.on_progress is not None:
            self.on_progress(min(max(float(fraction), 0.0), 1.0), message)

    def wants_preview(self) -> bool:
        """True when a preview would be shown now (lets callers skip costly copies)."""
        interval_passed = time.monotonic() - self._last_preview >= self.preview_interval
        return self.on_preview is not None and interval_passed

    def preview(self, pixels: np.ndarray, force: bool = False) -> None:
        """Offer an intermediate H×W×C image; dropped unless the throttle allows it."""
        if self.on_preview is None or not (force or self.wants_preview()):
            return
        self._last_preview = time.monotonic()
        self.on_preview(np.array(pixels, dtype=np.float32, copy=True))

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check_cancelled(self) -> None:
        """Raise Cancelled when the job has been asked to stop."""
        if self.cancel_event.is_set():
            raise Cancelled()
