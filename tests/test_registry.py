"""The method catalogue: registration, look-up, per-task lists and what every built-in method declares."""

from __future__ import annotations

import pytest

from workbench.core import registry
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.params import FloatParam, ParamSpec
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task

BASELINES = {
    "gaussian", "median", "bilateral", "nlm", "tv", "wavelet", "bm3d", "cbm3d", "bm3d_deblur",
    "wiener", "richardson_lucy", "bicubic", "lanczos", "telea", "navier_stokes",
}  # fmt: skip


def _copy(problem, params, ctx):
    return problem.observed.pixels


def test_the_classical_and_bm3d_baselines_are_registered():
    names = {method.name for method in registry.available()}
    assert names >= BASELINES


def test_catalogue_is_sorted_by_family_then_name():
    methods = registry.available()
    assert methods == sorted(methods, key=lambda m: (m.family, m.name))


def test_every_parameter_of_the_baselines_has_help_and_valid_default():
    for name in BASELINES:
        method = registry.get(name)
        assert method.summary and method.tasks
        for param in method.params:
            assert param.help, f"{name}.{param.name} has no help"
            assert param.validate(param.default) == param.default
            if isinstance(param, FloatParam):
                assert param.minimum < param.maximum


def test_noise_dependent_methods_take_sigma_in_8_bit_units_with_auto():
    for name in ("bilateral", "nlm", "tv", "wavelet", "bm3d", "cbm3d", "bm3d_deblur"):
        sigma = registry.get(name).params["sigma"]
        assert sigma.allow_auto and sigma.default == "auto"
        assert (sigma.minimum, sigma.maximum, sigma.unit) == (0.0, 100.0, "/255")


def test_unknown_method_lists_the_known_ones():
    with pytest.raises(ParameterError, match=r"unknown method 'bm4d' \(known: .*bm3d.*\)"):
        registry.get("bm4d")


def test_registering_a_taken_name_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "_METHODS", dict(registry._METHODS))
    twin = registry.Method("bm3d", "twin", "test", frozenset({Task.DENOISE}), ParamSpec(), _copy)
    with pytest.raises(ValueError, match="'bm3d' is already registered"):
        registry.register(twin)


def test_a_registered_method_is_found_and_listed_for_its_tasks(monkeypatch):
    monkeypatch.setattr(registry, "_METHODS", dict(registry._METHODS))
    method = registry.register(
        registry.Method("test_copy", "Copy", "test", frozenset({Task.INPAINT, Task.JPEG}), ParamSpec(), _copy)
    )
    assert registry.get("test_copy") is method
    assert method in registry.for_task(Task.JPEG)
    assert method not in registry.for_task(Task.DENOISE)


def test_for_task_lists_only_methods_that_solve_it():
    assert {m.name for m in registry.for_task(Task.INPAINT)} >= {"telea", "navier_stokes"}
    assert all(Task.DEBLUR in m.tasks for m in registry.for_task(Task.DEBLUR))


def test_pipeline_rejects_bad_values_and_wrong_tasks_before_running():
    problem = Problem(Image([[0.5]]))
    with pytest.raises(ParameterError, match="parameter 'radius'=0: must be between 1 and 10"):
        restore(problem, "median", {"radius": 0})
    with pytest.raises(ParameterError, match="does not do denoise"):
        restore(problem, "telea")


def test_describe_is_json_friendly():
    described = registry.get("nlm").describe()
    assert described["tasks"] == ["denoise"]
    assert [p["name"] for p in described["params"]] == ["sigma", "h_factor", "patch_radius", "search_radius"]
