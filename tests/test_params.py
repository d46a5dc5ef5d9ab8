"""Parameter specs: validation, ranges, 'auto', parsing of --set strings, descriptions."""

from __future__ import annotations

import pytest

from workbench.core.errors import ParameterError
from workbench.core.params import (
    AUTO,
    BoolParam,
    ChoiceParam,
    FloatParam,
    IntParam,
    ParamSpec,
    PathParam,
    SeedParam,
    split_assignments,
)

SIGMA = FloatParam("sigma", AUTO, "noise", minimum=0.0, maximum=100.0, unit="/255", allow_auto=True)
SPEC = ParamSpec(
    [
        SIGMA,
        IntParam("radius", 3, minimum=1, maximum=7, unit="px"),
        ChoiceParam("profile", "np", choices=("np", "refilter")),
        BoolParam("fast", False),
        SeedParam("seed", 0),
        PathParam("weights", ""),
    ]
)


def test_defaults_fill_what_is_not_given():
    assert SPEC.resolve({"radius": 5}) == {
        "sigma": AUTO,
        "radius": 5,
        "profile": "np",
        "fast": False,
        "seed": 0,
        "weights": "",
    }


@pytest.mark.parametrize("text", ["auto", "AUTO", " Auto "])
def test_auto_is_accepted_in_any_case_where_allowed(text):
    assert SIGMA.validate(text) == AUTO


def test_auto_is_refused_where_not_allowed():
    with pytest.raises(ParameterError, match="expected a number"):
        FloatParam("blur", 1.0, maximum=10.0).validate("auto")


@pytest.mark.parametrize("value", [-0.1, 100.5, float("nan"), float("inf")])
def test_float_outside_its_range_names_the_parameter_and_range(value):
    with pytest.raises(ParameterError, match=r"parameter 'sigma'.*between 0 and 100 /255"):
        SIGMA.validate(value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [("2.5", "expected an integer"), (True, "expected an integer"), (9, "between 1 and 7 px")],
)
def test_int_rejects_fractions_booleans_and_out_of_range(value, reason):
    with pytest.raises(ParameterError, match=reason):
        SPEC["radius"].validate(value)


def test_int_accepts_whole_floats_and_strings():
    assert SPEC["radius"].validate("4") == 4
    assert SPEC["radius"].validate(4.0) == 4


def test_choice_lists_the_choices():
    with pytest.raises(ParameterError, match="must be one of np, refilter"):
        SPEC["profile"].validate("fast")


@pytest.mark.parametrize(("text", "value"), [("yes", True), ("0", False), ("On", True), ("false", False)])
def test_bool_parses_common_spellings(text, value):
    assert SPEC["fast"].parse(text) is value


def test_bool_rejects_other_words():
    with pytest.raises(ParameterError, match="expected true or false"):
        SPEC["fast"].parse("maybe")


def test_seed_is_non_negative_32_bit():
    with pytest.raises(ParameterError):
        SPEC["seed"].validate(2**31)
    assert SPEC["seed"].validate(2**31 - 1) == 2**31 - 1


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ParameterError, match=r"unknown parameter 'size' for median \(known: sigma, radius"):
        SPEC.resolve({"size": 3}, owner="median")


def test_assignments_are_parsed_and_validated():
    assert SPEC.parse_assignments(["sigma=25", "radius = 2", "profile=refilter"]) == {
        "sigma": 25.0,
        "radius": 2,
        "profile": "refilter",
    }
    with pytest.raises(ParameterError, match="unknown parameter 'nope'"):
        SPEC.parse_assignments(["nope=1"])
    with pytest.raises(ParameterError, match="must be between"):
        SPEC.parse_assignments(["sigma=-3"])


@pytest.mark.parametrize("item", ["sigma", "=3", ""])
def test_assignment_without_name_or_equals_is_an_error(item):
    with pytest.raises(ParameterError, match="expected NAME=VALUE"):
        split_assignments([item])


def test_duplicate_names_and_invalid_defaults_are_programming_errors():
    with pytest.raises(ValueError, match="duplicate parameter name 'a'"):
        ParamSpec([IntParam("a", 1), IntParam("a", 2)])
    with pytest.raises(ParameterError):
        ParamSpec([IntParam("b", 50, minimum=0, maximum=10)])


def test_description_carries_range_unit_auto_and_tunable():
    described = SPEC.describe()[0]
    assert described == {
        "name": "sigma",
        "kind": "float",
        "default": AUTO,
        "help": "noise",
        "min": 0.0,
        "max": 100.0,
        "step": 0.1,
        "unit": "/255",
        "auto": True,
        "tunable": False,
    }
    assert SPEC.describe()[1]["special"] == ""
    assert SPEC.describe()[2]["choices"] == ["np", "refilter"]


def test_summary_shows_floats_short_paths_by_name_and_an_empty_path_as_what_it_means():
    spec = ParamSpec([FloatParam("strength", 0.1), PathParam("weights", "", empty="shipped")])
    assert spec.summary({"strength": 1 / 3, "weights": ""}) == "strength=0.3333, weights=shipped"
    assert spec.summary({"weights": "/models/dncnn_25.pth"}) == "weights=dncnn_25.pth"
    assert spec.summary({"other": 2.0}) == "other=2"
    assert spec.summary({}) == ""


ITERATIONS = IntParam("iterations", 0, "steps; 0 = the task's", minimum=0, maximum=500, special="auto")


def test_an_int_with_a_special_word_accepts_it_for_its_minimum_and_shows_it_there():
    assert ITERATIONS.parse("auto") == 0 and ITERATIONS.parse("AUTO") == 0
    assert ITERATIONS.parse("12") == 12
    assert ITERATIONS.show(0) == "auto" and ITERATIONS.show(12) == "12"
    assert ParamSpec([ITERATIONS]).summary({"iterations": 0}) == "iterations=auto"
    assert ITERATIONS.describe()["special"] == "auto"
    with pytest.raises(ParameterError, match="or 'auto'"):
        ITERATIONS.parse("many")


def test_an_int_without_a_special_word_refuses_words_and_shows_its_minimum_as_a_number():
    plain = IntParam("radius", 0, minimum=0, maximum=7)
    assert plain.show(0) == "0"
    with pytest.raises(ParameterError):
        plain.parse("auto")


def test_every_registered_sentinel_zero_is_named():
    """A method or operator parameter whose help says what 0 means carries a word for it."""
    from workbench.core import operators, registry

    specs = [method.params for method in registry.available()] + [op.params for op in operators.available()]
    for spec in specs:
        for param in spec:
            if isinstance(param, IntParam) and param.minimum == 0 and "0 = " in param.help:
                assert param.special, param.name
