"""The effective receptive field: |d out / d in| at one pixel, its 95 % radius, and its size
against the theoretical field."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from workbench.core.errors import ParameterError
from workbench.core.viz import effective_field, mass_profile, noise_probe, radius_holding, recurrence_rf


def random_stack(depth: int, channels: int = 8, seed: int = 0) -> nn.Sequential:
    """``depth`` 3×3 convolutions with ReLU between them, PyTorch's default (random) initialisation."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for index in range(depth):
        layers.append(
            nn.Conv2d(1 if index == 0 else channels, 1 if index == depth - 1 else channels, 3, padding=1)
        )
        if index < depth - 1:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def test_radius_of_a_single_hot_pixel_is_zero():
    heat = np.zeros((9, 9))
    heat[4, 4] = 1.0
    assert radius_holding(heat, (4, 4)) == 0.0


def test_radius_reaches_the_pixel_that_completes_95_percent():
    heat = np.zeros((11, 11))
    heat[5, 5] = 0.9
    heat[5, 8] = 0.1
    assert radius_holding(heat, (5, 5)) == pytest.approx(3.0)
    assert radius_holding(heat, (5, 5), fraction=0.5) == 0.0


def test_radius_of_zero_heat_is_zero():
    assert radius_holding(np.zeros((4, 4)), (1, 1)) == 0.0


def test_effective_field_is_inside_and_smaller_than_the_theoretical_field():
    net = random_stack(17)
    theoretical = recurrence_rf(net).theoretical_rf
    assert theoretical == 35
    field = effective_field(net, noise_probe(64, 1), (32, 32))
    rows, cols = np.nonzero(field.heat)
    assert rows.min() >= 32 - 17 and rows.max() <= 32 + 17
    assert cols.min() >= 32 - 17 and cols.max() <= 32 + 17
    assert field.heat[32, 32] > 0
    assert 0 < field.radius_95 < theoretical / 2


def test_effective_field_matches_autograd_on_the_whole_image():
    net = random_stack(3)
    pixels = noise_probe(12, 1, seed=3)
    field = effective_field(net, pixels, (4, 7))
    x = torch.from_numpy(pixels.transpose(2, 0, 1))[None].requires_grad_(True)
    net(x)[0, 0, 7, 4].backward()
    np.testing.assert_allclose(field.heat, x.grad[0, 0].abs().numpy(), rtol=1e-5, atol=1e-8)
    assert field.at == (4, 7)


def test_window_gives_the_same_field_as_the_whole_image():
    net = random_stack(5)
    pixels = noise_probe(48, 1, seed=1)
    whole = effective_field(net, pixels, (30, 11))
    windowed = effective_field(net, pixels, (30, 11), window=11)
    np.testing.assert_allclose(windowed.heat, whole.heat, rtol=1e-5, atol=1e-9)
    assert windowed.radius_95 == pytest.approx(whole.radius_95)


def test_colour_image_feeds_a_gray_network():
    net = random_stack(3)
    field = effective_field(net, noise_probe(10, 3), (5, 5))
    assert field.heat.shape == (10, 10)


def test_pixel_outside_the_image_is_refused():
    with pytest.raises(ParameterError, match=r"\(12, 3\) is outside the 10x10 image"):
        effective_field(random_stack(2), noise_probe(10, 1), (12, 3))


def test_network_left_in_training_mode_after_the_call():
    net = random_stack(2).train()
    effective_field(net, noise_probe(8, 1), (2, 2))
    assert net.training


def test_a_network_whose_output_ignores_its_input_is_refused_with_a_reason():
    net = random_stack(3)
    nn.init.zeros_(net[-1].weight)
    with pytest.raises(ParameterError, match="does not depend on the input"):
        effective_field(net, noise_probe(16, 1), (8, 8))


def test_untrained_paper_dncnn_has_a_non_empty_field_inside_its_theoretical_one():
    from workbench.core.viz.models import resolve_model

    net = resolve_model("dncnn17")
    field = effective_field(net, noise_probe(48, 1), (24, 24), window=35)
    assert 0 < field.radius_95 < 35 / 2


def test_profile_of_a_single_hot_pixel_is_whole_from_radius_zero():
    heat = np.zeros((9, 9))
    heat[4, 4] = 2.0
    profile = mass_profile(heat, (4, 4), reach=3)
    assert profile.radius.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    assert profile.fraction.tolist() == [1.0] * 7


def test_profile_steps_up_where_the_far_pixel_is_reached():
    heat = np.zeros((11, 11))
    heat[5, 5] = 0.9
    heat[5, 8] = 0.1
    profile = mass_profile(heat, (5, 5), reach=4, step=1.0)
    np.testing.assert_allclose(profile.fraction, [0.9, 0.9, 0.9, 1.0, 1.0])


def test_profile_crosses_95_percent_at_the_95_percent_radius():
    net = random_stack(6)
    field = effective_field(net, noise_probe(40, 1), (20, 20))
    profile = mass_profile(field.heat, field.at, reach=20, step=0.25)
    assert np.all(np.diff(profile.fraction) >= 0)
    assert profile.fraction[profile.radius >= field.radius_95][0] >= 0.95
    assert np.all(profile.fraction[profile.radius < field.radius_95] < 0.95)


def test_profile_of_zero_heat_is_zero():
    profile = mass_profile(np.zeros((4, 4)), (1, 1), reach=0)
    assert profile.radius.tolist() == [0.0, 0.5] and profile.fraction.tolist() == [0.0, 0.0]
