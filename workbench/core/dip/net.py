"""The Deep Image Prior "skip" hourglass (Ulyanov et al., CVPR 2018), configurable.

The network maps a fixed input code (1×C_in×H×W) to an image (1×C_out×H×W, values in
[0, 1] through a final sigmoid). Each of its ``depth`` levels halves the resolution on
the way down and doubles it on the way up, so H and W must be multiples of
:meth:`NetConfig.multiple`; a level may also pass a few 1×1-conv channels across
("skip") to be concatenated before its up-sampling conv.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .resample import LanczosDown

UPSAMPLING = ("nearest", "bilinear")
DOWNSAMPLING = ("stride", "average", "lanczos")
ACTIVATIONS = ("leaky_relu", "relu", "elu")
PADDINGS = ("reflection", "zero")


@dataclass(frozen=True)
class NetConfig:
    """Architecture of the hourglass; one entry per level, top (full resolution) first.

    Attributes:
        channels_down: output channels of each level's two down convs.
        channels_up: output channels of each level's up convs.
        channels_skip: channels of each level's 1×1 skip branch (0 = no skip at that level).
        filter_down, filter_up, filter_skip: square kernel sizes (odd).
        upsample: "nearest" or "bilinear" (×2 per level).
        downsample: "stride" (stride-2 conv), "average" (2×2 mean) or "lanczos" (Lanczos-2 filter).
        activation: "leaky_relu" (slope 0.2), "relu" or "elu".
        padding: "reflection" or "zero".
        batch_norm: a BatchNorm2d after every conv but the last.
        input_channels: channels of the input code.
        output_channels: 1 (gray) or 3 (RGB).
    """

    channels_down: tuple[int, ...] = (128, 128, 128, 128, 128)
    channels_up: tuple[int, ...] = (128, 128, 128, 128, 128)
    channels_skip: tuple[int, ...] = (4, 4, 4, 4, 4)
    filter_down: int = 3
    filter_up: int = 3
    filter_skip: int = 1
    upsample: str = "bilinear"
    downsample: str = "stride"
    activation: str = "leaky_relu"
    padding: str = "reflection"
    batch_norm: bool = True
    input_channels: int = 32
    output_channels: int = 3

    def __post_init__(self) -> None:
        depth = len(self.channels_down)
        if depth == 0 or len(self.channels_up) != depth or len(self.channels_skip) != depth:
            raise ValueError("channels_down, channels_up and channels_skip need the same, non-zero length")
        for name, value, choices in (
            ("upsample", self.upsample, UPSAMPLING),
            ("downsample", self.downsample, DOWNSAMPLING),
            ("activation", self.activation, ACTIVATIONS),
            ("padding", self.padding, PADDINGS),
        ):
            if value not in choices:
                raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
        if any(size % 2 == 0 for size in (self.filter_down, self.filter_up, self.filter_skip)):
            raise ValueError("filter sizes must be odd")

    @property
    def depth(self) -> int:
        """Number of levels (each halves the resolution)."""
        return len(self.channels_down)

    @property
    def multiple(self) -> int:
        """Height and width of the input must be multiples of this (2 ** depth)."""
        return 2**self.depth


def build_net(config: NetConfig | None = None) -> nn.Module:
    """The hourglass for ``config`` (default: the paper's denoising net, about 2.2 M parameters).

    Input 1×input_channels×H×W, output 1×output_channels×H×W in [0, 1];
    H and W multiples of ``config.multiple`` (also the net's ``alignment`` attribute).
    """
    config = config or NetConfig()
    net = nn.Sequential(
        _Level(config, 0, config.input_channels),
        _conv(config, config.channels_up[0], config.output_channels, 1),
        nn.Sigmoid(),
    )
    net.alignment = config.multiple
    return net


class _Level(nn.Module):
    """One level: [skip branch ‖ down convs -> deeper levels -> up-sample] -> up convs."""

    def __init__(self, config: NetConfig, index: int, in_channels: int) -> None:
        super().__init__()
        down = config.channels_down[index]
        skip = config.channels_skip[index]
        last = index == config.depth - 1
        deeper_channels = down if last else config.channels_up[index + 1]
        self.skip = (
            nn.Sequential(*_conv_block(config, in_channels, skip, config.filter_skip)) if skip else None
        )
        layers = [
            *_down_block(config, in_channels, down),
            *_conv_block(config, down, down, config.filter_down),
        ]
        if not last:
            layers.append(_Level(config, index + 1, down))
        layers.append(nn.Upsample(scale_factor=2, mode=config.upsample))
        self.deeper = nn.Sequential(*layers)
        self.merge_norm = _norm(config, skip + deeper_channels)
        self.up = nn.Sequential(
            *_conv_block(config, skip + deeper_channels, config.channels_up[index], config.filter_up),
            *_conv_block(config, config.channels_up[index], config.channels_up[index], 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        deeper = self.deeper(x)
        if self.skip is not None:
            deeper = torch.cat([self.skip(x), deeper], dim=1)
        return self.up(self.merge_norm(deeper))


def _conv(config: NetConfig, in_channels: int, out_channels: int, size: int, stride: int = 1) -> nn.Module:
    pad = (size - 1) // 2
    if config.padding == "reflection" and pad > 0:
        return nn.Sequential(nn.ReflectionPad2d(pad), nn.Conv2d(in_channels, out_channels, size, stride))
    return nn.Conv2d(in_channels, out_channels, size, stride, padding=pad)


def _down_block(config: NetConfig, in_channels: int, out_channels: int) -> list[nn.Module]:
    """A conv that halves the resolution the configured way, then norm and activation."""
    if config.downsample == "stride":
        layers = [_conv(config, in_channels, out_channels, config.filter_down, stride=2)]
    elif config.downsample == "average":
        layers = [_conv(config, in_channels, out_channels, config.filter_down), nn.AvgPool2d(2)]
    else:
        layers = [_conv(config, in_channels, out_channels, config.filter_down), LanczosDown(2)]
    return [*layers, _norm(config, out_channels), _activation(config)]


def _conv_block(config: NetConfig, in_channels: int, out_channels: int, size: int) -> list[nn.Module]:
    return [_conv(config, in_channels, out_channels, size), _norm(config, out_channels), _activation(config)]


def _norm(config: NetConfig, channels: int) -> nn.Module:
    return nn.BatchNorm2d(channels) if config.batch_norm else nn.Identity()


def _activation(config: NetConfig) -> nn.Module:
    if config.activation == "leaky_relu":
        return nn.LeakyReLU(0.2, inplace=True)
    if config.activation == "relu":
        return nn.ReLU(inplace=True)
    return nn.ELU(inplace=True)
