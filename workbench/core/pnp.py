"""Plug-and-play restoration: a denoiser as the prior of a splitting solver, HQS (as in DPIR) or ADMM.

For y = A x + n (n white Gaussian of std sigma_n), half-quadratic splitting alternates, for k = 1..K,

    x_k = argmin_x ||A x - y||² + alpha_k ||x - z_{k-1}||²,  alpha_k = lambda · sigma_n² / sigma_k²
    z_k = denoise(x_k, sigma_k)

and ADMM adds a scaled dual u (zero at the start) that carries what the denoiser removed:

    x_k = argmin_x ||A x - y||² + alpha_k ||x - (z_{k-1} - u_{k-1})||²
    z_k = denoise(x_k + u_{k-1}, sigma_k)
    u_k = u_{k-1} + x_k - z_k

(u is rescaled by alpha_{k-1} / alpha_k as the penalty grows, so that the unscaled dual is kept;
Chan, Wang and Elgendy, "Plug-and-Play ADMM for Image Restoration", 2017, let it grow the same way.)

with the denoiser's noise level sigma_k falling geometrically from ``sigma_start`` to
``sigma_end`` (Zhang et al., "Plug-and-Play Image Restoration with Deep Denoiser Prior", TPAMI
2021: 49/255 down to the noise level, lambda = 0.23). The data step is solved exactly for the
operators whose AᵀA is diagonal (identity, inpainting mask, Bayer mosaic) and for circular blur
(in the Fourier domain); for down-sampling by conjugate gradients (``cg_steps``, warm-started
from z). A noise-free problem is given a floor of ``SIGMA_FLOOR`` so that alpha stays positive.

Any function ``denoise(pixels, sigma) -> pixels`` (H×W×C float32 in [0, 1], sigma in 8-bit units)
is a prior; :func:`registry_denoiser` makes one of a catalogue method with a ``sigma`` parameter.
A :class:`PnpStepper` is a live-run stepper (``workbench.core.live``): one iteration per
``step()``, recording the denoiser's level, the estimate's change and its PSNR against the
reference when there is one, so a window draws its curves live, pauses it or stops and keeps it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
import torch
from scipy.ndimage import gaussian_filter

from .dip.forward import task_operator
from .image import Image, from_tensor, to_tensor
from .jobs import RunContext
from .live import LiveControls, stopped_by
from .metrics import psnr
from .operators import linear
from .params import AUTO
from .problem import Problem, Task

Denoiser = Callable[[np.ndarray, float], np.ndarray]

SIGMA_FLOOR = 0.5 / 255
"""Noise std ([0, 1] scale) assumed for a noise-free observation in the data step."""

DEFAULT_ITERATIONS = {
    Task.DEBLUR: 8,
    Task.SUPER_RESOLVE: 24,
    Task.INPAINT: 30,
    Task.DEMOSAIC: 30,
    Task.DENOISE: 4,
    Task.JPEG: 4,
}
"""Iterations per task when none are asked for (DPIR uses 8 for deblurring and 24 for SR)."""


@dataclass(frozen=True)
class PnpSettings:
    """How a plug-and-play run goes.

    Attributes:
        iterations: K, the number of data + denoising steps.
        sigma_start, sigma_end: the denoiser's first and last noise level, 8-bit units; the
            levels in between are geometric. ``sigma_end`` None = the observation's noise level
            (at least 1).
        lam: the weight lambda of the prior (alpha_k = lam · sigma_n² / sigma_k²).
        cg_steps: conjugate-gradient steps of the data step for down-sampling.
        solver: "hqs" (half-quadratic splitting) or "admm" (with a scaled dual).
    """

    iterations: int = 8
    sigma_start: float = 49.0
    sigma_end: float | None = None
    lam: float = 0.23
    cg_steps: int = 10
    solver: str = "hqs"


SOLVERS = ("hqs", "admm")


@dataclass(frozen=True)
class PnpRecord:
    """One iteration: its number (1 = first), seconds so far, the denoiser's level (8-bit units),
    the PSNR (dB) of the denoised estimate against the reference (None without one), and the
    root-mean-square change of that estimate over the iteration ([0, 1] scale)."""

    iteration: int
    seconds: float
    sigma: float
    psnr: float | None
    change: float


@dataclass
class PnpOutcome:
    """The estimate a run ends with (H×W×C float32 in [0, 1]), its records and how it ended
    ("done" after the last iteration, "user" when stopped and kept)."""

    pixels: np.ndarray
    records: list[PnpRecord] = field(default_factory=list)
    stop_reason: str = "done"

    @property
    def stopped_by(self) -> str:
        """How the run ended, in words ("the end of its schedule", "the user")."""
        return stopped_by(self.stop_reason)


def schedule(settings: PnpSettings, noise_sigma: float) -> np.ndarray:
    """The denoiser's levels sigma_1..sigma_K in 8-bit units (``noise_sigma`` on the [0, 1] scale)."""
    end = settings.sigma_end if settings.sigma_end is not None else max(noise_sigma * 255, 1.0)
    start = max(settings.sigma_start, end)
    return np.geomspace(start, end, settings.iterations)


