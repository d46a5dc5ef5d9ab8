"""CUDA: every torch method and DIP on the GPU, mixed precision, and a real out-of-memory on the GPU
falling back to smaller tiles and then to the CPU. Skipped without a GPU (the same fallback is
simulated with a fake allocator in test_memory_bounds.py, which runs everywhere)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workbench.core import metrics, registry, tiling
from workbench.core.dip import DipStepper, preset_settings
from workbench.core.errors import WorkbenchError
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.models import DnCNN
from workbench.core.pipeline import restore
from workbench.core.problem import Problem, Task

pytestmark = pytest.mark.cuda

TORCH_FAMILIES = ("learned", "noise_adaptive")


def _noisy(size: int = 96, channels: int = 3) -> Image:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    clean = np.stack([0.3 + 0.4 * x, 0.5 + 0.3 * y, 0.6 - 0.3 * x * y], axis=2)[:, :, :channels]
    return Image(np.clip(clean + rng.normal(0, 25 / 255, clean.shape), 0, 1).astype(np.float32))


def _torch_methods() -> list[str]:
    names = []
    for method in registry.available():
        if method.family not in TORCH_FAMILIES or method.name == "vst_nlm":
            continue
        try:
            registry.prepare(method.name, {}, Task.DENOISE)
        except WorkbenchError:
            continue  # no shipped weights here
        names.append(method.name)
    return names


@pytest.mark.parametrize("name", _torch_methods())
def test_each_torch_method_gives_on_the_gpu_what_it_gives_on_the_cpu(name):
    problem = Problem(_noisy())
    on_cpu = restore(problem, name, {}, RunContext(device="cpu")).image.pixels
    on_gpu = restore(problem, name, {}, RunContext(device="cuda")).image.pixels
    assert metrics.psnr(on_gpu, on_cpu) > 40.0  # float16 autocast where the model allows it


@pytest.mark.parametrize("amp", [False, True], ids=["fp32", "amp"])
def test_dip_steps_on_the_gpu_lower_the_loss(amp):
    problem = Problem(_noisy(64), noise_sigma=25 / 255)
    settings = preset_settings("light", Task.DENOISE)
    stepper = DipStepper(problem, settings, device="cuda", seed=0, amp=amp)
    records = [stepper.step() for _ in range(30)]
    assert all(np.isfinite(record.loss) for record in records)
    assert np.mean([r.loss for r in records[-5:]]) < np.mean([r.loss for r in records[:5]])
    assert stepper.current().dtype == np.float32 and stepper.current().shape == (64, 64, 3)


def test_models_that_allow_it_run_in_float16_on_the_gpu_close_to_float32():
    model = DnCNN(channels=1, depth=5, width=16)
    model.low_precision_ok = True
    assert tiling.autocast_dtype(model, torch.device("cuda")) is torch.float16
    pixels = _noisy(64, 1).pixels
    half = tiling.denoise_image(model, pixels, tile=0, device="cuda")
    model.low_precision_ok = False
    full = tiling.denoise_image(model, pixels, tile=0, device="cuda")
    assert metrics.psnr(half, full) > 40.0


def test_a_real_gpu_out_of_memory_goes_to_smaller_tiles_then_the_cpu():
    model = DnCNN(channels=1, depth=5, width=64)
    pixels = _noisy(1024, 1).pixels
    expected = tiling.denoise_image(model, pixels, tile=256, device="cpu")
    torch.cuda.empty_cache()
    torch.cuda.set_per_process_memory_fraction(1e-6)
    try:
        ctx = RunContext()
        result = tiling.denoise_fitting(model, pixels, tile=0, ctx=ctx, device="cuda")
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
    assert ctx.notes["memory"][-1] == "out of memory on the GPU even with 128-pixel tiles: ran on the CPU"
    np.testing.assert_allclose(result, expected, atol=1e-4)


def test_the_device_box_lists_each_gpu_by_name(qtbot):
    from workbench.gui.device_box import DeviceBox, cuda_devices

    found = cuda_devices()
    assert [device for _, device in found] == [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    box = DeviceBox()
    qtbot.addWidget(box)
    box.set_device("cuda")
    box.add_devices(found)
    assert box.device() == "cuda:0" and box.itemData(box.count() - 1) == "cpu"
