"""Seconds and megapixels per second to restore a whole camera RAW the way ``workbench restore`` does.

    python benchmarks/raw_full.py                          # nlm, cbm3d, dncnn on colorchart.dng
    python benchmarks/raw_full.py -m nlm,vst_nlm --raw other.dng

The file is read once with the CLI's own ``build_problem`` (a full rawpy decode with the default
development: camera white balance, AHD demosaic, sRGB, 16 bits; colorchart.dng gives 1156×1734 RGB);
that read is timed on its own. Each method then runs through ``workbench.core.pipeline.restore``
with its defaults (sigma "auto", so the noise estimate is part of the time) and a quiet CLI
progress context, as ``workbench restore IN -o OUT -m METHOD`` does; writing the result is left out.
Times are wall-clock on this machine and depend on its load, which is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.cli.common import progress_context  # noqa: E402
from workbench.cli.restore import build_problem, choose_task  # noqa: E402
from workbench.core import registry  # noqa: E402
from workbench.core.pipeline import restore  # noqa: E402
from workbench.core.problem import Problem  # noqa: E402

SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
DEFAULT_METHODS = "nlm,cbm3d,dncnn"


def read_problem(raw: Path, method: registry.Method) -> tuple[Problem, float]:
    """The CLI's problem for ``raw`` (denoising, no reference) and the seconds its read took."""
    args = argparse.Namespace(
        input=raw, reference=None, mask=None, kernel=None, scale=1, task=None, method=method.name
    )
    start = time.perf_counter()
    problem = build_problem(args, choose_task(args, method))
    return problem, time.perf_counter() - start


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-m", "--methods", default=DEFAULT_METHODS, help="comma-separated method names")
    parser.add_argument("--raw", type=Path, default=SHARED / "raw" / "colorchart.dng")
    parser.add_argument("--device", default="auto", help="where torch methods run (auto, cpu, cuda)")
    args = parser.parse_args()
    methods = [registry.get(name) for name in args.methods.split(",")]
    print(f"before: {load()}")
    problem, read_seconds = read_problem(args.raw, methods[0])
    image = problem.observed
    megapixels = image.width * image.height / 1e6
    print(f"read {args.raw.name}: {image.width}×{image.height}×{image.channels}, {megapixels:.2f} MP")
    print(f"{'step':<10}{'seconds':>10}{'MP/s':>10}  notes")
    print(f"{'read':<10}{read_seconds:>10.2f}{megapixels / read_seconds:>10.2f}  full rawpy decode")
    for method in methods:
        result = restore(problem, method.name, ctx=progress_context(args.device, quiet=True))
        notes = ", ".join(f"{key} {value}" for key, value in result.extras.items())
        print(
            f"{method.name:<10}{result.seconds:>10.2f}{megapixels / result.seconds:>10.3f}  {notes}",
            flush=True,
        )
    print(f"after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
