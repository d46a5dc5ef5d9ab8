"""File > Export: writing the shown result where the user chooses, never replacing a file unasked."""

from __future__ import annotations

from pathlib import Path

from workbench.core import io
from workbench.core.errors import WorkbenchError
from workbench.core.session import Session

from ...dialogs import export as export_dialog
from ...host import Host
from ...shell.settings import WindowSettings


def start_folder(settings: WindowSettings, session: Session) -> Path:
    """Where Export starts: the last export folder, else the opened image's folder (unless it is
    the bundled sample's, inside the program), else the home folder."""
    last = settings.last_export_folder()
    if last is not None and last.is_dir():
        return last
    source = session.problem.observed.source if session.problem is not None else None
    folder = Path(source).resolve().parent if source else None
    from workbench.resources import path as resource_path

    bundled = resource_path("sample.png").resolve().parent
    if folder is not None and folder.is_dir() and folder != bundled:
        return folder
    return Path.home()


def export_shown(session: Session, host: Host, settings: WindowSettings) -> bool:
    """Ask for a file and write the session's shown result; True when a file was written."""
    if session.shown is None:
        host.show_error("Nothing to export", "Run a method first; its result is what gets exported.")
        return False
    result = session.shown.result
    stem = Path(result.image.source).stem if result.image.source else "result"
    start = start_folder(settings, session) / f"{stem}_{result.method}.png"
    choice = export_dialog.ask_export_choice(host.dialog_parent(), start, result.image.bit_depth)
    return choice is not None and export_to(session, host, settings, choice)


def export_to(
    session: Session, host: Host, settings: WindowSettings, choice: export_dialog.ExportChoice
) -> bool:
    """Write the shown result as ``choice`` says, asking before replacing a file (unless the
    export dialog has asked already)."""
    exists = choice.path.exists()
    parent = host.dialog_parent()
    if exists and not choice.overwrite and not export_dialog.confirm_overwrite(parent, choice.path):
        return False
    try:
        written = io.write_image(
            session.shown.result.image,
            choice.path,
            bit_depth=8 if choice.is_jpeg else choice.bit_depth,
            quality=choice.quality,
            overwrite=exists,
        )
    except WorkbenchError as error:
        host.show_error("Export failed", str(error))
        return False
    settings.set_last_export_folder(written.parent)
    host.show_status(f"Exported {written}", 8000)
    return True
