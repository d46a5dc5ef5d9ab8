"""Batch options: output bit depth, RAW development, the task, and progress that only moves forward."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core import registry
from workbench.core.batch import run_batch
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.io import read_image, write_image
from workbench.core.jobs import RunContext
from workbench.core.params import ParamSpec
from workbench.core.problem import Task


def _halving(problem, params, ctx):
    for step in range(4):
        ctx.progress(step / 4, f"step {step}")
    return problem.observed.pixels * 0.5


@pytest.fixture
def halving_method(register_for_test):
    method = registry.Method(
        "test_halve", "Halve", "test", frozenset({Task.DENOISE, Task.JPEG}), ParamSpec(), _halving
    )
    return register_for_test(method)


@pytest.fixture
def inputs(tmp_path):
    rng = np.random.default_rng(3)
    folder = tmp_path / "in"
    folder.mkdir()
    first = write_image(Image(rng.random((10, 12, 3)), bit_depth=16), folder / "a.tif")
    second = write_image(Image(rng.random((9, 8, 3))), folder / "b.png")
    return [first, second]


def test_bit_depth_sets_every_output_depth(inputs, tmp_path, halving_method):
    report = run_batch(inputs, tmp_path / "out", halving_method, suffix=".png", bit_depth=16)
    assert [read_image(target).bit_depth for _, target in report.written] == [16, 16]


def test_without_bit_depth_each_output_keeps_its_source_depth(inputs, tmp_path, halving_method):
    report = run_batch(inputs, tmp_path / "out", halving_method, suffix=".tif")
    assert [read_image(target).bit_depth for _, target in report.written] == [16, 8]


def test_progress_covers_the_method_steps_and_never_goes_back(inputs, tmp_path, halving_method):
    seen = []
    ctx = RunContext(on_progress=lambda fraction, message: seen.append((fraction, message)))
    run_batch(inputs, tmp_path / "out", halving_method, ctx=ctx)
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions)
    assert (0.625, "b.png (2/2): step 1") in seen


def test_task_is_passed_on_and_a_task_the_method_lacks_is_refused_first(inputs, tmp_path, halving_method):
    report = run_batch(inputs, tmp_path / "jpeg", halving_method, task=Task.JPEG)
    assert len(report.written) == 2
    with pytest.raises(ParameterError, match="does not do deblur"):
        run_batch(inputs, tmp_path / "out", halving_method, task=Task.DEBLUR)
    assert not (tmp_path / "out").exists()
