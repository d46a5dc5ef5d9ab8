"""Running sweeps: the table, resuming after a kill, failed cells, the local pool and worker deaths."""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from workbench.core.errors import Cancelled
from workbench.core.sweep import InlineExecutor, PoolExecutor, RayExecutor, ResultTable, SweepSpec, run_sweep

ROOT = Path(__file__).resolve().parents[1]


def write_images(folder, count=3, size=24, seed=0):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for index in range(count):
        image = rng.integers(0, 256, (size, size), dtype=np.uint8)
        PILImage.fromarray(image).save(folder / f"img{index}.png")
    return folder


def small_spec(folder, **extra):
    """2 methods x 3 images x 2 sigmas."""
    return SweepSpec.from_options([folder], "median,gaussian", "15,25", baseline="gaussian", **extra)


def scores(out):
    return {
        key: (row["status"], row["psnr"], row["ssim"], row["error"])
        for key, row in ResultTable(out).latest().items()
    }


def test_sweep_fills_the_table_and_a_rerun_computes_nothing(tmp_path):
    folder = write_images(tmp_path / "clean")
    first = run_sweep(small_spec(folder), tmp_path / "out", InlineExecutor())
    assert (first.total, first.ran, first.resumed, first.failed) == (12, 12, 0, 0)
    rows = ResultTable(tmp_path / "out").rows()
    assert len(rows) == 12 and all(row["status"] == "ok" and row["psnr"] > 10 for row in rows)
    again = run_sweep(small_spec(folder), tmp_path / "out", InlineExecutor())
    assert (again.ran, again.resumed) == (0, 12)
    assert ResultTable(tmp_path / "out").rows() == rows
    assert (tmp_path / "out" / "report" / "report.md").is_file()


def test_failing_cell_is_recorded_with_its_error_and_the_others_finish(tmp_path):
    folder = write_images(tmp_path / "clean", count=2)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    outcome = run_sweep(small_spec(folder), tmp_path / "out", InlineExecutor())
    rows = ResultTable(tmp_path / "out").rows()
    failed = [row for row in rows if row["status"] == "failed"]
    assert outcome.failed == len(failed) == 4
    assert all(row["image"] == "broken.png" and "broken.png" in row["error"] for row in failed)
    assert sum(row["status"] == "ok" for row in rows) == 8
    assert "broken.png" in (tmp_path / "out" / "report" / "report.md").read_text()
    assert run_sweep(small_spec(folder), tmp_path / "out", InlineExecutor()).ran == 0
    retried = run_sweep(small_spec(folder), tmp_path / "out", InlineExecutor(), retry_failed=True)
    assert retried.ran == 4 and len(ResultTable(tmp_path / "out").rows()) == 16


def test_table_compaction_keeps_every_row_once(tmp_path):
    folder = write_images(tmp_path / "clean", count=1)
    out = tmp_path / "out"
    run_sweep(small_spec(folder), out, InlineExecutor())
    table = ResultTable(out)
    rows = table.rows()
    merged = next((out / "cells").glob("*.parquet"))
    (out / "cells" / "copy-left-by-a-crash.parquet").write_bytes(merged.read_bytes())
    assert table.rows() == rows
    table.compact()
    assert len(list((out / "cells").glob("*.parquet"))) == 1 and table.rows() == rows


def test_cancelled_sweep_keeps_the_finished_cells(tmp_path):
    folder = write_images(tmp_path / "clean")
    cancel = threading.Event()

    def stop_after_three(row, outcome):
        if outcome.ran == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        run_sweep(small_spec(folder), tmp_path / "out", InlineExecutor(), stop_after_three, cancel)
    assert len(ResultTable(tmp_path / "out").rows()) == 3
    assert run_sweep(small_spec(folder), tmp_path / "out", InlineExecutor()).ran == 9


def slow_spec_args(folder, out):
    """40 cells of about 0.1 s each (bilateral with a wide window on 128² images)."""
    return [
        sys.executable, "-m", "workbench", "sweep", str(folder), "-m", "bilateral,median",
        "--set", "sigma_space=12", "--sigma", "15,25", "--seeds", "0,1,2,3,4", "-o", str(out),
        "--workers", "0",
    ]  # fmt: skip


