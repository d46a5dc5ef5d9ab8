"""DIP's SURE stopping rule: the estimate on known cases, the rule's firing, and the shadow run."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from workbench.core.dip import DipStepper, preset_settings
from workbench.core.dip.early_stop import SureStop, sure_psnr
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.problem import Problem, Task

pytestmark = pytest.mark.usefixtures("torch_threads")


def test_the_identity_is_estimated_at_the_noise_variance():
    target = torch.rand(1, 1, 32, 32)
    probe = torch.randint(0, 2, target.shape).float() * 2 - 1
    step, variance = 0.002, 0.01
    estimate = sure_psnr(target, target + step * probe, target, probe, step, variance)
    # Clamping to [0, 1] changes the identity only at a few pixels next to 0 or 1.
    assert estimate == pytest.approx(10 * math.log10(1 / variance), abs=0.2)


def test_the_rule_fires_patience_steps_after_the_peak_and_keeps_it():
    rule = SureStop(patience=3, warmup=1)
    values = [10.0, 20.0, 25.0, 24.0, 23.0, 22.0, 21.0]
    new_maxima = [rule.update(i + 1, v) for i, v in enumerate(values)]
    assert new_maxima == [False, True, True, False, False, False, False]
    assert rule.best_iteration == 3 and rule.fired_at == 6


def test_a_sure_run_records_the_estimate_every_step():
    rows, cols = np.mgrid[0:24, 0:24] / 24
    clean = (0.5 + 0.3 * np.sin(4 * rows) * cols)[..., None].astype(np.float32)
    noisy = clean + np.random.default_rng(0).normal(0, 25 / 255, clean.shape).astype(np.float32)
    problem = Problem(Image(noisy), reference=Image(clean), noise_sigma=25 / 255)
    settings = replace(preset_settings("light", Task.DENOISE, 1, "cpu"), iterations=12)
    stepper = DipStepper(problem, settings, sure=True)
    records = [stepper.step() for _ in range(12)]
    assert all(np.isfinite(record.psnr_est) for record in records)
    plain = DipStepper(problem, settings)
    assert plain.step().psnr_est is None


def test_the_sure_rule_is_for_denoising_only():
    observed = Image(np.full((16, 16, 1), 0.5, np.float32))
    problem = Problem(observed, Task.DEBLUR, kernel=np.ones((3, 3), np.float32) / 9)
    settings = preset_settings("light", Task.DEBLUR, 1, "cpu")
    with pytest.raises(ParameterError, match="denoising only"):
        DipStepper(problem, settings, sure=True)
