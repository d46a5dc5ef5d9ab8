"""ES-WMV and the discrepancy rule on synthetic sequences; the windowed variance."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workbench.core.dip import Discrepancy, EsWmv, WindowVariance
from workbench.core.dip.forward import noise_floor
from workbench.core.image import Image
from workbench.core.problem import Problem, Task


def test_rule_fires_patience_steps_after_the_minimum_and_remembers_it():
    rule = EsWmv(patience=10)
    values = [None] * 5 + [(i - 40) ** 2 + 1.0 for i in range(5, 100)]
    fired = []
    for iteration, value in enumerate(values, start=1):
        rule.update(iteration, value)
        if rule.fired and not fired:
            fired.append(iteration)
    minimum = min(range(5, 100), key=lambda i: (i - 40) ** 2) + 1
    assert rule.best_iteration == minimum
    assert rule.fired_at == minimum + 10 == fired[0]


def test_rule_does_not_fire_while_the_statistic_keeps_falling():
    rule = EsWmv(patience=3)
    for iteration in range(1, 50):
        rule.update(iteration, 1.0 / iteration)
    assert not rule.fired
    assert rule.best_iteration == 49


def test_update_says_when_a_value_is_a_new_minimum_and_ignores_missing_values():
    rule = EsWmv(patience=100)
    assert rule.update(1, None) is False
    assert rule.update(2, 5.0) is False
    assert rule.update(3, 6.0) is False
    assert rule.update(4, 4.0) is True
    assert rule.update(5, 4.5) is False
    assert rule.update(6, 3.0) is True


def test_a_small_variance_before_the_rise_is_not_taken_for_the_minimum():
    rule = EsWmv(patience=50, warmup=20)
    start_up = [0.0022, 0.0015, 0.0012, 0.0011] + [0.0011 + 0.0001 * i for i in range(96)]
    fit = [0.0096 - 0.00008 * i for i in range(100)]
    noise = [0.0016 + 0.00002 * i for i in range(100)]
    for iteration, value in enumerate(start_up + fit + noise, start=1):
        rule.update(iteration, value)
    assert rule.best_iteration == 201
    assert rule.fired_at == 251


def test_the_first_value_is_the_peak_of_a_falling_curve_so_the_search_starts_soon_after():
    rule = EsWmv(patience=1000)
    for iteration in range(1, 30):
        rule.update(iteration, 1.0 / iteration)
    assert rule.tracking
    assert rule.best_iteration == 29


def test_window_variance_is_none_until_full_then_the_mean_pixel_variance():
    window = WindowVariance(3)
    assert window.push(torch.zeros(2, 2)) is None
    assert window.push(torch.zeros(2, 2)) is None
    assert window.push(torch.full((2, 2), 3.0)) == pytest.approx(2.0)
    assert window.push(torch.full((2, 2), 3.0)) == pytest.approx(2.0)
    assert window.push(torch.full((2, 2), 3.0)) == pytest.approx(0.0)


def test_window_needs_two_outputs():
    with pytest.raises(ValueError):
        WindowVariance(1)


def test_discrepancy_fires_once_where_the_smoothed_loss_reaches_the_floor():
    rule = Discrepancy(floor=1.0, smoothing=0.5)
    losses = [4.0, 2.0, 1.0, 0.5, 0.5, 0.1]
    fired = [rule.update(iteration, loss) for iteration, loss in enumerate(losses, start=1)]
    # smoothed: 4, 3, 2, 1.25, 0.875 (at most the floor: fires at step 5), 0.4875
    assert rule.smoothed == pytest.approx(0.4875)
    assert fired == [False, False, False, False, True, False]
    assert rule.fired_at == 5


def test_the_noise_floor_is_the_variance_over_the_samples_that_carry_noise():
    image = Image(np.zeros((10, 10, 3), np.float32))
    assert noise_floor(Problem(image), 0.1) == pytest.approx(0.01)
    mask = np.zeros((10, 10), bool)
    mask[:, :4] = True
    assert noise_floor(Problem(image, Task.INPAINT, mask=mask), 0.1) == pytest.approx(0.004)
