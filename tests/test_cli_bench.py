"""``workbench bench``: seeded noise over a folder, a table, and the JSON record."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from workbench.cli import main as cli_main
from workbench.core.models import build_model
from workbench.core.models.weights import save_weights

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    images = tmp_path / "clean"
    images.mkdir()
    for name in ("a.png", "b.png"):
        coarse = rng.random((6, 8)).astype(np.float32)
        smooth = cv2.resize(coarse, (40, 30), interpolation=cv2.INTER_CUBIC).clip(0, 1)
        cv2.imwrite(str(images / name), (smooth * 255).astype(np.uint8))
    return images


@pytest.fixture
def weights(tmp_path):
    kwargs = {"depth": 3, "width": 4}
    return save_weights(tmp_path / "tiny.pt", build_model("ffdnet", **kwargs), "ffdnet", kwargs, {})


def test_bench_prints_a_table_and_writes_per_image_and_mean_scores(folder, weights, tmp_path, capsys):
    out = tmp_path / "scores.json"
    code = cli_main(
        [
            "bench",
            str(folder),
            "-m",
            "ffdnet,dncnn",
            "--set",
            f"weights={weights}",
            "--sigma",
            "20",
            "--seed",
            "3",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    table = capsys.readouterr().out
    assert "a.png" in table and "mean psnr" in table and "mean psnr_est" in table
    record = json.loads(out.read_text())
    assert set(record["per_image"]) == {"a.png", "b.png"}
    assert set(record["mean"]) == {"ffdnet", "dncnn"}
    for scores in record["mean"].values():
        assert set(scores) == {"psnr", "ssim", "psnr_est", "seconds"}
    noisy_psnr = 20 * np.log10(255 / 20)
    assert record["mean"]["ffdnet"]["psnr"] == pytest.approx(noisy_psnr, abs=0.5)


def test_bench_noise_is_seeded(folder, weights, tmp_path):
    scores = []
    for seed in (1, 1, 2):
        out = tmp_path / f"s{len(scores)}.json"
        cli_main(
            [
                "bench",
                str(folder),
                "-m",
                "dncnn",
                "--set",
                f"weights={weights}",
                "--sigma",
                "15",
                "--seed",
                str(seed),
                "--json",
                str(out),
            ]
        )
        scores.append(json.loads(out.read_text())["mean"]["dncnn"]["psnr"])
    assert scores[0] == scores[1] != scores[2]


def test_bench_reports_a_missing_folder_and_an_unknown_method(tmp_path, capsys):
    assert cli_main(["bench", str(tmp_path / "none"), "-m", "dncnn", "--sigma", "25"]) == 1
    assert "not a folder" in capsys.readouterr().err
    assert cli_main(["bench", str(tmp_path), "-m", "nosuch", "--sigma", "25"]) == 1
    assert "nosuch" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(
    not (SHARED / "models" / "dncnn_official").is_dir(), reason="published weights not present"
)
def test_bench_with_published_dncnn_matches_the_paper_on_set12(tmp_path):
    out = tmp_path / "set12.json"
    weights = SHARED / "models" / "dncnn_official" / "specifics_sigma25.mat"
    cli_main(
        [
            "bench",
            str(SHARED / "datasets" / "set12"),
            "-m",
            "dncnn",
            "--set",
            f"weights={weights}",
            "--sigma",
            "25",
            "--seed",
            "0",
            "--json",
            str(out),
            "--no-estimate",
        ]
    )
    assert json.loads(out.read_text())["mean"]["dncnn"]["psnr"] == pytest.approx(30.44, abs=0.05)
