"""Errors that carry a message meant for the user.

Every failure the user can cause (a bad file, a bad parameter, a cancelled job)
is raised as a :class:`WorkbenchError`; the CLI prints its message on one line
and the window shows it in a dialog. Anything else is a bug.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """A failure with a message a user can read and act on."""


class InputError(WorkbenchError):
    """A file that cannot be read or written: missing, corrupt, unsupported, too large."""


class ParameterError(WorkbenchError):
    """An unknown method or parameter, or a value outside its range."""


class Cancelled(WorkbenchError):
    """A job stopped because the user asked it to."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
