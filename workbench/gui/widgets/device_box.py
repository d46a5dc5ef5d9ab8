"""The compute device chooser: Auto, each CUDA device by name, CPU."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

log = logging.getLogger(__name__)


def cuda_devices() -> list[tuple[str, str]]:
    """(label, device string) of every CUDA device torch can see; empty without a GPU."""
    import torch

    try:
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        return [(f"CUDA: {torch.cuda.get_device_name(index)}", f"cuda:{index}") for index in range(count)]
    except RuntimeError:
        log.warning("CUDA is installed but unusable", exc_info=True)
        return []


class DeviceBox(QComboBox):
    """A combo box whose data is the device string the core understands ("auto", "cpu", "cuda:N").

    GPUs are found by :meth:`probe_in_background`: importing torch takes seconds, so it
    happens off the GUI thread and the CUDA entries appear when it is done.
    """

    devices_found = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("Where methods run: Auto uses the GPU when there is one")
        self.addItem("Auto", "auto")
        self.addItem("CPU", "cpu")
        self._wanted = "auto"
        self._probe: threading.Thread | None = None
        self.devices_found.connect(self.add_devices)
        self.activated.connect(lambda _index: setattr(self, "_wanted", self.device()))

    def probe_in_background(self) -> None:
        """Look for CUDA devices in a helper thread; ``devices_found`` delivers them to the GUI thread."""
        self._probe = threading.Thread(
            target=lambda: self.devices_found.emit(cuda_devices()), name="cuda-probe", daemon=True
        )
        self._probe.start()

    def wait_for_probe(self, timeout_s: float = 30.0) -> None:
        """Join the probe thread (before the window closes)."""
        if self._probe is not None:
            self._probe.join(timeout_s)

    def add_devices(self, devices: list[tuple[str, str]]) -> None:
        """List (label, device) entries before CPU and select the remembered device if it is one."""
        for label, device in devices:
            if self.findData(device) < 0:
                self.insertItem(self.count() - 1, label, device)
        if self._wanted.startswith("cuda"):
            self.set_device(self._wanted)

    def device(self) -> str:
        return str(self.currentData())

    def set_device(self, device: str) -> None:
        """Select ``device`` if listed; remembered so a GPU found later can still be selected."""
        self._wanted = device
        index = self.findData(device)
        if index < 0 and device == "cuda":
            index = self.findData("cuda:0")
        if index >= 0:
            self.setCurrentIndex(index)
