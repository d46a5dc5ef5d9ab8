"""Camera RAW developed by the workbench's own demosaickers: the Bayer layout read from the file, the
colours of LibRaw's own development, the colour matrix, and ``workbench develop`` comparing two."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from workbench.cli import main
from workbench.cli.develop import differences
from workbench.core.errors import InputError, ParameterError
from workbench.core.io import RawOptions, read_image
from workbench.core.io.raw_bayer import XYZ_FROM_SRGB, bayer_pattern, camera_to_srgb

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
COLORCHART = SHARED / "raw" / "colorchart.dng"
KODAK = SHARED / "raw" / "RAW_KODAK_DC50.KDC"
needs_chart = pytest.mark.skipif(not COLORCHART.is_file(), reason="colorchart.dng not present")
needs_kodak = pytest.mark.skipif(not KODAK.is_file(), reason="RAW_KODAK_DC50.KDC not present")


def test_the_options_take_the_workbench_demosaickers_and_previews_stay_with_libraw():
    options = RawOptions(demosaic="demosaic_net")
    assert options.by_workbench
    assert "workbench joint demosaick + denoise CNN demosaic" in options.describe()
    assert not RawOptions(demosaic="demosaic_net", half_size=True).by_workbench
    assert not RawOptions().by_workbench
    with pytest.raises(ParameterError, match="demosaic"):
        RawOptions(demosaic="demosaic_dip")


def test_a_sensor_that_is_not_an_rgb_bayer_mosaic_is_refused_with_a_reason():
    xtrans = SimpleNamespace(color_desc=b"RGBG", raw_pattern=np.zeros((6, 6), int), num_colors=3)
    with pytest.raises(InputError, match="not an RGB Bayer mosaic"):
        bayer_pattern(xtrans)
    four_colour = SimpleNamespace(color_desc=b"CMYG", raw_pattern=np.array([[0, 1], [2, 3]]), num_colors=4)
    with pytest.raises(InputError, match="LibRaw"):
        bayer_pattern(four_colour)


def test_the_colour_matrix_comes_from_the_file_else_from_camera_xyz_as_libraw_makes_it():
    direct = np.array([[1.8, -0.9, 0.1, 0], [-0.2, 1.7, -0.5, 0], [0, -0.5, 1.5, 0]])
    assert np.array_equal(camera_to_srgb(direct, np.zeros((4, 3))), direct[:, :3])
    srgb_camera = np.vstack([np.linalg.inv(XYZ_FROM_SRGB) * 2.0, np.zeros((1, 3))])
    assert np.allclose(camera_to_srgb(np.zeros((3, 4)), srgb_camera), np.eye(3), atol=1e-6)
    assert camera_to_srgb(np.zeros((3, 4)), np.zeros((4, 3))) is None


@needs_chart
def test_the_bayer_layout_is_read_from_the_file():
    import rawpy

    with rawpy.imread(str(COLORCHART)) as raw:
        assert bayer_pattern(raw) == "RGGB"
    if KODAK.is_file():
        with rawpy.imread(str(KODAK)) as raw:
            assert bayer_pattern(raw) == "GRBG"


@needs_chart
@pytest.mark.parametrize(
    ("output", "mean_tolerance", "max_tolerance"), [("srgb", 0.5, 5.0), ("linear", 0.2, 1.5)]
)
def test_workbench_demosaicking_keeps_libraw_colours_on_the_colour_chart(
    output, mean_tolerance, max_tolerance
):
    """16×16 block means (8-bit levels) of a bilinear development against LibRaw's AHD one: measured
    0.25 mean / 3.1 max in sRGB, 0.07 / 0.83 linear (the remaining difference is demosaicking)."""
    libraw = read_image(COLORCHART, raw=RawOptions(output=output, bit_depth=8))
    ours = read_image(COLORCHART, raw=RawOptions("demosaic_bilinear", output=output, bit_depth=8))
    assert ours.pixels.shape == libraw.pixels.shape == (1156, 1734, 3)
    assert ours.bit_depth == 8 and "workbench bilinear demosaic" in ours.notices[0]
    found = differences(ours.pixels, libraw.pixels)
    assert found["block_mean_abs"] < mean_tolerance
    assert found["block_max_abs"] < max_tolerance


@needs_kodak
def test_develop_writes_both_developments_a_side_by_side_figure_and_their_differences(tmp_path, capsys):
    out = tmp_path / "kodak.png"
    arguments = ["develop", str(KODAK), "-o", str(out), "--bit-depth", "8", "--against", "demosaic_malvar"]
    assert main(arguments) == 0
    second, figure = tmp_path / "kodak_demosaic_malvar.png", tmp_path / "kodak_vs_demosaic_malvar.png"
    assert read_image(out).pixels.shape == read_image(second).pixels.shape == (512, 768, 3)
    assert read_image(figure).width > 2 * 512
    printed = capsys.readouterr()
    assert "demosaic_malvar against ahd: PSNR" in printed.out
    assert "no colour matrix" in printed.err
    assert main(arguments) == 1
    assert "would overwrite" in capsys.readouterr().err


def test_develop_refuses_the_same_demosaicker_twice_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "same.tif"
    code = main(["develop", str(KODAK), "-o", str(out), "--demosaic", "dcb", "--against", "dcb"])
    assert code == 1 and "same demosaicker" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
