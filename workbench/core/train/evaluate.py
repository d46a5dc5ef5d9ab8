"""Scoring a denoiser on a folder of clean images with seeded Gaussian noise (the benchmark protocol)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from torch import nn

from ..errors import InputError
from ..metrics import psnr
from ..tiling import denoise_image
from .data import load_folder


@dataclass
class NoisySet:
    """Clean images and their noisy copies: Gaussian noise of ``sigma`` (8-bit units), not clipped.

    Every image's noise is drawn from its own ``numpy.random.default_rng(seed)`` (the protocol
    behind the published DnCNN figures in the shared README).
    """

    clean: list[np.ndarray]
    noisy: list[np.ndarray]
    sigma: float

    @classmethod
    def from_folder(
        cls, folder: str | Path, sigma: float, seed: int = 0, every: int = 1, channels: int = 1
    ) -> NoisySet:
        """Every ``every``-th image of ``folder`` with its noisy copy."""
        clean = load_folder(folder, channels)[::every]
        noisy = [add_gaussian(image, sigma, seed) for image in clean]
        return cls(clean, noisy, sigma)

    def mean_psnr(self, model: nn.Module, tile: int = 0) -> float:
        """Mean PSNR (dB) of ``model``'s clipped estimates against the clean images."""
        scores = []
        for clean, noisy in zip(self.clean, self.noisy, strict=True):
            estimate = denoise_image(model, noisy, self.sigma, tile=tile)
            scores.append(psnr(np.clip(estimate, 0.0, 1.0), clean))
        return float(np.mean(scores))


def add_gaussian(image: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    """``image`` plus Gaussian noise of std ``sigma``/255 from ``default_rng(seed)``, not clipped."""
    rng = np.random.default_rng(seed)
    return (image + rng.normal(0.0, sigma / 255.0, image.shape)).astype(np.float32)


@dataclass
class BenchReport:
    """Per-image and mean scores of several methods on one noisy folder.

    ``per_image[file][method]`` and ``mean[method]`` are dicts of psnr (dB), ssim and seconds.
    """

    per_image: dict[str, dict[str, dict[str, float]]]
    mean: dict[str, dict[str, float]]
    sigma: float
    seed: int

    def as_json(self) -> dict:
        return {"sigma": self.sigma, "seed": self.seed, "per_image": self.per_image, "mean": self.mean}


def benchmark_folder(folder: str | Path, runs: list, sigma: float, seed: int, ctx=None) -> BenchReport:
    """Add seeded Gaussian noise to every image of ``folder`` and score each of ``runs`` on it.

    Args:
        runs: ``workbench.core.compare.MethodRun`` entries (method name and parameter values);
            a method with a ``sigma`` parameter the run does not set is given the true ``sigma``.
        sigma: noise std in 8-bit units; every image's noise comes from ``default_rng(seed)``.
        ctx: progress over images × methods; cancellation.

    Raises:
        InputError: no such folder, or no image in it.
    """
    from ..image import Image
    from ..io import IMAGE_SUFFIXES, read_image
    from ..jobs import RunContext
    from ..pipeline import restore
    from ..problem import Problem, Task

    ctx = ctx or RunContext()
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    files = sorted(path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise InputError(f"{folder}: no images in it")
    runs = [_with_known_sigma(run, sigma) for run in runs]
    per_image: dict[str, dict[str, dict[str, float]]] = {}
    total = len(files) * len(runs)
    for index, path in enumerate(files):
        clean = read_image(path)
        noisy = Image(add_gaussian(clean.pixels, sigma, seed), clean.bit_depth, source=str(path))
        problem = Problem(noisy, Task.DENOISE, reference=clean)
        per_image[path.name] = {}
        for offset, run in enumerate(runs):
            ctx.progress((index * len(runs) + offset) / total, f"{path.name}: {run.method}")
            result = restore(
                problem, run.method, run.values, RunContext(device=ctx.device, cancel_event=ctx.cancel_event)
            )
            per_image[path.name][run.method] = {
                "psnr": result.psnr,
                "ssim": result.ssim,
                "seconds": result.seconds,
            }
    ctx.progress(1.0, "done")
    mean = {
        run.method: {
            key: float(np.mean([scores[run.method][key] for scores in per_image.values()]))
            for key in ("psnr", "ssim", "seconds")
        }
        for run in runs
    }
    return BenchReport(per_image, mean, sigma, seed)


def _with_known_sigma(run, sigma: float):
    from dataclasses import replace

    from .. import registry

    params = registry.get(run.method).params
    if "sigma" in params and "sigma" not in run.values:
        return replace(run, values=run.values | {"sigma": params["sigma"].validate(sigma)})
    return run
