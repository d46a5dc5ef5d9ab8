"""Batches: every readable file is restored, unreadable ones are named, nothing is overwritten."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import uniform_filter

from workbench.cli import main
from workbench.core import registry
from workbench.core.batch import batch_inputs, free_path, run_batch
from workbench.core.errors import Cancelled, ParameterError
from workbench.core.image import Image
from workbench.core.io import read_image, write_image
from workbench.core.jobs import RunContext
from workbench.core.params import ParamSpec
from workbench.core.problem import Task


@pytest.fixture
def box_method(register_for_test):
    def run(problem, params, ctx):
        return uniform_filter(problem.observed.pixels, size=(3, 3, 1), mode="reflect")

    return register_for_test(
        registry.Method("test_box3", "Box", "test", frozenset({Task.DENOISE}), ParamSpec(), run)
    )


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    source = tmp_path / "in"
    source.mkdir()
    write_image(Image(rng.random((12, 10, 3)), bit_depth=16), source / "a.tif")
    write_image(Image(rng.random((8, 9, 1))), source / "b.png")
    (source / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return source


def test_batch_writes_good_files_and_names_the_bad_one(folder, tmp_path, box_method):
    report = run_batch(batch_inputs(folder), tmp_path / "out", box_method)
    assert [target.name for _, target in report.written] == ["a_test_box3.tif", "b_test_box3.tif"]
    assert [(source.name, "broken.jpg" in reason) for source, reason in report.skipped] == [
        ("broken.jpg", True)
    ]
    assert read_image(tmp_path / "out" / "a_test_box3.tif").bit_depth == 16


def test_batch_run_again_resumes_and_writes_copies_only_when_asked(folder, tmp_path, box_method):
    out = tmp_path / "out"
    first = run_batch(batch_inputs(folder), out, box_method)
    stamps = {target: target.stat().st_mtime_ns for _, target in first.written}
    second = run_batch(batch_inputs(folder), out, box_method)
    assert second.written == [] and second.kept == first.written
    assert {target: target.stat().st_mtime_ns for _, target in first.written} == stamps
    third = run_batch(batch_inputs(folder), out, box_method, existing="copy")
    assert {t.name for _, t in third.written} == {"a_test_box3-1.tif", "b_test_box3-1.tif"}
    assert all(target.exists() for _, target in first.written)


def test_batch_checks_parameters_before_touching_files(folder, tmp_path, box_method):
    with pytest.raises(ParameterError, match="unknown parameter"):
        run_batch(batch_inputs(folder), tmp_path / "out", box_method, {"strength": 3})
    assert not (tmp_path / "out").exists()


def test_cancelled_batch_keeps_finished_files(folder, tmp_path, box_method):
    ctx = RunContext()
    ctx.on_progress = lambda fraction, message: ctx.cancel() if message.startswith("b.png") else None
    with pytest.raises(Cancelled):
        run_batch(batch_inputs(folder), tmp_path / "out", box_method, ctx=ctx)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_test_box3.tif", "b_test_box3.tif"]


def test_free_path_numbers_taken_names(tmp_path):
    (tmp_path / "x.png").write_bytes(b"")
    assert free_path(tmp_path / "x.png").name == "x-1.png"
    assert free_path(tmp_path / "y.png").name == "y.png"


def test_batch_command_reports_skipped_file_on_stderr(folder, tmp_path, box_method, capsys):
    code = main(["batch", str(folder), "-m", box_method, "-o", str(tmp_path / "out"), "--format", "png"])
    captured = capsys.readouterr()
    assert code == 0
    assert "2 written, 1 skipped" in captured.out
    assert "skipped broken.jpg" in captured.err