def initial_estimate(problem: Problem) -> np.ndarray:
    """A first x (H×W×C of the output shape): bicubic up-scaling, a Gaussian fill of missing
    pixels, bilinear demosaicking, or the observation itself."""
    pixels = np.clip(problem.observed.pixels, 0.0, 1.0)
    if problem.task is Task.SUPER_RESOLVE:
        height, width = problem.output_shape
        resized = cv2.resize(pixels, (width, height), interpolation=cv2.INTER_CUBIC)
        return np.clip(resized.reshape(height, width, pixels.shape[2]), 0.0, 1.0).astype(np.float32)
    if problem.task is Task.INPAINT:
        known = np.asarray(problem.mask, dtype=np.float32)[:, :, None]
        weight = gaussian_filter(np.repeat(known, pixels.shape[2], axis=2), sigma=(3, 3, 0))
        filled = gaussian_filter(pixels * known, sigma=(3, 3, 0)) / np.maximum(weight, 1e-6)
        fallback = float((pixels * known).sum() / max(known.sum() * pixels.shape[2], 1))
        filled = np.where(weight > 1e-6, filled, fallback)
        return np.where(known > 0, pixels, filled).astype(np.float32)
    if problem.task is Task.DEMOSAIC:
        from .methods.demosaicking import bilinear

        return bilinear(pixels[..., 0], problem.pattern)
    return pixels.astype(np.float32)


def data_operator(problem: Problem) -> linear.LinearOperator:
    """The problem's A; down-sampling is the bicubic filter of the ``downsample`` degradation."""
    if problem.task is Task.SUPER_RESOLVE:
        return linear.DownsampleOperator(problem.scale, kernel="bicubic")
    return task_operator(problem)


