"""``workbench sweep``: a run, its resume, the report alone, a TOML study and the one-line errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from PIL import Image as PILImage

from workbench.cli import main


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "clean"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(3):
        PILImage.fromarray(rng.integers(0, 256, (24, 24), dtype=np.uint8)).save(folder / f"{index}.png")
    return folder


def sweep(folder, out, *extra):
    return main(["sweep", str(folder), "-m", "median,gaussian", "--sigma", "15,25", "--grid", "radius=1,2",
                 "--baseline", "gaussian", "-o", str(out), "--workers", "0", *extra])  # fmt: skip


def test_sweep_prints_progress_and_summary_and_resumes(folder, tmp_path, capsys):
    assert sweep(folder, tmp_path / "out") == 0
    captured = capsys.readouterr()
    assert "[18/18]" in captured.err and '{"radius": 2}' in captured.err
    assert "18 cells: 0 already in the table (resumed), 18 run now (0 failed)" in captured.out
    assert sweep(folder, tmp_path / "out") == 0
    assert "18 already in the table (resumed), 0 run now" in capsys.readouterr().out
    report = (tmp_path / "out" / "report" / "report.md").read_text()
    assert "| clean | sigma 25 | median | radius=2 | 3 |" in report


def test_report_alone_rewrites_it_from_the_table(folder, tmp_path, capsys):
    sweep(folder, tmp_path / "out")
    (tmp_path / "out" / "report" / "report.md").unlink()
    assert main(["sweep", "--report", str(tmp_path / "out")]) == 0
    assert "baseline" in (tmp_path / "out" / "report" / "report.md").read_text()
    assert "report:" in capsys.readouterr().out


def test_toml_study_runs_like_the_flags(folder, tmp_path, capsys):
    study = tmp_path / "study.toml"
    study.write_text(
        'datasets = ["clean"]\nsigma = [15, 25]\n[methods.median]\nradius = [1, 2]\n[methods.gaussian]\n'
    )
    assert main(["sweep", "--config", str(study), "-o", str(tmp_path / "toml"), "--workers", "0",
                 "--baseline", "gaussian"]) == 0  # fmt: skip
    sweep(folder, tmp_path / "flags")
    from workbench.core.sweep import ResultTable

    def keys(out):
        return set(ResultTable(out).latest())

    assert keys(tmp_path / "toml") == keys(tmp_path / "flags")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "median", "--sigma", "15"], "-o/--out"),
        (["-m", "median", "-o", "OUT"], "needs a degradation"),
        (
            ["-m", "median", "--sigma", "15", "-o", "OUT", "--address", "h:1"],
            "--address is for --executor ray",
        ),
        (["--sigma", "15", "-o", "OUT"], "-m/--methods"),
        (["--report", "OUT", "-m", "median"], "takes no other sweep options"),
    ],
)
def test_bad_command_lines_are_one_line_errors(folder, tmp_path, capsys, args, message):
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in args]
    assert main(["sweep", str(folder), *args] if "--report" not in args else ["sweep", *args]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="Ray is installed here")
def test_ray_executor_without_ray_says_how_to_install_it(folder, tmp_path, capsys):
    assert sweep(folder, tmp_path / "out", "--executor", "ray") == 1
    assert 'pip install -e ".[cluster]"' in capsys.readouterr().err
