"""One road to a DIP stepper: the 'dip' method and ``workbench dip`` turn their parameters into one
``DipRequest`` and get from ``dip_stepper`` the stepper it builds for that request directly."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.cli import main
from workbench.core import io, pipeline
from workbench.core.dip import request as dip_request
from workbench.core.dip.request import DipRequest, dip_stepper
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.problem import Problem, Task

pytestmark = pytest.mark.usefixtures("torch_threads")


@pytest.fixture
def noisy_file(tmp_path):
    y, x = np.mgrid[0:16, 0:20].astype(np.float32)
    clean = np.stack([x / 19, y / 15, 0.5 + 0 * x], axis=2).astype(np.float32)
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 0.08, clean.shape), 0, 1).astype(np.float32)
    return io.write_image(Image(noisy), tmp_path / "noisy.png")


@pytest.fixture
def built(monkeypatch):
    """Every (problem, preset, request, stepper) that ``dip_stepper`` built during the test."""
    calls = []

    def spy(problem, preset, request, device="cpu"):
        stepper = dip_stepper(problem, preset, request, device)
        calls.append((problem, preset, request, stepper))
        return stepper

    monkeypatch.setattr(dip_request, "dip_stepper", spy)
    return calls


CASES = {
    "denoise": (
        Task.DENOISE,
        {"preset": "light", "iterations": 2, "es_window": 7, "es_patience": 9, "loss": "l1", "seed": 3}
        | {"auto_stop": True, "pick": "current", "noise_sigma": 10.0, "sure_stop": True},
        [
            "--preset",
            "light",
            "--iters",
            "2",
            "--window",
            "7",
            "--patience",
            "9",
            "--loss",
            "l1",
            "--seed",
            "3",
            "--auto-stop",
            "--pick",
            "current",
            "--noise-sigma",
            "10",
            "--sure-stop",
        ],
        DipRequest(2, 7, 9, "l1", 3, auto_stop=True, pick="current", noise_sigma=10 / 255, sure=True),
    ),
    "sr": (
        Task.SUPER_RESOLVE,
        {"preset": "light", "iterations": 2, "seed": 1, "auto_stop": False, "noise_sigma": 0.0},
        ["--task", "sr", "--scale", "2", "--preset", "light", "--iters", "2", "--seed", "1"],
        DipRequest(iterations=2, seed=1, noise_sigma=0.0),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_method_and_the_cli_build_the_stepper_dip_stepper_builds_for_their_request(
    case, noisy_file, tmp_path, built
):
    task, values, flags, expected = CASES[case]
    problem = Problem(io.read_image(noisy_file), task, scale=2)
    pipeline.restore(problem, "dip", values)
    assert main(["dip", str(noisy_file), "-o", str(tmp_path / "out.png"), *flags]) == 0
    (_, method_preset, method_request, by_method), (_, cli_preset, cli_request, by_cli) = built
    assert method_request == cli_request == expected and method_preset == cli_preset == "light"
    direct = dip_stepper(problem, "light", expected)
    for stepper in (by_method, by_cli):
        assert stepper.settings == direct.settings
        assert type(stepper.operator) is type(direct.operator)
        assert (stepper.noise_sigma, stepper.pick_kind, stepper.auto_stop) == (
            direct.noise_sigma,
            direct.pick_kind,
            direct.auto_stop,
        )
        assert (stepper.shadow is None) == (direct.shadow is None) == (not expected.sure)
    first = direct.step()
    assert by_method.records[0].loss == pytest.approx(first.loss, rel=1e-5)
    assert by_cli.records[0].loss == pytest.approx(first.loss, rel=1e-5)


def test_a_request_overrides_only_what_it_sets_and_sure_is_refused_outside_denoising():
    problem = Problem(Image(np.full((16, 16, 1), 0.5, np.float32)), Task.DEBLUR, kernel=np.ones((3, 3)) / 9)
    preset = dip_stepper(problem, "light", DipRequest()).settings
    changed = dip_stepper(problem, "light", DipRequest(iterations=7, es_patience=11, loss="l1")).settings
    assert (changed.iterations, changed.es_patience, changed.loss) == (7, 11, "l1")
    assert (changed.es_window, changed.net, changed.jitter) == (preset.es_window, preset.net, preset.jitter)
    with pytest.raises(ParameterError, match="denoising only"):
        dip_stepper(problem, "light", DipRequest(sure=True))
    with pytest.raises(ParameterError, match="denoising only"):
        pipeline.restore(problem, "dip", {"iterations": 2, "sure_stop": True})
