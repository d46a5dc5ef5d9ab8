"""Demosaicking: the Bayer masks and mosaic, the ``mosaic`` degradation, the problem it poses, the
classical methods (each above bilinear where it should be), and the CLI from mosaic to colour."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from workbench.cli import main
from workbench.core import io, operators, registry
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.methods.demosaicking import bilinear, malvar
from workbench.core.metrics import psnr
from workbench.core.operators.cfa import PATTERNS, cfa_masks, channel_map, mosaic, mosaic_adjoint
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
KODIM19 = SHARED / "datasets" / "kodak24" / "kodim19.png"


def colour_image(size: int = 48, seed: int = 0) -> Image:
    """Texture and an edge shared by the three channels (as in photographs), on two colours."""
    rows, cols = np.mgrid[0:size, 0:size] / size
    edge = (cols + 0.3 * rows > 0.55).astype(np.float64)
    texture = 0.5 + 0.25 * np.sin(2 * np.pi * (4 * rows + 3 * cols) + seed) * np.sin(2 * np.pi * 5 * cols)
    colours = np.where(edge[..., None] > 0, [0.9, 0.7, 0.5], [0.4, 0.8, 0.9])
    return Image(np.clip(texture[..., None] * colours + 0.05, 0, 1).astype(np.float32))


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_pattern_samples_one_colour_per_pixel_half_of_them_green(pattern):
    masks = cfa_masks(pattern, 6, 8)
    assert (masks.sum(axis=2) == 1).all()
    assert masks[..., 1].mean() == 0.5 and masks[..., 0].mean() == masks[..., 2].mean() == 0.25
    assert "RGB"[channel_map(pattern, 2, 2)[0, 0]] == pattern[0]
    assert "RGB"[channel_map(pattern, 2, 2)[1, 1]] == pattern[3]


def test_mosaic_then_adjoint_then_mosaic_is_the_mosaic_and_the_adjoint_is_exact():
    rng = np.random.default_rng(0)
    x = rng.random((7, 10, 3)).astype(np.float32)
    y = rng.random((7, 10, 1)).astype(np.float32)
    assert np.allclose(mosaic(mosaic_adjoint(y, "GRBG"), "GRBG"), y)
    assert float(np.sum(mosaic(x, "GRBG") * y)) == pytest.approx(float(np.sum(x * mosaic_adjoint(y, "GRBG"))))


def test_the_mosaic_degradation_poses_a_demosaic_problem_with_its_pattern_and_noise():
    clean = colour_image()
    observed, degradation = operators.degrade(clean, "mosaic", {"pattern": "BGGR", "sigma": 10}, seed=3)
    assert observed.pixels.shape == (48, 48, 1)
    problem = degradation.problem(observed, clean)
    assert problem.task is Task.DEMOSAIC and problem.pattern == "BGGR"
    assert problem.output_channels == 3
    assert problem.noise_sigma == pytest.approx(10 / 255, rel=0.1)
    noiseless, _ = operators.degrade(clean, "mosaic", {"pattern": "BGGR"})
    assert np.array_equal(noiseless.pixels, mosaic(clean.pixels, "BGGR"))


def test_a_gray_image_cannot_be_mosaicked_and_a_demosaic_problem_needs_a_pattern_and_one_channel():
    with pytest.raises(ParameterError, match="colour image"):
        operators.degrade(Image(np.zeros((8, 8, 1), np.float32)), "mosaic")
    with pytest.raises(ParameterError, match="Bayer pattern"):
        Problem(Image(np.zeros((8, 8, 1), np.float32)), Task.DEMOSAIC).require()
    with pytest.raises(ParameterError, match="one-channel"):
        Problem(Image(np.zeros((8, 8, 3), np.float32)), Task.DEMOSAIC, pattern="RGGB").require()


def test_bilinear_and_malvar_keep_the_samples_and_reproduce_a_flat_colour():
    flat = np.ones((16, 16, 3), np.float32) * np.array([0.2, 0.5, 0.7], np.float32)
    for function in (bilinear, malvar):
        for pattern in PATTERNS:
            samples = mosaic(flat, pattern)[..., 0]
            result = function(samples, pattern)
            assert np.allclose(result, flat, atol=1e-6)
            assert np.allclose(mosaic(result, pattern)[..., 0], samples, atol=1e-6)


def test_the_catalogue_has_four_demosaic_methods():
    names = {method.name for method in registry.for_task(Task.DEMOSAIC)}
    assert {"demosaic_bilinear", "demosaic_malvar", "demosaic_menon", "dip"} <= names


@pytest.mark.skipif(not KODIM19.is_file(), reason="Kodak24 not present")
def test_malvar_beats_bilinear_and_menon_beats_malvar_on_a_photograph():
    clean = Image(io.read_image(KODIM19).pixels[200:264, 300:364])
    observed, degradation = operators.degrade(clean, "mosaic", {"pattern": "GBRG"})
    problem = degradation.problem(observed, clean)
    scores = {
        name: restore(problem, name).psnr
        for name in ("demosaic_bilinear", "demosaic_malvar", "demosaic_menon")
    }
    assert scores["demosaic_bilinear"] > psnr(mosaic_adjoint(observed.pixels, "GBRG"), clean.pixels) + 5
    assert scores["demosaic_malvar"] > scores["demosaic_bilinear"] + 3
    assert scores["demosaic_menon"] > scores["demosaic_malvar"] + 2


def test_cli_mosaics_then_demosaics_to_a_colour_image(tmp_path, capsys):
    clean = io.write_image(colour_image(), tmp_path / "clean.png")
    raw = tmp_path / "mosaic.png"
    assert main(["degrade", str(clean), "-o", str(raw), "--op", "mosaic", "--set", "pattern=GRBG"]) == 0
    assert io.read_image(raw).channels == 1
    out = tmp_path / "colour.png"
    code = main(
        ["restore", str(raw), "-o", str(out), "-m", "demosaic_malvar", "--pattern", "GRBG",
         "--reference", str(clean)]
    )  # fmt: skip
    assert code == 0
    assert io.read_image(out).channels == 3
    assert "PSNR" in capsys.readouterr().out


def test_menon_tile_by_tile_gives_the_whole_image_result_and_can_be_cancelled(monkeypatch):
    import threading

    from workbench.core.errors import Cancelled
    from workbench.core.jobs import RunContext
    from workbench.core.methods import demosaicking

    rng = np.random.default_rng(0)
    samples = rng.random((150, 110)).astype(np.float32)
    whole = demosaicking.menon(samples, "RGGB")
    monkeypatch.setattr(demosaicking, "MENON_TILE", 48)
    tiled = demosaicking.menon_tiled(samples, "RGGB", RunContext())
    assert np.abs(tiled - whole).max() < 1e-5
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        demosaicking.menon_tiled(samples, "RGGB", RunContext(cancel_event=cancel))
