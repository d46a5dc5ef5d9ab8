"""Linear forward models y = A x as differentiable torch operators, each with its exact adjoint.

Every operator takes and returns 1×C×H×W (any N×C×H×W works) tensors on any device and
dtype; its constants follow the input tensor. ``A_adjoint`` is the exact transpose of ``A``:
<A x, y> = <x, A_adjoint y> up to rounding, which the test suite checks for each of them.

Boundaries:
    * :class:`BlurOperator` is circular (FFT), the same convolution as the ``blur``
      degradation, so a problem made by that operator is matched exactly.
    * :class:`DownsampleOperator` pads by replicating the edge pixels, as Deep Image Prior's
      down-sampler does; the adjoint adds what the padding copied back onto the edge pixels.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..problem import check_pattern
from . import cfa
from .kernels import centred_psf, resampling_taps


class LinearOperator:
    """Base of the linear operators: ``A``, ``A_adjoint`` and calling the operator applies ``A``."""

    def A(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.A(x)


class Identity(LinearOperator):
    """A x = x (denoising, JPEG)."""

    def A(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:
        return y


class MaskOperator(LinearOperator):
    """A x = m ⊙ x for an H×W mask m (True or 1 = known pixel), the same for every channel."""

    def __init__(self, mask: np.ndarray | torch.Tensor) -> None:
        self.mask = torch.as_tensor(np.asarray(mask, dtype=np.float32))[None, None]

    def A(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.mask.to(device=x.device, dtype=x.dtype)

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:
        return self.A(y)


class MosaicOperator(LinearOperator):
    """A x = the Bayer mosaic of a 3-channel x (N×3×H×W -> N×1×H×W); Aᵀ spreads each sample back
    into its colour plane. ``pattern`` is one of ``problem.PATTERNS``; the masks are built per size."""

    def __init__(self, pattern: str) -> None:
        self.pattern = check_pattern(pattern)
        self._masks: dict[tuple, torch.Tensor] = {}

    def masks(self, height: int, width: int, like: torch.Tensor) -> torch.Tensor:
        """1×3×H×W 0/1 masks of the colours sampled, on ``like``'s device and dtype."""
        key = (height, width, str(like.device), like.dtype)
        if key not in self._masks:
            masks = cfa.cfa_masks(self.pattern, height, width).transpose(2, 0, 1)[None]
            self._masks[key] = torch.from_numpy(masks.astype(np.float32)).to(like.device, like.dtype)
        return self._masks[key]

    def A(self, x: torch.Tensor) -> torch.Tensor:
        return (x * self.masks(*x.shape[-2:], x)).sum(dim=1, keepdim=True)

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:
        return y * self.masks(*y.shape[-2:], y)


class BlurOperator(LinearOperator):
    """Circular convolution of each channel with a kh×kw kernel centred at (kh // 2, kw // 2).

    Same-size output. The transfer function is built once per image size, device and dtype.
    """

    def __init__(self, kernel: np.ndarray) -> None:
        self.kernel = np.asarray(kernel, dtype=np.float64)
        if self.kernel.ndim != 2:
            raise ValueError(f"a blur kernel must be 2-D, got shape {self.kernel.shape}")
        self._transfer: dict[tuple, torch.Tensor] = {}

    def transfer(self, height: int, width: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
        """The real FFT of the centred kernel on an H×W grid (H×(W//2+1) complex)."""
        key = (height, width, str(device), dtype)
        if key not in self._transfer:
            psf = torch.from_numpy(centred_psf(self.kernel, (height, width))).to(dtype=dtype)
            self._transfer[key] = torch.fft.rfft2(psf).to(device)
        return self._transfer[key]

    def _filter(self, x: torch.Tensor, conjugate: bool) -> torch.Tensor:
        height, width = x.shape[-2:]
        transfer = self.transfer(height, width, x.device, x.dtype)
        if conjugate:
            transfer = transfer.conj()
        return torch.fft.irfft2(torch.fft.rfft2(x) * transfer, s=(height, width))

    def A(self, x: torch.Tensor) -> torch.Tensor:
        return self._filter(x, conjugate=False)

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:
        return self._filter(y, conjugate=True)


class DownsampleOperator(LinearOperator):
    """Anti-aliasing filter then keeping every ``scale``-th pixel: (h·s)×(w·s) -> h×w.

    ``kernel`` is ``lanczos2`` (Deep Image Prior's super-resolution down-sampler: 4s taps for an
    even s, 4s + 1 for an odd one, stride s), ``bicubic`` (the same support, Keys a = -0.5,
    which matches the ``downsample`` degradation's bicubic filter away from the borders) or
    ``box`` (block average). The input height and width must be multiples of ``scale``.
    """

    def __init__(self, scale: int, kernel: str = "lanczos2") -> None:
        if scale < 1:
            raise ValueError(f"the scale must be a positive integer, got {scale}")
        self.scale = int(scale)
        taps = resampling_taps(self.scale, kernel)
        self.kernel_name = kernel
        self.weights = torch.from_numpy(np.outer(taps, taps))[None, None]
        self.pad = (len(taps) - self.scale) // 2

    def _weights(self, x: torch.Tensor) -> torch.Tensor:
        channels = x.shape[1]
        return self.weights.to(device=x.device, dtype=x.dtype).expand(channels, 1, -1, -1)

    def A(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        if height % self.scale or width % self.scale:
            raise ValueError(f"the input ({width}x{height}) must be a multiple of the scale {self.scale}")
        padded = F.pad(x, (self.pad,) * 4, mode="replicate") if self.pad else x
        return F.conv2d(padded, self._weights(x), stride=self.scale, groups=x.shape[1])

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:
        spread = F.conv_transpose2d(y, self._weights(y), stride=self.scale, groups=y.shape[1])
        return _fold_replicate_padding(_fold_replicate_padding(spread, self.pad, dim=-2), self.pad, dim=-1)


def _fold_replicate_padding(z: torch.Tensor, pad: int, dim: int) -> torch.Tensor:
    """Adjoint of replicate padding by ``pad`` on both ends of ``dim``: add the pads onto the edges."""
    if pad == 0:
        return z
    length = z.shape[dim] - 2 * pad
    if length == 1:
        return z.sum(dim=dim, keepdim=True)
    first = z.narrow(dim, 0, pad + 1).sum(dim=dim, keepdim=True)
    middle = z.narrow(dim, pad + 1, length - 2)
    last = z.narrow(dim, pad + length - 1, pad + 1).sum(dim=dim, keepdim=True)
    return torch.cat([first, middle, last], dim=dim)
