"""Tiled inference: seams invisible (tiled equals untiled within 1e-4), colour routes, progress, cancel."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workbench.core.errors import Cancelled
from workbench.core.jobs import RunContext
from workbench.core.models import build_model
from workbench.core.tiling import denoise_image


def _random_model(architecture: str, **kwargs):
    torch.manual_seed(0)
    model = build_model(architecture, **kwargs)
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.15)
    if hasattr(model, "body"):
        for layer in model.body:
            if isinstance(layer, torch.nn.BatchNorm2d):
                layer.running_mean.uniform_(-0.1, 0.1)
                layer.running_var.uniform_(0.5, 1.5)
    return model.eval()


@pytest.mark.parametrize(
    ("architecture", "kwargs", "sigma"),
    [
        ("dncnn", {"depth": 5, "width": 8}, None),
        ("ffdnet", {"depth": 4, "width": 8}, 25.0),
        ("unet", {"width": 4}, 25.0),
    ],
)
def test_tiled_result_equals_untiled(architecture, kwargs, sigma):
    model = _random_model(architecture, **kwargs)
    pixels = np.random.default_rng(0).random((75, 93, 1), dtype=np.float32)
    whole = denoise_image(model, pixels, sigma, tile=0)
    tiled = denoise_image(model, pixels, sigma, tile=24)
    assert whole.shape == pixels.shape
    assert np.abs(whole - tiled).max() < 1e-4
    assert np.abs(whole - pixels).max() > 1e-3


def test_gray_model_on_colour_image_matches_each_channel_alone():
    model = _random_model("ffdnet", depth=3, width=8)
    pixels = np.random.default_rng(1).random((20, 30, 3), dtype=np.float32)
    sigmas = np.array([10.0, 20.0, 30.0])
    together = denoise_image(model, pixels, sigmas, tile=16)
    for channel in range(3):
        alone = denoise_image(model, pixels[..., channel : channel + 1], sigmas[channel], tile=0)
        assert np.abs(together[..., channel : channel + 1] - alone).max() < 1e-4


def test_progress_is_reported_per_tile_and_cancel_stops():
    model = _random_model("dncnn", depth=3, width=4)
    pixels = np.zeros((40, 40, 1), dtype=np.float32)
    seen = []
    denoise_image(model, pixels, tile=20, ctx=RunContext(on_progress=lambda f, m: seen.append(f)))
    assert seen[:4] == [0.0, 0.25, 0.5, 0.75] and seen[-1] == 1.0
    ctx = RunContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        denoise_image(model, pixels, tile=20, ctx=ctx)
