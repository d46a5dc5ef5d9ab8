"""``workbench compare``: the folder it writes, --set spreading and its errors, --rerun."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pytest
from scipy.ndimage import uniform_filter

from workbench.cli import main
from workbench.core import registry
from workbench.core.image import Image
from workbench.core.io import read_image, write_image
from workbench.core.metrics import psnr
from workbench.core.params import FloatParam, IntParam, ParamSpec
from workbench.core.problem import Task


def _smooth(problem, params, ctx):
    size = params["size"]
    return uniform_filter(problem.observed.pixels, size=(size, size, 1), mode="reflect")


@pytest.fixture
def fakes(monkeypatch):
    """Two quick test methods; only 'clitest_box' has 'size', both have 'sigma'."""
    spec_box = ParamSpec(
        [IntParam("size", 3, minimum=1, maximum=9), FloatParam("sigma", 25.0, maximum=100.0)]
    )
    spec_flat = ParamSpec([FloatParam("sigma", 25.0, maximum=100.0)])
    methods = (
        registry.Method("clitest_box", "Box", "test", frozenset({Task.DENOISE}), spec_box, _smooth),
        registry.Method(
            "clitest_flat",
            "Flat",
            "test",
            frozenset({Task.DENOISE}),
            spec_flat,
            lambda problem, params, ctx: _smooth(problem, {"size": 5}, ctx),
        ),
    )
    registry.available()
    for method in methods:
        monkeypatch.setitem(registry._METHODS, method.name, method)


def _shared() -> Path:
    return Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


@pytest.fixture
def pair(tmp_path):
    """(noisy.png, clean.png): a 40×40 gray gradient and it plus sigma-25 Gaussian noise."""
    rows = np.linspace(0.2, 0.8, 40, dtype=np.float32)[:, None, None]
    clean = np.repeat(rows, 40, axis=1)
    noisy = np.clip(clean + np.random.default_rng(1).normal(0, 25 / 255, clean.shape), 0, 1)
    return write_image(Image(noisy), tmp_path / "noisy.png"), write_image(
        Image(clean), tmp_path / "clean.png"
    )


def _metrics(folder: Path) -> list[dict]:
    with open(folder / "metrics.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_compare_writes_results_grid_and_metrics(fakes, pair, tmp_path, capsys):
    noisy, clean = pair
    out = tmp_path / "out"
    methods = ["-m", "clitest_box,clitest_flat", "--set", "sigma=15"]
    code = main(["compare", str(noisy), *methods, "--reference", str(clean), "-o", str(out)])
    assert code == 0
    rows = _metrics(out)
    assert [row["method"] for row in rows] == ["clitest_box", "clitest_flat"]
    assert [json.loads(row["params"])["sigma"] for row in rows] == [15.0, 15.0]
    for row in rows:
        written = read_image(out / f"noisy_{row['method']}.png")
        assert psnr(written.pixels, read_image(clean).pixels) == pytest.approx(float(row["psnr"]), abs=0.1)
    assert (out / "grid.png").is_file() and (out / "comparison.json").is_file()
    assert "clitest_flat" in capsys.readouterr().out


def test_set_that_no_chosen_method_has_fails_with_one_line_and_writes_nothing(fakes, pair, tmp_path, capsys):
    noisy, _ = pair
    out = tmp_path / "out"
    code = main(["compare", str(noisy), "-m", "clitest_flat", "--set", "size=5", "-o", str(out)])
    error = capsys.readouterr().err
    assert code == 1
    assert error.count("\n") == 1 and "--set size" in error and "clitest_flat" in error
    assert not out.exists()


def test_existing_results_are_not_overwritten(fakes, pair, tmp_path, capsys):
    noisy, _ = pair
    out = tmp_path / "out"
    out.mkdir()
    (out / "noisy_clitest_box.png").write_bytes(b"mine")
    assert main(["compare", str(noisy), "-m", "clitest_box", "-o", str(out)]) == 1
    assert "would overwrite noisy_clitest_box.png" in capsys.readouterr().err
    assert sorted(path.name for path in out.iterdir()) == ["noisy_clitest_box.png"]


def test_rerun_repeats_methods_and_parameters(fakes, pair, tmp_path):
    noisy, clean = pair
    first, second = tmp_path / "first", tmp_path / "second"
    args = ["compare", str(noisy), "-m", "clitest_box", "--set", "size=5", "--reference", str(clean)]
    assert main([*args, "-o", str(first)]) == 0
    assert main(["compare", "--rerun", str(first / "comparison.json"), "-o", str(second)]) == 0
    before, after = _metrics(first), _metrics(second)
    assert [row["params"] for row in after] == [row["params"] for row in before]
    assert [row["psnr"] for row in after] == [row["psnr"] for row in before]


def test_reference_of_another_size_is_refused(fakes, pair, tmp_path, capsys):
    noisy, _ = pair
    small = write_image(Image(np.zeros((8, 8, 1), np.float32)), tmp_path / "small.png")
    assert (
        main(
            ["compare", str(noisy), "-m", "clitest_box", "--reference", str(small), "-o", str(tmp_path / "o")]
        )
        == 1
    )
    assert "reference is 8x8" in capsys.readouterr().err


@pytest.mark.slow
def test_bm3d_nlm_dncnn_at_sigma_25_against_the_reference(tmp_path):
    known = {method.name for method in registry.available()}
    missing = {"bm3d", "nlm", "dncnn"} - known
    if missing:
        pytest.skip(f"needs methods {', '.join(sorted(missing))}")
    set12 = _shared() / "datasets" / "set12"
    if not set12.is_dir():
        pytest.skip("shared datasets not found")
    clean_image = read_image(sorted(set12.iterdir())[0])
    clean = Image(clean_image.pixels[:64, :64])
    noisy = Image(
        np.clip(clean.pixels + np.random.default_rng(0).normal(0, 25 / 255, clean.pixels.shape), 0, 1)
    )
    noisy_path = write_image(noisy, tmp_path / "noisy.png")
    clean_path = write_image(clean, tmp_path / "clean.png")
    out = tmp_path / "DIR"
    args = [
        "compare",
        str(noisy_path),
        "-m",
        "bm3d,nlm,dncnn",
        "--set",
        "sigma=25",
        "--reference",
        str(clean_path),
    ]
    assert main([*args, "-o", str(out)]) == 0
    rows = _metrics(out)
    assert [row["method"] for row in rows] == ["bm3d", "nlm", "dncnn"]
    assert list(rows[0])[:4] == ["method", "psnr", "ssim", "seconds"]
    for row in rows:
        written = read_image(out / f"noisy_{row['method']}.png")
        assert psnr(written.pixels, clean.pixels) == pytest.approx(float(row["psnr"]), abs=0.1)
    assert read_image(out / "grid.png").width > 0