class DataStep:
    """Solves argmin_x ||A x - y||² + alpha ||x - z||² for one problem (tensors 1×C×H×W, float64)."""

    def __init__(self, problem: Problem, cg_steps: int) -> None:
        self.operator = data_operator(problem)
        observed = problem.observed.pixels
        if problem.task is Task.INPAINT:
            observed = observed * np.asarray(problem.mask, dtype=np.float32)[:, :, None]
        self.y = to_tensor(observed, torch.device("cpu")).double()
        self.aty = self.operator.A_adjoint(self.y)
        self.cg_steps = cg_steps
        self.diagonal = None
        if isinstance(self.operator, (linear.Identity, linear.MaskOperator, linear.MosaicOperator)):
            self.diagonal = self.operator.A_adjoint(self.operator.A(torch.ones_like(self.aty)))

    def __call__(self, z: torch.Tensor, alpha: float) -> torch.Tensor:
        if self.diagonal is not None:
            return (self.aty + alpha * z) / (self.diagonal + alpha)
        if isinstance(self.operator, linear.BlurOperator):
            height, width = z.shape[-2:]
            transfer = self.operator.transfer(height, width, z.device, z.dtype)
            numerator = transfer.conj() * torch.fft.rfft2(self.y) + alpha * torch.fft.rfft2(z)
            return torch.fft.irfft2(numerator / (transfer.abs() ** 2 + alpha), s=(height, width))
        return self._conjugate_gradients(z, alpha)

    def _conjugate_gradients(self, z: torch.Tensor, alpha: float) -> torch.Tensor:
        def normal(x: torch.Tensor) -> torch.Tensor:
            return self.operator.A_adjoint(self.operator.A(x)) + alpha * x

        x = z.clone()
        residual = self.aty + alpha * z - normal(x)
        direction = residual.clone()
        norm = float((residual * residual).sum())
        for _ in range(self.cg_steps):
            if norm < 1e-20:
                break
            product = normal(direction)
            step = norm / float((direction * product).sum())
            x = x + step * direction
            residual = residual - step * product
            new_norm = float((residual * residual).sum())
            direction = residual + (new_norm / norm) * direction
            norm = new_norm
        return x


class PnpStepper(LiveControls):
    """A plug-and-play run (HQS or ADMM) on one problem.

    Args:
        problem: the observation and its operator (deblur, sr, inpaint, demosaic, denoise).
        settings: iterations, schedule, lambda, solver.
        denoiser: ``denoise(pixels, sigma)``, pixels H×W×C float32 in [0, 1], sigma in 8-bit units.
        noise_sigma: std of the noise in y ([0, 1] scale); None takes ``problem.noise_sigma``
            (0 when unknown).
    """

    preview_each_step = True

    def __init__(
        self,
        problem: Problem,
        settings: PnpSettings,
        denoiser: Denoiser,
        noise_sigma: float | None = None,
    ) -> None:
        if settings.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, got {settings.solver!r}")
        problem.require()
        super().__init__()
        self.problem = problem
        self.settings = settings
        self.denoiser = denoiser
        known = problem.noise_sigma if noise_sigma is None else noise_sigma
        self.noise_sigma = float(known or 0.0)
        self.levels = schedule(settings, self.noise_sigma)
        self.data_step = DataStep(problem, settings.cg_steps)
        self.estimate = initial_estimate(problem)
        self.data_fit = self.estimate
        self.dual = np.zeros_like(self.estimate) if settings.solver == "admm" else None
        """ADMM's scaled dual u, H×W×C (None for HQS)."""
        self._alpha: float | None = None
        self.iteration = 0
        self.seconds = 0.0
        self.records: list[PnpRecord] = []
        reference = problem.reference
        shape = (*problem.output_shape, problem.output_channels)
        self._reference = (
            reference.pixels if reference is not None and reference.pixels.shape == shape else None
        )

    @property
    def done(self) -> bool:
        return self.iteration >= len(self.levels)

    def step(self) -> PnpRecord:
        """One data step and one denoising step (and, for ADMM, the dual update); returns what it
        measured."""
        start = time.perf_counter()
        sigma = float(self.levels[self.iteration])
        alpha = self.settings.lam * max(self.noise_sigma, SIGMA_FLOOR) ** 2 / (sigma / 255) ** 2
        dual = self.dual
        if dual is not None and self._alpha is not None:
            dual *= self._alpha / alpha
        anchor = self.estimate if dual is None else self.estimate - dual
        z = to_tensor(anchor, torch.device("cpu")).double()
        x = from_tensor(self.data_step(z, alpha).float())
        noisy = x if dual is None else x + dual
        previous = self.estimate
        self.estimate = np.asarray(self.denoiser(np.clip(noisy, 0.0, 1.0), sigma), dtype=np.float32)
        if dual is not None:
            dual += x - self.estimate
        self.data_fit = x
        self._alpha = alpha
        self.iteration += 1
        self.seconds += time.perf_counter() - start
        score = None if self._reference is None else psnr(np.clip(self.estimate, 0, 1), self._reference)
        change = float(np.sqrt(np.mean((self.estimate - previous) ** 2)))
        record = PnpRecord(self.iteration, self.seconds, sigma, score, change)
        self.records.append(record)
        return record

    # ------------------------------------------------------------------ the live-run protocol

    def end_reason(self) -> str | None:
        return "done" if self.done else None

    @property
    def progress(self) -> float:
        return self.iteration / len(self.levels)

    def describe(self, record: PnpRecord) -> str:
        score = "" if record.psnr is None else f", {record.psnr:.2f} dB"
        return f"iteration {record.iteration}/{len(self.levels)}, sigma {record.sigma:.1f}{score}"

    def previews(self) -> tuple[np.ndarray, ...]:
        """(the denoised estimate z_k, the data step's x_k), H×W×C in [0, 1]."""
        return np.clip(self.estimate, 0.0, 1.0), np.clip(self.data_fit, 0.0, 1.0)

    def outcome(self, stop_reason: str) -> PnpOutcome:
        return PnpOutcome(np.clip(self.estimate, 0.0, 1.0), list(self.records), stop_reason)


