"""The joint demosaicking + denoising network: Malvar at its start, every Bayer layout through the
RGGB network, exact tiling, its training batches, its weight files, and the shipped weights as the
``demosaic_net`` method against the classical demosaickers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.test_demosaic import colour_image
from workbench.core import io, operators, registry
from workbench.core.image import Image
from workbench.core.methods.demosaicking import malvar
from workbench.core.methods.joint_demosaic import demosaic_with_net, estimate_mosaic_sigma, rggb_offset
from workbench.core.methods.learned import shipped_path
from workbench.core.models import ARCHITECTURES, BUILDABLE, DemosaicNet
from workbench.core.models.weights import load_weights
from workbench.core.operators.cfa import PATTERNS, mosaic
from workbench.core.pipeline import restore
from workbench.core.problem import Task
from workbench.core.train.mosaic_batches import MosaicBatches, rggb_mosaic
from workbench.core.train.trainer import TrainConfig, Trainer

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
KODIM19 = SHARED / "datasets" / "kodak24" / "kodim19.png"
SHIPPED = shipped_path("demosaic_net")


def perturbed(net: DemosaicNet, seed: int = 0) -> DemosaicNet:
    """``net`` with a small random last layer, so that its correction is no longer zero."""
    torch.manual_seed(seed)
    with torch.no_grad():
        net.body[-1].weight.normal_(std=0.02)
    return net.eval()


def test_an_untrained_network_is_malvar_and_returns_three_channels_at_full_size():
    pixels = colour_image(20).pixels[:, :18]
    samples = mosaic(pixels, "RGGB")[..., 0]
    with torch.no_grad():
        out = DemosaicNet(depth=4, width=16)(torch.from_numpy(samples)[None, None], torch.tensor([0.02]))
    assert out.shape == (1, 3, 20, 18)
    assert np.allclose(out[0].permute(1, 2, 0).numpy(), malvar(samples, "RGGB"), atol=1e-5)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_layout_is_brought_to_rggb_so_colours_land_in_their_own_planes(pattern):
    net = DemosaicNet(depth=3, width=8).eval()
    flat = np.ones((7, 9, 3), np.float32) * np.array([0.2, 0.5, 0.7], np.float32)
    assert np.allclose(demosaic_with_net(net, mosaic(flat, pattern)[..., 0], pattern, 0.0), flat, atol=1e-5)
    pixels = colour_image(40).pixels
    samples = mosaic(pixels, pattern)[..., 0]
    inner = (slice(3, -3), slice(3, -3))
    result = demosaic_with_net(net, samples, pattern, 0.0)
    assert np.allclose(result[inner], np.clip(malvar(samples, pattern), 0, 1)[inner], atol=1e-5)
    top, left = rggb_offset(pattern)
    assert pattern[2 * top + left] == "R"


def test_tiles_give_the_whole_image_result():
    net = perturbed(DemosaicNet(depth=4, width=16))
    samples = mosaic(np.random.default_rng(1).random((70, 90, 3), dtype=np.float32), "GBRG")[..., 0]
    whole = demosaic_with_net(net, samples, "GBRG", 8.0, tile=0)
    assert np.abs(demosaic_with_net(net, samples, "GBRG", 8.0, tile=32) - whole).max() < 1e-5


def test_mosaic_batches_are_noisy_rggb_mosaics_of_their_targets_at_the_stated_levels():
    rng = np.random.default_rng(0)
    images = [(0.3 + 0.4 * rng.random((40, 40, 3))).astype(np.float32) for _ in range(3)]
    source = MosaicBatches(images, patch=16, batch=64, sigma_max=20.0)
    batch = source.next(rng, torch.Generator().manual_seed(0))
    assert batch.inputs.shape == (64, 1, 16, 16) and batch.targets.shape == (64, 3, 16, 16)
    assert batch.sigma.shape == (64,) and float(batch.sigma.max()) <= 20 / 255
    noise = batch.inputs - rggb_mosaic(batch.targets)
    quiet = batch.sigma == 0
    assert 3 <= int(quiet.sum()) <= 30
    assert torch.equal(noise[quiet], torch.zeros_like(noise[quiet]))
    measured = noise[~quiet].flatten(1).std(dim=1)
    assert torch.allclose(measured, batch.sigma[~quiet], rtol=0.35, atol=0.5 / 255)
    assert float(batch.inputs.min()) >= 0 and float(batch.inputs.max()) <= 1
    with pytest.raises(ValueError, match="even"):
        MosaicBatches(images, patch=15)


def test_the_network_trains_resumes_and_its_weight_file_runs_as_the_method(tmp_path):
    images = [colour_image(64, seed).pixels for seed in range(3)]
    source = MosaicBatches(images, patch=32, batch=4)
    trainer = Trainer(TrainConfig("demosaicnet", {"depth": 3, "width": 8}, steps=4, lr=1e-3), source)
    trainer.run(checkpoint=tmp_path / "run.ckpt", checkpoint_every=2)
    resumed = Trainer.from_checkpoint(tmp_path / "run.ckpt", source)
    assert resumed.step_count == 4
    weights = trainer.export(tmp_path / "net.pt", {"name": "tiny"})
    assert isinstance(load_weights(weights).model, DemosaicNet)
    clean = colour_image(24)
    observed, degradation = operators.degrade(clean, "mosaic", {"pattern": "BGGR", "sigma": 5}, seed=0)
    result = restore(degradation.problem(observed, clean), "demosaic_net", {"weights": str(weights)})
    assert result.image.pixels.shape == (24, 24, 3)
    assert result.extras["sigma"] == pytest.approx(5, rel=0.15)


def test_the_catalogue_has_the_network_as_a_demosaicker_but_training_offers_only_denoisers():
    assert "demosaic_net" in {method.name for method in registry.for_task(Task.DEMOSAIC)}
    assert "demosaicnet" in BUILDABLE and "demosaicnet" not in ARCHITECTURES


@pytest.mark.skipif(not KODIM19.is_file(), reason="Kodak24 not present")
def test_the_noise_estimate_of_a_mosaic_reads_the_noise_added_to_it():
    clean = Image(io.read_image(KODIM19).pixels[100:356, 200:456])
    observed, _ = operators.degrade(clean, "mosaic", {"pattern": "GRBG", "sigma": 10}, seed=2)
    assert estimate_mosaic_sigma(observed.pixels[..., 0], "GRBG") == pytest.approx(10, rel=0.15)


@pytest.mark.skipif(not (KODIM19.is_file() and SHIPPED.is_file()), reason="Kodak24 or weights not present")
@pytest.mark.parametrize(("sigma", "over_menon"), [(0, 0.5), (10, 2.0)])
def test_the_shipped_network_beats_the_classical_demosaickers_on_a_photograph(sigma, over_menon):
    """kodim19, a 96² crop, GBRG: measured 28.75 / 34.12 / 37.36 / 39.07 dB (bilinear, Malvar, Menon,
    the network) noise-free and 26.51 / 27.47 / 27.63 / 31.08 at sigma 10."""
    clean = Image(io.read_image(KODIM19).pixels[200:296, 300:396])
    observed, degradation = operators.degrade(clean, "mosaic", {"pattern": "GBRG", "sigma": sigma}, seed=1)
    problem = degradation.problem(observed, clean)
    scores = {
        name: restore(problem, name, {"sigma": sigma} if name == "demosaic_net" else {}).psnr
        for name in ("demosaic_bilinear", "demosaic_malvar", "demosaic_menon", "demosaic_net")
    }
    assert scores["demosaic_net"] > scores["demosaic_menon"] + over_menon
    assert scores["demosaic_net"] > scores["demosaic_malvar"] + 2.0
    assert scores["demosaic_net"] > scores["demosaic_bilinear"] + 4.0
