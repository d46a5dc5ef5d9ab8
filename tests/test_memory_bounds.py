"""Memory is bounded before it is spent: estimates, refusals in one line, allocator failures
recognised, weight files checked against the sizes they declare, tiles retried smaller."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import h5py
import numpy as np
import pytest
import torch

from workbench.cli import main
from workbench.core import memory, registry, tiling
from workbench.core.dip import build_net
from workbench.core.dip.net import NetConfig
from workbench.core.errors import InputError, OutOfMemory, out_of_memory
from workbench.core.image import Image
from workbench.core.io import write_image
from workbench.core.jobs import RunContext
from workbench.core.models import DnCNN
from workbench.core.models.published import load_matconvnet
from workbench.core.params import ParamSpec
from workbench.core.problem import Task

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small_png(tmp_path):
    pixels = np.random.default_rng(0).random((32, 32, 3), dtype=np.float32)
    return write_image(Image(pixels), tmp_path / "in32.png")


def test_sizes_parse_in_decimal_units_and_print_short():
    assert memory.parse_size("2G") == 2 * 10**9 and memory.parse_size("512mb") == 512 * 10**6
    assert memory.format_bytes(9.4e9) == "9.4 GB" and memory.format_bytes(147e9) == "147 GB"
    assert memory.image_bytes(64, 64, 3, copies=2) == 64 * 64 * 3 * 4 * 2


def test_the_budget_is_the_override_when_given(monkeypatch):
    monkeypatch.setenv(memory.LIMIT_VARIABLE, "3G")
    assert memory.budget_bytes() == 3 * 10**9
    with pytest.raises(
        OutOfMemory, match=r"^x needs about 4\.0 GB of memory, more than the 3\.0 GB available: y$"
    ):
        memory.require_fits(4 * 10**9, "x", "y")
    memory.require_fits(2 * 10**9, "x", "y")


def test_a_huge_upscale_is_refused_in_one_line_before_opencv_allocates(tmp_path, capsys):
    source = write_image(Image(np.full((64, 64, 3), 0.5, np.float32)), tmp_path / "in.png")
    out = tmp_path / "out.png"
    assert main(["restore", str(source), "-o", str(out), "-m", "bicubic", "--scale", "100000"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert "bicubic with a 6400000x6400000x3 result needs about 2.0 PB of memory" in error
    assert "smaller scale" in error and not out.exists()


def test_dip_super_resolution_far_beyond_the_budget_is_refused_before_it_allocates(
    small_png, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv(memory.LIMIT_VARIABLE, "2G")
    out = tmp_path / "out.png"
    assert main(["dip", str(small_png), "-o", str(out), "--task", "sr", "--scale", "64"]) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("workbench: error: Deep Image Prior at 2048x2048 needs about")
    assert "more than the 2.0 GB available" in error and not out.exists()


def test_the_dip_estimate_scales_with_pixels_and_covers_what_autograd_saves_at_full_size():
    net = build_net(
        NetConfig(channels_down=(8, 8), channels_up=(8, 8), channels_skip=(2, 2), input_channels=4)
    )
    small = memory.training_bytes(net, (4, 16, 16), 64, 64)
    large = memory.training_bytes(net, (4, 16, 16), 128, 128)
    parameters = 4 * sum(p.numel() * p.element_size() for p in net.parameters())
    assert large - parameters == pytest.approx(4 * (small - parameters), rel=0.01)
    saved: dict = {}

    def pack(tensor):
        saved[(tensor.untyped_storage().data_ptr(), tensor.numel())] = tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        net(torch.zeros(1, 4, 64, 64))
    assert sum(saved.values()) <= small - parameters


def test_torchs_cpu_allocator_failure_is_out_of_memory_of_the_computer():
    with pytest.raises(RuntimeError) as caught:
        torch.empty(2**50, dtype=torch.uint8)
    assert "can't allocate memory" in str(caught.value)
    assert "the computer ran out of memory" in str(out_of_memory(caught.value))


def test_opencvs_insufficient_memory_is_out_of_memory_of_the_computer():
    with pytest.raises(cv2.error) as caught:
        cv2.resize(np.zeros((4, 4), np.float32), (1 << 30, 1 << 30))
    assert "the computer ran out of memory" in str(out_of_memory(caught.value))
    assert out_of_memory(cv2.error("(-215:Assertion failed) !ssize.empty()")) is None


def _cpu_allocator_fails(problem, params, ctx):
    raise RuntimeError("[enforce fail at alloc_cpu.cpp:116] DefaultCPUAllocator: can't allocate memory")


def test_the_cli_prints_one_line_when_the_cpu_allocator_fails(tmp_path, capsys, register_for_test):
    method = registry.Method(
        "cpu_oom_test", "CPU OOM", "test", frozenset({Task.DENOISE}), ParamSpec([]), _cpu_allocator_fails
    )
    register_for_test(method)
    source = write_image(Image(np.full((8, 8, 1), 0.5, np.float32)), tmp_path / "in.png")
    assert main(["restore", str(source), "-o", str(tmp_path / "out.png"), "-m", "cpu_oom_test"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and error.startswith("workbench: error: the computer ran out of memory")


def test_under_an_address_space_limit_an_upscale_that_cannot_fit_is_refused(small_png, tmp_path):
    code = (
        "import resource, sys\n"
        "size = int(open('/proc/self/status').read().split('VmSize:')[1].split()[0]) * 1024\n"
        "resource.setrlimit(resource.RLIMIT_AS, (size + 2 * 10**9, resource.RLIM_INFINITY))\n"
        "from workbench.cli import main\n"
        f"sys.exit(main(['restore', {str(small_png)!r}, '-o', {str(tmp_path / 'o.png')!r}, "
        "'-m', 'bicubic', '--scale', '300']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != memory.LIMIT_VARIABLE} | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "needs about 4.4 GB of memory, more than the" in done.stderr
    assert done.stderr.count("\n") == 1 and not (tmp_path / "o.png").exists()


def _lying_mat(path: Path) -> Path:
    """A small HDF5 file whose one array declares 6e9 x 6 float32 samples (144 GB), never written."""
    with h5py.File(path, "w") as file:
        file.create_dataset(
            "net/layers", shape=(6_000_000_000, 6), dtype="f4", chunks=(1024, 6), compression="gzip"
        )
    return path


def test_a_weight_file_declaring_far_more_than_it_holds_is_a_bad_weight_file(tmp_path):
    path = _lying_mat(tmp_path / "bad.mat")
    assert path.stat().st_size < 16_000
    with pytest.raises(
        InputError, match=r"bad\.mat: a bad weight file: its arrays declare 144 GB in a file of"
    ):
        load_matconvnet(path)


def test_the_cli_blames_the_weight_file_not_the_memory(tmp_path, capsys):
    weights = _lying_mat(tmp_path / "bad.mat")
    source = write_image(Image(np.full((16, 16, 1), 0.5, np.float32)), tmp_path / "in.png")
    args = [
        "restore",
        str(source),
        "-o",
        str(tmp_path / "o.png"),
        "-m",
        "dncnn",
        "--set",
        f"weights={weights}",
    ]
    assert main(args) == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "a bad weight file" in error and "ran out of memory" not in error


def test_tiles_that_do_not_fit_are_refused_before_the_first_tile(monkeypatch):
    monkeypatch.setenv(memory.LIMIT_VARIABLE, "200k")
    model = DnCNN(channels=1, depth=3, width=8)
    with pytest.raises(OutOfMemory, match=r"a 64x64 image in 64-pixel tiles needs about"):
        tiling.denoise_image(model, np.zeros((64, 64, 1), np.float32), tile=0)


class _FailsOnLargeTiles(torch.nn.Module):
    """A stand-in network whose 'allocator' fails on a window wider than 200 pixels."""

    receptive_radius = 2
    alignment = 1
    channels = 1

    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 1, 5, padding=2, bias=False)
        torch.nn.init.constant_(self.conv.weight, 1 / 25)
        self.widths: list[int] = []

    def forward(self, x: torch.Tensor, sigma=None) -> torch.Tensor:
        self.widths.append(x.shape[-1])
        if x.shape[-1] > 200:
            raise RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 9 GB")
        return self.conv(x)


def test_running_out_of_memory_retries_with_smaller_tiles_and_says_so():
    model = _FailsOnLargeTiles()
    pixels = np.random.default_rng(0).random((300, 300, 1), dtype=np.float32)
    ctx = RunContext()
    result = tiling.denoise_fitting(model, pixels, tile=512, ctx=ctx)
    np.testing.assert_allclose(result, tiling.denoise_image(model, pixels, tile=128), atol=1e-6)
    assert ctx.notes["memory"] == [
        "out of memory on cpu: retried with 256-pixel tiles",
        "out of memory on cpu: retried with 128-pixel tiles",
    ]


def test_out_of_memory_on_the_gpu_goes_to_smaller_tiles_then_to_the_cpu(monkeypatch):
    """A fake allocator fails on 'cuda' whatever the tile; the run ends on the CPU with one note per step."""
    real = tiling.denoise_image
    seen = []

    def fake(model, pixels, sigma, tile, ctx, device):
        seen.append((torch.device(device).type, tile))
        if torch.device(device).type == "cuda":
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(model, pixels, sigma, tile, ctx, device)

    monkeypatch.setattr(tiling, "denoise_image", fake)
    ctx = RunContext()
    pixels = np.random.default_rng(1).random((64, 64, 1), dtype=np.float32)
    model = DnCNN(channels=1, depth=3, width=8)
    result = tiling.denoise_fitting(model, pixels, tile=512, ctx=ctx, device="cuda")
    assert seen == [("cuda", 512), ("cuda", 256), ("cuda", 128), ("cpu", 512)]
    assert ctx.notes["memory"][-1] == "out of memory on the GPU even with 128-pixel tiles: ran on the CPU"
    np.testing.assert_allclose(result, real(model, pixels, tile=512), atol=1e-6)
