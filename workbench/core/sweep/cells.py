"""One task per grid cell: an image, a degradation, a method with its values, a seed.

:func:`plan_cells` expands a :class:`~.spec.SweepSpec` into :class:`Cell` entries, each with a
key that hashes what decides its result: the image bytes, the crop, the method and all its
parameter values, the degradation and its values, the seed and the workbench version. A
sweep that finds a key in its table skips that cell. :func:`run_cell` runs one cell (in any
process: it is picklable and reads its images itself) and returns its table row.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import __version__
from .. import registry
from ..errors import Cancelled, InputError, ParameterError, error_text, out_of_memory
from ..image import centre_crop
from ..jobs import RunContext
from ..problem import Problem, Task
from .datasets import DatasetImage, is_pairs, list_images
from .spec import REAL, DegradationSpec, SweepSpec


@dataclass(frozen=True)
class Cell:
    """One task of a sweep.

    Attributes:
        key: SHA-256 (hex) of everything that decides the result (see the module docstring).
        dataset: the dataset folder's name.
        image: the image (see :class:`~.datasets.DatasetImage`).
        crop: centre crop side in pixels (0 = whole image).
        method: a registered method name.
        params: all its parameter values, defaults filled, JSON-friendly.
        swept: the values of the parameters the grid varies for this method (for labels).
        degradation: what makes the observation from the clean image.
        seed: seeds the degradation's noise (with the image's digest) and nothing else.
        device: where torch methods run.
    """

    key: str
    dataset: str
    image: DatasetImage
    crop: int
    method: str
    params: dict[str, Any]
    swept: dict[str, Any]
    degradation: DegradationSpec
    seed: int
    device: str = "auto"


def cell_key(
    digest: str, crop: int, method: str, params: dict, degradation: DegradationSpec, seed: int
) -> str:
    """The SHA-256 (hex) of a cell's inputs and the workbench version."""
    record = {
        "image": digest,
        "crop": crop,
        "method": method,
        "params": params,
        "degradation": degradation.name,
        "degradation_params": degradation.values,
        "seed": seed,
        "version": __version__,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


def plan_cells(spec: SweepSpec) -> tuple[list[Cell], list[str]]:
    """Every cell of ``spec`` (datasets, then degradations, images, methods, grid values, seeds)
    and a line for each method and degradation that do not go together (skipped).

    A method with a ``sigma`` parameter that the grid leaves unset is given the level of the
    Gaussian noise the degradation adds (as ``workbench bench`` does); on real pairs it keeps its
    default (usually ``auto``, estimated from the image).

    Raises:
        ParameterError: a clean-image folder and no degradation, a bad value or missing weights,
            or no cell at all.
        InputError: a folder without images, or an unreadable one.
    """
    cells: list[Cell] = []
    skipped: list[str] = []
    for folder in spec.datasets:
        if is_pairs(folder):
            degradations = [DegradationSpec(REAL)]
        else:
            degradations = spec.degradations
            if not degradations:
                raise ParameterError(
                    f"{folder}: a folder of clean images needs a degradation (--sigma or --degrade)"
                )
        images = list_images(folder, spec.limit)
        for degradation in degradations:
            runs = _runs_for(spec, degradation, skipped)
            for image in images:
                for method, params, swept in runs:
                    for seed in spec.seeds:
                        key = cell_key(image.digest, spec.crop, method, params, degradation, seed)
                        cells.append(
                            Cell(
                                key,
                                Path(folder).name,
                                image,
                                spec.crop,
                                method,
                                params,
                                swept,
                                degradation,
                                seed,
                                spec.device,
                            )
                        )
    if not cells:
        raise ParameterError("the sweep has no cell: " + ("; ".join(skipped) or "no method fits"))
    return cells, skipped


def _runs_for(
    spec: SweepSpec, degradation: DegradationSpec, skipped: list[str]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(method, full params, swept values) of every method and grid point that solves the
    degradation's task; a method that does not is named in ``skipped``."""
    runs = []
    for grid in spec.methods:
        method = registry.get(grid.method)
        if degradation.task not in method.tasks:
            skipped.append(f"{grid.method} does not do {degradation.task.value} ({degradation.label})")
            continue
        for values in grid.combinations():
            values = _with_known_sigma(method, values, degradation)
            params = registry.prepare(grid.method, values, degradation.task)
            runs.append((grid.method, params, {name: values[name] for name in grid.grid}))
    return runs


def _with_known_sigma(method: registry.Method, values: dict, degradation: DegradationSpec) -> dict:
    sigma = degradation.known_sigma
    if sigma is None or "sigma" not in method.params or "sigma" in values:
        return values
    return values | {"sigma": method.params["sigma"].validate(sigma)}


def noise_seed(seed: int, digest: str) -> int:
    """The degradation's seed for one image: its digest and the sweep seed, mixed (32 bits), so
    that images of one size do not get the same noise."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{digest}".encode()).digest()[:4], "little")


def cell_problem(cell: Cell) -> Problem:
    """The restoration problem of ``cell``: its (cropped) observation and clean reference.

    Raises:
        InputError: an unreadable image, or a pair whose two images differ in size.
        ParameterError: the degradation's values do not fit the image.
    """
    from ..io import read_image
    from ..operators import degrade

    whole = read_image(cell.image.clean)
    clean = whole.with_pixels(centre_crop(whole.pixels, cell.crop))
    if cell.image.noisy is not None:
        noisy = read_image(cell.image.noisy)
        if noisy.pixels.shape != whole.pixels.shape:
            raise InputError(f"{cell.image.noisy}: not the size of its clean image {cell.image.clean.name}")
        noisy = noisy.with_pixels(centre_crop(noisy.pixels, cell.crop))
        return Problem(noisy, Task.DENOISE, reference=clean)
    degradation = cell.degradation
    observed, made = degrade(
        clean, degradation.name, degradation.values, noise_seed(cell.seed, cell.image.digest)
    )
    return made.problem(observed, clean)


def run_cell(cell: Cell, cancel_event: threading.Event | None = None) -> dict[str, Any]:
    """Run one cell and return its table row (see :data:`.table.COLUMNS`).

    A cell that fails (bad input, a method's error, running out of memory) gives a row with
    status "failed" and the error's text: one failing cell never stops a sweep.

    Raises:
        Cancelled: ``cancel_event`` was set during the run.
    """
    row = cell_row(cell)
    try:
        problem = cell_problem(cell)
        ctx = RunContext(device=cell.device, cancel_event=cancel_event or threading.Event())
        from ..pipeline import restore

        result = restore(problem, cell.method, cell.params, ctx)
    except Cancelled:
        raise
    except Exception as error:  # any failure of one cell is recorded, never fatal to the sweep
        memory = out_of_memory(error)
        text = str(memory) if memory else error_text(error) or type(error).__name__
        if not isinstance(error, (InputError, ParameterError)) and memory is None:
            text = f"{type(error).__name__}: {text}"
        row.update(status="failed", error=text)
    else:
        height, width = problem.output_shape
        row.update(
            status="ok",
            psnr=result.psnr,
            ssim=result.ssim,
            seconds=result.seconds,
            megapixels=height * width / 1e6,
        )
    row["finished_at"] = time.time()
    return row


def cell_row(cell: Cell) -> dict[str, Any]:
    """The row fields a cell has before it runs."""
    return {
        "key": cell.key,
        "dataset": cell.dataset,
        "image": cell.image.name,
        "image_digest": cell.image.digest,
        "crop": cell.crop,
        "method": cell.method,
        "params": json.dumps(cell.params, sort_keys=True),
        "swept": json.dumps(cell.swept, sort_keys=True),
        "degradation": cell.degradation.label,
        "degradation_op": cell.degradation.name,
        "degradation_params": json.dumps(cell.degradation.values, sort_keys=True),
        "seed": cell.seed,
        "status": "",
        "error": "",
        "psnr": None,
        "ssim": None,
        "seconds": None,
        "megapixels": None,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "attempt": uuid.uuid4().hex,
        "finished_at": None,
        "version": __version__,
    }
