"""The history of results: one entry per finished run, and how its line reads in the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import registry
from .errors import ParameterError
from .params import ParamSpec
from .result import Result

CHANNEL_NAMES = ("R", "G", "B")


def noise_text(sigma: object) -> str:
    """An estimated noise level (8-bit units; one number, or one per channel) as "noise σ 12.3"
    or "noise σ R 12.3 G 11.8 B 14.0"; empty when there is none."""
    if isinstance(sigma, (int, float)):
        return f"noise σ {sigma:.1f}"
    if isinstance(sigma, (list, tuple)) and sigma:
        names = CHANNEL_NAMES if len(sigma) == 3 else [f"c{index}" for index in range(len(sigma))]
        return "noise σ " + " ".join(
            f"{name} {float(level):.1f}" for name, level in zip(names, sigma, strict=True)
        )
    return ""


def gain_text(extras: dict) -> str:
    """The gain the colour CNN put on its measured noise map, as "noise map ×8 (correlated noise)";
    empty when there was none or it was 1."""
    gain = extras.get("noise_gain")
    if not isinstance(gain, (int, float)) or gain == 1:
        return ""
    why = " (correlated noise)" if "noise_gain_losses" in extras else ""
    return f"noise map ×{gain:g}{why}"


@dataclass
class HistoryEntry:
    """A finished run: the result, the method's label and what input it was run on."""

    result: Result
    label: str
    input_caption: str
    finished_at: datetime = field(default_factory=datetime.now)

    def metrics_text(self) -> str:
        """PSNR and SSIM (or "no reference"), the PSNR estimated without the reference when the run
        estimated it, then the noise level the method estimated, if it did."""
        parts = [
            "no reference"
            if self.result.psnr is None
            else f"PSNR {self.result.psnr:.2f} dB · SSIM {self.result.ssim:.3f}"
        ]
        if self.result.psnr_est is not None:
            parts.append(f"est. {self.result.psnr_est:.2f} dB")
        parts += filter(None, [noise_text(self.result.extras.get("sigma")), gain_text(self.result.extras)])
        return " · ".join(parts)

    def params_text(self) -> str:
        """The parameters as the method's spec shows them (a weight file by its name, none as
        what it means); a method the registry does not hold shows them plainly."""
        try:
            spec = registry.get(self.result.method).params
        except ParameterError:
            spec = ParamSpec()
        return spec.summary(self.result.params) or "defaults"

    def text(self) -> str:
        """Three lines: method and time; metrics and duration; parameters."""
        return (
            f"{self.label}  ·  {self.finished_at:%H:%M:%S}\n"
            f"{self.metrics_text()}  ·  {self.result.seconds:.2f}\u00a0s\n"
            f"{self.params_text()}"
        )
