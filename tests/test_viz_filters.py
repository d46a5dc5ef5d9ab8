"""First-layer filter grids and feature maps of any torch module."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from workbench.core.errors import ParameterError
from workbench.core.viz import feature_grid, feature_layers, feature_maps, filter_grid, first_conv
from workbench.core.viz.models import wrap_model


def gray_net(filters: int = 8) -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, filters, 3, padding=1), nn.ReLU(), nn.Conv2d(filters, 1, 3, padding=1))


def test_first_conv_is_found_inside_nested_modules():
    net = nn.Sequential(nn.Identity(), nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(3, 4, 3)))
    name, conv = first_conv(net)
    assert name == "1.1"
    assert conv.out_channels == 4


def test_first_conv_skips_a_leading_one_by_one_branch_for_the_first_spatial_filter():
    net = nn.ModuleDict({"skip": nn.Conv2d(8, 4, 1), "down": nn.Conv2d(8, 16, 3)})
    name, conv = first_conv(net)
    assert name == "down"
    assert conv.kernel_size == (3, 3)


def test_the_dip_hourglass_lists_its_layers_and_shows_spatial_filters():
    from workbench.core.viz.models import resolve_model

    net = resolve_model("dip")
    assert len(feature_layers(net)) > 5
    assert max(filter_grid(net).weight_shape[2:]) > 1


def test_module_without_convolution_is_refused():
    with pytest.raises(ParameterError, match="no Conv2d"):
        filter_grid(nn.Sequential(nn.Linear(3, 3)))


def test_gray_filters_fill_a_square_grid_of_normalised_tiles():
    net = gray_net(9)
    grid = filter_grid(net, gap=1)
    assert not grid.colour
    assert grid.weight_shape == (9, 1, 3, 3)
    assert grid.layout.columns == 3 and grid.layout.rows == 3
    assert grid.pixels.shape == (*grid.layout.shape, 3)
    assert grid.pixels.dtype == np.float32
    tile_side = grid.layout.tile_height
    assert tile_side >= 24 and tile_side % 3 == 0
    top, left = grid.layout.origin(4)
    tile = grid.pixels[top : top + tile_side, left : left + tile_side, 0]
    assert tile.min() == 0.0 and tile.max() == 1.0
    weight = net[0].weight[4, 0].detach().numpy()
    brightest = np.unravel_index(np.argmax(weight), weight.shape)
    factor = tile_side // 3
    assert tile[brightest[0] * factor, brightest[1] * factor] == 1.0


def test_three_channel_filters_are_drawn_in_colour():
    conv = nn.Conv2d(3, 2, 3)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0, 0] = 1.0
        conv.weight[1, 2] = -1.0
    grid = filter_grid(conv)
    assert grid.colour
    red_tile = grid.pixels[grid.layout.origin(0)]
    assert tuple(red_tile) == (1.0, 0.0, 0.0)
    top, left = grid.layout.origin(1)
    assert tuple(grid.pixels[top, left]) == (1.0, 1.0, 0.0)


def test_filters_with_other_channel_counts_show_one_tile_per_input_channel():
    grid = filter_grid(nn.Conv2d(5, 16, 3))
    assert grid.layout.count == 80
    assert grid.layout.columns % 5 == 0


def test_feature_layers_are_listed_in_call_order():
    assert feature_layers(gray_net()) == ["0", "1", "2"]


def test_feature_maps_are_the_layer_outputs():
    net = gray_net(4)
    pixels = np.random.default_rng(0).random((10, 12, 1), dtype=np.float32)
    maps = feature_maps(net, "1", pixels)
    expected = torch.relu(net[0](torch.from_numpy(pixels.transpose(2, 0, 1))[None]))[0].detach().numpy()
    np.testing.assert_allclose(maps.maps, expected, rtol=1e-6)
    assert maps.channels == 4
    assert maps.channel(2).min() == 0.0 and maps.channel(2).max() == 1.0


def test_unknown_layer_and_channel_are_refused():
    net = gray_net()
    pixels = np.zeros((8, 8, 1), dtype=np.float32)
    with pytest.raises(ParameterError, match="'body' is not a module"):
        feature_maps(net, "body", pixels)
    with pytest.raises(ParameterError, match="channel 8 out of range"):
        feature_maps(net, "0", pixels).channel(8)


def test_clicking_a_feature_grid_tile_finds_its_channel():
    pixels = np.random.default_rng(1).random((6, 6, 1), dtype=np.float32)
    maps = feature_maps(gray_net(5), "0", pixels)
    grid, layout = feature_grid(maps, min_tile=12, gap=2)
    assert layout.tile_height == 12 and layout.columns == 3
    assert grid.shape == (*layout.shape, 3)
    top, left = layout.origin(4)
    assert layout.tile_at(left + 3, top + 5) == 4
    assert layout.tile_at(left - 1, top) is None
    assert layout.tile_at(*layout.origin(5)[::-1]) is None


def test_large_feature_maps_are_shrunk_to_the_largest_tile():
    maps = feature_maps(gray_net(2), "0", np.zeros((300, 200, 1), dtype=np.float32))
    _grid, layout = feature_grid(maps, max_tile=100)
    assert layout.tile_height == 100 and layout.tile_width <= 100


def test_filters_of_an_unshuffling_dncnn_are_folded_into_image_space_kernels():
    from workbench.core.models import DnCNN
    from workbench.core.viz.filters import image_space_weight
    from workbench.core.viz.models import wrap_model

    torch.manual_seed(0)
    net = wrap_model(DnCNN(depth=3, width=4, unshuffle=2))
    image = torch.rand(1, 1, 8, 8)
    packed = net.net.body[0](torch.nn.functional.pixel_unshuffle(image, 2))
    weight = net.net.body[0].weight.detach().numpy()
    folded = torch.from_numpy(image_space_weight(net, weight))
    assert folded.shape == (4, 1, 6, 6)
    direct = torch.nn.functional.conv2d(
        torch.nn.functional.pad(image, (2, 2, 2, 2)), folded, net.net.body[0].bias, stride=2
    )
    assert torch.allclose(direct, packed, atol=1e-5)
    assert filter_grid(net).weight_shape == (4, 1, 6, 6)


def test_most_changed_first_puts_the_filter_that_moved_furthest_first():
    torch.manual_seed(0)
    net = wrap_model(nn.Sequential(nn.Conv2d(1, 6, 3)))
    net.keep_start("the start")
    with torch.no_grad():
        net.net[0].weight[4] = torch.randn(1, 3, 3, generator=torch.Generator().manual_seed(9))
        net.net[0].weight[2] += 0.3 * torch.randn(1, 3, 3, generator=torch.Generator().manual_seed(8))
    plain = filter_grid(net)
    ordered = filter_grid(net, most_changed_first=True)
    assert plain.order == (0, 1, 2, 3, 4, 5) and not plain.most_changed_first
    assert ordered.order[:2] == (4, 2) and ordered.most_changed_first
    assert ordered.stats == plain.stats and ordered.start_correlation == plain.start_correlation
    assert not np.array_equal(ordered.pixels, plain.pixels)
    assert "furthest from its start" in ordered.numbers()


def test_most_changed_first_keeps_the_model_order_without_a_known_start():
    grid = filter_grid(nn.Conv2d(1, 5, 3), most_changed_first=True)
    assert grid.order == (0, 1, 2, 3, 4) and not grid.most_changed_first
