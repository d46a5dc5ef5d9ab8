"""Synthetic noise for supervised training, on N×C×H×W tensors in [0, 1] (sigma in 8-bit units)."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class NoiseModel:
    """Gaussian or Poisson–Gaussian noise with a fixed level or a level drawn per patch.

    Attributes:
        kind: "gaussian" or "poisson_gaussian".
        sigma_min, sigma_max: Gaussian std range in 8-bit units (equal for a fixed sigma).
        peak: Poisson photon count at white for "poisson_gaussian" (larger is less noisy).
    """

    kind: str = "gaussian"
    sigma_min: float = 25.0
    sigma_max: float = 25.0
    peak: float = 30.0

    def __post_init__(self) -> None:
        if self.kind not in ("gaussian", "poisson_gaussian"):
            raise ValueError(f"unknown noise kind {self.kind!r}")
        if not 0 <= self.sigma_min <= self.sigma_max:
            raise ValueError("need 0 <= sigma_min <= sigma_max")

    def sample(self, clean: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Noisy copy of ``clean`` and the per-patch noise std (N values, [0, 1] scale).

        For Poisson–Gaussian noise the returned level is the std at mid-grey, the single number
        a noise-level-aware model is given.
        """
        count = clean.shape[0]
        span = self.sigma_max - self.sigma_min
        levels = (self.sigma_min + span * torch.rand(count, generator=generator)) / 255.0
        gaussian = torch.randn(clean.shape, generator=generator) * levels.reshape(-1, 1, 1, 1)
        if self.kind == "gaussian":
            return clean + gaussian, levels
        counts = torch.poisson(clean.clamp(min=0) * self.peak, generator=generator) / self.peak
        return counts + gaussian, self.level_at_mid_grey(levels)

    def level_at_mid_grey(self, sigma: torch.Tensor | float) -> torch.Tensor | float:
        """Total noise std at mid-grey for read-noise std ``sigma`` (same scale in and out).

        For Gaussian noise that is ``sigma`` itself; Poisson–Gaussian adds the shot noise of half
        the white photon count: 0.5 / peak in variance on the [0, 1] scale, so ``sigma`` must be
        on that scale too (a float or the tensor of levels :meth:`sample` draws).
        """
        if self.kind == "gaussian":
            return sigma
        return (sigma**2 + 0.5 / self.peak) ** 0.5