def registry_denoiser(name: str, ctx: RunContext, values: dict | None = None) -> Denoiser:
    """``denoise(pixels, sigma)`` running catalogue method ``name`` (one with a ``sigma`` parameter)
    at the given level; ``values`` are its other parameters. Checked now (weights present)."""
    from . import registry

    method = registry.get(name)
    base = registry.prepare(name, dict(values or {}) | {"sigma": 25.0}, Task.DENOISE)

    def denoise(pixels: np.ndarray, sigma: float) -> np.ndarray:
        params = base | {"sigma": float(min(max(sigma, 0.0), 100.0))}
        inner = RunContext(device=ctx.device, cancel_event=ctx.cancel_event)
        return method.run(Problem(Image(pixels), Task.DENOISE), params, inner)

    return denoise


def stepper_for(problem: Problem, params: dict, ctx: RunContext, solver: str = "hqs") -> PnpStepper:
    """The stepper the plug-and-play methods run: ``params`` are prepared values of
    ``workbench.core.methods.pnp.PARAMS``; the denoiser runs on ``ctx``'s device and stops with it.

    The noise level is the one asked for, else the one the workbench added, else estimated.
    """
    if params["noise_sigma"] != AUTO:
        noise = params["noise_sigma"] / 255
    elif problem.noise_sigma is not None:
        noise = problem.noise_sigma
    else:
        noise = estimated_noise(problem)
    settings = PnpSettings(
        iterations=params["iterations"] or DEFAULT_ITERATIONS[problem.task],
        sigma_start=params["sigma_start"],
        sigma_end=None if params["sigma_end"] == AUTO else params["sigma_end"],
        lam=params["lam"],
        solver=solver,
    )
    return PnpStepper(problem, settings, registry_denoiser(params["denoiser"], ctx), noise_sigma=noise)


def estimated_noise(problem: Problem) -> float:
    """The noise std of the observation ([0, 1] scale) estimated from it; a mosaic's from its four
    one-colour sub-images."""
    from .noise import estimate_sigma

    pixels = problem.observed.pixels
    if problem.task is Task.DEMOSAIC:
        height, width = (pixels.shape[0] // 2) * 2, (pixels.shape[1] // 2) * 2
        planes = [pixels[row:height:2, col:width:2, 0] for row in (0, 1) for col in (0, 1)]
        return float(np.median([estimate_sigma(plane[:, :, None]) for plane in planes]))
    if problem.task is Task.INPAINT:
        return 0.0
    return float(estimate_sigma(pixels))
