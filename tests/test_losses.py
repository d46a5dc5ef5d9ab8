"""Losses: SSIM agrees with scikit-image, MS-SSIM keeps the scales that fit, the mix weighs both
terms, masks only go to l2/l1, and training and DIP take each loss and say which on the card."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from workbench.core import losses
from workbench.core.dip import DipStepper, preset_settings
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.models.weights import card_path
from workbench.core.problem import Problem, Task
from workbench.core.train.batches import SupervisedBatches
from workbench.core.train.noise import NoiseModel
from workbench.core.train.setup import TrainSettings, make_source
from workbench.core.train.trainer import TrainConfig, Trainer


def _pair(size: int = 48, channels: int = 3, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    clean = torch.from_numpy(rng.random((1, channels, size, size)).astype(np.float32))
    clean = torch.nn.functional.avg_pool2d(clean, 3, stride=1, padding=1)
    noisy = (clean + 0.1 * torch.from_numpy(rng.standard_normal(clean.shape).astype(np.float32))).clamp(0, 1)
    return noisy, clean


def test_ssim_matches_scikit_image_with_gaussian_weights():
    noisy, clean = _pair()
    expected = structural_similarity(
        noisy[0].permute(1, 2, 0).numpy().astype(np.float64),
        clean[0].permute(1, 2, 0).numpy().astype(np.float64),
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
        data_range=1.0,
        channel_axis=2,
    )
    assert float(losses.ssim(noisy, clean)) == pytest.approx(expected, abs=2e-3)


def test_ms_ssim_keeps_the_scales_that_hold_the_window():
    assert losses.ms_scales(256, 256) == 5
    assert losses.ms_scales(64, 64) == 3
    assert losses.ms_scales(8, 8) == 1
    noisy, clean = _pair(64)
    value = float(losses.ms_ssim(noisy, clean))
    assert 0 < value < 1
    assert float(losses.ms_ssim(clean, clean)) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("name", losses.LOSSES)
def test_each_loss_is_zero_at_the_target_and_positive_away_from_it(name):
    noisy, clean = _pair()
    assert float(losses.loss_value(name, clean, clean)) == pytest.approx(0.0, abs=1e-5)
    assert float(losses.loss_value(name, noisy, clean)) > 1e-3


def test_the_mix_is_its_two_terms_weighted_0_84_and_0_16():
    noisy, clean = _pair(64)
    ms_part = 1 - float(losses.ms_ssim(noisy, clean))
    l1_part = float(losses.weighted_l1(noisy, clean, sigma=1.5 * 2**2))
    assert float(losses.mix(noisy, clean)) == pytest.approx(0.84 * ms_part + 0.16 * l1_part, rel=1e-5)


def test_a_mask_counts_only_its_pixels_and_structural_losses_refuse_one():
    estimate = torch.zeros(1, 1, 4, 4)
    target = torch.zeros(1, 1, 4, 4)
    target[..., 0, 0] = 1.0
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., 0, :2] = 1.0
    assert float(losses.loss_value("l1", estimate, target, mask)) == pytest.approx(0.5)
    with pytest.raises(ParameterError, match="blind-spot"):
        losses.loss_value("ssim", estimate, target, mask)
    with pytest.raises(ParameterError, match="unknown loss"):
        losses.check_loss("l3")


@pytest.mark.parametrize("name", ["l1", "mix"])
def test_training_with_a_loss_lowers_it_and_the_card_names_it(name, tmp_path):
    rng = np.random.default_rng(0)
    images = [
        np.clip(np.cumsum(rng.random((48, 48, 1)), axis=0) / 30, 0, 1).astype(np.float32) for _ in range(2)
    ]
    source = SupervisedBatches(images, NoiseModel("gaussian", 25, 25), patch=32, batch=4)
    config = TrainConfig("dncnn", {"depth": 3, "width": 8}, steps=40, lr=3e-3, loss=name)
    trainer = Trainer(config, source)
    trainer.run()
    values = [record.loss for record in trainer.history]
    assert np.mean(values[-8:]) < np.mean(values[:8])
    path = trainer.export(tmp_path / "w.pt", {})
    card = json.loads(card_path(path).read_text())
    assert card["loss"] == name


def test_blind_spot_training_refuses_a_structural_loss(tmp_path):
    settings = TrainSettings("blindspot", tmp_path, architecture="dncnn", loss="ms_ssim")
    with pytest.raises(ParameterError, match="blind-spot"):
        make_source(settings, [np.zeros((32, 32, 1), np.float32)])


def test_dip_fits_with_another_loss_and_still_logs_the_squared_error():
    rng = np.random.default_rng(0)
    clean = np.clip(rng.random((1, 1, 32)) + np.linspace(0, 0.5, 32)[:, None, None], 0, 1)
    clean = np.broadcast_to(clean.transpose(0, 2, 1), (32, 32, 1)).astype(np.float32)
    noisy = np.clip(clean + 0.05 * rng.standard_normal(clean.shape), 0, 1).astype(np.float32)
    problem = Problem(Image(noisy), Task.DENOISE, reference=Image(clean))
    settings = replace(preset_settings("light", Task.DENOISE), iterations=30, loss="l1")
    stepper = DipStepper(problem, settings, seed=0)
    outcome = stepper.run()
    output = torch.from_numpy(stepper.current()).permute(2, 0, 1)[None]
    target = torch.from_numpy(noisy).permute(2, 0, 1)[None]
    assert outcome.records[-1].loss == pytest.approx(float(((output - target) ** 2).mean()), rel=0.05)
    assert outcome.records[-1].loss < outcome.records[0].loss
