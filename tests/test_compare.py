"""Comparisons: --set spreading, per-method progress and cancel, gains over BM3D, maps, grid and export."""

from __future__ import annotations

import csv
import json
import threading

import numpy as np
import pytest
from scipy.ndimage import median_filter, uniform_filter

from workbench.core import compare, registry
from workbench.core.errors import Cancelled, InputError, ParameterError
from workbench.core.image import Image
from workbench.core.io import read_image
from workbench.core.jobs import RunContext
from workbench.core.metrics import psnr
from workbench.core.params import FloatParam, IntParam, ParamSpec, SeedParam
from workbench.core.problem import Problem, Task

DENOISE = frozenset({Task.DENOISE})


def _box(problem, params, ctx):
    for step in range(4):
        ctx.progress(step / 4, f"pass {step}")
    return uniform_filter(problem.observed.pixels, size=(params["size"], params["size"], 1), mode="reflect")


def _median(problem, params, ctx):
    ctx.progress(0.5, "filtering")
    return median_filter(problem.observed.pixels, size=(3, 3, 1), mode="reflect")


def _identity(problem, params, ctx):
    ctx.check_cancelled()
    return problem.observed.pixels


FAKES = (
    registry.Method(
        "cmp_box",
        "Box filter",
        "test",
        DENOISE,
        ParamSpec([IntParam("size", 3, minimum=1, maximum=9), FloatParam("sigma", 25.0, maximum=100.0)]),
        _box,
    ),
    registry.Method("cmp_median", "Median", "test", DENOISE, ParamSpec([SeedParam("seed", 0)]), _median),
    registry.Method("cmp_copy", "Copy", "test", frozenset(Task), ParamSpec(), _identity),
    registry.Method(
        "bm3d",
        "BM3D stand-in",
        "test",
        DENOISE,
        ParamSpec([FloatParam("sigma", 25.0, maximum=100.0)]),
        lambda problem, params, ctx: uniform_filter(problem.observed.pixels, size=(5, 5, 1), mode="reflect"),
    ),
)


@pytest.fixture
def fakes(monkeypatch):
    """Test methods (one under the baseline's name 'bm3d') registered for one test."""
    registry.available()
    for method in FAKES:
        monkeypatch.setitem(registry._METHODS, method.name, method)


def _pair(height=20, width=24, channels=1, seed=0):
    rows = np.linspace(0.2, 0.8, height, dtype=np.float32)[:, None, None]
    cols = np.linspace(0.1, 0.9, width, dtype=np.float32)[None, :, None]
    clean = np.repeat((rows + cols) / 2, channels, axis=2).astype(np.float32)
    noisy = clean + np.random.default_rng(seed).normal(0, 0.08, clean.shape).astype(np.float32)
    return np.clip(noisy, 0, 1), clean


@pytest.fixture
def problem():
    noisy, clean = _pair()
    return Problem(Image(noisy), Task.DENOISE, reference=Image(clean))


def test_set_applies_to_every_chosen_method_having_the_parameter(fakes):
    runs = compare.settings_for(["cmp_box", "bm3d", "cmp_median"], ["sigma=15", "size=5"])
    assert runs == [
        compare.MethodRun("cmp_box", {"sigma": 15.0, "size": 5}),
        compare.MethodRun("bm3d", {"sigma": 15.0}),
        compare.MethodRun("cmp_median", {}),
    ]


def test_set_that_no_chosen_method_has_is_an_error(fakes):
    with pytest.raises(ParameterError, match=r"--set size: none of the chosen methods \(bm3d, cmp_median\)"):
        compare.settings_for(["bm3d", "cmp_median"], ["size=5"])


def test_set_value_rejected_by_a_method_names_that_method(fakes):
    with pytest.raises(ParameterError, match="cmp_box: parameter 'size'"):
        compare.settings_for(["cmp_box"], ["size=40"])


def test_method_list_rejects_empty_and_repeated_names():
    assert compare.parse_method_list(" bm3d, nlm ,dncnn") == ["bm3d", "nlm", "dncnn"]
    with pytest.raises(ParameterError, match="at least one"):
        compare.parse_method_list(" , ")
    with pytest.raises(ParameterError, match="nlm named more than once"):
        compare.parse_method_list("nlm,bm3d,nlm")


