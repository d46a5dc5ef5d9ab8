"""'workbench viz filters|rf|erf' and the model names it resolves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from workbench.cli import main
from workbench.core import io
from workbench.core.errors import InputError, ParameterError
from workbench.core.image import Image
from workbench.core.models import DnCNN
from workbench.core.viz import (
    GRADIENT_SUPPORT,
    RECURRENCE,
    effective_field,
    filter_grid,
    noise_probe,
    receptive_fields,
)
from workbench.core.viz.models import initial_seed, resolve_model, wrap_model


@pytest.fixture
def small_dncnn_file(tmp_path):
    """A 6-layer, 4-channel DnCNN state dict saved with torch.save, every layer random (as if trained)."""
    torch.manual_seed(1)
    path = tmp_path / "small.pt"
    net = DnCNN(depth=6, width=4)
    for conv in (m for m in net.modules() if isinstance(m, torch.nn.Conv2d)):
        conv.reset_parameters()
    torch.save(net.state_dict(), path)
    return path


def test_paper_configurations_have_their_published_fields():
    assert receptive_fields(resolve_model("dncnn17")).theoretical_rf == 35
    assert receptive_fields(resolve_model("dncnn20")).theoretical_rf == 41
    assert "untrained" in resolve_model("dncnn20").notice


def test_colour_cnn_is_the_shipped_colour_resunet_and_takes_rgb():
    net = resolve_model("colour_cnn")
    assert type(net.net).__name__ == "ResUNet"
    assert net.in_channels == 3 and net.measured_field
    assert "resunet_colour.pt" in net.notice
    field = effective_field(net, noise_probe(32, 3), (16, 16))
    assert field.heat.shape == (32, 32) and field.heat[16, 16] > 0


def test_unet_is_measured_because_it_resamples_in_its_forward_pass():
    net = wrap_model(resolve_model("unet").net.__class__(width=2))
    report = receptive_fields(net)
    assert report.method == GRADIENT_SUPPORT
    assert report.theoretical_rf == 44
    assert not report.clipped


def test_weights_file_is_loaded_into_a_fitting_dncnn(small_dncnn_file):
    net = resolve_model(str(small_dncnn_file))
    assert net.net.depth == 6
    assert receptive_fields(net).method == RECURRENCE
    assert receptive_fields(net).theoretical_rf == 13


def test_unknown_model_and_bad_file_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="use one of dncnn"):
        resolve_model("resnet")
    with pytest.raises(InputError, match="no such weight file"):
        resolve_model(str(tmp_path / "missing.pt"))
    bogus = tmp_path / "bogus.pt"
    bogus.write_text("not torch")
    with pytest.raises(InputError, match=r"bogus\.pt: not a readable PyTorch weight file"):
        resolve_model(str(bogus))


def test_published_matconvnet_weights_are_shown_like_any_model():
    shared = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
    published = shared / "models" / "dncnn_official" / "specifics_sigma25.mat"
    if not published.is_file():
        pytest.skip("the published DnCNN weights are not on this machine")
    net = resolve_model(str(published))
    assert net.net.depth == 17
    assert receptive_fields(net).theoretical_rf == 35


def test_viz_filters_writes_the_grid(tmp_path, small_dncnn_file, capsys):
    out = tmp_path / "filters.png"
    assert main(["viz", "filters", "--model", str(small_dncnn_file), "-o", str(out)]) == 0
    grid = io.read_image(out)
    assert (grid.width, grid.height, grid.channels) == (2 * 24 + 3, 2 * 24 + 3, 3)
    assert "4 filters of layer body.0" in capsys.readouterr().out


def test_viz_rf_writes_plot_and_json(tmp_path, small_dncnn_file):
    plot, record = tmp_path / "rf.png", tmp_path / "rf.json"
    args = ["viz", "rf", "--model", str(small_dncnn_file), "--json", str(record), "-o", str(plot)]
    assert main(args) == 0
    data = json.loads(record.read_text())
    assert data["theoretical_rf"] == 13
    assert [layer["rf"] for layer in data["layers"]] == [3, 5, 7, 9, 11, 13]
    assert set(data["layers"][0]) == {"name", "kernel", "stride", "dilation", "rf"}
    assert 0 < data["effective_rf"]["radius_95"] < 13 / 2
    assert io.read_image(plot).width == 640
    assert main(args) == 1


def test_viz_erf_draws_the_field_over_the_image(tmp_path, small_dncnn_file, capsys):
    pixels = np.random.default_rng(0).random((40, 50, 1), dtype=np.float32)
    image = io.write_image(Image(pixels), tmp_path / "in.png")
    out = tmp_path / "erf.png"
    args = ["viz", "erf", "--model", str(small_dncnn_file), "--at", "20,10", str(image), "-o", str(out)]
    assert main(args) == 0
    picture = io.read_image(out).pixels
    factor = picture.shape[1] // 50
    assert picture.shape[:2] == (40 * factor, 50 * factor)
    corner = ((20 - 6) * factor, (10 - 6) * factor)
    assert np.allclose(picture[corner[1], corner[0]], (0.0, 0.9, 1.0), atol=1 / 255)
    assert "radius_95" in capsys.readouterr().out


def test_viz_erf_refuses_a_bad_pixel(tmp_path, small_dncnn_file, capsys):
    image = io.write_image(Image(np.zeros((8, 8, 1), np.float32)), tmp_path / "in.png")
    base = ["viz", "erf", "--model", str(small_dncnn_file), str(image), "-o", str(tmp_path / "e.png")]
    assert main([*base, "--at", "3;4"]) == 1
    assert "expected two integers X,Y" in capsys.readouterr().err
    assert main([*base, "--at", "9,1"]) == 1
    assert "(9, 1) is outside the 8x8 image" in capsys.readouterr().err


def test_workbench_weight_file_is_loaded_with_its_architecture(tmp_path):
    from workbench.core.models import UNet
    from workbench.core.models.weights import save_weights

    path = save_weights(tmp_path / "unet.pt", UNet(width=2), "unet", {"width": 2}, {"note": "test"})
    net = resolve_model(str(path))
    assert isinstance(net.net, UNet)
    assert net.in_channels == 1 and net.size_multiple == 4
    assert receptive_fields(net).method == GRADIENT_SUPPORT


def test_dncnn_without_shipped_weights_says_it_is_untrained(monkeypatch):
    from workbench.core.viz import models

    monkeypatch.setattr(models, "shipped_dncnn_files", list)
    assert resolve_model("dncnn").notice.startswith("no shipped DnCNN weights found")


def trained_from_scratch(tmp_path, steps: int) -> Path:
    """A workbench weight file of a tiny DnCNN after ``steps`` trainer steps from seed 3."""
    from workbench.core.train.batches import SupervisedBatches
    from workbench.core.train.noise import NoiseModel
    from workbench.core.train.trainer import TrainConfig, Trainer

    images = [np.random.default_rng(0).random((32, 32, 1), dtype=np.float32)]
    source = SupervisedBatches(images, NoiseModel("gaussian", 25.0, 25.0), patch=16, batch=2)
    config = TrainConfig("dncnn", {"depth": 3, "width": 4}, steps=steps, lr=0.05, seed=3)
    trainer = Trainer(config, source)
    trainer.run()
    return trainer.export(tmp_path / f"tiny_{steps}.pt", {})


def test_weight_file_trained_from_scratch_is_compared_with_its_rebuilt_initialisation(tmp_path, capsys):
    untouched = resolve_model(str(trained_from_scratch(tmp_path, 0)))
    assert "seed 3" in untouched.start_label
    assert filter_grid(untouched).start_correlation == pytest.approx(1.0)
    trained_path = trained_from_scratch(tmp_path, 40)
    trained = resolve_model(str(trained_path))
    assert filter_grid(trained).start_correlation < 0.999
    assert main(["viz", "filters", "--model", str(trained_path), "-o", str(tmp_path / "f.png")]) == 0
    printed = capsys.readouterr().out
    assert (
        "median correlation with the filters at its initialisation (rebuilt from the card: seed 3)" in printed
    )
    out = str(tmp_path / "g.png")
    assert main(["viz", "filters", "--model", str(trained_path), "-o", out, "--most-changed-first"]) == 0
    assert "furthest from its start" in capsys.readouterr().out


def test_initial_seed_is_known_only_for_a_first_run_from_scratch():
    assert initial_seed({"seed": 0}) == 0
    assert initial_seed({"seed": 0, "runs": [{"from": "scratch"}, {"from": "run 1"}]}) == 0
    assert initial_seed({"seed": 0, "started_from": "dncnn_gray_s25.pt"}) is None
    assert initial_seed({"seed": 0, "runs": [{"from": "dncnn_gray_s25.pt"}]}) is None
    assert initial_seed({}) is None


def test_published_weights_have_no_known_start(small_dncnn_file):
    net = resolve_model(str(small_dncnn_file))
    assert net.start_filters is None
    assert filter_grid(net).start_correlation is None
