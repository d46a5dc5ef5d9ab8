"""The DIP hourglass: shapes for every option, the paper's size, and the Lanczos down-sampler."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workbench.core.dip import NetConfig, build_net
from workbench.core.dip.resample import LanczosDown, lanczos_taps

SMALL = {"channels_down": (8, 8), "channels_up": (8, 8), "channels_skip": (2, 0), "input_channels": 4}


def test_paper_denoising_net_has_about_2_2_million_parameters():
    count = sum(p.numel() for p in build_net().parameters())
    assert 2.1e6 < count < 2.3e6


@pytest.mark.parametrize("downsample", ["stride", "average", "lanczos"])
@pytest.mark.parametrize("upsample", ["nearest", "bilinear"])
@pytest.mark.parametrize("padding", ["reflection", "zero"])
def test_every_option_maps_the_code_to_an_image_of_the_same_size_in_0_1(downsample, upsample, padding):
    config = NetConfig(**SMALL, downsample=downsample, upsample=upsample, padding=padding, output_channels=1)
    with torch.no_grad():
        out = build_net(config)(torch.rand(1, 4, 16, 24))
    assert out.shape == (1, 1, 16, 24)
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0


def test_options_without_batch_norm_or_with_other_activations_build():
    for activation in ("relu", "elu"):
        net = build_net(NetConfig(**SMALL, batch_norm=False, activation=activation, filter_up=5))
        assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in net.modules())
        assert net(torch.rand(1, 4, 16, 16)).shape == (1, 3, 16, 16)


def test_multiple_is_two_to_the_depth():
    assert NetConfig().multiple == 32
    assert NetConfig(**SMALL).multiple == 4


@pytest.mark.parametrize(
    "change",
    [{"channels_up": (8,)}, {"upsample": "cubic"}, {"filter_down": 4}, {"padding": "circular"}],
)
def test_inconsistent_configs_are_refused(change):
    with pytest.raises(ValueError):
        NetConfig(**(SMALL | change))


def test_lanczos_taps_are_symmetric_and_sum_to_one():
    taps = lanczos_taps(2)
    assert taps.shape == (8,)
    assert taps.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(taps, taps[::-1], atol=1e-7)


def test_lanczos_down_halves_the_size_and_keeps_a_constant_image():
    x = torch.full((1, 3, 16, 12), 0.3)
    y = LanczosDown(2)(x)
    assert y.shape == (1, 3, 8, 6)
    torch.testing.assert_close(y, torch.full_like(y, 0.3))
