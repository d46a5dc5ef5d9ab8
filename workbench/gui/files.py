"""Opening files into the session: images, references, camera RAW files and the recent list.

A camera RAW opens with its development options asked (:mod:`.dialogs.raw`), a half-size preview
shown at once and the full image developed in the background (:mod:`.workers.raw_development`);
the session's input becomes the RAW when the full image arrives, and until then the session
names it as ``pending`` so that runs wait.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from workbench.core import io
from workbench.core.errors import WorkbenchError
from workbench.core.image import Image
from workbench.core.session import Session

from .dialogs import raw as raw_dialog
from .host import Host
from .session import QtSession
from .shell.settings import WindowSettings
from .views.captions import describe_image
from .workers.raw_development import RawDevelopment


def open_filter() -> str:
    """The file dialog filter: every image and RAW suffix the core reads, then all files."""
    patterns = " ".join(f"*{suffix}" for suffix in (*io.IMAGE_SUFFIXES, *io.RAW_SUFFIXES))
    return f"Images and camera RAW ({patterns});;All files (*)"


def is_raw_path(path: str | Path) -> bool:
    """True for a file named as a camera RAW (one of ``io.RAW_SUFFIXES``)."""
    return Path(path).suffix.lower() in io.RAW_SUFFIXES


def input_pending(session: Session, host: Host) -> bool:
    """True (and says so in the status bar) while the session's next input is still on its way."""
    if session.pending is None:
        return False
    host.show_status(f"One moment: {session.pending} is still being developed at full size.", 4000)
    return True


class FileController(QObject):
    """File > Open, Open reference, Open recent, Camera RAW options, and dropped files.

    Signals:
        preview_shown(object): the half-size preview :class:`Image` of a RAW being developed
            (the session's input is still the previous one).
        preview_ended(): the development failed or was cancelled; the session's input stands.
    """

    preview_shown = Signal(object)
    preview_ended = Signal()

    def __init__(
        self, session: QtSession, host: Host, settings: WindowSettings, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.model = session.model
        self.host = host
        self.settings = settings
        self.raw = RawDevelopment(self)
        self.raw.developed.connect(self._on_developed)
        self.raw.failed.connect(self._on_development_failed)
        self.raw.cancelled.connect(self._on_development_cancelled)
        session.input_changed.connect(self._stop_development)

    def open_paths(self, paths: Iterable[str | Path]) -> bool:
        """Open the first path as the input and a second one, if given, as its reference."""
        paths = [Path(path) for path in paths]
        if not paths or not self.open_image(paths[0]):
            return False
        if len(paths) > 1 and self.raw.is_developing():
            self.raw.reference_after = paths[1]
        elif len(paths) > 1:
            return self.open_reference(paths[1])
        return True

    def open_image(self, path: str | Path) -> bool:
        """Read ``path`` and make it the clean image and the input; a dialog explains a failure.

        A camera RAW is developed as :meth:`open_raw` says (its options are asked first).
        """
        if is_raw_path(path):
            return self.open_raw(path)
        image = self._read(path)
        if image is None:
            return False
        self._remember(Path(path))
        self.model.set_input(image, None, caption=describe_image(image, "input"))
        if image.notices:
            self.host.show_status("; ".join(image.notices), 8000)
        return True

    def open_reference(self, path: str | Path) -> bool:
        """Read ``path`` as the clean reference of the current input (same size required)."""
        image = self._read(path)
        if image is None or self.model.problem is None:
            return False
        observed = self.model.problem.observed
        if (image.height, image.width) != (observed.height, observed.width):
            self.host.show_error(
                "Reference not used",
                f"{Path(path).name} is {image.width}×{image.height}, the input is "
                f"{observed.width}×{observed.height}; a reference must have the input's size.",
            )
            return False
        self.model.set_input(observed, image, caption=describe_image(observed, "input"))
        return True

    def open_raw(self, path: str | Path, options: io.RawOptions | None = None) -> bool:
        """Develop a camera RAW: a half-size preview shown at once, the full image in the background.

        ``options`` default to the user's choice in the RAW options dialog (False when cancelled).
        The input becomes the RAW when its full-size development arrives.
        """
        path = Path(path)
        if options is None:
            options = raw_dialog.ask_raw_options(self.host.dialog_parent(), self.settings.store, path)
            if options is None:
                return False
        preview = self._read(path, dataclasses.replace(options, half_size=True))
        if preview is None:
            return False
        self._remember(path)
        self.raw.start(path, options)
        self.model.set_pending(path.name)
        self.preview_shown.emit(preview)
        self.host.show_status(f"Developing {path.name} at full size ({options.describe()})…")
        return True

    def edit_raw_options(self) -> bool:
        """File > Camera RAW options…: change how RAW files are developed; True when saved."""
        return raw_dialog.edit_raw_options(self.host.dialog_parent(), self.settings.store) is not None

    def choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.host.dialog_parent(), "Open image", self.settings.last_folder(), open_filter()
        )
        if path:
            self.open_image(path)

    def choose_reference(self) -> None:
        if self.model.problem is None:
            self.host.show_error("No input", "Open an input image before its reference.")
            return
        path, _ = QFileDialog.getOpenFileName(
            self.host.dialog_parent(), "Open reference", self.settings.last_folder(), open_filter()
        )
        if path:
            self.open_reference(path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        """File > Open recent, filled as it opens: the recent files by name, newest first."""
        menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, chosen=path: self.open_image(chosen))
        if not recent:
            menu.addAction("No recent files").setEnabled(False)

    def shutdown(self, wait_ms: int) -> bool:
        """Cancel and join the development; False when it is still inside LibRaw after ``wait_ms``."""
        return self.raw.shutdown(wait_ms)

    def _remember(self, path: Path) -> None:
        self.settings.add_recent(path)
        self.settings.set_last_folder(path.resolve().parent)

    def _read(self, path: str | Path, raw: io.RawOptions | None = None) -> Image | None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return io.read_image(path, raw=raw or raw_dialog.load_raw_options(self.settings.store))
        except WorkbenchError as error:
            self.host.show_error("Cannot open file", str(error))
        except OSError as error:
            self.host.show_error("Cannot open file", f"{path}: {error.strerror or error}")
        finally:
            QApplication.restoreOverrideCursor()
        return None

    def _stop_development(self, _problem: object) -> None:
        """Another input was set while a RAW developed: forget the development."""
        if self.raw.stop():
            self.model.set_pending(None)
            self.host.show_status("")

    def _on_developed(self, image: Image, reference: Path | None) -> None:
        self.model.set_pending(None)
        self.model.set_input(image, None, caption=describe_image(image, "input"), same_scene=True)
        self.host.show_status("; ".join(image.notices), 8000)
        if reference is not None:
            self.open_reference(reference)

    def _on_development_failed(self, message: str) -> None:
        self._on_development_cancelled()
        self.host.show_error("Cannot open file", message)

    def _on_development_cancelled(self) -> None:
        self.model.set_pending(None)
        self.host.show_status("")
        self.preview_ended.emit()
