"""Validate before spending time: compare, bench and batch check every method, value and weight file
before the first method runs; a failure in the middle keeps and reports what finished."""

from __future__ import annotations

import csv
import json
import time

import numpy as np
import pytest

from workbench.cli import main
from workbench.core import registry
from workbench.core.errors import OutOfMemory, ParameterError
from workbench.core.image import Image
from workbench.core.io import write_image
from workbench.core.methods.learned import shipped_path
from workbench.core.params import ParamSpec
from workbench.core.problem import Task

SLOW_SECONDS = 3.0


@pytest.fixture
def methods(register_for_test):
    """'pf_slow' (records its calls, sleeps SLOW_SECONDS), 'pf_good' (a copy), 'pf_oom' (runs out of
    memory), 'pf_ctrl_c' (the user presses Ctrl+C in it), 'pf_needs' (its check says weights are missing)."""
    calls: list[str] = []

    def slow(problem, params, ctx):
        calls.append("pf_slow")
        time.sleep(SLOW_SECONDS)
        return problem.observed.pixels

    def good(problem, params, ctx):
        calls.append("pf_good")
        return problem.observed.pixels * 0.5

    def oom(problem, params, ctx):
        raise OutOfMemory("the computer ran out of memory: try a crop")

    def ctrl_c(problem, params, ctx):
        raise KeyboardInterrupt

    def missing(params):
        raise ParameterError("method 'pf_needs' has no shipped weights")

    denoise = frozenset({Task.DENOISE})
    for name, run, check in (
        ("pf_slow", slow, None),
        ("pf_good", good, None),
        ("pf_oom", oom, None),
        ("pf_ctrl_c", ctrl_c, None),
        ("pf_needs", good, missing),
    ):
        register_for_test(registry.Method(name, name, "test", denoise, ParamSpec(), run, check=check))
    return calls


@pytest.fixture
def image_folder(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(5)
    for name in ("a.png", "b.png", "c.png"):
        write_image(Image(rng.random((16, 16, 1), dtype=np.float32)), folder / name)
    return folder


def _unfit_learned() -> list[str]:
    """A learned method that cannot run: unet has no shipped weights (else ffdnet with a missing file)."""
    if not shipped_path("unet").is_file():
        return ["unet"]
    return ["ffdnet", "--set", "weights=/nonexistent/ffdnet.pt"]


@pytest.mark.parametrize("bad", ["pf_needs", "unet", "nlm --set h_factor=1e9", "nosuch"])
def test_compare_fails_before_running_any_method(methods, image_folder, tmp_path, bad, capsys):
    first, *rest = _unfit_learned() if bad == "unet" else bad.split()
    out = tmp_path / "out"
    code = main(["compare", str(image_folder / "a.png"), "-m", f"pf_slow,{first}", *rest, "-o", str(out)])
    assert code == 1 and capsys.readouterr().err.startswith("workbench: error:")
    assert methods == [] and not out.exists()


def test_bench_and_batch_fail_before_running_on_a_method_without_weights(
    methods, image_folder, tmp_path, capsys
):
    bench = main(["bench", str(image_folder), "-m", "pf_slow,pf_needs", "--sigma", "25"])
    batch = main(["batch", str(image_folder), "-m", "pf_needs", "-o", str(tmp_path / "out")])
    assert (bench, batch) == (1, 1)
    assert "no shipped weights" in capsys.readouterr().err
    assert methods == []
    assert not (tmp_path / "out").exists()


def test_a_compare_method_failing_midway_keeps_and_reports_the_finished_ones(
    methods, image_folder, tmp_path, capsys
):
    out = tmp_path / "out"
    code = main(["compare", str(image_folder / "a.png"), "-m", "pf_good,pf_oom,pf_slow", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert "pf_oom failed: the computer ran out of memory" in captured.err
    with open(out / "metrics.csv", newline="") as handle:
        assert [row["method"] for row in csv.DictReader(handle)] == ["pf_good", "pf_slow"]
    record = json.loads((out / "comparison.json").read_text())
    assert record["failed"] == [{"method": "pf_oom", "error": "the computer ran out of memory: try a crop"}]
    assert (out / "a_pf_good.png").is_file() and (out / "grid.png").is_file()


def test_an_interrupted_compare_writes_what_finished_and_names_what_did_not(
    methods, image_folder, tmp_path, capsys
):
    out = tmp_path / "out"
    code = main(
        [
            "compare",
            str(image_folder / "a.png"),
            "-m",
            "pf_good,pf_ctrl_c,pf_slow",
            "-o",
            str(out),
            "--no-estimate",
        ]
    )
    captured = capsys.readouterr()
    assert code == 130 and captured.err.endswith("workbench: interrupted\n")
    assert "interrupted before pf_ctrl_c, pf_slow finished" in captured.err
    assert (out / "a_pf_good.png").is_file() and methods == ["pf_good"]


def test_a_bench_method_failing_midway_keeps_the_others_scores(methods, image_folder, tmp_path, capsys):
    out = tmp_path / "scores.json"
    code = main(["bench", str(image_folder), "-m", "pf_good,pf_oom", "--sigma", "25", "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 1 and "pf_oom failed on a.png" in captured.err
    record = json.loads(out.read_text())
    assert list(record["mean"]) == ["pf_good"] and set(record["per_image"]) == {"a.png", "b.png", "c.png"}
    assert record["failed"][0]["method"] == "pf_oom"


def test_an_interrupted_bench_writes_the_images_it_finished(
    register_for_test, image_folder, tmp_path, capsys
):
    seen = []

    def good_then_ctrl_c(problem, params, ctx):
        seen.append(problem.observed.source)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return problem.observed.pixels

    register_for_test(
        registry.Method("pf_flaky", "flaky", "test", frozenset({Task.DENOISE}), ParamSpec(), good_then_ctrl_c)
    )
    out = tmp_path / "scores.json"
    code = main(
        ["bench", str(image_folder), "-m", "pf_flaky", "--sigma", "25", "--json", str(out), "--no-estimate"]
    )
    captured = capsys.readouterr()
    assert code == 130 and "interrupted after 1 images" in captured.err
    record = json.loads(out.read_text())
    assert record["interrupted"] is True and list(record["per_image"]) == ["a.png"]
