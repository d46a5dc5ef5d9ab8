"""The task's forward operator A and the observation y that DIP's loss ||A(x) - y||² compares with."""

from __future__ import annotations

import numpy as np
import torch

from ..image import to_tensor
from ..problem import Problem, Task


def task_operator(problem: Problem):
    """The torch linear operator of ``problem``'s task (from workbench.core.operators.linear).

    denoise and jpeg: Identity (JPEG artefacts are fitted on the decoded image);
    inpaint: MaskOperator(mask); sr: DownsampleOperator(scale, Lanczos-2); deblur: BlurOperator(kernel);
    demosaic: MosaicOperator(pattern) (the net outputs three channels, y is the one-channel mosaic).
    """
    from ..operators import linear

    if problem.task is Task.INPAINT:
        return linear.MaskOperator(np.asarray(problem.mask, dtype=bool))
    if problem.task is Task.SUPER_RESOLVE:
        return linear.DownsampleOperator(problem.scale, kernel="lanczos2")
    if problem.task is Task.DEBLUR:
        return linear.BlurOperator(np.asarray(problem.kernel, dtype=np.float32))
    if problem.task is Task.DEMOSAIC:
        return linear.MosaicOperator(problem.pattern)
    return linear.Identity()


def observation(problem: Problem, device: torch.device) -> torch.Tensor:
    """y as a 1×C×h×w tensor on ``device`` (unknown pixels of an inpainting problem set to 0)."""
    pixels = problem.observed.pixels
    if problem.task is Task.INPAINT:
        pixels = pixels * np.asarray(problem.mask, dtype=np.float32)[:, :, None]
    return to_tensor(pixels, device)


def noise_floor(problem: Problem, sigma: float) -> float:
    """The loss ||A(x) - y||² (mean over all of y's samples) expected at the clean image x.

    ``sigma`` is the std of the white noise in y ([0, 1] scale). Inpainting's unknown pixels are
    zero in both A(x) and y, so only the mask's fraction of samples carries noise.
    """
    observed = float(np.mean(problem.mask)) if problem.task is Task.INPAINT else 1.0
    return sigma**2 * observed
