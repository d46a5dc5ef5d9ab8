"""Training core: batches, noise, loss going down, resumable checkpoints, cancel, the train CLI."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from workbench.cli import main as cli_main
from workbench.core.errors import Cancelled, InputError, ParameterError
from workbench.core.jobs import RunContext
from workbench.core.metrics import psnr
from workbench.core.models.weights import load_weights
from workbench.core.tiling import denoise_image
from workbench.core.train.batches import BlindSpotBatches, PairBatches, SupervisedBatches, neighbour_values
from workbench.core.train.data import load_folder, random_patches
from workbench.core.train.evaluate import add_gaussian
from workbench.core.train.noise import NoiseModel
from workbench.core.train.session import denoise_with, noise_level, noisy_copy, prepare_run
from workbench.core.train.setup import TrainSettings
from workbench.core.train.trainer import TrainConfig, Trainer, make_optimizer

pytestmark = pytest.mark.usefixtures("torch_threads")

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def _smooth_images(count: int = 3, size: int = 48) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    images = []
    for _ in range(count):
        coarse = rng.random((size // 8, size // 8)).astype(np.float32)
        images.append(cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)[..., None].clip(0, 1))
    return images


def _trainer(steps: int = 6, seed: int = 0) -> Trainer:
    source = SupervisedBatches(_smooth_images(), NoiseModel("gaussian", 10, 40), patch=16, batch=4, align=2)
    config = TrainConfig("ffdnet", {"depth": 3, "width": 8}, steps=steps, lr=3e-3, seed=seed)
    return Trainer(config, source)


def test_patches_have_the_asked_shape_and_aligned_corners():
    image = np.arange(40 * 40, dtype=np.float32).reshape(40, 40, 1)
    patches = random_patches([image], 20, 8, np.random.default_rng(0), align=2)
    assert patches.shape == (20, 1, 8, 8)
    corners = patches.reshape(20, -1).min(axis=1).astype(int)
    assert all((corner // 40) % 2 == 0 and (corner % 40) % 2 == 0 for corner in corners)


def test_gaussian_noise_has_the_asked_std():
    clean = torch.full((4, 1, 64, 64), 0.5)
    noisy, levels = NoiseModel("gaussian", 25, 25).sample(clean, torch.Generator().manual_seed(0))
    assert torch.allclose(levels, torch.full((4,), 25 / 255))
    assert float((noisy - clean).std()) == pytest.approx(25 / 255, rel=0.03)


def test_poisson_gaussian_noise_grows_with_brightness():
    generator = torch.Generator().manual_seed(0)
    model = NoiseModel("poisson_gaussian", 5, 5, peak=20)
    dark, _ = model.sample(torch.full((1, 1, 64, 64), 0.1), generator)
    bright, _ = model.sample(torch.full((1, 1, 64, 64), 0.9), generator)
    assert float(bright.std()) > 2 * float(dark.std())


def test_blind_spot_replaces_pixels_by_a_different_neighbour():
    image = torch.arange(16 * 16, dtype=torch.float32).reshape(1, 1, 16, 16)
    values = neighbour_values(image, 2, torch.Generator().manual_seed(0))
    rows, cols = values.long() // 16, values.long() % 16
    dy = rows - torch.arange(16).reshape(1, 1, -1, 1)
    dx = cols - torch.arange(16).reshape(1, 1, 1, -1)
    assert int(dy.abs().max()) <= 2 and int(dx.abs().max()) <= 2
    assert not torch.any((dy == 0) & (dx == 0))


def test_blind_spot_batches_mask_about_the_asked_share():
    source = BlindSpotBatches(_smooth_images(1, 64), sigma=25, patch=32, batch=8, ratio=0.05)
    batch = source.next(np.random.default_rng(0), torch.Generator().manual_seed(0))
    share = float(batch.mask.float().mean())
    assert 0.03 < share < 0.07
    assert torch.equal(batch.inputs[~batch.mask], batch.targets[~batch.mask])


def test_noise2noise_batches_pair_the_same_patch_of_both_shots():
    clean = _smooth_images(1)[0]
    first, second = clean + 0.1, clean + 0.2
    batch = PairBatches([(first, second)], sigma=10, patch=16, batch=6).next(
        np.random.default_rng(0), torch.Generator().manual_seed(0)
    )
    assert torch.allclose((batch.inputs - batch.targets).abs(), torch.full_like(batch.inputs, 0.1), atol=1e-6)


def test_training_lowers_the_loss():
    trainer = _trainer(steps=60)
    trainer.run()
    losses = [record.loss for record in trainer.history]
    assert trainer.step_count == 60
    assert np.mean(losses[-10:]) < 0.6 * np.mean(losses[:10])
    assert trainer.history[-1].lr < trainer.history[0].lr


def test_resumed_training_continues_exactly(tmp_path):
    straight = _trainer(steps=6)
    straight.run()
    first = _trainer(steps=6)
    for _ in range(3):
        first.step()
    first.save_checkpoint(tmp_path / "run.ckpt")
    resumed = Trainer.from_checkpoint(tmp_path / "run.ckpt", first.source)
    resumed.run()
    assert [r.loss for r in resumed.history] == pytest.approx([r.loss for r in straight.history], rel=1e-5)
    for name, tensor in straight.model.state_dict().items():
        assert torch.allclose(resumed.model.state_dict()[name].float(), tensor.float(), atol=1e-6)


def test_cancel_stops_training_and_saves_a_checkpoint(tmp_path):
    trainer = _trainer(steps=100)
    ctx = RunContext()
    with pytest.raises(Cancelled):
        trainer.run(
            ctx, checkpoint=tmp_path / "c.ckpt", on_step=lambda r: ctx.cancel() if r.step == 2 else None
        )
    assert trainer.step_count == 2
    assert Trainer.from_checkpoint(tmp_path / "c.ckpt", trainer.source).step_count == 2


def test_a_broken_checkpoint_is_an_input_error(tmp_path):
    path = tmp_path / "bad.ckpt"
    torch.save({"config": {"bogus": 1}}, path)
    with pytest.raises(InputError, match="checkpoint"):
        Trainer.from_checkpoint(path, _trainer().source)


def test_export_writes_weights_with_a_card(tmp_path):
    trainer = _trainer(steps=2)
    trainer.run()
    loaded = load_weights(trainer.export(tmp_path / "w.pt", {"training_data": "synthetic"}))
    assert loaded.architecture == "ffdnet" and loaded.card["steps"] == 2
    assert loaded.card["training_data"] == "synthetic"


def test_train_cli_trains_resumes_and_writes_weights(tmp_path, capsys):
    folder = tmp_path / "clean"
    folder.mkdir()
    for index, image in enumerate(_smooth_images()):
        cv2.imwrite(str(folder / f"{index}.png"), (image[..., 0] * 255).astype(np.uint8))
    common = [
        "train",
        "supervised",
        str(folder),
        "-o",
        str(tmp_path / "w.pt"),
        "--arch",
        "dncnn",
        "--model",
        "depth=3",
        "--model",
        "width=8",
        "--patch",
        "16",
        "--batch",
        "2",
        "--sigma",
        "5:30",
        "--checkpoint",
        str(tmp_path / "w.ckpt"),
        "--optimizer",
        "sgd",
        "--lr",
        "0.02",
        "--weight-decay",
        "1e-4",
    ]
    assert cli_main([*common, "--steps", "2"]) == 0
    assert cli_main([*common, "--steps", "4", "--resume"]) == 1
    assert "would overwrite" in capsys.readouterr().err
    assert cli_main([*common, "--steps", "4", "--resume", "--overwrite"]) == 0
    assert "4 steps" in capsys.readouterr().out
    card = load_weights(tmp_path / "w.pt").card
    assert card["noise"]["sigma_range"] == [5.0, 30.0]
    assert (card["optimizer"], card["weight_decay"]) == ("sgd", 1e-4)


def test_sgd_with_weight_decay_trains_resumes_and_is_on_the_card(tmp_path):
    source = SupervisedBatches(_smooth_images(), NoiseModel("gaussian", 25, 25), patch=16, batch=4, align=2)
    model = {"depth": 3, "width": 8}
    config = TrainConfig("dncnn", model, steps=40, lr=0.05, optimizer="sgd", weight_decay=1e-4)
    trainer = Trainer(config, source)
    assert isinstance(trainer.optimizer, torch.optim.SGD)
    assert trainer.optimizer.param_groups[0]["momentum"] == 0.9
    assert trainer.optimizer.param_groups[0]["weight_decay"] == 1e-4
    trainer.run()
    losses = [record.loss for record in trainer.history]
    assert np.mean(losses[-10:]) < np.mean(losses[:10])
    trainer.save_checkpoint(tmp_path / "sgd.ckpt")
    assert isinstance(Trainer.from_checkpoint(tmp_path / "sgd.ckpt", source).optimizer, torch.optim.SGD)
    card = load_weights(trainer.export(tmp_path / "sgd.pt", {})).card
    assert (card["optimizer"], card["weight_decay"]) == ("sgd", 1e-4)


def test_weight_decay_shrinks_weights_that_get_no_gradient():
    weight = torch.nn.Parameter(torch.ones(3))
    config = TrainConfig(lr=0.1, optimizer="sgd", weight_decay=0.5)
    optimiser = make_optimizer(config, [weight])
    weight.grad = torch.zeros(3)
    optimiser.step()
    assert torch.allclose(weight.detach(), torch.full((3,), 0.95))


def test_an_unknown_optimizer_or_negative_decay_is_refused():
    with pytest.raises(ParameterError, match="unknown optimizer 'lbfgs'"):
        make_optimizer(TrainConfig(optimizer="lbfgs"), [torch.nn.Parameter(torch.ones(1))])
    with pytest.raises(ParameterError, match="weight decay"):
        make_optimizer(TrainConfig(weight_decay=-1.0), [torch.nn.Parameter(torch.ones(1))])


def test_train_cli_names_a_bad_sigma(tmp_path, capsys):
    assert cli_main(["train", "supervised", str(tmp_path), "-o", str(tmp_path / "w.pt"), "--sigma", "x"]) == 1
    assert "--sigma" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "datasets" / "set12").is_dir(), reason="Set12 not present")
def test_blind_spot_training_on_one_noisy_image_beats_the_input_by_5_db():
    clean = load_folder(SHARED / "datasets" / "set12")[4]
    noisy = add_gaussian(clean, 25.0, 0)
    source = BlindSpotBatches([noisy], sigma=25, patch=64, batch=8, align=4)
    trainer = Trainer(TrainConfig("unet", {"width": 16}, steps=400, lr=2e-3), source)
    trainer.run()
    estimate = np.clip(denoise_image(trainer.model, noisy, 25.0, tile=0), 0, 1)
    assert psnr(estimate, clean) > psnr(noisy, clean) + 5.0


def _clean_folder(tmp_path: Path, count: int = 3) -> Path:
    folder = tmp_path / "clean"
    folder.mkdir()
    for index, image in enumerate(_smooth_images(count, size=32)):
        cv2.imwrite(str(folder / f"{index}.png"), (image[..., 0] * 255).astype(np.uint8))
    return folder


def test_prepare_run_holds_out_the_folders_last_image_for_validation(tmp_path):
    small = {"depth": 3, "width": 8}
    settings = TrainSettings(
        "supervised", _clean_folder(tmp_path), model_kwargs=small, sigma_min=10, sigma_max=30, patch=16
    )
    prepared = prepare_run(settings)
    assert len(prepared.trainer.source.images) == 2
    assert "held out" in prepared.validation.label
    assert prepared.validation.sigma == 20
    noisy_psnr = psnr(np.clip(prepared.validation.noisy, 0, 1), prepared.validation.clean)
    assert prepared.trainer.validate(prepared.validation) == pytest.approx(noisy_psnr, abs=1e-3)


def test_prepare_run_trains_blind_spot_on_each_channel_of_an_image_in_memory():
    noisy = np.random.default_rng(0).random((40, 36, 3), dtype=np.float32)
    clean = np.full_like(noisy, 0.5)
    settings = TrainSettings("blindspot", Path(), architecture="unet", model_kwargs={"width": 4}, patch=16)
    prepared = prepare_run(settings, noisy, clean)
    assert [image.shape for image in prepared.trainer.source.images] == [(40, 36, 1)] * 3
    assert prepared.validation.noisy.shape == (40, 36, 3)
    prepared.trainer.step()
    assert denoise_with(prepared.trainer, noisy, 25.0).shape == noisy.shape


def test_prepare_run_refuses_a_misaligned_patch_and_a_missing_checkpoint(tmp_path):
    folder = _clean_folder(tmp_path)
    with pytest.raises(ParameterError, match="multiple of 4"):
        prepare_run(TrainSettings("supervised", folder, architecture="unet", patch=18))
    with pytest.raises(InputError, match="checkpoint"):
        prepare_run(TrainSettings("supervised", folder, patch=16), resume=tmp_path / "none.ckpt")
    with pytest.raises(InputError, match="open image"):
        prepare_run(TrainSettings("blindspot", Path(), patch=16))


def test_poisson_gaussian_validation_noise_is_signal_dependent_and_its_level_is_the_mid_grey_std():
    ramp = np.repeat(np.linspace(0.05, 0.95, 128, dtype=np.float32)[None, :, None], 128, axis=0)
    settings = TrainSettings(
        "supervised", Path(), noise="poisson_gaussian", sigma_min=2, sigma_max=2, peak=20
    )
    validation = noisy_copy(ramp, settings, "ramp")
    residual = validation.noisy - validation.clean
    assert residual[:, 96:].std() > 2 * residual[:, :32].std()
    assert validation.sigma == pytest.approx(255 * np.sqrt((2 / 255) ** 2 + 0.5 / 20))
    assert "20 photons at white" in validation.label
    assert noisy_copy(ramp, settings, "ramp").noisy.tolist() == validation.noisy.tolist()


def test_a_poisson_gaussian_model_is_given_its_mid_grey_level():
    settings = TrainSettings(
        "supervised", Path(), noise="poisson_gaussian", sigma_min=2, sigma_max=2, peak=20
    )
    flat = np.full((64, 64, 1), 0.5, dtype=np.float32)
    assert noise_level(settings, flat) == pytest.approx(255 * np.sqrt((2 / 255) ** 2 + 0.5 / 20))


def test_a_supervised_model_is_given_the_images_estimated_sigma_inside_its_range():
    settings = TrainSettings("supervised", Path(), sigma_min=10, sigma_max=30)
    flat = np.full((64, 64, 1), 0.5, dtype=np.float32)
    assert noise_level(settings, flat) == 10
    assert noise_level(settings, add_gaussian(flat, 20, 0)) == pytest.approx(20, abs=2)
    assert noise_level(TrainSettings("blindspot", Path(), sigma_min=15), flat) == 15
