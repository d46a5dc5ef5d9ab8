"""Does the window stay responsive during a long job, and how fast does it first appear?

Runs a long BM3D job through the window's own machinery (``RestorePage.run_method``
when a BM3D method is registered, else the ``bm3d`` package called inside the
window's :class:`JobRunner`) while a QTimer ticks every ``--tick-ms`` on the GUI
thread, and reports the gaps between ticks (a gap equal to the tick interval is
perfect; a frozen GUI shows as one long gap). It also measures the wall time from
launching a fresh Python process to the first paint of the main window.

    python benchmarks/ui_latency.py [--size 512] [--method NAME] [--startup-runs 3]

The last line is ``ui_latency max_ms=<float> p99_ms=<float>``. Uses the Qt platform
named by QT_QPA_PLATFORM (offscreen when unset); run under ``xvfb-run`` for a real X server.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STARTUP_CHILD = "--startup-child"


def startup_child() -> int:
    """In a fresh process: open the window as ``workbench`` does, print 'painted' at its first paint, quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    from workbench.gui.app import application, create_window
    from workbench.gui.shell.main_window import MainWindow

    app = application()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            window = watched.window() if hasattr(watched, "window") else None
            if event.type() == QEvent.Type.Paint and isinstance(window, MainWindow) and not self.seen:
                self.seen = True
                print("painted", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    spy = FirstPaint()
    spy.seen = False
    app.installEventFilter(spy)
    window = create_window([])
    window.show()
    return int(app.exec())


def measure_startup(runs: int) -> list[float]:
    """Seconds from launching a new interpreter to the main window's first paint, per run."""
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as config:
            env = dict(os.environ, XDG_CONFIG_HOME=config)
            start = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, __file__, STARTUP_CHILD], stdout=subprocess.PIPE, text=True, env=env
            )
            for line in child.stdout:
                if line.strip() == "painted":
                    seconds.append(time.perf_counter() - start)
                    break
            child.wait(timeout=60)
    return seconds


def test_image(size: int, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """(clean, noisy) size×size gray images tiled from the bundled sample, noise std ``sigma`` on [0, 1]."""
    from workbench.resources import path

    from workbench.core import io
    from workbench.core.image import to_gray

    sample = to_gray(io.read_image(path("sample.png")).pixels)
    reps = (int(np.ceil(size / sample.shape[0])), int(np.ceil(size / sample.shape[1])), 1)
    clean = np.tile(sample, reps)[:size, :size].astype(np.float32)
    noise = np.random.default_rng(0).normal(0.0, sigma, clean.shape)
    return clean, np.clip(clean + noise, 0, 1).astype(np.float32)


def registered_bm3d(name: str | None) -> str | None:
    """The method to run through the window: ``name`` if given, else the first registered BM3D, else None."""
    from workbench.core import registry

    if name:
        return registry.get(name).name
    for method in registry.available():
        if "bm3d" in (method.name + method.family).lower():
            return method.name
    return None


def run_latency(size: int, method: str | None, tick_ms: int) -> tuple[list[float], str, float]:
    """Run the job in a shown window while ticking; returns (gaps in ms, what ran, job seconds)."""
    from PySide6.QtCore import QSettings, QTimer

    from workbench.core.image import Image
    from workbench.gui.app import application
    from workbench.gui.shell.main_window import MainWindow

    app = application()
    settings_dir = tempfile.mkdtemp()
    window = MainWindow(QSettings(str(Path(settings_dir) / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    clean, noisy = test_image(size, 25 / 255)
    window.session.model.set_input(Image(noisy), Image(clean))
    name = registered_bm3d(method)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(tick_ms)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    outcome = {}
    window.restore.runner.finished.connect(lambda result: outcome.update(done=True))
    window.restore.runner.failed.connect(lambda message: outcome.update(failed=message))
    window.restore.runner.idle.connect(app.quit)
    # The window imports torch in a helper thread at startup to list GPUs; that import holds the
    # GIL in long stretches, so the job is measured after it, on its own.
    window.device_box.wait_for_probe()
    for _ in range(20):
        app.processEvents()
    timer.start()
    start = time.perf_counter()
    if name is not None:
        window.restore.selector.refresh()
        if not window.restore.selector.select(name):
            raise SystemExit(f"{name} is not listed for the task {window.restore.selector.task.value}")
        window.restore.run_method()
        what = f"method {name} via RestorePage.run_method"
    else:
        import bm3d

        window.restore.runner.start(lambda ctx: bm3d.bm3d(noisy[:, :, 0], sigma_psd=25 / 255), "cpu")
        what = "bm3d.bm3d (package) via RestorePage.runner"
    app.exec()
    seconds = time.perf_counter() - start
    timer.stop()
    window.close()
    if "failed" in outcome:
        raise SystemExit(f"the job failed: {outcome['failed']}")
    gaps = [1000.0 * (later - earlier) for earlier, later in itertools.pairwise(ticks)]
    worst = int(np.argmax(gaps)) if gaps else 0
    where = f", worst gap ends {ticks[worst + 1] - start:.2f} s after the start" if gaps else ""
    return gaps, f"{what}, {size}×{size} gray{where}", seconds


def percentile(values: list[float], fraction: float) -> float:
    return float(np.percentile(np.asarray(values), 100.0 * fraction)) if values else float("nan")


def main() -> int:
    if STARTUP_CHILD in sys.argv:
        return startup_child()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=512, help="image side in pixels (default 512)")
    parser.add_argument("--method", help="registered method to run (default: the first BM3D one)")
    parser.add_argument("--tick-ms", type=int, default=10, help="GUI timer interval in ms (default 10)")
    parser.add_argument("--startup-runs", type=int, default=3, help="fresh processes to time (0 skips)")
    args = parser.parse_args()

    if args.startup_runs > 0:
        startup = measure_startup(args.startup_runs)
        runs = " ".join(f"{value:.2f}" for value in startup)
        print(f"startup to first paint: median {statistics.median(startup):.2f} s (runs: {runs})")
    gaps, what, seconds = run_latency(args.size, args.method, args.tick_ms)
    print(f"job: {what}, {seconds:.1f} s, {len(gaps)} tick gaps at {args.tick_ms} ms interval")
    print(
        f"gap ms: median {percentile(gaps, 0.5):.1f}  p99 {percentile(gaps, 0.99):.1f}  max {max(gaps):.1f}"
    )
    print(f"ui_latency max_ms={max(gaps):.1f} p99_ms={percentile(gaps, 0.99):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
