"""Scoring a denoiser on a folder of clean images with seeded Gaussian noise (the benchmark protocol)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    """Per-image and mean scores of several methods on one noisy folder, filled as the run goes.

    ``per_image[file][method]`` and ``mean[method]`` are dicts of psnr (dB), ssim and seconds, and
    psnr_est (dB, estimated without the reference) when the run estimated it.
    ``mean`` covers the methods that finished on every image scored; ``failed`` holds
    (method, file, reason) for each method that failed (it is not run on later files);
    ``interrupted`` is True when the run stopped before the last file.
    """

    per_image: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    mean: dict[str, dict[str, float]] = field(default_factory=dict)
    sigma: float = 0.0
    seed: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    interrupted: bool = False

    def as_json(self) -> dict:
        record = {"sigma": self.sigma, "seed": self.seed, "per_image": self.per_image, "mean": self.mean}
        if self.failed:
            record["failed"] = [{"method": m, "image": i, "error": e} for m, i, e in self.failed]
        if self.interrupted:
            record["interrupted"] = True
        return record

    def update_mean(self) -> None:
        """Recompute :attr:`mean` over the images scored so far, for the methods that did not fail."""
        failed = {method for method, _, _ in self.failed}
        methods = list(dict.fromkeys(m for scores in self.per_image.values() for m in scores))
        self.mean = {}
        for method in methods:
            if method in failed:
                continue
            rows = [scores[method] for scores in self.per_image.values() if method in scores]
            keys = [key for key in ("psnr", "ssim", "psnr_est", "seconds") if all(key in row for row in rows)]
            self.mean[method] = {key: float(np.mean([row[key] for row in rows])) for key in keys}


def benchmark_folder(
    folder: str | Path,
    runs: list,
    sigma: float,
    seed: int,
    ctx=None,
    report: BenchReport | None = None,
    every: int = 1,
    estimate: bool = False,
    tune: str | None = None,
) -> BenchReport:
    """Add seeded Gaussian noise to every image of ``folder`` and score each of ``runs`` on it.

    Every method, parameter and weight file is checked before the first image is read. A method
    that fails on an image (a WorkbenchError, or running out of memory) is recorded in
    ``report.failed`` and skipped from then on; the others go on.

    Args:
        runs: ``workbench.core.compare.MethodRun`` entries (method name and parameter values);
            a method with a ``sigma`` parameter the run does not set is given the true ``sigma``.
        sigma: noise std in 8-bit units; every image's noise comes from ``default_rng(seed)``.
        ctx: progress over images × methods; cancellation.
        report: filled as each image finishes (a new one when None), so that a caller keeps the
            scores of the images done when the run is interrupted.
        every: score every ``every``-th image only (in name order), for quick subsets.
        estimate: also estimate each result's PSNR without the reference (SURE at the known
            sigma; one more run per method and image).
        tune: auto-tune each method with tunable parameters by this criterion first (see
            ``workbench.core.quality.tune``); the chosen values go into the per-image scores.

    Raises:
        InputError: no such folder, or no image in it.
        ParameterError: a bad method or value, or missing weights (before any image is read).
        Cancelled, KeyboardInterrupt: the run was stopped; ``report`` holds the images done.
    """
    from ..compare.run import run_one
    from ..errors import Cancelled, WorkbenchError, out_of_memory
    from ..image import Image
    from ..io import IMAGE_SUFFIXES, read_image
    from ..jobs import RunContext
    from ..problem import Problem, Task
    from ..registry import prepare

    ctx = ctx or RunContext()
    report = report if report is not None else BenchReport()
    report.sigma, report.seed = sigma, seed
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    files = sorted(path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES)[::every]
    if not files:
        raise InputError(f"{folder}: no images in it")
    runs = [_with_known_sigma(run, sigma) for run in runs]
    for run in runs:
        prepare(run.method, run.values, Task.DENOISE)
    total = len(files) * len(runs)
    report.interrupted = True
    for index, path in enumerate(files):
        clean = read_image(path)
        noisy = Image(add_gaussian(clean.pixels, sigma, seed), clean.bit_depth, source=str(path))
        problem = Problem(noisy, Task.DENOISE, reference=clean, noise_sigma=sigma / 255.0)
        scores = {}
        failed = {method for method, _, _ in report.failed}
        for offset, run in enumerate(runs):
            if run.method in failed:
                continue
            ctx.progress((index * len(runs) + offset) / total, f"{path.name}: {run.method}")
            child = RunContext(device=ctx.device, cancel_event=ctx.cancel_event)
            try:
                result = run_one(problem, run.method, run.values, child, estimate, tune)
            except Cancelled:
                raise
            except (WorkbenchError, MemoryError, RuntimeError) as error:
                memory = error if isinstance(error, WorkbenchError) else out_of_memory(error)
                if memory is None:
                    raise
                report.failed.append((run.method, path.name, str(memory)))
                continue
            scores[run.method] = {"psnr": result.psnr, "ssim": result.ssim, "seconds": result.seconds}
            if result.psnr_est is not None:
                scores[run.method]["psnr_est"] = result.psnr_est
            if isinstance(result.extras.get("tuned"), dict):
                scores[run.method]["tuned"] = result.extras["tuned"]["values"]
        report.per_image[path.name] = scores
        report.update_mean()
    report.interrupted = False
    ctx.progress(1.0, "done")
    return report


def _with_known_sigma(run, sigma: float):
    from dataclasses import replace

    from .. import registry

    params = registry.get(run.method).params
    if "sigma" in params and "sigma" not in run.values:
        return replace(run, values=run.values | {"sigma": params["sigma"].validate(sigma)})
    return run
