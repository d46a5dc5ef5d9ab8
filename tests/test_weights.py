"""Weight files: own format round trip, refused malicious pickles, published DnCNN imports."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from workbench.core.errors import InputError
from workbench.core.metrics import psnr
from workbench.core.models import build_model
from workbench.core.models.published import open_weights
from workbench.core.models.weights import load_weights, save_weights
from workbench.core.tiling import denoise_image
from workbench.core.train.data import read_training_image
from workbench.core.train.evaluate import add_gaussian

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
OFFICIAL = SHARED / "models" / "dncnn_official"
needs_official = pytest.mark.skipif(not OFFICIAL.is_dir(), reason="published DnCNN weights not present")


class _RunsShell:
    """Pickles as a call to os.system: loading it naively would run the command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_own_format_round_trip_keeps_weights_and_card(tmp_path):
    kwargs = {"depth": 3, "width": 8, "unshuffle": 2}
    model = build_model("dncnn", **kwargs)
    torch.nn.init.normal_(model.body[-1].weight)
    path = save_weights(
        tmp_path / "m.pt", model, "dncnn", kwargs, {"steps": 7, "psnr": {"bsd68_sigma25": 1.0}}
    )
    loaded = load_weights(path)
    assert loaded.kwargs == kwargs and loaded.card["steps"] == 7
    for name, tensor in model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[name], tensor)
    assert (tmp_path / "m.json").is_file()
    assert not loaded.model.training


def test_weights_that_do_not_fit_the_architecture_are_an_input_error(tmp_path):
    path = save_weights(tmp_path / "m.pt", build_model("dncnn", depth=3, width=8), "dncnn", {"depth": 4}, {})
    with pytest.raises(InputError, match="do not fit"):
        load_weights(path)


def test_files_that_are_not_weights_are_input_errors(tmp_path):
    text = tmp_path / "notes.pt"
    text.write_text("hello")
    with pytest.raises(InputError, match=r"notes\.pt"):
        open_weights(text)
    with pytest.raises(InputError, match="no such"):
        open_weights(tmp_path / "missing.pt")


@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_pickle_that_would_run_a_command_is_refused_without_running_it(tmp_path, writer):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pth"
    if writer == "pickle":
        path.write_bytes(pickle.dumps({"weight": _RunsShell(marker)}, protocol=2))
    else:
        torch.save({"weight": _RunsShell(marker)}, path)
    with pytest.raises(InputError, match=r"refused to load.*system"):
        open_weights(path)
    assert not marker.exists()


def test_own_loader_refuses_the_malicious_file_too(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    torch.save({"format": "workbench-weights", "x": _RunsShell(marker)}, path)
    with pytest.raises(InputError):
        load_weights(path)
    assert not marker.exists()


def _set12_first_psnr(name: str, sigma: float | None = None) -> float:
    model = open_weights(OFFICIAL / name).model
    clean = read_training_image(SHARED / "datasets" / "set12" / "01.png")
    estimate = denoise_image(model, add_gaussian(clean, 25.0, 0), sigma, tile=0)
    return psnr(np.clip(estimate, 0, 1), clean)


@needs_official
@pytest.mark.parametrize(
    ("name", "sigma", "expected"),
    [
        ("specifics_sigma25.mat", None, 30.097),
        ("pytorch_DnCNN_sigma25_model.pth", None, 30.151),
        ("FDnCNN_gray.mat", 25.0, 30.143),
    ],
)
def test_published_weights_give_their_psnr_on_cameraman(name, sigma, expected):
    assert _set12_first_psnr(name, sigma) == pytest.approx(expected, abs=0.01)


@needs_official
def test_published_files_are_read_as_the_right_architecture():
    blind = open_weights(OFFICIAL / "GD_Gray_Blind.mat")
    assert blind.kwargs["depth"] == 20 and blind.kwargs["residual"]
    flexible = open_weights(OFFICIAL / "FDnCNN_color.mat")
    assert (
        flexible.kwargs["channels"] == 3 and flexible.kwargs["noise_map"] and not flexible.kwargs["residual"]
    )
    legacy = open_weights(OFFICIAL / "pytorch_DnCNN_sigma25_model.pth")
    assert legacy.kwargs == {"channels": 1, "depth": 17, "width": 64, "batch_norm": True}
