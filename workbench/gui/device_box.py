"""The compute device chooser: Auto, each CUDA device by name, CPU."""

from __future__ import annotations

import logging

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
    """A combo box whose data is the device string the core understands ("auto", "cpu", "cuda:N")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("Where methods run: Auto uses the GPU when there is one")
        self.addItem("Auto", "auto")
        self.addItem("CPU", "cpu")
        self._wanted = "auto"

    def add_cuda_devices(self) -> None:
        """Probe torch for GPUs (slow the first time: imports torch) and list them before CPU."""
        for label, device in cuda_devices():
            if self.findData(device) < 0:
                self.insertItem(self.count() - 1, label, device)
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
