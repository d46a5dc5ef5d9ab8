"""Sweep specs from flags and TOML files; cells, their keys and what they skip."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage

from workbench.core.errors import InputError, ParameterError
from workbench.core.sweep import DegradationSpec, SweepSpec, plan_cells
from workbench.core.sweep.cells import cell_problem
from workbench.core.sweep.datasets import is_pairs, list_images


def write_images(folder, count=3, size=24, seed=0, names=None):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for index in range(count):
        name = names[index] if names else f"img{index}.png"
        PILImage.fromarray(rng.integers(0, 256, (size, size), dtype=np.uint8)).save(folder / name)
    return folder


def test_flags_make_a_grid_per_method_of_the_parameters_it_has(tmp_path):
    folder = write_images(tmp_path / "clean")
    spec = SweepSpec.from_options(
        [folder], "median,gaussian,nlm", "15,25", grid=["radius=1,2", "h_factor=0.5,1"], seeds="0,1"
    )
    cells, skipped = plan_cells(spec)
    per_method = {grid.method: len(grid.combinations()) for grid in spec.methods}
    assert per_method == {"median": 2, "gaussian": 1, "nlm": 2}
    assert len(cells) == 3 * 2 * 2 * (2 + 1 + 2) and not skipped
    assert len({cell.key for cell in cells}) == len(cells)
    nlm = next(cell for cell in cells if cell.method == "nlm" and cell.degradation.values["sigma"] == 15)
    assert nlm.params["sigma"] == 15.0, "the known noise level goes to methods with a sigma parameter"
    assert nlm.swept == {"h_factor": 0.5}


def test_toml_study_matches_the_same_flags(tmp_path):
    folder = write_images(tmp_path / "clean")
    study = tmp_path / "study.toml"
    study.write_text(
        'datasets = ["clean"]\nsigma = [15, 25]\nseeds = [0, 1]\ncrop = 16\n'
        "[methods.median]\nradius = [1, 2]\n[methods.gaussian]\nblur_sigma = 0.8\n"
    )
    from_file = plan_cells(SweepSpec.from_toml(study))[0]
    from_flags = plan_cells(
        SweepSpec.from_options(
            [folder],
            "median,gaussian",
            "15,25",
            grid=["radius=1,2"],
            assignments=["blur_sigma=0.8"],
            seeds="0,1",
            crop=16,
        )
    )[0]
    assert sorted(cell.key for cell in from_file) == sorted(cell.key for cell in from_flags)


def test_key_changes_with_image_bytes_params_degradation_and_seed(tmp_path):
    folder = write_images(tmp_path / "a", count=1)
    base = {cell.key for cell in plan_cells(SweepSpec.from_options([folder], "median", "15"))[0]}
    variants = [
        SweepSpec.from_options([folder], "median", "15", assignments=["radius=2"]),
        SweepSpec.from_options([folder], "median", "25"),
        SweepSpec.from_options([folder], "median", "15", seeds="1"),
        SweepSpec.from_options([folder], "median", "15", crop=8),
    ]
    for spec in variants:
        assert {cell.key for cell in plan_cells(spec)[0]}.isdisjoint(base)
    copy = tmp_path / "b"
    copy.mkdir()
    (copy / "renamed.png").write_bytes((folder / "img0.png").read_bytes())
    renamed = {cell.key for cell in plan_cells(SweepSpec.from_options([copy], "median", "15"))[0]}
    assert renamed == base, "the key hashes the image's bytes, not its name or folder"
    write_images(folder, count=1, seed=5)
    assert {cell.key for cell in plan_cells(SweepSpec.from_options([folder], "median", "15"))[0]}.isdisjoint(
        base
    )


def test_methods_that_do_not_solve_a_degradation_are_skipped_and_named(tmp_path):
    folder = write_images(tmp_path / "clean")
    spec = SweepSpec.from_options([folder], "median,wiener", "15", degrade=["blur:sigma=1.2,noise_sigma=1"])
    cells, skipped = plan_cells(spec)
    assert {(cell.method, cell.degradation.name) for cell in cells} == {
        ("median", "gaussian_noise"),
        ("wiener", "blur"),
    }
    assert any("wiener does not do denoise" in line for line in skipped)
    assert any("median does not do deblur" in line for line in skipped)


def test_real_pairs_folder_is_its_own_degradation(tmp_path):
    folder = tmp_path / "pairs"
    write_images(folder, count=2, names=["a_real.png", "b_real.png"], seed=1)
    write_images(folder, count=2, names=["a_mean.png", "b_mean.png"], seed=2)
    assert is_pairs(folder)
    images = list_images(folder)
    assert [image.name for image in images] == ["a", "b"]
    cells, _ = plan_cells(SweepSpec.from_options([folder], "median,nlm", "", seeds="0"))
    assert {cell.degradation.label for cell in cells} == {"real"}
    problem = cell_problem(next(cell for cell in cells if cell.image.name == "a"))
    noisy = np.asarray(PILImage.open(folder / "a_real.png"), dtype=np.float32) / 255
    assert np.allclose(problem.observed.pixels[..., 0], noisy)
    assert next(cell for cell in cells if cell.method == "nlm").params["sigma"] == "auto"


def test_noise_differs_between_images_of_one_size_and_repeats_per_seed(tmp_path):
    folder = write_images(tmp_path / "clean", count=2)
    cells, _ = plan_cells(SweepSpec.from_options([folder], "median", "25"))
    first, second = (cell_problem(cell) for cell in cells)
    noise = [p.observed.pixels - p.reference.pixels for p in (first, second)]
    assert not np.allclose(noise[0], noise[1])
    assert np.array_equal(cell_problem(cells[0]).observed.pixels, first.observed.pixels)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"methods": "nope"}, "unknown method"),
        ({"methods": "median", "grid": ["h_factor=1,2"]}, "none of the chosen methods"),
        ({"methods": "median", "grid": ["radius=1,99"]}, "must be between"),
        ({"methods": "median", "grid": ["radius=1"], "assignments": ["radius=2"]}, "both --set and --grid"),
        ({"methods": "median", "sigmas": "15,x"}, "not a number"),
        ({"methods": "median", "degrade": ["smear"]}, "unknown degradation"),
        ({"methods": "median", "seeds": "1.5"}, "not an integer"),
        ({"methods": "median", "baseline": "bm3d"}, "not one of the sweep's methods"),
    ],
)
def test_bad_flags_are_refused_before_anything_runs(tmp_path, kwargs, message):
    folder = write_images(tmp_path / "clean", count=1)
    kwargs = {"sigmas": "15"} | kwargs
    with pytest.raises(ParameterError, match=message):
        SweepSpec.from_options([folder], **kwargs)


def test_clean_folder_without_degradation_and_missing_folder_are_refused(tmp_path):
    folder = write_images(tmp_path / "clean", count=1)
    with pytest.raises(ParameterError, match="needs a degradation"):
        plan_cells(SweepSpec.from_options([folder], "median"))
    with pytest.raises(InputError, match="not a folder"):
        SweepSpec.from_options([tmp_path / "missing"], "median", "15")


def test_toml_errors_name_the_file_and_the_key(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text("datasets = [\n")
    with pytest.raises(InputError, match="not a TOML file"):
        SweepSpec.from_toml(study)
    study.write_text('datasets = ["."]\nsigmaa = [15]\n[methods.median]\n')
    with pytest.raises(ParameterError, match="unknown key"):
        SweepSpec.from_toml(study)
    study.write_text('datasets = ["."]\nsigma = [15]\n[methods.median]\nradus = [1]\n')
    with pytest.raises(ParameterError, match="unknown parameter 'radus'"):
        SweepSpec.from_toml(study)


def test_degradation_labels():
    assert DegradationSpec.gaussian(25).label == "sigma 25"
    assert DegradationSpec.of("blur", {"sigma": 2.5}).label == "blur sigma=2.5"
