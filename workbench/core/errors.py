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


class OutOfMemory(WorkbenchError):
    """The GPU or the computer ran out of memory; the message says what to try instead."""


OUT_OF_MEMORY_ADVICE = (
    "try the CPU device, a smaller tile (the 'tile' parameter of learned methods), a lighter "
    "preset, or a crop of the image"
)


CPU_ALLOCATOR_FAILURE = "can't allocate memory"
"""What torch's DefaultCPUAllocator says when main memory (or ``ulimit -v``) runs out."""
OPENCV_FAILURE = "insufficient memory"
"""What OpenCV's ``cv2.error`` says (code -4) when an allocation fails."""


def out_of_memory(error: BaseException) -> OutOfMemory | None:
    """``error`` as an :class:`OutOfMemory` when it is one, else None: torch's CUDA out-of-memory
    error or a RuntimeError saying "out of memory" (the GPU), torch's CPU allocator failing
    ("DefaultCPUAllocator: can't allocate memory"), OpenCV's "Insufficient memory" ``cv2.error``,
    or numpy's or Python's MemoryError (the computer).

    Read by class name and message, so this module needs no torch or OpenCV import.
    """
    if isinstance(error, OutOfMemory):
        return error
    text = str(error).lower()
    computer = OutOfMemory(f"the computer ran out of memory: {OUT_OF_MEMORY_ADVICE}")
    if isinstance(error, MemoryError):
        return computer
    if isinstance(error, RuntimeError) and CPU_ALLOCATOR_FAILURE in text:
        return computer
    if type(error).__module__.startswith("cv2") and OPENCV_FAILURE in text:
        return computer
    if type(error).__name__ == "OutOfMemoryError" or (
        isinstance(error, RuntimeError) and "out of memory" in text
    ):
        return OutOfMemory(f"the GPU ran out of memory: {OUT_OF_MEMORY_ADVICE}")
    return None


def error_text(error: BaseException) -> str:
    """A library's exception as readable text: byte strings in its arguments are decoded (so
    LibRaw's ``b'Input/output error'`` reads "Input/output error"); empty when it says nothing."""
    if not error.args:
        return str(error).strip()
    parts = (arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg) for arg in error.args)
    return " ".join(part.strip() for part in parts if part.strip())


class Cancelled(WorkbenchError):
    """A job stopped because the user asked it to."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
