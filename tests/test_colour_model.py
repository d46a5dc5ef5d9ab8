"""The colour noise-aware model: its network, its training noise, its noise map and its method."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workbench.core import registry
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.metrics import psnr
from workbench.core.models import build_model
from workbench.core.models.resunet import ResUNet, noise_map
from workbench.core.models.weights import save_weights
from workbench.core.noise import estimate_sigma_channels, haar_noise_map
from workbench.core.problem import Problem, Task
from workbench.core.tiling import denoise_image
from workbench.core.train.camera_noise import camera_noisy, demosaic_bilinear, haar_level
from workbench.core.train.colour_batches import MixedNoiseBatches

SMALL = {"channels": 3, "widths": [8, 16, 24], "blocks": 1}


def smooth_image(size: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coarse = rng.random((size // 16, size // 16, 3)).astype(np.float32)
    return np.kron(coarse, np.ones((16, 16, 1), np.float32)) * 0.6 + 0.2


def test_an_untrained_resunet_returns_its_input_for_every_noise_map_form():
    model = ResUNet(**SMALL).eval()
    noisy = torch.rand(2, 3, 32, 48)
    for sigma in (torch.tensor([0.1, 0.2]), torch.rand(2, 3), torch.rand(2, 3, 32, 48)):
        with torch.inference_mode():
            assert torch.equal(model(noisy, sigma), noisy)


def test_noise_map_broadcasts_values_per_image_and_per_channel():
    like = torch.zeros(2, 3, 4, 5)
    per_channel = noise_map(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), like)
    assert per_channel.shape == like.shape
    assert per_channel[1, 2, 3, 4] == 6.0
    assert noise_map(torch.tensor([7.0, 8.0]), like)[1, 0, 0, 0] == 8.0


def test_a_trained_pixel_has_no_influence_beyond_the_declared_receptive_radius():
    torch.manual_seed(0)
    model = ResUNet(**SMALL)
    torch.nn.init.normal_(model.tail.weight, std=0.1)
    size = 2 * model.receptive_radius + 2 * model.alignment + 8
    size += -size % model.alignment
    noisy = torch.rand(1, 3, size, size, requires_grad=True)
    centre = size // 2
    model(noisy, torch.tensor([0.1]))[0, :, centre, centre].sum().backward()
    moved = noisy.grad.abs().sum(dim=(0, 1)).nonzero()
    assert (moved - centre).abs().max() <= model.receptive_radius


def test_tiles_with_a_noise_map_give_the_whole_image_result():
    torch.manual_seed(1)
    model = ResUNet(**SMALL)
    torch.nn.init.normal_(model.tail.weight, std=0.05)
    pixels = np.random.default_rng(0).random((72, 88, 3)).astype(np.float32)
    level = np.random.default_rng(1).random((72, 88, 3)).astype(np.float32) * 30
    whole = denoise_image(model, pixels, level, tile=0)
    tiled = denoise_image(model, pixels, level, tile=32)
    assert np.abs(whole - tiled).max() < 1e-4


def test_camera_noise_depends_on_brightness_and_is_correlated_across_pixels():
    generator = torch.Generator().manual_seed(0)
    rng = np.random.default_rng(0)
    dark, bright = torch.full((64, 3, 32, 32), 0.15), torch.full((64, 3, 32, 32), 0.6)
    noise_dark = camera_noisy(dark, generator.manual_seed(1), np.random.default_rng(1)) - dark
    noise_bright = camera_noisy(bright, generator.manual_seed(1), np.random.default_rng(1)) - bright
    ratio = float(noise_dark.std() / noise_bright.std())
    assert abs(ratio - 1) > 0.2, "after gamma, read noise makes shadows noisier than highlights"
    shifted = torch.corrcoef(torch.stack([noise_bright[..., :-1].flatten(), noise_bright[..., 1:].flatten()]))
    assert shifted[0, 1] > 0.2, "demosaicking should correlate neighbouring pixels' noise"
    assert float(camera_noisy(bright, generator, rng).min()) >= 0.0


def test_bilinear_demosaicking_keeps_a_flat_image_flat():
    flat = torch.full((1, 3, 16, 16), 0.4)
    mosaic = flat * torch.stack(
        [
            torch.tensor([[1.0, 0.0], [0.0, 0.0]]).repeat(8, 8),
            torch.tensor([[0.0, 1.0], [1.0, 0.0]]).repeat(8, 8),
            torch.tensor([[0.0, 0.0], [0.0, 1.0]]).repeat(8, 8),
        ]
    )
    assert torch.allclose(demosaic_bilinear(mosaic[None, 0]), flat, atol=1e-6)


def test_mixed_batches_give_patches_noise_and_a_full_noise_map():
    images = [smooth_image(96, seed) for seed in range(3)]
    source = MixedNoiseBatches(images, patch=32, batch=12, align=8)
    batch = source.next(np.random.default_rng(0), torch.Generator().manual_seed(0))
    assert batch.inputs.shape == batch.targets.shape == batch.sigma.shape == (12, 3, 32, 32)
    assert float(batch.sigma.min()) >= 0.0
    assert float((batch.inputs - batch.targets).abs().mean()) > 0.0


def test_the_numpy_noise_map_reads_the_same_level_as_the_training_estimate():
    noisy = np.full((96, 96, 3), 0.5, np.float32) + np.random.default_rng(0).normal(
        0, [0.02, 0.04, 0.06], (96, 96, 3)
    ).astype(np.float32)
    training = haar_level(torch.from_numpy(noisy.transpose(2, 0, 1).copy())[None])[0].numpy()
    in_use = haar_noise_map(noisy).mean(axis=(0, 1))
    assert np.allclose(training, in_use, rtol=1e-3)
    assert np.allclose(in_use, [0.02, 0.04, 0.06], rtol=0.1)


def test_the_noise_map_follows_noise_that_changes_across_the_image():
    rng = np.random.default_rng(0)
    noisy = np.full((192, 384, 3), 0.5, np.float32)
    noisy[:, :192] += rng.normal(0, 0.01, (192, 192, 3)).astype(np.float32)
    noisy[:, 192:] += rng.normal(0, 0.05, (192, 192, 3)).astype(np.float32)
    level = haar_noise_map(noisy)
    assert level[96, 20, 0] == pytest.approx(0.01, rel=0.15)
    assert level[96, 360, 0] == pytest.approx(0.05, rel=0.15)


def test_a_large_image_samples_its_noise_map_close_to_the_full_scan(monkeypatch):
    from workbench.core import noise

    rng = np.random.default_rng(0)
    noisy = np.full((960, 1152, 1), 0.5, np.float32)
    noisy[:, :576] += rng.normal(0, 0.01, (960, 576, 1)).astype(np.float32)
    noisy[:, 576:] += rng.normal(0, 0.04, (960, 576, 1)).astype(np.float32)
    full = haar_noise_map(noisy)
    monkeypatch.setattr(noise, "SAMPLED_PIXELS", 0)
    sampled = haar_noise_map(noisy)
    assert not np.array_equal(sampled, full)
    assert np.median(np.abs(sampled - full) / full) < 0.1
    assert sampled[480, 100, 0] == pytest.approx(0.01, rel=0.2)
    assert sampled[480, 1000, 0] == pytest.approx(0.04, rel=0.2)


def test_per_channel_noise_estimates_differ_where_the_noise_does():
    noisy = smooth_image(128) + np.random.default_rng(0).normal(
        0, [5 / 255, 10 / 255, 20 / 255], (128, 128, 3)
    )
    levels = estimate_sigma_channels(noisy.astype(np.float32)) * 255
    assert levels == pytest.approx([5, 10, 20], rel=0.1)


@pytest.fixture
def untrained_weights(tmp_path):
    model = build_model("resunet", **SMALL)
    return str(save_weights(tmp_path / "colour.pt", model, "resunet", SMALL, {"name": "test"}))


def test_the_colour_method_measures_the_noise_when_sigma_is_auto(untrained_weights):
    method = registry.get("colour_cnn")
    noisy = smooth_image(64) + np.random.default_rng(0).normal(0, 10 / 255, (64, 64, 3)).astype(np.float32)
    params = method.params.resolve({"weights": untrained_weights}, owner="colour_cnn")
    ctx = RunContext()
    out = method.run(Problem(Image(noisy.astype(np.float32)), Task.DENOISE), params, ctx)
    assert out.shape == noisy.shape
    assert ctx.notes["sigma"] == pytest.approx([10, 10, 10], rel=0.15)


def test_the_colour_method_takes_gray_images_and_a_fixed_sigma(untrained_weights):
    method = registry.get("colour_cnn")
    gray = smooth_image(64)[..., :1]
    for sigma in ("auto", 15.0):
        params = method.params.resolve({"weights": untrained_weights, "sigma": sigma}, owner="colour_cnn")
        out = method.run(Problem(Image(gray), Task.DENOISE), params, RunContext())
        assert out.shape == gray.shape


def test_a_fixed_level_model_says_when_the_image_noise_is_far_from_its_level():
    method = registry.get("dncnn")
    clean = smooth_image(64)[..., :1]
    params = method.params.resolve({}, owner="dncnn")
    notes = {}
    for sigma in (25, 5):
        noisy = clean + np.random.default_rng(0).normal(0, sigma / 255, clean.shape).astype(np.float32)
        ctx = RunContext()
        method.run(Problem(Image(noisy), Task.DENOISE), params, ctx)
        notes[sigma] = ctx.notes.get("noise_mismatch")
    assert notes[25] is None
    assert "colour_cnn" in notes[5]


def test_colour_photos_are_offered_the_colour_cnn_first_and_gray_ones_the_gray_model():
    from workbench.core.methods.defaults import default_method

    assert default_method(Task.DENOISE, 3) == "colour_cnn"
    assert default_method(Task.DENOISE, 1) == "ffdnet"
    assert default_method(Task.INPAINT, 3) is None


def test_the_shipped_colour_model_tiled_with_its_margin_matches_one_whole_pass(monkeypatch):
    from workbench.resources import path

    from workbench.core import tiling
    from workbench.core.models.weights import load_weights

    monkeypatch.setattr(tiling, "bf16_available", lambda: False)  # the margin, not bfloat16 rounding
    model = load_weights(path("resunet_colour.pt")).model
    clean = smooth_image(192, seed=3)
    noisy = clean + np.random.default_rng(4).normal(0, 25 / 255, clean.shape).astype(np.float32)
    whole = denoise_image(model, noisy, 25.0, tile=0)
    tiled = denoise_image(model, noisy, 25.0, tile=64)
    assert model.tile_margin < model.receptive_radius
    assert np.abs(tiled - whole).max() * 255 < 0.2, "seams above a fifth of an 8-bit level"  # 0.09 measured


def test_a_fixed_level_model_scales_its_correction_to_the_image_noise():
    method = registry.get("dncnn")
    clean = smooth_image(64)[..., :1]
    params = method.params.resolve({}, owner="dncnn")
    noisy = clean + np.random.default_rng(0).normal(0, 5 / 255, clean.shape).astype(np.float32)
    ctx = RunContext()
    scaled = method.run(Problem(Image(noisy), Task.DENOISE), params, ctx)
    full = method.run(
        Problem(Image(noisy), Task.DENOISE), method.params.resolve({"sigma": 25}, owner="dncnn"), RunContext()
    )
    scale = ctx.notes["residual_scale"]
    assert 0.1 < scale < 0.4
    assert np.allclose(noisy - scaled, scale * (noisy - full), atol=2e-4)  # the note rounds the scale
    assert psnr(scaled, clean) > psnr(noisy, clean)
