"""``workbench degrade``: writes the degraded image and its mask or kernel; refuses bad requests cleanly."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.cli import main
from workbench.core import operators
from workbench.core.image import Image
from workbench.core.io import read_image, read_kernel, read_mask, write_image


@pytest.fixture
def clean(tmp_path):
    rows, cols = np.mgrid[0:40, 0:48] / 48
    pixels = np.stack([0.5 + 0.3 * np.sin(6 * rows + k * cols) for k in (1, 2, 3)], axis=2)
    return write_image(Image(pixels.astype(np.float32)), tmp_path / "clean.png")


def _files(folder) -> set[str]:
    return {path.name for path in folder.iterdir()}


def test_noise_output_matches_the_core_operator_with_the_same_seed(clean, tmp_path, capsys):
    out = tmp_path / "noisy.png"
    assert (
        main(
            [
                "degrade",
                str(clean),
                "-o",
                str(out),
                "--op",
                "gaussian_noise",
                "--set",
                "sigma=15",
                "--seed",
                "4",
            ]
        )
        == 0
    )
    expected, _ = operators.degrade(read_image(clean), "gaussian_noise", {"sigma": 15}, seed=4)
    assert np.abs(read_image(out).pixels - expected.pixels).max() <= 0.5 / 255 + 1e-6
    assert "gaussian_noise" in capsys.readouterr().out
    assert _files(tmp_path) == {"clean.png", "noisy.png"}


def test_mask_is_written_beside_the_output(clean, tmp_path):
    out = tmp_path / "holes.png"
    assert main(["degrade", str(clean), "-o", str(out), "--op", "mask", "--set", "fraction=0.3"]) == 0
    mask = read_mask(tmp_path / "holes_mask.png", shape=(40, 48))
    assert abs((1 - mask.mean()) - 0.3) < 0.01
    assert np.all(read_image(out).pixels[~mask] == 0)


def test_kernel_is_written_beside_the_output(clean, tmp_path):
    out = tmp_path / "blurred.tif"
    args = [
        "degrade",
        str(clean),
        "-o",
        str(out),
        "--op",
        "blur",
        "--set",
        "kind=motion",
        "--set",
        "length=7",
    ]
    assert main(args) == 0
    _, degradation = operators.degrade(read_image(clean), "blur", {"kind": "motion", "length": 7})
    assert np.allclose(read_kernel(tmp_path / "blurred_kernel.npy"), degradation.kernel, atol=1e-7)
    assert read_image(out).pixels.shape == (40, 48, 3)


def test_downsample_writes_a_smaller_image(clean, tmp_path):
    out = tmp_path / "small.png"
    assert main(["degrade", str(clean), "-o", str(out), "--op", "downsample", "--set", "scale=4"]) == 0
    assert read_image(out).pixels.shape == (10, 12, 3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--op", "sharpen"], "unknown degradation 'sharpen'"),
        (["--op", "jpeg", "--set", "strength=3"], "unknown parameter 'strength' for jpeg"),
        (["--op", "jpeg", "--set", "quality=0"], "'quality'"),
        (["--op", "jpeg", "--set", "quality"], "expected NAME=VALUE"),
        (["--op", "mask", "--seed", "-3"], "'seed'"),
    ],
)
def test_bad_requests_print_one_line_and_write_nothing(clean, tmp_path, capsys, extra, message):
    out = tmp_path / "out.png"
    assert main(["degrade", str(clean), "-o", str(out), *extra]) == 1
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1 and "Traceback" not in error
    assert _files(tmp_path) == {"clean.png"}


def test_missing_input_names_the_file(tmp_path, capsys):
    missing = tmp_path / "nothing.png"
    assert main(["degrade", str(missing), "-o", str(tmp_path / "out.png"), "--op", "jpeg"]) == 1
    assert "nothing.png" in capsys.readouterr().err
    assert _files(tmp_path) == set()


def test_existing_companion_file_blocks_every_write_unless_overwriting(clean, tmp_path, capsys):
    out = tmp_path / "holes.png"
    (tmp_path / "holes_mask.png").write_bytes(b"keep")
    assert main(["degrade", str(clean), "-o", str(out), "--op", "mask"]) == 1
    assert "holes_mask.png: already exists" in capsys.readouterr().err
    assert not out.exists() and (tmp_path / "holes_mask.png").read_bytes() == b"keep"
    assert main(["degrade", str(clean), "-o", str(out), "--op", "mask", "--overwrite"]) == 0
    assert read_mask(tmp_path / "holes_mask.png").shape == (40, 48)


def test_unwritable_extension_is_refused_before_reading(clean, tmp_path, capsys):
    assert main(["degrade", str(clean), "-o", str(tmp_path / "out.gif"), "--op", "jpeg"]) == 1
    assert "cannot write '.gif'" in capsys.readouterr().err


def test_help_names_the_word_for_an_automatic_kernel_size(capsys):
    with pytest.raises(SystemExit):
        main(["degrade", "--help"])
    assert "size=auto (= 0)" in " ".join(capsys.readouterr().out.split())


def test_the_word_auto_sets_the_automatic_kernel_size(clean, tmp_path):
    word, zero = tmp_path / "word.png", tmp_path / "zero.png"
    for out, size in ((word, "auto"), (zero, "0")):
        assert main(["degrade", str(clean), "-o", str(out), "--op", "blur", "--set", f"size={size}"]) == 0
    assert np.array_equal(read_image(word).pixels, read_image(zero).pixels)
