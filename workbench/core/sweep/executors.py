"""Where a sweep's cells run: this process, a local process pool, or a Ray cluster.

Every executor has ``run(cells, on_row, cancel)``: it runs the cells, calls ``on_row(row)`` in the
calling thread for each as it finishes (in finishing order), and raises Cancelled soon after
``cancel`` is set. None of them is a scheduler of its own: the pool is the standard library's
``ProcessPoolExecutor``, the cluster is Ray's.

Threads: a pool of N workers on C cores gives each worker max(1, C // N) threads for torch,
OpenCV and OpenMP, so N workers never ask for more threads than there are cores, and, where the
workers' threads fit on the cores, pins each worker to cores of its own: libraries that start one
thread per core whatever they are told (BM3D's C++ library does) then stay on their worker's
share instead of fighting the other workers. A Ray cell gets as many threads as the CPUs it
declares.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..errors import Cancelled, ParameterError
from .cells import Cell, cell_row, run_cell

RowCallback = Callable[[dict[str, Any]], None]
POLL_SECONDS = 0.2
END_SECONDS = 5.0
"""How long a cancelled sweep waits for each ended worker process to exit."""
WORKER_DEATHS = 2
"""A cell whose worker died more than this many times is recorded as failed."""


def core_ids() -> list[int]:
    """The ids of the CPU cores this process may use, or [] where the system does not say."""
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def available_cores() -> int:
    """How many CPU cores this process may use."""
    return len(core_ids()) or os.cpu_count() or 1


def set_threads(count: int) -> None:
    """Use ``count`` threads in OpenCV, in torch (now if it is loaded, else when it loads: it reads
    OMP_NUM_THREADS) and in the OpenMP and BLAS libraries loaded later."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(count)
    import cv2

    cv2.setNumThreads(count)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(count)


def died(cell: Cell, times: int) -> dict[str, Any]:
    """The failed row of a cell whose worker process died ``times`` times while running it."""
    row = cell_row(cell)
    row.update(
        status="failed",
        error=f"the worker process died {times} times running it (killed, or out of memory)",
        finished_at=time.time(),
    )
    return row


class InlineExecutor:
    """Runs the cells one after the other in this process (``--workers 0``: for debugging)."""

    name = "inline"

    def run(self, cells: Sequence[Cell], on_row: RowCallback, cancel: threading.Event) -> None:
        for cell in cells:
            if cancel.is_set():
                raise Cancelled()
            on_row(run_cell(cell, cancel))


def worker_cores(index: int, threads: int, cores: Sequence[int]) -> set[int] | None:
    """The cores the worker numbered ``index`` (from 0, counting restarts) is pinned to when
    each worker has ``threads`` threads on ``cores``: its own ``threads`` of them, or None (no
    pinning) when not even one worker's threads fit."""
    ordered = sorted(cores)
    slots = len(ordered) // threads
    if slots < 1:
        return None
    first = (index % slots) * threads
    return set(ordered[first : first + threads])


def pin_to_cores(cores: set[int] | None) -> None:
    """Keep this process (and the threads it starts later) on ``cores``; no-op for None or
    where the system cannot pin."""
    if cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cores)


_STOP: Any = None


def _start_worker(threads: int, stop: Any, started: Any, cores: list[int]) -> None:
    global _STOP
    _STOP = stop
    with started.get_lock():
        index = started.value
        started.value += 1
    pin_to_cores(worker_cores(index, threads, cores))
    set_threads(threads)


def _run_in_worker(cell: Cell) -> dict[str, Any]:
    return run_cell(cell, _STOP)


