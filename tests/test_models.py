"""Learned denoiser models: shapes, identity start, receptive radius bounds, builder errors."""

from __future__ import annotations

import pytest
import torch

from workbench.core.models import DnCNN, FFDNet, UNet, build_model

SMALL = [
    ("dncnn", {"depth": 4, "width": 8}),
    ("dncnn", {"depth": 3, "width": 8, "unshuffle": 2}),
    ("ffdnet", {"depth": 3, "width": 8}),
    ("unet", {"width": 4}),
]


@pytest.mark.parametrize(("architecture", "kwargs"), SMALL)
def test_untrained_model_returns_its_input(architecture, kwargs):
    model = build_model(architecture, **kwargs).eval()
    noisy = torch.rand(2, 1, 16, 24)
    with torch.no_grad():
        out = model(noisy, torch.tensor([0.1, 0.2]))
    assert out.shape == noisy.shape
    assert torch.allclose(out, noisy)


@pytest.mark.parametrize(("architecture", "kwargs"), SMALL)
def test_output_depends_only_on_pixels_within_receptive_radius(architecture, kwargs):
    torch.manual_seed(0)
    model = build_model(architecture, **kwargs).eval()
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.3)
    size, centre = 96, 48
    noisy = torch.rand(1, 1, size, size, requires_grad=True)
    model(noisy, torch.tensor([0.1]))[0, 0, centre, centre].backward()
    rows, cols = torch.nonzero(noisy.grad[0, 0].abs() > 0, as_tuple=True)
    reach = int(max((rows - centre).abs().max(), (cols - centre).abs().max()))
    assert 0 < reach <= model.receptive_radius


def test_dncnn_layer_names_match_the_published_pytorch_model():
    names = list(DnCNN(depth=17).state_dict())
    assert names[:2] == ["body.0.weight", "body.0.bias"]
    assert "body.3.running_var" in names
    assert names[-1] == "body.47.weight"


def test_noise_level_models_need_sigma():
    with pytest.raises(ValueError, match="sigma"):
        FFDNet(depth=3, width=4)(torch.rand(1, 1, 8, 8))


def test_noise_map_changes_the_output():
    torch.manual_seed(1)
    model = UNet(width=4).eval()
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.3)
    noisy = torch.rand(1, 1, 16, 16)
    with torch.no_grad():
        low, high = model(noisy, torch.tensor([0.0])), model(noisy, torch.tensor([0.3]))
    assert not torch.allclose(low, high)


def test_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="unknown architecture"):
        build_model("resnet")
