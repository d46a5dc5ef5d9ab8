"""``workbench dip`` and the 'dip' method: outputs, the curve log, refusals."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from workbench.cli import main
from workbench.core import io, pipeline
from workbench.core.image import Image
from workbench.core.problem import Problem, Task

pytestmark = pytest.mark.usefixtures("torch_threads")


@pytest.fixture
def noisy_pair(tmp_path):
    y, x = np.mgrid[0:20, 0:24].astype(np.float32)
    clean = np.stack([x / 23, y / 19, 0.5 + 0 * x], axis=2).astype(np.float32)
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 0.1, clean.shape), 0, 1).astype(np.float32)
    clean_path = io.write_image(Image(clean), tmp_path / "clean.png")
    noisy_path = io.write_image(Image(noisy), tmp_path / "noisy.png")
    return noisy_path, clean_path


@pytest.mark.slow
def test_cli_writes_the_output_and_a_curve_with_psnr(noisy_pair, tmp_path, capsys):
    noisy, clean = noisy_pair
    out, log = tmp_path / "out.png", tmp_path / "curve.csv"
    argv = ["dip", str(noisy), "-o", str(out), "--iters", "6", "--reference", str(clean), "--log", str(log)]
    assert main(argv) == 0
    assert io.read_image(out).pixels.shape == (20, 24, 3)
    rows = list(csv.DictReader(log.read_text().splitlines()))
    assert list(rows[0]) == ["iteration", "seconds", "loss", "psnr", "psnr_avg", "es_stat", "psnr_est"]
    assert [row["iteration"] for row in rows] == [str(i) for i in range(1, 7)]
    assert all(row["psnr"] and row["psnr_avg"] for row in rows)
    printed = capsys.readouterr().out
    assert "running average" in printed and "PSNR of the output" in printed


def test_cli_leaves_psnr_empty_without_a_reference(noisy_pair, tmp_path):
    out, log = tmp_path / "out.png", tmp_path / "curve.csv"
    assert main(["dip", str(noisy_pair[0]), "-o", str(out), "--iters", "3", "--log", str(log)]) == 0
    rows = list(csv.DictReader(log.read_text().splitlines()))
    assert all(row["psnr"] == "" and row["psnr_avg"] == "" for row in rows)


def test_cli_refuses_an_existing_output_before_running(noisy_pair, tmp_path, capsys):
    out = tmp_path / "out.png"
    out.write_bytes(b"keep me")
    assert main(["dip", str(noisy_pair[0]), "-o", str(out), "--iters", "3"]) == 1
    assert "exists" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"


def test_cli_refuses_inpainting_without_a_mask(noisy_pair, tmp_path, capsys):
    assert main(["dip", str(noisy_pair[0]), "-o", str(tmp_path / "o.png"), "--task", "inpaint"]) == 1
    assert "mask" in capsys.readouterr().err


def test_method_runs_through_the_pipeline_and_says_what_it_returned():
    pixels = np.random.default_rng(1).random((16, 16, 1), dtype=np.float32)
    problem = Problem(Image(pixels), Task.DENOISE)
    result = pipeline.restore(problem, "dip", {"iterations": 4, "auto_stop": False})
    assert result.image.pixels.shape == (16, 16, 1)
    assert result.extras["iterations"] == 4 and result.extras["stop_reason"] == "cap"
    assert "running average" in result.extras["dip_output"]


def test_cli_stops_by_the_discrepancy_rule_when_given_the_noise_level(noisy_pair, tmp_path, capsys):
    noisy, clean = noisy_pair
    out = tmp_path / "out.png"
    argv = ["dip", str(noisy), "-o", str(out), "--auto-stop", "--noise-sigma", "25.5", "--iters", "3000"]
    assert main([*argv, "--patience", "50000", "--reference", str(clean)]) == 0
    printed = capsys.readouterr().out
    assert "discrepancy principle, sigma 25.5/255" in printed and "stopped by automatic stopping" in printed


def test_the_method_takes_the_noise_level_of_the_problem_unless_told_otherwise():
    pixels = np.full((16, 16, 1), 0.5, dtype=np.float32)
    noisy = pixels + np.random.default_rng(2).normal(0, 0.1, pixels.shape).astype(np.float32)
    problem = Problem(Image(noisy), Task.DENOISE, noise_sigma=0.1)
    values = {"iterations": 3000, "es_patience": 50_000}
    assert pipeline.restore(problem, "dip", values).extras["stop_rule"] == "discrepancy"
    unknown = pipeline.restore(problem, "dip", {**values, "iterations": 5, "noise_sigma": 0})
    assert unknown.extras["stop_rule"] is None
