"""How a sweep scales: cells per minute with 1 and 2 local workers and on a local Ray cluster, and
Ray's overhead per cell.

    python benchmarks/sweep_scaling.py [--method bm3d] [--crop 64] [--images 6] [--seeds 0,1] [--no-ray]

A CPU-bound sweep (``--method`` on ``--images`` BSD68 centre crops of ``--crop`` pixels, sigma 25,
one cell per image and seed) runs with each executor into a fresh folder (the table is written as
in any sweep). Printed per executor: the wall time of the whole sweep (pool or cluster start-up
included), the cells per minute over it, and the steady rate: cells per minute once every worker
has delivered its first row (start-up and imports left out) until the last row. The baseline,
named in the ratio column, is one local worker with one thread. Ray's overhead per cell: tiny
cells (a 3x3 median of a 16x16 image) run inline and on a warm one-CPU Ray cluster; the overhead
is the difference of their time per cell.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.core.sweep import (  # noqa: E402
    InlineExecutor,
    PoolExecutor,
    RayExecutor,
    SweepSpec,
    plan_cells,
    run_sweep,
)

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))


def timed_sweep(spec: SweepSpec, executor, workers: int) -> tuple[float, float, int, int]:
    """(wall seconds, steady seconds, rows in the steady window, cells) of one sweep into a new
    folder. The steady window starts when ``workers`` distinct workers have each delivered a row
    (all of them started and warm) and ends at the last row."""
    stamps: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        outcome = run_sweep(
            spec,
            Path(folder) / "out",
            executor,
            lambda row, _: stamps.append((time.perf_counter(), row["worker"])),
        )
        wall = time.perf_counter() - start
    if outcome.failed:
        raise SystemExit(f"{outcome.failed} cells failed with {executor.name}")
    seen: set[str] = set()
    for index, (stamp, worker) in enumerate(stamps):
        seen.add(worker)
        if len(seen) >= workers:
            return wall, stamps[-1][0] - stamp, len(stamps) - 1 - index, outcome.ran
    return wall, float("nan"), 0, outcome.ran


def ray_overhead(count: int) -> tuple[float, float]:
    """(seconds per tiny cell inline, on a warm one-CPU Ray cluster)."""
    import numpy as np
    import ray
    from PIL import Image as PILImage

    with tempfile.TemporaryDirectory() as folder:
        images = Path(folder) / "tiny"
        images.mkdir()
        rng = np.random.default_rng(0)
        for index in range(count):
            PILImage.fromarray(rng.integers(0, 256, (16, 16), dtype=np.uint8)).save(images / f"{index}.png")
        spec = SweepSpec.from_options([images], "median", "25")
        cells, _ = plan_cells(spec)
        rows: list[dict] = []
        inline = InlineExecutor()
        inline.run(cells[:2], rows.append, threading.Event())
        start = time.perf_counter()
        inline.run(cells, rows.append, threading.Event())
        per_inline = (time.perf_counter() - start) / count
        ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
        try:
            executor = RayExecutor(workers=1)
            executor.run(cells[:4], rows.append, threading.Event())
            start = time.perf_counter()
            executor.run(cells, rows.append, threading.Event())
            per_ray = (time.perf_counter() - start) / count
        finally:
            ray.shutdown()
    return per_inline, per_ray


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--method", default="bm3d")
    parser.add_argument("--crop", type=int, default=64)
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--tiny-cells", type=int, default=200, help="cells for Ray's overhead")
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    spec = SweepSpec.from_options(
        [SHARED / "datasets" / "bsd68"],
        args.method,
        "25",
        seeds=args.seeds,
        crop=args.crop,
        limit=args.images,
    )
    runs = [
        ("local, 1 worker x 1 thread", PoolExecutor(1, threads=1), 1),
        ("local, 1 worker x 2 threads", PoolExecutor(1, threads=2), 1),
        ("local, 2 workers x 1 thread", PoolExecutor(2, threads=1), 2),
    ]
    if not args.no_ray:
        runs.append(("ray local, 2 CPUs", RayExecutor(workers=2), 2))
    print(f"{args.method}, {args.images} BSD68 crops of {args.crop} px, sigma 25, seeds {args.seeds}")
    print(
        "| executor | cells | wall (s) | cells/min | steady cells/min | steady ratio to 1 worker x 1 thread |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    baseline = None
    for name, executor, workers in runs:
        wall, steady, counted, cells = timed_sweep(spec, executor, workers)
        rate = 60 * counted / steady if steady > 0 else float("nan")
        baseline = baseline or rate
        print(
            f"| {name} | {cells} | {wall:.1f} | {60 * cells / wall:.1f} | {rate:.1f} "
            f"| {rate / baseline:.2f} |"
        )
    if not args.no_ray:
        inline, ray = ray_overhead(args.tiny_cells)
        print(
            f"Ray overhead per cell ({args.tiny_cells} tiny cells, 1 CPU, warm): "
            f"inline {inline * 1000:.1f} ms, Ray {ray * 1000:.1f} ms, overhead {(ray - inline) * 1000:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
