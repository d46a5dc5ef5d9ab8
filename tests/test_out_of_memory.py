"""Running out of GPU or main memory reaches the user as one readable line with advice."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.cli import main
from workbench.core import registry
from workbench.core.errors import OutOfMemory, out_of_memory
from workbench.core.image import Image
from workbench.core.io import write_image
from workbench.core.params import ParamSpec
from workbench.core.problem import Task


class OutOfMemoryError(RuntimeError):
    """Stands in for torch.cuda.OutOfMemoryError (a RuntimeError of that name)."""


def _numpy_memory_error() -> MemoryError:
    """The error numpy raises for an array no computer can hold (a petabyte)."""
    try:
        np.empty(2**50, dtype=np.uint8)
    except MemoryError as error:
        return error
    raise AssertionError("a petabyte array was allocated")


@pytest.mark.parametrize(
    ("error", "where"),
    [
        (OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), "GPU"),
        (RuntimeError("CUDA error: out of memory"), "GPU"),
        (MemoryError(), "computer"),
        (_numpy_memory_error(), "computer"),
    ],
)
def test_memory_failures_become_a_message_with_advice(error, where):
    mapped = out_of_memory(error)
    assert isinstance(mapped, OutOfMemory)
    assert f"the {where} ran out of memory" in str(mapped)
    assert "CPU device" in str(mapped) and "tile" in str(mapped)


def test_other_failures_are_not_taken_for_memory():
    assert out_of_memory(RuntimeError("shape mismatch")) is None
    assert out_of_memory(ValueError("out of range")) is None


def _exhausts_the_gpu(problem, params, ctx):
    raise OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")


def test_the_cli_prints_one_line_and_exits_1_when_a_method_runs_out_of_memory(
    tmp_path, capsys, register_for_test
):
    method = registry.Method(
        "oom_test", "OOM test", "test", frozenset({Task.DENOISE}), ParamSpec([]), _exhausts_the_gpu
    )
    register_for_test(method)
    source = write_image(Image(np.full((8, 8, 1), 0.5, np.float32)), tmp_path / "in.png")
    assert main(["restore", str(source), "-o", str(tmp_path / "out.png"), "-m", "oom_test"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert error.startswith("workbench: error: the GPU ran out of memory")
    assert not (tmp_path / "out.png").exists()
