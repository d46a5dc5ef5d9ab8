"""What the window remembers between sessions (QSettings): layout, last folder, device, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "RestorationWorkbench"
APPLICATION = "Restoration Workbench"
MAX_RECENT = 10


def default_settings() -> QSettings:
    """The user's settings store (native format, per user)."""
    return QSettings(ORGANIZATION, APPLICATION)


class WindowSettings:
    """Typed access to the keys the window uses."""

    def __init__(self, settings: QSettings) -> None:
        self.store = settings

    def recent_files(self) -> list[str]:
        value = self.store.value("recent_files", [])
        if isinstance(value, str):
            return [value]
        return [str(item) for item in (value or [])]

    def add_recent(self, path: str | Path) -> list[str]:
        """Put ``path`` first in the recent list (no duplicates, at most MAX_RECENT)."""
        text = str(Path(path).resolve())
        recent = [text] + [item for item in self.recent_files() if item != text]
        self.store.setValue("recent_files", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    def last_folder(self) -> str:
        return str(self.store.value("last_folder", str(Path.home())))

    def set_last_folder(self, folder: str | Path) -> None:
        self.store.setValue("last_folder", str(folder))

    def device(self) -> str:
        return str(self.store.value("device", "auto"))

    def set_device(self, device: str) -> None:
        self.store.setValue("device", device)

    def layout(self, screen: tuple[int, int]) -> tuple[QByteArray | None, QByteArray | None]:
        """(geometry, dock/toolbar state) saved at the last close, or None each; None both when they
        were saved on a screen whose free area (width, height) was not ``screen``'s."""
        saved_on = self.store.value("window/screen")
        if saved_on != f"{screen[0]}x{screen[1]}":
            return None, None
        return self.store.value("window/geometry"), self.store.value("window/state")

    def set_layout(self, geometry: QByteArray, state: QByteArray, screen: tuple[int, int]) -> None:
        """Keep the layout for the next launch on a screen with free area ``screen`` (width, height)."""
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)
        self.store.setValue("window/screen", f"{screen[0]}x{screen[1]}")

    def forget_layout(self) -> None:
        """The next launch starts with the first-launch layout."""
        for key in ("window/geometry", "window/state", "window/screen"):
            self.store.remove(key)

    def sync(self) -> None:
        self.store.sync()