@pytest.mark.slow
def test_killed_sweep_resumes_to_the_same_table_without_recomputing(tmp_path):
    folder = write_images(tmp_path / "clean", count=2, size=128)
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        slow_spec_args(folder, tmp_path / "killed"), env=env, stderr=subprocess.DEVNULL
    )
    cells = tmp_path / "killed" / "cells"
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline and len(list(cells.glob("part-*.parquet")) if cells.is_dir() else []) < 5
    ):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = {row["attempt"]: row for row in ResultTable(tmp_path / "killed").rows()}
    assert 5 <= len(before) < 40, "the kill came halfway"
    resumed = subprocess.run(
        slow_spec_args(folder, tmp_path / "killed"), env=env, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(before)} already in the table (resumed), {40 - len(before)} run now" in resumed.stdout
    after = ResultTable(tmp_path / "killed").rows()
    assert len(after) == 40 and len({row["key"] for row in after}) == 40, "no duplicated cell"
    assert all(before[a] == row for a, row in ((r["attempt"], r) for r in after) if a in before)
    assert before.keys() <= {row["attempt"] for row in after}, "no finished cell recomputed"
    spec = SweepSpec.from_options(
        [folder], "bilateral,median", "15,25", assignments=["sigma_space=12"], seeds="0,1,2,3,4"
    )
    run_sweep(spec, tmp_path / "whole", InlineExecutor())
    assert scores(tmp_path / "killed") == scores(tmp_path / "whole")


@pytest.mark.slow
def test_local_pool_gives_the_same_table_as_one_process(tmp_path):
    folder = write_images(tmp_path / "clean")
    run_sweep(small_spec(folder), tmp_path / "inline", InlineExecutor())
    run_sweep(small_spec(folder), tmp_path / "pool", PoolExecutor(2))
    assert scores(tmp_path / "pool") == scores(tmp_path / "inline")
    workers = {row["worker"] for row in ResultTable(tmp_path / "pool").rows()}
    assert f":{os.getpid()}" not in "".join(workers)


@pytest.mark.slow
def test_pool_reruns_the_cells_of_a_worker_that_died(tmp_path):
    folder = write_images(tmp_path / "clean", count=2, size=128)
    spec = SweepSpec.from_options(
        [folder], "bilateral", "15,25", assignments=["sigma_space=12"], seeds="0,1,2,3"
    )
    killed = []

    def kill_one_worker(row, outcome):
        if not killed:
            child = multiprocessing.active_children()[0]
            os.kill(child.pid, signal.SIGKILL)
            killed.append((child.pid, time.time()))

    outcome = run_sweep(spec, tmp_path / "out", PoolExecutor(2), kill_one_worker)
    rows = ResultTable(tmp_path / "out").rows()
    assert killed and outcome.failed == 0
    assert len(rows) == 16 and all(row["status"] == "ok" for row in rows)
    pid, when = killed[0]
    assert not any(row["worker"].endswith(f":{pid}") for row in rows if row["finished_at"] > when + 0.5)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed (extra 'cluster')")
def test_local_ray_cluster_gives_the_same_table_as_one_process(tmp_path):
    import ray

    folder = write_images(tmp_path / "clean")
    run_sweep(small_spec(folder), tmp_path / "inline", InlineExecutor())
    outcome = run_sweep(small_spec(folder), tmp_path / "ray", RayExecutor(workers=2))
    assert (outcome.ran, outcome.failed) == (12, 0)
    assert scores(tmp_path / "ray") == scores(tmp_path / "inline")
    assert not ray.is_initialized(), "the cluster the sweep started is stopped"


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed (extra 'cluster')")
def test_ray_retries_the_cell_of_a_worker_killed_under_it(tmp_path):
    folder = write_images(tmp_path / "clean", count=2, size=128)
    spec = SweepSpec.from_options(
        [folder], "bilateral", "15,25", assignments=["sigma_space=12"], seeds="0,1,2,3"
    )
    killed = []

    def kill_the_worker_of_the_first_row(row, outcome):
        if not killed:
            pid = int(row["worker"].rsplit(":", 1)[1])
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    outcome = run_sweep(spec, tmp_path / "out", RayExecutor(workers=1), kill_the_worker_of_the_first_row)
    rows = ResultTable(tmp_path / "out").rows()
    assert killed and outcome.failed == 0
    assert len(rows) == 16 and len({row["key"] for row in rows}) == 16
    assert {row["worker"] for row in rows[1:]} - {rows[0]["worker"]}, "a new worker took over"


def test_pool_workers_get_cores_of_their_own_when_their_threads_fit():
    from workbench.core.sweep.executors import worker_cores

    assert worker_cores(0, 1, [0, 1]) == {0}
    assert worker_cores(1, 1, [0, 1]) == {1}
    assert worker_cores(2, 1, [0, 1]) == {0}  # a restarted worker takes a free slot again
    assert worker_cores(1, 2, [4, 5, 6, 7]) == {6, 7}
    assert worker_cores(0, 3, [0, 1]) is None  # more threads than cores: left unpinned
    assert worker_cores(0, 1, []) is None


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this system")
def test_pool_worker_runs_pinned_to_its_cores(tmp_path):
    import concurrent.futures

    from workbench.core.sweep import executors

    context = multiprocessing.get_context("spawn")
    cores = executors.core_ids()
    with concurrent.futures.ProcessPoolExecutor(
        1,
        mp_context=context,
        initializer=executors._start_worker,
        initargs=(1, context.Event(), context.Value("i", 0), cores),
    ) as pool:
        pinned = pool.submit(os.sched_getaffinity, 0).result()
    assert pinned == {cores[0]}