def test_progress_covers_each_method_in_turn(fakes, problem):
    reports = []
    ctx = RunContext(on_progress=lambda fraction, message: reports.append((fraction, message)))
    comparison = compare.run_comparison(
        problem, [compare.MethodRun("cmp_box"), compare.MethodRun("cmp_median")], ctx
    )
    fractions = [fraction for fraction, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    box_fractions = [fraction for fraction, message in reports if message.startswith("cmp_box (1/2)")]
    median_fractions = [fraction for fraction, message in reports if message.startswith("cmp_median (2/2)")]
    assert box_fractions and max(box_fractions) < 0.5 <= min(median_fractions)
    assert (2 / 4 / 2, "cmp_box (1/2): pass 2") in reports
    assert [result.method for result in comparison.results] == ["cmp_box", "cmp_median"]


def test_cancel_stops_the_running_method_and_the_rest(fakes, problem, monkeypatch):
    cancel = threading.Event()
    started = []

    def box_then_cancel(problem, params, ctx):
        started.append("box")
        cancel.set()
        ctx.progress(0.5, "cancel requested")
        return problem.observed.pixels

    monkeypatch.setitem(
        registry._METHODS,
        "cmp_box",
        registry.Method("cmp_box", "Box", "test", DENOISE, ParamSpec(), box_then_cancel),
    )
    with pytest.raises(Cancelled):
        compare.run_comparison(
            problem,
            [compare.MethodRun("cmp_median"), compare.MethodRun("cmp_box"), compare.MethodRun("cmp_copy")],
            RunContext(cancel_event=cancel),
        )
    assert started == ["box"]


def test_plan_is_checked_before_any_method_runs(fakes, problem, monkeypatch):
    ran = []
    monkeypatch.setitem(
        registry._METHODS,
        "cmp_median",
        registry.Method("cmp_median", "M", "test", DENOISE, ParamSpec(), lambda p, v, c: ran.append(1)),
    )
    inpaint = Problem(problem.observed, Task.DEBLUR, kernel=np.ones((3, 3), np.float32) / 9)
    with pytest.raises(ParameterError, match="method 'cmp_median' does not do deblur"):
        compare.run_comparison(inpaint, [compare.MethodRun("cmp_copy"), compare.MethodRun("cmp_median")])
    with pytest.raises(ParameterError, match="unknown parameter 'radius' for cmp_box"):
        compare.run_comparison(
            problem, [compare.MethodRun("cmp_median"), compare.MethodRun("cmp_box", {"radius": 2})]
        )
    with pytest.raises(ParameterError, match="only once"):
        compare.run_comparison(problem, [compare.MethodRun("cmp_median"), compare.MethodRun("cmp_median")])
    assert ran == []


def test_gain_is_psnr_difference_to_bm3d(fakes, problem):
    comparison = compare.run_comparison(
        problem, [compare.MethodRun("cmp_box"), compare.MethodRun("bm3d"), compare.MethodRun("cmp_copy")]
    )
    box, base, copy = comparison.results
    assert comparison.baseline is base
    assert comparison.gain(box) == pytest.approx(box.psnr - base.psnr)
    assert comparison.gain(base) == 0.0
    assert comparison.gain(copy) < 0


def test_without_bm3d_or_reference_there_is_no_gain(fakes, problem):
    no_base = compare.run_comparison(problem, [compare.MethodRun("cmp_box"), compare.MethodRun("cmp_copy")])
    assert no_base.baseline is None and no_base.gain(no_base.results[0]) is None
    blind = Problem(problem.observed)
    no_reference = compare.run_comparison(blind, [compare.MethodRun("bm3d"), compare.MethodRun("cmp_box")])
    assert no_reference.gain(no_reference.results[1]) is None
    assert no_reference.error_maps() is None


def test_error_maps_share_one_colour_scale(fakes, problem):
    comparison = compare.run_comparison(
        problem, [compare.MethodRun("cmp_box"), compare.MethodRun("cmp_copy")]
    )
    maps = comparison.error_maps()
    expected = np.abs(comparison.results[1].image.pixels - problem.reference.pixels)[:, :, 0]
    np.testing.assert_allclose(maps["cmp_copy"], expected, atol=1e-6)
    scale = compare.shared_scale(maps.values())
    value = float(maps["cmp_box"].flat[0])
    same_value = np.full((1, 1), value, np.float32)
    np.testing.assert_allclose(
        compare.heat_colors(maps["cmp_box"], scale)[0, 0], compare.heat_colors(same_value, scale)[0, 0]
    )
    assert maps["cmp_copy"].mean() > maps["cmp_box"].mean()


def test_heat_colours_run_from_black_to_pale_yellow_and_clip():
    colours = compare.heat_colors(np.array([[0.0, 0.1, 0.2, 5.0]]), top=0.2)
    assert colours.shape == (1, 4, 3)
    np.testing.assert_allclose(colours[0, 0], [0, 0, 4 / 255], atol=1e-6)
    np.testing.assert_allclose(colours[0, 2], colours[0, 3])
    assert colours[0, 2].min() > 0.6


def test_removed_noise_is_input_minus_result(fakes, problem):
    comparison = compare.run_comparison(problem, [compare.MethodRun("cmp_box")])
    removed = comparison.noise_maps()["cmp_box"]
    np.testing.assert_allclose(
        removed, (problem.observed.pixels - comparison.results[0].image.pixels)[:, :, 0], atol=1e-6
    )
    gray = compare.signed_gray(removed, compare.shared_scale([removed]))
    assert gray.shape == (*removed.shape, 1) and 0.45 < float(np.median(gray)) < 0.55


def test_grid_has_result_row_and_error_row_with_small_tiles_enlarged(fakes, problem):
    comparison = compare.run_comparison(problem, [compare.MethodRun("bm3d"), compare.MethodRun("cmp_box")])
    rows = compare.grid_tiles(comparison)
    assert [len(row) for row in rows] == [4, 4]
    assert rows[0][0].lines[0] == "Input" and rows[0][1].lines[0] == "Reference"
    assert rows[0][2].lines[-1].startswith("baseline")
    assert " dB vs BM3D · " in rows[0][3].lines[-1]
    page = compare.render_grid(rows, min_side=192)
    assert page.dtype == np.uint8 and page.shape[2] == 3
    assert page.shape[1] >= 4 * 192 and page.shape[0] >= 2 * 160
    assert (page[0, :, :] == 255).all()


def test_grid_without_reference_is_one_row(fakes, problem):
    comparison = compare.run_comparison(Problem(problem.observed), [compare.MethodRun("cmp_box")])
    rows = compare.grid_tiles(comparison)
    assert [len(row) for row in rows] == [2]
    assert rows[0][1].lines == ("Box filter", f"{comparison.results[0].seconds:.2f} s")


def test_export_writes_results_grid_metrics_and_rerun_record(fakes, tmp_path):
    noisy, clean = _pair(channels=3)
    problem = Problem(Image(noisy, bit_depth=16), reference=Image(clean, bit_depth=16), noise_sigma=0.1)
    runs = compare.settings_for(["bm3d", "cmp_box", "cmp_median"], ["sigma=30", "seed=7"])
    comparison = compare.run_comparison(problem, runs)
    compare.export_comparison(comparison, tmp_path / "out", stem="noisy")
    out = tmp_path / "out"
    with open(out / "metrics.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["method", "psnr", "ssim", "seconds", "params", "psnr_est", "tuned"]
    assert [row["method"] for row in rows] == ["bm3d", "cmp_box", "cmp_median"]
    for row in rows:
        written = read_image(out / f"noisy_{row['method']}.png")
        assert written.bit_depth == 16
        assert psnr(written.pixels, clean) == pytest.approx(float(row["psnr"]), abs=0.1)
    assert json.loads(rows[2]["params"]) == {"seed": 7}
    assert read_image(out / "grid.png").width > 5 * 192
    record = json.loads((out / "comparison.json").read_text())
    assert record["baseline"] == "bm3d"
    assert [entry["params"] for entry in record["methods"]] == [
        {"sigma": 30.0},
        {"sigma": 30.0, "size": 3},
        {"seed": 7},
    ]
    plan = compare.read_rerun(out / "comparison.json")
    assert plan.input == out / "input.png" and plan.reference == out / "reference.png"
    assert plan.runs[1] == compare.MethodRun("cmp_box", {"sigma": 30.0, "size": 3})
    assert plan.noise_sigma == pytest.approx(0.1)


def test_export_refuses_to_overwrite_and_writes_nothing(fakes, problem, tmp_path):
    comparison = compare.run_comparison(problem, [compare.MethodRun("cmp_box")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "metrics.csv").write_text("mine\n")
    with pytest.raises(InputError, match=r"would overwrite metrics\.csv"):
        compare.export_comparison(comparison, out)
    assert sorted(path.name for path in out.iterdir()) == ["metrics.csv"]
    assert (out / "metrics.csv").read_text() == "mine\n"


def test_rerun_record_that_is_not_one_is_an_input_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"methods": []}')
    with pytest.raises(InputError, match="not a comparison record"):
        compare.read_rerun(path)
    with pytest.raises(InputError, match="no such file"):
        compare.read_rerun(tmp_path / "missing.json")


@pytest.mark.parametrize("names", [("gaussian", "median", "nlm"), ("bm3d", "nlm")])
def test_real_methods_beat_the_noisy_input_on_a_tiny_image(names):
    known = {method.name for method in registry.available()}
    if not set(names) <= known:
        pytest.skip(f"needs methods {', '.join(sorted(set(names) - known))}")
    noisy, clean = _pair(height=32, width=32)
    problem = Problem(Image(noisy), reference=Image(clean))
    runs = compare.settings_for(names, [])
    comparison = compare.run_comparison(problem, runs)
    input_psnr, _ = comparison.input_psnr()
    assert [result.method for result in comparison.results] == list(names)
    assert all(result.psnr > input_psnr for result in comparison.results)


def test_each_result_is_handed_over_as_its_method_finishes():
    problem = Problem(Image(np.random.default_rng(1).random((16, 16, 1), dtype=np.float32)))
    runs = [compare.MethodRun("gaussian"), compare.MethodRun("median")]
    handed = []
    comparison = compare.run_comparison(problem, runs, on_result=handed.append)
    assert [result.method for result in handed] == ["gaussian", "median"]
    assert handed == comparison.results
