"""Start-up time of the ``workbench`` command: whole processes, timed from launch to exit.

    python benchmarks/startup.py               # 7 runs of each command, median and spread
    python benchmarks/startup.py --repeat 15 --with-torch

Each command runs as a fresh ``python -m workbench ...`` process in a temporary folder (so nothing
is cached between runs but the operating system's file cache); the first run of each is a warm-up
and is not counted. The baseline is ``python -c pass`` in the same run: the interpreter alone. The
targets of issue #16 are ``workbench --help`` under 0.5 s and a Gaussian restore of a 64×64 PNG
under 1 s in total. Times are wall-clock on this machine and depend on its load; the ratio to the
baseline is steadier than the seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "python -c pass"


def _commands(folder: Path, with_torch: bool) -> dict[str, list[str]]:
    python = sys.executable
    image = folder / "in64.png"
    commands = {
        BASELINE: [python, "-c", "pass"],
        "python -c 'import numpy'": [python, "-c", "import numpy"],
        "workbench --help": [python, "-m", "workbench", "--help"],
        "workbench restore --help": [python, "-m", "workbench", "restore", "--help"],
        "workbench methods": [python, "-m", "workbench", "methods"],
        "workbench restore 64x64 -m gaussian": [
            *(python, "-m", "workbench", "restore", str(image)),
            *("-o", str(folder / "out.png"), "-m", "gaussian", "--overwrite"),
        ],
    }
    if with_torch:
        commands["python -c 'import torch'"] = [python, "-c", "import torch"]
    return commands


def _write_input(path: Path) -> None:
    from PIL import Image

    pixels = (np.random.default_rng(0).random((64, 64, 3)) * 255).astype(np.uint8)
    Image.fromarray(pixels).save(path)


def _time(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="counted runs of each command")
    parser.add_argument("--with-torch", action="store_true", help="also time 'import torch' alone")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        _write_input(folder / "in64.png")
        results = {}
        for label, command in _commands(folder, args.with_torch).items():
            _time(command, env, folder)
            results[label] = [_time(command, env, folder) for _ in range(args.repeat)]
    base = statistics.median(results[BASELINE])
    print(f"{'command':<40} {'median s':>9} {'min s':>7} {'max s':>7} {'x baseline':>11} {'+ s':>7}")
    for label, times in results.items():
        median = statistics.median(times)
        print(
            f"{label:<40} {median:9.3f} {min(times):7.3f} {max(times):7.3f} "
            f"{median / base:11.1f} {median - base:7.3f}"
        )
    load = os.getloadavg()[0]
    print(f"({args.repeat} runs each after one warm-up; baseline '{BASELINE}'; load average {load:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
