"""The running average of a Deep Image Prior run's outputs: how it is kept and how far back it reaches.

DIP's outputs flicker from step to step (the input jitter, Adam's noise); an exponential running
average that keeps ``weight`` of itself per step is a steadier and usually better image, and it is
what a run keeps unless an automatic stop picked another output.
"""

from __future__ import annotations

import torch


def running_average(average: torch.Tensor | None, output: torch.Tensor, weight: float) -> torch.Tensor:
    """``average`` moved toward ``output`` in place (``weight``·average + (1 - weight)·output); a copy
    of ``output`` when there is no average yet. Tensors of one shape and device."""
    if average is None:
        return output.clone()
    return average.mul_(weight).add_(output, alpha=1.0 - weight)


def averaging_steps(weight: float) -> int:
    """About how many outputs a running average keeping ``weight`` of itself per step weighs
    (1 / (1 - weight): 100 at 0.99); before that many steps it mostly shows the first outputs.
    0 when there is no average (weight 0)."""
    return round(1.0 / (1.0 - weight)) if 0.0 < weight < 1.0 else 0
