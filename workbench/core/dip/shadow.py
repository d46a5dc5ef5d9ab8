"""The SURE rule's shadow run: a second fit of the same net to a probed observation.

SURE needs the divergence of the whole optimisation, which a Monte-Carlo estimate measures by
running it once more on y + ε·p (a ±1 probe p, ε a twentieth of the noise std): the same initial
weights, the same input code and the same jitter, at full precision. :class:`SureShadow` owns that
second net, its optimiser and its running average; the stepper steps it with the main run's
jittered code and asks it for the SURE-estimated PSNR of its own running average
(``early_stop.sure_psnr``). It doubles the cost of a step.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ..losses import loss_value
from .averaging import running_average
from .early_stop import SureStop, sure_psnr
from .net import NetConfig, build_net
from .presets import DipSettings

SURE_STEP_PER_SIGMA = 1 / 20
"""The SURE rule's probe step as a fraction of the noise std (as in ``workbench.core.quality.sure``)."""


class SureShadow:
    """The shadow run of a DIP run on a denoising problem.

    Args:
        net_config: the main run's net (with its input and output channels set).
        settings: the main run's settings (loss, learning rate, averaging, ES window and patience).
        target: y, the observation, 1×C×H×W on the run's device.
        sigma: the noise std of y ([0, 1] scale, > 0).
        seed: the main run's seed (the nets start from the same weights; the probe has its own).

    Attributes:
        sigma: the noise std the estimate assumes.
        stop: the SURE stopping rule fed with the estimates.
    """

    def __init__(
        self, net_config: NetConfig, settings: DipSettings, target: torch.Tensor, sigma: float, seed: int
    ) -> None:
        device = target.device
        self.sigma = sigma
        self._step = max(sigma * SURE_STEP_PER_SIGMA, 1e-6)
        self._settings = settings
        generator = torch.Generator().manual_seed(seed + 2)
        probe = torch.randint(0, 2, target.shape, generator=generator).float() * 2.0 - 1.0
        self._probe = probe.to(device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self._net = build_net(net_config).to(device)
        if device.type == "cuda":
            self._net = self._net.to(memory_format=torch.channels_last)
        self._optimizer = torch.optim.Adam(self._net.parameters(), lr=settings.learning_rate, foreach=True)
        self._target = target
        self._shadow_target = target + self._step * self._probe
        self._average: torch.Tensor | None = None
        self.stop = SureStop(patience=settings.es_patience, warmup=settings.es_window)

    def step(self, code: torch.Tensor, crop: Callable[[torch.Tensor], torch.Tensor]) -> None:
        """One step on the main run's jittered ``code``; ``crop`` takes the output's image part."""
        self._net.train()
        self._optimizer.zero_grad(set_to_none=True)
        output = crop(self._net(code))
        if self._settings.loss == "l2":
            F.mse_loss(output, self._shadow_target).backward()
        else:
            loss_value(self._settings.loss, output, self._shadow_target).backward()
        self._optimizer.step()
        self._average = running_average(self._average, output.detach(), self._settings.average_weight)

    def estimate(self, average: torch.Tensor) -> float:
        """The SURE-estimated PSNR (dB) of the main run's running ``average`` against the clean image."""
        return sure_psnr(average, self._average, self._target, self._probe, self._step, self.sigma**2)
