"""How many CPU threads torch uses during a DIP run.

DIP on a small image is thousands of small convolutions; they gain little from a second
thread and slow down by orders of magnitude when the cores are shared with other work
(each op waits for a descheduled thread), so runs default to one thread on a CPU.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


@contextlib.contextmanager
def cpu_threads(count: int) -> Iterator[None]:
    """Use ``count`` torch intra-op threads inside the block (0 = leave torch's setting), then restore."""
    previous = torch.get_num_threads()
    if count > 0:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
