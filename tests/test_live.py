"""The live-run protocol: DIP, training and plug-and-play are all steppers of one loop, and a
training run pauses, resumes, stops and keeps (exportable with its card) and cancels like DIP."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from workbench.core import live
from workbench.core.dip import DipStepper, preset_settings
from workbench.core.errors import Cancelled
from workbench.core.image import Image
from workbench.core.jobs import RunContext
from workbench.core.models.weights import load_weights
from workbench.core.pnp import PnpSettings, PnpStepper
from workbench.core.problem import Problem, Task
from workbench.core.train.batches import SupervisedBatches
from workbench.core.train.noise import NoiseModel
from workbench.core.train.session import ValidationImage
from workbench.core.train.trainer import TrainConfig, Trainer, TrainingRun

pytestmark = pytest.mark.usefixtures("torch_threads")


def smooth(size: int = 32, seed: int = 0) -> np.ndarray:
    coarse = np.random.default_rng(seed).random((size // 8, size // 8)).astype(np.float32)
    return cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)[..., None].clip(0, 1)


def denoise_problem() -> Problem:
    clean = smooth()
    noisy = np.clip(clean + np.random.default_rng(1).normal(0, 0.1, clean.shape), 0, 1).astype(np.float32)
    return Problem(Image(noisy), Task.DENOISE, reference=Image(clean))


def training(steps: int = 100_000) -> TrainingRun:
    clean = smooth(seed=2)
    validation = ValidationImage(np.clip(clean + 0.1, 0, 1).astype(np.float32), clean, 25.0, "a test image")
    source = SupervisedBatches([smooth(), smooth(seed=3)], NoiseModel("gaussian", 25, 25), patch=16, batch=2)
    trainer = Trainer(TrainConfig("dncnn", {"depth": 3, "width": 8}, steps=steps, seed=0), source)
    return TrainingRun(trainer, validation, 3, previews=validation.previews)


def steppers() -> list:
    dip = DipStepper(denoise_problem(), preset_settings("light", Task.DENOISE, 1, "cpu"))
    blurred = Problem(Image(smooth()), Task.INPAINT, mask=np.ones((32, 32), bool))
    pnp = PnpStepper(blurred, PnpSettings(iterations=3), lambda pixels, sigma: pixels)
    return [dip, training(), pnp]


@pytest.mark.parametrize("index", range(3), ids=["dip", "training", "pnp"])
def test_dip_training_and_plug_and_play_are_all_live_steppers(index):
    stepper = steppers()[index]
    assert isinstance(stepper, live.Stepper)
    assert stepper.previews() == () or index == 2
    record = stepper.step()
    assert stepper.records[-1] is record and 0 < stepper.progress <= 1
    assert stepper.describe(record)
    assert all(picture.dtype == np.float32 and picture.ndim == 3 for picture in stepper.previews())
    assert stepper.end_reason() is None


def test_the_loop_reports_how_a_run_ended_and_returns_its_outcome():
    messages = []
    stepper = PnpStepper(
        Problem(Image(smooth()), Task.INPAINT, mask=np.ones((32, 32), bool)),
        PnpSettings(iterations=3),
        lambda pixels, sigma: pixels,
    )
    outcome = live.run(
        stepper, RunContext(on_progress=lambda fraction, text: messages.append((fraction, text)))
    )
    assert outcome.stop_reason == "done" and len(outcome.records) == 3
    assert messages[-1] == (1.0, "stopped by the end of its schedule after 3 steps")
    assert live.stopped_by("user") == "the user"


def run_in_thread(stepper, ctx: RunContext) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def work() -> None:
        try:
            box["outcome"] = stepper.run(ctx)
        except Cancelled as error:
            box["error"] = error

    thread = threading.Thread(target=work)
    thread.start()
    return thread, box


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_training_pauses_resumes_and_stop_and_keep_exports_the_weights_with_a_card(tmp_path):
    run = training()
    run.checkpoint = tmp_path / "run.ckpt"
    trainer = run.trainer
    run.pause()
    thread, box = run_in_thread(run, RunContext())
    time.sleep(0.2)
    assert trainer.step_count == 0 and run.paused
    run.resume()
    wait_until(lambda: trainer.step_count >= 4)
    run.pause()
    time.sleep(0.2)
    held = trainer.step_count
    time.sleep(0.3)
    assert trainer.step_count == held
    run.stop()
    thread.join(30)
    outcome = box["outcome"]
    assert outcome.stop_reason == "user" and outcome.stopped_by == "the user"
    assert outcome.trainer is trainer and trainer.step_count == held and not trainer.done
    assert trainer.validation[0][0] == 0 and trainer.validation[-1][0] == held
    assert Trainer.from_checkpoint(run.checkpoint, trainer.source).step_count == held
    estimate, noisy = run.previews()
    assert estimate.shape == noisy.shape == (32, 32, 1)
    card = load_weights(trainer.export(tmp_path / "early.pt", {"mode": "supervised"})).card
    assert card["steps"] == held and card["stopped_early"] == f"at step {held} of 100000"


def test_a_training_run_that_reaches_its_target_is_done_and_its_card_says_nothing_of_stopping(tmp_path):
    run = training(steps=4)
    outcome = run.run()
    assert outcome.stop_reason == "done" and run.trainer.step_count == 4
    assert [step for step, _ in run.trainer.validation] == [0, 3, 4]
    assert "stopped_early" not in load_weights(run.trainer.export(tmp_path / "w.pt", {})).card


def test_cancelling_a_paused_training_run_raises_and_writes_its_checkpoint(tmp_path):
    run = training()
    run.checkpoint = tmp_path / "c.ckpt"
    run.trainer.step()
    run.pause()
    ctx = RunContext()
    thread, box = run_in_thread(run, ctx)
    time.sleep(0.1)
    ctx.cancel()
    thread.join(30)
    assert isinstance(box["error"], Cancelled)
    assert Trainer.from_checkpoint(run.checkpoint, run.trainer.source).step_count == 1
