"""Nothing lost: every command refuses, before any work, outputs that clash with each other or with
its inputs (same name, same file through a link) or that exist, and writes side files atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from workbench.cli import main
from workbench.core.compare import MethodRun, export_comparison, run_comparison
from workbench.core.dip.curve import write_curve
from workbench.core.errors import InputError
from workbench.core.image import Image
from workbench.core.io import write_image, write_mask
from workbench.core.io.atomic import write_text
from workbench.core.io.outputs import OutputPlan, same_file
from workbench.core.problem import Problem, Task


@pytest.fixture
def files(tmp_path):
    """A small gray image, a clean reference, a mask and a kernel, all in tmp_path."""
    rng = np.random.default_rng(3)
    write_image(Image(rng.random((24, 20, 1), dtype=np.float32)), tmp_path / "in.png")
    write_image(Image(rng.random((24, 20, 1), dtype=np.float32)), tmp_path / "clean.png")
    write_image(Image(rng.random((24, 20, 1), dtype=np.float32)), tmp_path / "input.png")
    mask = np.ones((24, 20), bool)
    mask[5:9, 5:9] = False
    write_mask(mask, tmp_path / "mask.png")
    np.save(tmp_path / "kernel.npy", np.ones((3, 3), np.float32) / 9)
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


CLASHES = {
    "restore: JSON over the image": "restore {d}/in.png -o {d}/r.tif --json {d}/r.tif -m gaussian",
    "restore: result over the input": "restore {d}/in.png -o {d}/in.png -m gaussian --overwrite",
    "restore: result over the reference": "restore {d}/in.png -o {d}/clean.png --reference {d}/clean.png "
    "-m gaussian --overwrite",
    "restore: result over the mask": "restore {d}/in.png -o {d}/mask.png --mask {d}/mask.png -m telea "
    "--overwrite",
    "dip: log over the image": "dip {d}/in.png -o {d}/o.png --log {d}/o.png --iters 5",
    "dip: image over the input": "dip {d}/in.png -o {d}/in.png --iters 5 --overwrite",
    "degrade: output over the input": "degrade {d}/in.png -o {d}/in.png --op gaussian_noise --overwrite",
    "compare: export over its input": "compare {d}/input.png -m gaussian,median -o {d} --overwrite",
    "bench: JSON over an image": "bench {d} -m gaussian --sigma 25 --json {d}/clean.png --overwrite",
    "viz: JSON over the picture": "viz rf --model dncnn17 -o {d}/p.png --json {d}/p.png",
    "train: checkpoint over the weights": "train blindspot {d}/in.png -o {d}/w.pt --checkpoint {d}/w.pt "
    "--steps 2",
    "train: card over the data": "train blindspot {d}/in.json -o {d}/in.pt --steps 2",
    "train: denoised over the data": "train blindspot {d}/in.png -o {d}/w.pt --denoised {d}/in.png "
    "--steps 2 --overwrite",
}


@pytest.mark.parametrize("command", list(CLASHES.values()), ids=list(CLASHES))
def test_commands_refuse_outputs_that_clash_before_any_work(files, command, capsys):
    if "in.json" in command:
        (files / "in.json").write_text("{}")
    before = _snapshot(files)
    code = main(command.format(d=files).split())
    error = capsys.readouterr().err
    assert code == 1
    assert error.count("\n") == 1 and "give each file its own name" in error
    assert _snapshot(files) == before


def test_an_output_that_is_the_input_through_a_hard_link_is_refused(files, capsys):
    os.link(files / "in.png", files / "alias.png")
    before = _snapshot(files)
    code = main(
        ["restore", str(files / "in.png"), "-o", str(files / "alias.png"), "-m", "gaussian", "--overwrite"]
    )
    assert code == 1 and "would be written over the input" in capsys.readouterr().err
    assert _snapshot(files) == before


def test_an_output_that_is_the_input_through_a_symbolic_link_is_refused(files):
    (files / "sub").mkdir()
    (files / "sub" / "link.png").symlink_to(files / "in.png")
    plan = OutputPlan(overwrite=True)
    plan.read(files / "in.png")
    plan.write(files / "sub" / ".." / "sub" / "link.png", "result")
    with pytest.raises(InputError, match="would be written over the input"):
        plan.check()
    assert same_file(files / "in.png", files / "sub" / "link.png")
    assert not same_file(files / "in.png", files / "clean.png")


def test_degrade_refuses_an_existing_mask_before_writing_the_image(files, capsys):
    (files / "out_mask.png").write_bytes(b"mine")
    code = main(["degrade", str(files / "in.png"), "-o", str(files / "out.png"), "--op", "mask"])
    assert code == 1 and "out_mask.png: already exists" in capsys.readouterr().err
    assert not (files / "out.png").exists() and (files / "out_mask.png").read_bytes() == b"mine"


def test_existing_outputs_are_all_named_at_once(tmp_path):
    plan = OutputPlan()
    for name in ("a.png", "b.json"):
        (tmp_path / name).write_text("x")
        plan.write(tmp_path / name)
    with pytest.raises(InputError, match=r"would overwrite .*a\.png, .*b\.json \(use --overwrite"):
        plan.check()


def test_an_output_in_a_folder_the_command_makes_passes_and_a_missing_folder_does_not(tmp_path):
    plan = OutputPlan()
    plan.create(tmp_path / "new")
    plan.write(tmp_path / "new" / "grid.png")
    plan.check()
    lone = OutputPlan()
    lone.write(tmp_path / "absent" / "x.png")
    with pytest.raises(InputError, match="does not exist"):
        lone.check()


def _fail_half_way(monkeypatch, target_attribute):
    """Make ``target_attribute`` write a few bytes to its file, then fail as a full disk would."""

    def broken(self, data, *args, **kwargs):
        with open(self, "w") as handle:
            handle.write(str(data)[:5])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(target_attribute, broken)


def test_a_text_write_that_fails_half_way_leaves_no_file(tmp_path, monkeypatch):
    _fail_half_way(monkeypatch, "pathlib.Path.write_text")
    with pytest.raises(InputError, match="No space left on device"):
        write_text(tmp_path / "report.json", json.dumps({"psnr": 30.0}))
    assert list(tmp_path.iterdir()) == []


def test_a_dip_log_that_fails_half_way_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    (tmp_path / "curve.csv").write_text("old curve\n")
    _fail_half_way(monkeypatch, "pathlib.Path.write_text")
    with pytest.raises(InputError):
        write_curve([], tmp_path / "curve.csv", overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["curve.csv"]
    assert (tmp_path / "curve.csv").read_text() == "old curve\n"


def test_a_comparison_whose_report_fails_to_write_leaves_no_partial_report(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    problem = Problem(Image(rng.random((16, 16, 1), dtype=np.float32)), Task.DENOISE)
    comparison = run_comparison(problem, [MethodRun("gaussian")])
    _fail_half_way(monkeypatch, "pathlib.Path.write_text")
    with pytest.raises(InputError):
        export_comparison(comparison, tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "metrics.csv" not in names and not [name for name in names if name.startswith(".")]


def test_weights_that_fail_half_way_leave_neither_file(tmp_path, monkeypatch):
    import torch

    from workbench.core.models import build_model
    from workbench.core.models.weights import save_weights

    def broken_save(record, target):
        Path(target).write_bytes(b"PK\x03\x04half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", broken_save)
    model = build_model("dncnn", depth=3, width=4)
    with pytest.raises(InputError, match="No space left"):
        save_weights(tmp_path / "w.pt", model, "dncnn", {"depth": 3, "width": 4}, {})
    assert list(tmp_path.iterdir()) == []


def test_restore_writes_its_json_atomically_beside_the_image(files, capsys):
    code = main(
        [
            "restore",
            str(files / "in.png"),
            "-o",
            str(files / "r.png"),
            "--json",
            str(files / "r.json"),
            "-m",
            "gaussian",
        ]
    )
    assert code == 0
    assert json.loads((files / "r.json").read_text())["method"] == "gaussian"
    assert not [p for p in files.iterdir() if p.name.startswith(".")]
