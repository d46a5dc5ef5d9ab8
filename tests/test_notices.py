"""Say what you changed: loading notices reach stderr as ``note:`` lines and the result's JSON;
alpha is kept through restore and export where the format allows; upright pixels say orientation 1."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tifffile
from PIL import Image as PILImage

from workbench.cli import main
from workbench.core.image import Image, from_uint
from workbench.core.io import export_notices, read_image, write_image


def _rgba(height: int = 12, width: int = 10) -> np.ndarray:
    rng = np.random.default_rng(0)
    samples = (rng.random((height, width, 4)) * 255).astype(np.uint8)
    samples[:4, :, 3] = 0
    return samples


def _notes(err: str) -> list[str]:
    return [line.removeprefix("note: ") for line in err.splitlines() if line.startswith("note: ")]


def test_a_restore_of_an_rgba_png_keeps_its_alpha_and_says_so(tmp_path, capsys):
    PILImage.fromarray(_rgba(), mode="RGBA").save(tmp_path / "in.png")
    out, report = tmp_path / "out.png", tmp_path / "r.json"
    assert (
        main(["restore", str(tmp_path / "in.png"), "-o", str(out), "-m", "gaussian", "--json", str(report)])
        == 0
    )
    notes = _notes(capsys.readouterr().err)
    assert notes == [
        "alpha channel set aside: the colour is restored, the alpha is written back to PNG and TIFF"
    ]
    assert json.loads(report.read_text())["notes"] == notes
    with PILImage.open(out) as picture:
        assert picture.mode == "RGBA"
        np.testing.assert_array_equal(np.asarray(picture)[:, :, 3], _rgba()[:, :, 3])


def test_a_jpeg_export_of_an_image_with_alpha_says_the_alpha_was_not_written(tmp_path, capsys):
    PILImage.fromarray(_rgba(), mode="RGBA").save(tmp_path / "in.png")
    assert main(["restore", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.jpg"), "-m", "gaussian"]) == 0
    assert "alpha channel not written: JPEG has no transparency (write PNG or TIFF to keep it)" in _notes(
        capsys.readouterr().err
    )


def test_alpha_round_trips_through_a_16_bit_tiff_and_follows_super_resolution(tmp_path):
    alpha = np.linspace(0, 1, 12 * 10, dtype=np.float32).reshape(12, 10)
    image = Image(np.full((12, 10, 3), 0.25, np.float32), bit_depth=16, alpha=alpha)
    back = read_image(write_image(image, tmp_path / "a.tif"))
    np.testing.assert_allclose(back.alpha, alpha, atol=1 / 65535)
    assert export_notices(back, tmp_path / "x.tif") == []
    larger = back.with_pixels(np.zeros((24, 20, 3), np.float32))
    assert larger.alpha.shape == (24, 20) and larger.notices == []


def test_nan_and_infinite_samples_are_replaced_with_a_notice(tmp_path):
    samples = np.full((4, 5), 0.5, np.float32)
    samples[0, 0], samples[1, 1], samples[2, 2] = np.nan, np.inf, -np.inf
    tifffile.imwrite(tmp_path / "f.tif", samples)
    image = read_image(tmp_path / "f.tif")
    assert np.isfinite(image.pixels).all()
    assert (image.pixels[0, 0, 0], image.pixels[1, 1, 0], image.pixels[2, 2, 0]) == (0.0, 1.0, 0.0)
    assert "3 NaN or infinite samples replaced (NaN and -inf by 0, +inf by 1)" in image.notices


def test_extra_tiff_pages_are_a_note_on_stderr_and_in_the_json(tmp_path, capsys):
    pages = (np.random.default_rng(1).random((3, 8, 8)) * 255).astype(np.uint8)
    with tifffile.TiffWriter(tmp_path / "pages.tif") as writer:
        for page in pages:
            writer.write(page, photometric="minisblack")
    report = tmp_path / "r.json"
    args = ["restore", str(tmp_path / "pages.tif"), "-o", str(tmp_path / "o.png"), "-m", "median"]
    assert main([*args, "--json", str(report)]) == 0
    assert "only the first of 3 pages was read" in _notes(capsys.readouterr().err)
    assert "only the first of 3 pages was read" in json.loads(report.read_text())["notes"]


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_pixels_turned_upright_say_orientation_1_and_are_not_turned_again(tmp_path, capsys, suffix):
    samples = (np.random.default_rng(2).random((6, 9, 3)) * 255).astype(np.uint8)
    exif = PILImage.Exif()
    exif[0x0112] = 6
    PILImage.fromarray(samples).save(tmp_path / f"o{suffix}", exif=exif, quality=100)
    image = read_image(tmp_path / f"o{suffix}")
    assert image.pixels.shape == (9, 6, 3) and image.metadata["orientation"] == 1
    out = tmp_path / "out.png"
    assert main(["restore", str(tmp_path / f"o{suffix}"), "-o", str(out), "-m", "gaussian"]) == 0
    assert "turned upright following EXIF orientation 6 (orientation is now 1)" in _notes(
        capsys.readouterr().err
    )
    back = read_image(out)
    assert back.pixels.shape == (9, 6, 3) and back.metadata["orientation"] == 1 and back.notices == []


def test_a_batch_names_the_file_each_note_is_about(tmp_path, capsys):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    PILImage.fromarray(_rgba(), mode="RGBA").save(folder / "a.png")
    write_image(Image(from_uint(_rgba()[:, :, :3])), folder / "b.png")
    assert main(["batch", str(folder), "-m", "gaussian", "-o", str(out), "--format", "png"]) == 0
    notes = _notes(capsys.readouterr().err)
    assert notes == [
        "a.png: alpha channel set aside: the colour is restored, the alpha is written back to PNG and TIFF"
    ]


def test_a_preview_region_crops_the_alpha_with_the_pixels():
    from workbench.core.problem import Problem
    from workbench.core.region import Rect, restore_region

    alpha = np.arange(20 * 30, dtype=np.float32).reshape(20, 30) / 600
    problem = Problem(Image(np.full((20, 30, 3), 0.5, np.float32), alpha=alpha))
    result = restore_region(problem, Rect(5, 4, 10, 8), "gaussian", margin=3)
    assert result.image.pixels.shape == (8, 10, 3)
    np.testing.assert_array_equal(result.image.alpha, alpha[4:12, 5:15])
