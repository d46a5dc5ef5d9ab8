"""The no-reference estimate and auto-tuning from the command line: restore, compare and bench."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from workbench.cli import main
from workbench.core.image import Image
from workbench.core.io import write_image


@pytest.fixture
def files(tmp_path):
    """clean.png and noisy.png (sigma 20, 8-bit) of a 96×96 gray scene with texture."""
    rows, cols = np.mgrid[0:96, 0:96] / 96
    clean = (0.5 + 0.2 * np.sin(8 * rows) * np.cos(5 * cols) + 0.1 * (cols > 0.5))[..., None]
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 20 / 255, clean.shape), 0, 1)
    return write_image(Image(clean.astype(np.float32)), tmp_path / "clean.png"), write_image(
        Image(noisy.astype(np.float32)), tmp_path / "noisy.png"
    )


def test_restore_reports_the_estimated_psnr_next_to_the_true_one(files, tmp_path, capsys):
    clean, noisy = files
    metrics = tmp_path / "m.json"
    args = [str(noisy), "-o", str(tmp_path / "o.png"), "-m", "tv", "--reference", str(clean)]
    assert main(["restore", *args, "--json", str(metrics)]) == 0
    record = json.loads(metrics.read_text())
    assert record["psnr_est"] == pytest.approx(record["psnr"], abs=1.5)
    assert record["psnr_est_by"].startswith("SURE (Gaussian")
    assert "estimated PSNR" in capsys.readouterr().out


def test_no_estimate_leaves_the_estimate_out(files, tmp_path):
    _, noisy = files
    metrics = tmp_path / "m.json"
    args = [str(noisy), "-o", str(tmp_path / "o.png"), "-m", "tv", "--json", str(metrics), "--no-estimate"]
    assert main(["restore", *args]) == 0
    assert "psnr_est" not in json.loads(metrics.read_text())


def test_restore_tune_records_the_chosen_values_and_criterion(files, tmp_path, capsys):
    _, noisy = files
    metrics = tmp_path / "m.json"
    args = [str(noisy), "-o", str(tmp_path / "o.png"), "-m", "gaussian", "--json", str(metrics), "--tune"]
    assert main(["restore", *args]) == 0
    record = json.loads(metrics.read_text())
    assert record["tuned"]["criterion"] == "sure"
    assert record["params"]["blur_sigma"] == record["tuned"]["values"]["blur_sigma"]
    assert "tuned by sure" in capsys.readouterr().out


def test_tuning_a_method_without_tunable_parameters_fails_with_one_line(files, tmp_path, capsys):
    _, noisy = files
    args = [str(noisy), "-o", str(tmp_path / "o.png"), "-m", "dncnn", "--tune", "jinv"]
    assert main(["restore", *args]) != 0
    assert "no parameter to tune" in capsys.readouterr().err
    assert not (tmp_path / "o.png").exists()


def test_compare_writes_the_estimate_and_the_tuning_into_metrics_csv(files, tmp_path):
    clean, noisy = files
    out = tmp_path / "cmp"
    out.mkdir()
    args = [str(noisy), "-m", "tv,median", "-o", str(out), "--reference", str(clean), "--tune", "jinv"]
    assert main(["compare", *args]) == 0
    rows = {row["method"]: row for row in csv.DictReader((out / "metrics.csv").read_text().splitlines())}
    assert float(rows["tv"]["psnr_est"]) > 20
    assert json.loads(rows["tv"]["tuned"])["criterion"] == "jinv"
    assert json.loads(rows["median"]["tuned"])["values"]["radius"] >= 1


def test_bench_tune_puts_the_chosen_values_per_image(files, tmp_path):
    clean, _ = files
    folder = tmp_path / "set"
    folder.mkdir()
    clean.rename(folder / "a.png")
    out = tmp_path / "b.json"
    args = [str(folder), "-m", "nlm", "--sigma", "25", "--tune", "--json", str(out)]
    assert main(["bench", *args]) == 0
    record = json.loads(out.read_text())
    scores = record["per_image"]["a.png"]["nlm"]
    assert 12.5 <= scores["tuned"]["sigma"] <= 50 and "psnr_est" in scores
