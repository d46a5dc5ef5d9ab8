"""Filter-bank numbers: zero-sum ratio and orientation selectivity against random filters."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.viz.filter_stats import (
    filter_stats,
    initial_correlation,
    orientation_selectivity,
    random_selectivity,
    zero_sum_ratio,
)

EDGE = np.array([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
BLUR = np.ones((3, 3))
LAPLACIAN = np.array([[0.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 0.0]])


def bank(*kernels: np.ndarray) -> np.ndarray:
    return np.stack(kernels)[:, None].astype(np.float32)


def test_zero_sum_ratio_is_zero_for_an_edge_detector_and_one_for_a_blur():
    assert zero_sum_ratio(bank(EDGE, BLUR, LAPLACIAN)) == pytest.approx([0.0, 1.0, 0.0])


def test_an_edge_detector_is_more_oriented_than_random_filters_and_a_laplacian_less():
    edge, laplacian = orientation_selectivity(bank(EDGE, LAPLACIAN))
    chance = random_selectivity((1, 3, 3))
    assert edge > 1.3 * chance
    assert laplacian < chance


def test_selectivity_does_not_depend_on_the_edge_direction():
    rotated = orientation_selectivity(bank(EDGE, EDGE.T, -EDGE))
    assert rotated == pytest.approx(np.full(3, rotated[0]), rel=1e-6)


def test_stats_summarise_a_bank_against_random_filters_of_its_shape():
    stats = filter_stats(bank(EDGE, EDGE.T, BLUR))
    assert (stats.filters, stats.kernel, stats.zero_sum) == (3, (3, 3), 2)
    assert stats.random_selectivity == random_selectivity((1, 3, 3))
    assert "2 zero-sum" in stats.summary()


def test_initial_correlation_is_one_for_an_untouched_filter_and_falls_as_training_moves_it():
    start = np.random.default_rng(0).standard_normal((3, 1, 3, 3))
    moved = start.copy()
    moved[1] += 0.5 * np.random.default_rng(1).standard_normal((1, 3, 3))
    moved[2] = np.random.default_rng(2).standard_normal((1, 3, 3))
    untouched, nudged, replaced = initial_correlation(2.0 * moved, start)
    assert untouched == pytest.approx(1.0)
    assert 0.5 < nudged < 1.0
    assert abs(replaced) < 0.8


def test_initial_correlation_needs_matching_shapes():
    with pytest.raises(ValueError, match="cannot be compared"):
        initial_correlation(np.zeros((2, 1, 3, 3)), np.zeros((3, 1, 3, 3)))


def test_selectivity_does_not_depend_on_how_many_filters_are_taken_at_once():
    weight = np.random.default_rng(4).standard_normal((70, 3, 3, 3))
    one_by_one = orientation_selectivity(weight, chunk=1)
    assert one_by_one == pytest.approx(orientation_selectivity(weight, chunk=64))
