"""A joint demosaicking and denoising network for RGGB Bayer mosaics (after Gharbi et al. 2016).

The mosaic is packed 2×2 into its four half-resolution planes (R, G on red rows, G on blue rows,
B); the Malvar–He–Cutler estimate of the same mosaic, packed the same way (12 planes: three
colours at each of the four phases), and a constant noise-level map are appended; a plain stack
of 3×3 convolutions with ReLUs runs at half resolution and predicts 12 channels, a correction to
the packed Malvar estimate, which is then pixel-shuffled back to full resolution. (Giving the
network Malvar's estimate as input as well as adding it to the output gained 0.2 dB noise-free and
0.6 dB at sigma 10 on four CBSD68 images over the mosaic alone after 150 training steps.) The
last convolution starts at zero, so an untrained network is Malvar's demosaicker; training learns
the correction, noise removal included. Other Bayer layouts are brought to RGGB
by mirrored padding (``workbench.core.methods.joint_demosaic``), which keeps the filter colours.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

NOISE_MAP_SCALE = 10.0
"""The noise map the network sees is sigma (on the [0, 1] scale) times this: 20/255 reads 0.78,
so the map's input weights learn at the pace of the mosaic's."""

# Malvar–He–Cutler 5×5 filters (divided by 8): green at a red or blue sample; the colour of the
# row's other samples at a green sample; the column's; the opposite colour at a red or blue sample.
_GREEN_AT_RED_BLUE = [[0, 0, -1, 0, 0], [0, 0, 2, 0, 0], [-1, 2, 4, 2, -1], [0, 0, 2, 0, 0], [0, 0, -1, 0, 0]]
_ALONG_ROW = [[0, 0, 0.5, 0, 0], [0, -1, 0, -1, 0], [-1, 4, 5, 4, -1], [0, -1, 0, -1, 0], [0, 0, 0.5, 0, 0]]
_ALONG_COLUMN = [list(column) for column in zip(*_ALONG_ROW, strict=True)]
_OPPOSITE = [
    [0, 0, -1.5, 0, 0],
    [0, 2, 0, 2, 0],
    [-1.5, 0, 6, 0, -1.5],
    [0, 2, 0, 2, 0],
    [0, 0, -1.5, 0, 0],
]


def malvar_filters() -> torch.Tensor:
    """The four Malvar filters as a 4×1×5×5 convolution weight (green, along row, along column, opposite)."""
    kernels = [_GREEN_AT_RED_BLUE, _ALONG_ROW, _ALONG_COLUMN, _OPPOSITE]
    return torch.tensor(kernels, dtype=torch.float32).unsqueeze(1) / 8


def malvar_packed(mosaic: torch.Tensor, filters: torch.Tensor) -> torch.Tensor:
    """Malvar's estimate of an N×1×H×W RGGB mosaic (H, W even, at least 4), packed: N×12×H/2×W/2.

    Channel ``4 c + 2 i + j`` holds colour c (R, G, B) at the pixels of phase (i, j) of each 2×2
    block, the layout ``pixel_shuffle`` unpacks. Borders are mirrored without repeating the edge
    pixel, as in ``workbench.core.methods.demosaicking``.
    """
    padded = functional.pad(mosaic, (2, 2, 2, 2), mode="reflect")
    filtered = functional.conv2d(padded, filters.to(mosaic.dtype))
    green, row, column, opposite = (functional.pixel_unshuffle(filtered[:, k : k + 1], 2) for k in range(4))
    samples = functional.pixel_unshuffle(mosaic, 2)

    def phase(planes: torch.Tensor, index: int) -> torch.Tensor:
        return planes[:, index : index + 1]

    # phases: 0 = red (even row, even column), 1 = green on a red row, 2 = green on a blue row, 3 = blue
    red = [phase(samples, 0), phase(row, 1), phase(column, 2), phase(opposite, 3)]
    greens = [phase(green, 0), phase(samples, 1), phase(samples, 2), phase(green, 3)]
    blue = [phase(opposite, 0), phase(column, 1), phase(row, 2), phase(samples, 3)]
    return torch.cat(red + greens + blue, dim=1)


class DemosaicNet(nn.Module):
    """Joint demosaicking + denoising of an RGGB mosaic, given the noise level.

    Args:
        depth: convolutions at half resolution (the first takes the 4 mosaic planes, the 12
            Malvar planes and the noise map, the last gives the 12 packed colour corrections).
        width: feature channels of the hidden convolutions.

    ``forward(mosaic, sigma)``: ``mosaic`` N×1×H×W in about [0, 1] with the RGGB layout, H and W
    even and at least 4; ``sigma`` the std of the noise on the mosaic, [0, 1] scale, N values (or
    one). Returns N×3×H×W RGB (not clipped).
    """

    uses_sigma = True
    channels = 1
    output_channels = 3

    def __init__(self, depth: int = 12, width: int = 64) -> None:
        super().__init__()
        if depth < 2:
            raise ValueError("DemosaicNet needs at least 2 convolutions")
        self.depth = depth
        self.width = width
        layers: list[nn.Module] = [nn.Conv2d(17, width, 3, padding=1), nn.ReLU(inplace=True)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU(inplace=True)]
        layers.append(nn.Conv2d(width, 12, 3, padding=1))
        self.body = nn.Sequential(*layers)
        self.register_buffer("malvar", malvar_filters(), persistent=False)
        convs = [layer for layer in self.body if isinstance(layer, nn.Conv2d)]
        for conv in convs:
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
        nn.init.zeros_(convs[-1].weight)

    @property
    def receptive_radius(self) -> int:
        """Mosaic pixels on each side that can influence one output pixel: two per half-resolution
        convolution, one more for the packing, and Malvar's 2."""
        return 2 * self.depth + 3

    @property
    def alignment(self) -> int:
        """Height and width must be multiples of this (the 2×2 packing), and keep the RGGB phase."""
        return 2

    def forward(self, mosaic: torch.Tensor, sigma: torch.Tensor | float | None = None) -> torch.Tensor:
        if sigma is None:
            raise ValueError("DemosaicNet needs the noise level sigma")
        base = malvar_packed(mosaic, self.malvar)
        planes = functional.pixel_unshuffle(mosaic, 2)
        level = torch.as_tensor(sigma, dtype=mosaic.dtype, device=mosaic.device).reshape(-1, 1, 1, 1)
        level = level.expand(planes.shape[0], 1, planes.shape[2], planes.shape[3]) * NOISE_MAP_SCALE
        correction = self.body(torch.cat([planes, base, level], dim=1))
        return functional.pixel_shuffle(base + correction, 2)


class MosaicAsImage(nn.Module):
    """:class:`DemosaicNet` as a three-channel image-to-image model, for ``workbench.core.tiling``.

    The tiler maps H×W×C to H×W×C; the mosaic goes in as its three colour planes (Aᵀ y: each sample
    in its own colour's plane, zeros elsewhere), which this wrapper sums back into the mosaic.
    """

    channels = 3
    uses_sigma = True

    def __init__(self, net: DemosaicNet) -> None:
        super().__init__()
        self.net = net

    @property
    def receptive_radius(self) -> int:
        return self.net.receptive_radius

    @property
    def alignment(self) -> int:
        return self.net.alignment

    def forward(self, planes: torch.Tensor, sigma: torch.Tensor | float | None = None) -> torch.Tensor:
        return self.net(planes.sum(dim=1, keepdim=True), sigma)
