"""The method a user is offered first for a task and an image, before choosing one."""

from __future__ import annotations

from ..problem import Task

DEFAULTS: dict[tuple[Task, bool], str] = {
    (Task.DENOISE, True): "colour_cnn",
    (Task.DENOISE, False): "ffdnet",
}
"""(task, colour image) -> method name. Colour photos get the noise-aware colour CNN (sigma auto:
a noise map measured from the image); gray images the gray FFDNet-style model, trained on gray."""


def default_method(task: Task, channels: int) -> str | None:
    """The registered method to preselect for ``task`` on an image of ``channels``, or None."""
    from .. import registry

    name = DEFAULTS.get((task, channels >= 3))
    known = {method.name for method in registry.available()}
    return name if name in known else None
