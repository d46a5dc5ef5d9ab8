"""The session model without Qt: what opening, degrading, choosing a task and keeping results do to
the shared state, and which events say so, in which order."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core import operators
from workbench.core.errors import ParameterError
from workbench.core.image import Image
from workbench.core.problem import Task
from workbench.core.result import make_result
from workbench.core.session import Event, Session


def image(value: float = 0.5, source: str = "") -> Image:
    return Image(np.full((8, 10, 3), value, np.float32), source=source)


def recorded(session: Session) -> list[tuple]:
    """(event name, argument) for every event the session emits from now on, in order."""
    seen: list[tuple] = []
    for name in (
        "task_changed",
        "input_changed",
        "problem_changed",
        "result_added",
        "shown_changed",
        "live_network_changed",
    ):
        getattr(session, name).connect(lambda value, name=name: seen.append((name, value)))
    return seen


def test_an_event_calls_its_callbacks_in_the_order_they_connected():
    event, calls = Event(), []
    event.connect(lambda value: calls.append(("first", value)))
    event.connect(lambda value: calls.append(("second", value)))
    event.emit(3)
    assert calls == [("first", 3), ("second", 3)]


def test_without_an_input_the_problem_is_asked_for_with_a_readable_error():
    session = Session()
    assert session.problem is None and session.task is Task.DENOISE
    with pytest.raises(ParameterError, match="open an image first"):
        session.current_problem()


def test_a_new_input_is_a_problem_of_the_chosen_task_scored_against_its_reference():
    session = Session()
    session.set_task(Task.INPAINT)
    seen = recorded(session)
    noisy, clean = image(0.4, "/photos/noisy.png"), image(0.5)
    session.set_input(noisy, clean)
    problem = session.current_problem()
    assert problem.observed is noisy and problem.reference is clean and problem.task is Task.INPAINT
    assert session.clean is clean
    assert session.input_caption == "noisy.png"
    assert seen == [("input_changed", problem), ("problem_changed", problem)]


def test_a_degraded_input_brings_its_task_which_is_announced_before_the_input():
    session = Session()
    clean = image()
    session.set_input(clean)
    seen = recorded(session)
    observed, degradation = operators.degrade(clean, "mask", {}, seed=0)
    problem = degradation.problem(observed, clean)
    session.set_input(observed, clean, problem, "Mask")
    assert session.task is Task.INPAINT and session.current_problem() is problem
    assert session.clean is clean and session.input_caption == "Mask"
    assert [name for name, _ in seen] == ["task_changed", "input_changed", "problem_changed"]


def test_choosing_a_task_gives_the_open_problem_that_task_and_the_same_task_changes_nothing():
    session = Session()
    session.set_input(image())
    before = session.current_problem()
    seen = recorded(session)
    session.set_task(Task.DENOISE)
    assert seen == []
    session.set_task(Task.DEBLUR)
    after = session.current_problem()
    assert after.task is Task.DEBLUR and after.observed is before.observed
    assert before.task is Task.DENOISE, "a page holding the earlier problem keeps it as it was"
    assert seen == [("task_changed", Task.DEBLUR), ("problem_changed", after)]


def test_a_result_goes_into_the_history_and_is_shown_until_the_next_input():
    session = Session()
    session.set_input(image(0.4), image(0.5))
    seen = recorded(session)
    result = make_result(session.current_problem(), np.full((8, 10, 3), 0.45), "test", {}, 0.1)
    entry = session.add_result(result, "Test", "noisy")
    assert session.history == [entry] and session.shown_result() is result
    assert seen == [("result_added", entry), ("shown_changed", entry)]
    session.set_input(image(0.3))
    assert session.shown_result() is None and session.history == [entry]
    session.show(entry)
    assert session.shown_result() is result


def test_the_live_network_and_the_chosen_method_are_kept_for_pages_that_start_from_them():
    session = Session()
    seen = recorded(session)
    net = object()
    session.set_live_network(net)
    assert session.live_net is net and seen == [("live_network_changed", net)]
    values = {"sigma": 25.0}
    session.choose_method("bm3d", values)
    values["sigma"] = 10.0
    assert session.method.name == "bm3d" and session.method.values == {"sigma": 25.0}
    session.choose_method(None, {})
    assert session.method is None


def test_the_result_builder_clips_scores_and_carries_the_inputs_notes():
    noisy = Image(np.full((8, 10, 3), 0.4, np.float32), notices=("alpha set aside",))
    session = Session()
    session.set_input(noisy, image(0.5))
    result = make_result(session.current_problem(), np.full((8, 10, 3), 1.5), "test", {"k": 1}, 0.2)
    assert result.image.pixels.dtype == np.float32 and result.image.pixels.max() == 1.0
    assert result.psnr == pytest.approx(10 * np.log10(1 / 0.25), abs=1e-3)
    assert result.notes == ["alpha set aside"]
    assert result.params == {"k": 1} and result.seconds == 0.2
