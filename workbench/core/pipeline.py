"""Run one method on one problem and collect what the user needs to know about the run (a
:class:`~workbench.core.result.Result`, built by :func:`~workbench.core.result.make_result`)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from . import memory, registry
from .jobs import RunContext
from .problem import Problem
from .result import Result, make_result


def restore(
    problem: Problem,
    method_name: str,
    values: Mapping[str, Any] | None = None,
    ctx: RunContext | None = None,
    estimate: bool = False,
) -> Result:
    """Validate the parameters, run the method, time it and score it against the reference.

    With ``estimate``, also estimate its PSNR without the reference (one more run of the method;
    see :func:`workbench.core.quality.estimate.estimate_psnr`).

    Raises:
        ParameterError: unknown method, bad parameter, a task the method does not
            solve, or a problem missing what its task needs.
        Cancelled: the context was cancelled during the run.
        OutOfMemory: the result's buffers alone would not fit in the memory there is.
    """
    method = registry.get(method_name)
    params = registry.prepare(method.name, values, problem.task)
    problem.require()
    require_result_fits(problem, method.name)
    ctx = ctx or RunContext()
    ctx.notes.clear()
    start = time.perf_counter()
    pixels = method.run(problem, params, ctx)
    seconds = time.perf_counter() - start
    extras = {key: value for key, value in ctx.notes.items() if key != "memory"}
    result = make_result(problem, pixels, method.name, params, seconds, extras)
    result.notes += ctx.notes.get("memory", [])
    if estimate:
        from .quality.estimate import estimate_psnr

        estimate_psnr(problem, result, ctx)
    return result


def require_result_fits(problem: Problem, method_name: str) -> None:
    """Refuse, before anything is allocated, a result whose whole-image buffers (see
    ``memory.IMAGE_COPIES``) exceed the memory there is (e.g. ``--scale 100000``)."""
    height, width = problem.output_shape
    channels = problem.observed.channels
    memory.require_fits(
        memory.image_bytes(height, width, channels, memory.IMAGE_COPIES),
        f"{method_name} with a {width}x{height}x{channels} result",
        "choose a smaller scale or a crop of the image",
    )
