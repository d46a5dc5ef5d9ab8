"""The learned methods through the pipeline: colour routes, sigma handling, weight errors."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.errors import InputError, ParameterError
from workbench.core.image import Image
from workbench.core.methods import learned
from workbench.core.models import build_model
from workbench.core.models.weights import save_weights
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task


def _tiny(tmp_path, architecture, **kwargs):
    return str(
        save_weights(
            tmp_path / f"{architecture}.pt", build_model(architecture, **kwargs), architecture, kwargs, {}
        )
    )


def _problem(channels: int) -> Problem:
    pixels = np.random.default_rng(0).uniform(0.2, 0.8, (24, 34, channels)).astype(np.float32)
    return Problem(Image(pixels), Task.DENOISE)


@pytest.mark.parametrize("channels", [1, 3])
def test_identity_network_gives_back_the_image_through_either_colour_route(tmp_path, channels):
    problem = _problem(channels)
    for method, weights in (
        ("ffdnet", _tiny(tmp_path, "ffdnet", depth=3, width=4)),
        ("dncnn", _tiny(tmp_path, "dncnn", depth=3, width=4)),
    ):
        result = restore(problem, method, {"weights": weights, "sigma": 20, "tile": 16})
        assert np.abs(result.image.pixels - problem.observed.pixels).max() < 1e-5


def test_opponent_space_keeps_noise_independent_with_known_levels():
    noise = np.random.default_rng(0).normal(0, 1, (200_000, 3)).astype(np.float32)
    opponent = noise @ learned.OPPONENT.T
    assert np.allclose(opponent.std(axis=0), learned.OPPONENT_NOISE, rtol=0.01)
    assert np.abs(np.corrcoef(opponent.T) - np.eye(3)).max() < 0.01


def test_auto_sigma_is_estimated_and_noted(tmp_path):
    clean = np.full((64, 64, 1), 0.5, dtype=np.float32)
    noisy = clean + np.random.default_rng(0).normal(0, 20 / 255, clean.shape).astype(np.float32)
    result = restore(
        Problem(Image(noisy), Task.DENOISE),
        "ffdnet",
        {"weights": _tiny(tmp_path, "ffdnet", depth=3, width=4)},
    )
    assert result.extras["sigma"] == pytest.approx(20, abs=2)


def test_missing_weight_file_and_missing_shipped_weights_are_named(tmp_path, monkeypatch):
    with pytest.raises(InputError, match=r"nothere\.pt"):
        restore(_problem(1), "dncnn", {"weights": str(tmp_path / "nothere.pt")})
    monkeypatch.setitem(learned.SHIPPED, "unet", "no_such_file.pt")
    with pytest.raises(ParameterError, match="no shipped weights"):
        restore(_problem(1), "unet", {})


def test_learned_methods_are_registered_for_denoising():
    from workbench.core import registry

    names = {method.name for method in registry.for_task(Task.DENOISE)}
    assert {"dncnn", "ffdnet", "unet"} <= names


def test_flip_ensemble_turns_every_estimate_back():
    from workbench.core.jobs import RunContext

    pixels = np.random.default_rng(2).random((5, 7, 3)).astype(np.float32)
    assert np.allclose(learned.flip_ensemble(lambda image: image, pixels, RunContext()), pixels)
    seen = []
    learned.flip_ensemble(lambda image: seen.append(image.shape) or image, pixels, RunContext())
    assert sorted(set(seen)) == [(5, 7, 3), (7, 5, 3)]
