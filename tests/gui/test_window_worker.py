"""JobRunner: outcome signals on the GUI thread, readable failures, cancellation, restart, joining."""

from __future__ import annotations

import threading
import time

import numpy as np
from PySide6.QtCore import QThread

from workbench.core.errors import InputError
from workbench.gui.workers.runner import JobRunner


def test_result_arrives_on_the_gui_thread(qtbot):
    runner = JobRunner()
    seen = {}

    def job(ctx):
        ctx.progress(0.5, "half")
        return threading.get_ident()

    runner.finished.connect(lambda value: seen.update(worker=value, slot=threading.get_ident()))
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.start(job, device="cpu")
    assert seen["worker"] != seen["slot"] == threading.get_ident()
    assert not runner.is_running()
    assert runner.shutdown()


def test_failures_are_one_readable_line(qtbot):
    runner = JobRunner()
    messages = []
    runner.failed.connect(messages.append)
    for error in (InputError("x.png: no such file"), KeyError("sigma")):

        def job(ctx, error=error):
            raise error

        with qtbot.waitSignal(runner.idle, timeout=5000):
            runner.start(job)
    assert messages == ["x.png: no such file", "unexpected error: KeyError: 'sigma'"]
    assert runner.shutdown()


def test_cancel_reports_cancelled_not_finished(qtbot):
    runner = JobRunner()
    outcomes = []
    runner.finished.connect(lambda _value: outcomes.append("finished"))
    runner.cancelled.connect(lambda: outcomes.append("cancelled"))

    def job(ctx):
        while True:
            ctx.progress(0.1)
            time.sleep(0.005)

    with qtbot.waitSignal(runner.progress, timeout=5000):
        runner.start(job)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    assert outcomes == ["cancelled"]
    assert runner.shutdown()


def test_a_new_start_cancels_the_old_job_and_ignores_its_outcome(qtbot):
    runner = JobRunner()
    finished = []
    runner.finished.connect(finished.append)

    def endless(ctx):
        while True:
            ctx.progress(0.0)
            time.sleep(0.005)

    runner.start(endless)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.start(lambda ctx: "second")
    assert finished == ["second"]
    assert runner.shutdown()
    assert all(thread.isFinished() for thread in runner.findChildren(QThread))


def test_previews_are_copies_and_progress_is_thinned(qtbot):
    runner = JobRunner()
    previews, progress = [], []
    runner.preview.connect(previews.append)
    runner.progress.connect(lambda fraction, _message: progress.append(fraction))
    frame = np.zeros((4, 4, 1), np.float32)

    def job(ctx):
        ctx.preview(frame, force=True)
        frame[:] = 1.0
        for step in range(2000):
            ctx.progress(step / 2000)
        ctx.progress(1.0)

    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.start(job)
    assert len(previews) == 1 and previews[0].max() == 0.0
    assert 1 <= len(progress) < 200 and progress[-1] == 1.0
    assert runner.shutdown()


def test_shutdown_joins_a_running_job(qtbot):
    runner = JobRunner()
    stopped = threading.Event()

    def job(ctx):
        try:
            while True:
                ctx.progress(0.0)
                time.sleep(0.005)
        finally:
            stopped.set()

    with qtbot.waitSignal(runner.progress, timeout=5000):
        runner.start(job)
    assert runner.shutdown(5000)
    assert stopped.is_set()


def test_a_job_out_of_gpu_memory_fails_with_advice_not_a_class_name():
    from workbench.gui.workers.runner import readable_failure

    class OutOfMemoryError(RuntimeError):
        pass

    message = readable_failure(OutOfMemoryError("CUDA out of memory. Tried to allocate 1 GiB"))
    assert message.startswith("the GPU ran out of memory")
    assert "unexpected" not in message
