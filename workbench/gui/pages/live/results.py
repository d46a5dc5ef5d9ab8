"""How a live run names the problem it solves (results themselves come from core.result.make_result)."""

from __future__ import annotations

from workbench.core.problem import Problem


def describe_problem(problem: Problem) -> str:
    """'Denoising, 256×256': the task and the observation's size, for captions."""
    return f"{problem.task.title}, {problem.observed.width}×{problem.observed.height}"
