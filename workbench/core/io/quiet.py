"""Keeping a C library's own messages on file descriptor 2 out of the user's terminal.

LibRaw prints warnings such as "Unexpected end of file" straight to the process's stderr, past
Python. :func:`captured_stderr` points descriptor 2 at a temporary file for the duration of a
call and hands back what was written there, so that the caller can put it into its own message.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

_LOCK = threading.Lock()


class Captured:
    """What the library wrote while descriptor 2 was redirected (filled when the block ends)."""

    def __init__(self) -> None:
        self.text = ""

    def lines(self) -> list[str]:
        """The non-empty lines written, stripped."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@contextmanager
def captured_stderr() -> Iterator[Captured]:
    """Redirect file descriptor 2 to a temporary file inside the block; yields a :class:`Captured`.

    One block at a time (a lock), since the descriptor is shared by the whole process; Python's
    own ``sys.stderr`` is flushed before and after so nothing of it is lost or misplaced. When
    the descriptor cannot be redirected, the block runs with stderr as it is.
    """
    captured = Captured()
    with _LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            yield captured
            return
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield captured
            finally:
                with suppress(OSError, ValueError, AttributeError):
                    sys.stderr.flush()
                os.dup2(saved, 2)
                os.close(saved)
                sink.seek(0)
                captured.text = sink.read().decode("utf-8", "replace")
