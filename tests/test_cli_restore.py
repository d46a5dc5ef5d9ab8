"""``workbench restore`` end to end: results, metrics JSON, task inference and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from workbench.cli import main
from workbench.core.image import Image
from workbench.core.io import read_image, write_image, write_kernel, write_mask
from workbench.core.metrics import psnr


def _scene(size: int = 64, channels: int = 1) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size] / size
    base = 0.3 + 0.3 * x + 0.15 * np.sin(10 * y)
    base[size // 4 + 1 : size // 2 + 1, size // 5 + 1 : size // 2] = 0.85
    return np.repeat(base[..., None], channels, axis=2).astype(np.float32)


@pytest.fixture
def files(tmp_path):
    """clean.png and noisy.png (sigma 25, clipped, 8-bit) of a 64×64 gray scene."""
    clean = Image(_scene())
    noisy = Image(
        np.clip(clean.pixels + np.random.default_rng(0).normal(0, 25 / 255, clean.pixels.shape), 0, 1)
    )
    return write_image(clean, tmp_path / "clean.png"), write_image(noisy, tmp_path / "noisy.png")


def test_bm3d_psnr_matches_the_reference_package_on_the_same_files(files, tmp_path):
    import bm3d

    clean_path, noisy_path = files
    out, metrics = tmp_path / "out.png", tmp_path / "m.json"
    args = [str(noisy_path), "-o", str(out), "-m", "bm3d", "--set", "sigma=25"]
    assert main(["restore", *args, "--reference", str(clean_path), "--json", str(metrics)]) == 0
    record = json.loads(metrics.read_text())
    clean = read_image(clean_path).pixels[..., 0]
    direct = bm3d.bm3d(read_image(noisy_path).pixels[..., 0].astype(np.float64), 25 / 255)
    assert record["psnr"] == pytest.approx(psnr(direct, clean), abs=0.05)
    assert record["method"] == "bm3d"
    assert record["params"] == {"sigma": 25.0, "profile": "np"}
    assert record["seconds"] > 0
    assert 0 < record["ssim"] <= 1
    assert psnr(read_image(out).pixels, clean[..., None]) == pytest.approx(record["psnr"], abs=0.1)


def test_json_without_reference_has_no_scores_and_auto_sigma_is_recorded(files, tmp_path):
    _, noisy_path = files
    metrics = tmp_path / "m.json"
    assert (
        main(["restore", str(noisy_path), "-o", str(tmp_path / "o.png"), "-m", "nlm", "--json", str(metrics)])
        == 0
    )
    record = json.loads(metrics.read_text())
    assert "psnr" not in record
    assert record["params"]["sigma"] == "auto"
    assert record["sigma"] > 5


def test_mask_implies_inpainting(tmp_path):
    clean = _scene(channels=3)
    known = np.random.default_rng(1).random(clean.shape[:2]) > 0.4
    holes = write_image(Image(clean * known[..., None]), tmp_path / "holes.png")
    mask = write_mask(known, tmp_path / "mask.png")
    out = tmp_path / "filled.png"
    assert main(["restore", str(holes), "-o", str(out), "-m", "telea", "--mask", str(mask)]) == 0
    assert psnr(read_image(out).pixels, clean) > psnr(clean * known[..., None], clean) + 5


def test_kernel_implies_deblurring_and_scale_implies_super_resolution(tmp_path):
    image = write_image(Image(_scene(32)), tmp_path / "in.png")
    kernel = write_kernel(np.full((3, 3), 1 / 9, np.float32), tmp_path / "k.npy")
    assert (
        main(["restore", str(image), "-o", str(tmp_path / "d.png"), "-m", "wiener", "--kernel", str(kernel)])
        == 0
    )
    assert main(["restore", str(image), "-o", str(tmp_path / "s.png"), "-m", "bicubic", "--scale", "3"]) == 0
    assert read_image(tmp_path / "s.png").pixels.shape == (96, 96, 1)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-m", "nosuch"], "unknown method 'nosuch'"),
        (["-m", "median", "--set", "size=3"], "unknown parameter 'size' for median"),
        (["-m", "bm3d", "--set", "sigma=300"], "parameter 'sigma'='300': must be between 0 and 100"),
        (["-m", "bm3d", "--set", "profile=fast"], "must be one of"),
        (["-m", "median", "--set", "radius"], "expected NAME=VALUE"),
        (["-m", "telea"], "inpainting needs a mask"),
        (["-m", "wiener", "--task", "denoise"], "does not do denoise"),
        (["-m", "median", "--reference", "missing.png"], "missing.png"),
        (["-m", "telea", "--mask", "missing.png"], "missing.png"),
    ],
)
def test_bad_calls_exit_non_zero_with_one_line_and_write_nothing(
    files, tmp_path, capsys, monkeypatch, extra, message
):
    monkeypatch.chdir(tmp_path)
    _, noisy_path = files
    out, metrics = tmp_path / "out.png", tmp_path / "m.json"
    assert main(["restore", str(noisy_path), "-o", str(out), "--json", str(metrics), *extra]) != 0
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not out.exists() and not metrics.exists()


def test_missing_input_is_one_line_naming_the_file(tmp_path, capsys):
    assert main(["restore", str(tmp_path / "none.png"), "-o", str(tmp_path / "o.png"), "-m", "median"]) == 1
    err = capsys.readouterr().err.strip()
    assert "none.png" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o.png").exists()


def test_existing_output_is_kept_unless_overwrite(files, tmp_path, capsys):
    _, noisy_path = files
    out = tmp_path / "out.png"
    out.write_bytes(b"keep")
    assert main(["restore", str(noisy_path), "-o", str(out), "-m", "median"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"keep"
    assert main(["restore", str(noisy_path), "-o", str(out), "-m", "median", "--overwrite"]) == 0
    assert read_image(out).width == 64


def test_reference_of_another_size_is_refused_before_running(files, tmp_path, capsys):
    _, noisy_path = files
    small = write_image(Image(_scene(32)), tmp_path / "small.png")
    out = tmp_path / "out.png"
    assert main(["restore", str(noisy_path), "-o", str(out), "-m", "median", "--reference", str(small)]) == 1
    assert "reference is 32x32" in capsys.readouterr().err
    assert not out.exists()


def test_stabilised_method_reports_the_estimated_gain_and_read_noise(tmp_path, capsys):
    rng = np.random.default_rng(0)
    clean = _scene(64)
    noisy = np.clip(rng.poisson(clean * 30.0) / 30.0 + rng.normal(0, 5 / 255, clean.shape), 0, 1)
    source = write_image(Image(noisy.astype(np.float32)), tmp_path / "noisy.png")
    assert main(["restore", str(source), "-o", str(tmp_path / "out.png"), "-m", "vst_nlm"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert "estimated sigma" in line and "estimated gain alpha" in line


def test_help_names_the_words_for_sentinel_parameters(capsys):
    with pytest.raises(SystemExit):
        main(["restore", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "iterations=auto (= 0)" in text and "tile=off (= 0)" in text


def test_the_catalogue_shows_a_sentinel_default_by_its_word(capsys):
    assert main(["methods"]) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    pnp = next(index for index, words in enumerate(lines) if words and words[0] == "pnp_hqs")
    iterations = next(words for words in lines[pnp:] if words[0].startswith("iterations="))
    assert iterations[0] == "iterations=auto" and "(auto = 0)" in " ".join(iterations)
