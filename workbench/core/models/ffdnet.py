"""An FFDNet-style denoiser (Zhang et al., TIP 2018): one network for a range of noise levels.

The image is pixel-unshuffled by 2 (four half-resolution sub-images per channel), a constant
noise-level map is appended, a DnCNN-like body runs at half resolution (about 4× cheaper per
pixel than full resolution, and twice the receptive field), and the result is shuffled back.
It is :class:`DnCNN` with ``unshuffle=2`` and ``noise_map=True``.
"""

from __future__ import annotations

from .dncnn import DnCNN


class FFDNet(DnCNN):
    """Noise-level-aware denoiser on a 2× pixel-unshuffled image; H and W must be even.

    Args:
        channels: image channels (1 gray, 3 colour).
        depth: number of convolutions at half resolution (15 in the FFDNet paper for gray).
        width: feature channels.
        batch_norm: batch norm after the hidden convolutions.
        residual: predict the noise (``output = input - estimate``) rather than the clean image.
    """

    def __init__(
        self,
        channels: int = 1,
        depth: int = 15,
        width: int = 64,
        batch_norm: bool = True,
        residual: bool = True,
    ) -> None:
        super().__init__(
            channels, depth, width, batch_norm=batch_norm, noise_map=True, residual=residual, unshuffle=2
        )