class PoolExecutor:
    """A local pool of ``workers`` processes (spawned, so no state is shared with this one).

    A worker that dies (killed, out of memory) breaks the pool: the cells it was running are
    counted and, with the ones not started, go to a new pool; a cell that killed its worker more
    than :data:`WORKER_DEATHS` times is recorded as failed. Cancelling asks the workers to stop
    at their method's next check and ends the ones still busy.
    """

    name = "local"

    def __init__(self, workers: int, threads: int = 0) -> None:
        if workers < 1:
            raise ParameterError("--workers: a pool needs 1 worker or more")
        self.workers = workers
        self.threads = threads or max(1, available_cores() // workers)

    def run(self, cells: Sequence[Cell], on_row: RowCallback, cancel: threading.Event) -> None:
        remaining = list(cells)
        deaths: dict[str, int] = {}
        while remaining:
            remaining = self._run_pool(remaining, on_row, cancel, deaths)

    def _run_pool(
        self, cells: list[Cell], on_row: RowCallback, cancel: threading.Event, deaths: dict[str, int]
    ) -> list[Cell]:
        """Run ``cells`` in a new pool; returns those to run again because a worker died."""
        context = multiprocessing.get_context("spawn")
        stop = context.Event()
        started = context.Value("i", 0)
        pool = ProcessPoolExecutor(
            min(self.workers, len(cells)),
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.threads, stop, started, core_ids()),
        )
        finished = False
        try:
            futures: dict[Future, Cell] = {pool.submit(_run_in_worker, cell): cell for cell in cells}
            pending, running = set(futures), set()
            while pending:
                if cancel.is_set():
                    raise Cancelled()
                done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    try:
                        on_row(future.result())
                    except BrokenProcessPool:
                        broken = True
                if broken:
                    return self._after_death(futures, pending | done, running, deaths, on_row)
                running = {future for future in pending if future.running()}
            finished = True
        finally:
            stop.set()
            if finished:
                pool.shutdown()
            else:
                _end_workers(pool)
        return []

    def _after_death(
        self,
        futures: dict[Future, Cell],
        unfinished: set[Future],
        running: set[Future],
        deaths: dict[str, int],
        on_row: RowCallback,
    ) -> list[Cell]:
        """Count a death for the cells that were running (for all unfinished ones when the pool
        broke before any was seen running), record the ones past the limit, and return the others
        that did not finish, in their order."""
        again = []
        for future, cell in futures.items():
            if future not in unfinished or (future.done() and future.exception() is None):
                continue
            if future in running or not running:
                deaths[cell.key] = deaths.get(cell.key, 0) + 1
            if deaths.get(cell.key, 0) > WORKER_DEATHS:
                on_row(died(cell, deaths[cell.key]))
            else:
                again.append(cell)
        return again


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Shut ``pool`` down and end its busy workers (a method in a long call does not check for
    cancellation)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(END_SECONDS)


def _run_on_ray(cell: Cell, threads: int) -> dict[str, Any]:
    set_threads(threads)
    return run_cell(cell)


class RayExecutor:
    """One Ray task per cell, with its CPUs and GPUs declared; rows come back as tasks finish.

    With no ``address``, Ray starts a cluster on this machine with ``workers`` CPUs (all cores
    when 0) and stops it at the end; with one (``HOST:PORT`` of a head, or "auto"), the sweep joins
    that cluster. Ray retries a task whose worker died up to ``max_retries`` times; a cell still
    failing then is recorded as failed.

    Raises (from :meth:`run`):
        ParameterError: Ray is not installed (``pip install -e ".[cluster]"``).
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        workers: int = 0,
        cpus_per_cell: float = 1.0,
        gpus_per_cell: float = 0.0,
        max_retries: int = WORKER_DEATHS,
    ) -> None:
        self.address = address
        self.workers = workers
        self.cpus_per_cell = cpus_per_cell
        self.gpus_per_cell = gpus_per_cell
        self.max_retries = max_retries

    def run(self, cells: Sequence[Cell], on_row: RowCallback, cancel: threading.Event) -> None:
        ray = import_ray()
        started = not ray.is_initialized()
        if started:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address:
                options["address"] = self.address
            else:
                options["num_cpus"] = self.workers or available_cores()
            ray.init(**options)
        task = ray.remote(
            num_cpus=self.cpus_per_cell, num_gpus=self.gpus_per_cell, max_retries=self.max_retries
        )(_run_on_ray)
        threads = max(1, int(self.cpus_per_cell))
        refs = {task.remote(cell, threads): cell for cell in cells}
        pending = list(refs)
        try:
            while pending:
                if cancel.is_set():
                    raise Cancelled()
                ready, pending = ray.wait(pending, num_returns=len(pending), timeout=POLL_SECONDS)
                for ref in ready:
                    try:
                        row = ray.get(ref)
                    except ray.exceptions.RayError as error:
                        row = died(refs[ref], self.max_retries + 1)
                        row["error"] = f"Ray: {type(error).__name__}: {str(error).splitlines()[0]}"
                    on_row(row)
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
            if started:
                ray.shutdown()


def import_ray():
    """The ``ray`` module; ParameterError when it is not installed."""
    try:
        import ray
    except ImportError:
        raise ParameterError(
            "--executor ray needs Ray: pip install -e \".[cluster]\" (or pip install 'ray>=2.9')"
        ) from None
    return ray


def make_executor(kind: str, workers: int, address: str | None = None, gpus_per_cell: float = 0.0):
    """The executor for ``--executor kind`` (local, ray) and ``--workers``: the local kind with
    0 workers runs inline.

    Raises:
        ParameterError: an unknown kind, ``address`` without Ray, or Ray not installed.
    """
    if kind == "local":
        if address:
            raise ParameterError("--address is for --executor ray")
        return InlineExecutor() if workers == 0 else PoolExecutor(workers)
    if kind == "ray":
        import_ray()
        return RayExecutor(address, workers, gpus_per_cell=gpus_per_cell)
    raise ParameterError(f"unknown executor {kind!r} (use local or ray)")
