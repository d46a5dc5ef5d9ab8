"""Files a user can get wrong: one InputError naming the file and the reason each, and no partial output."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image as PILImage

from workbench.core.errors import InputError, ParameterError
from workbench.core.image import Image
from workbench.core.io import RawOptions, read_image, read_mask, write_image, write_mask

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
RAW_DIR = SHARED / "raw"
needs_raw = pytest.mark.skipif(not RAW_DIR.is_dir(), reason="shared RAW files not present")


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG of an 8-bit RGB image of the given size holding only a few bytes of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes(64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def valid_file(tmp_path: Path, name: str, size: tuple[int, int] = (40, 30)) -> Path:
    pixels = np.random.default_rng(0).random((size[1], size[0], 3)).astype(np.float32)
    return write_image(Image(pixels), tmp_path / name)


def error_for(path: Path, **options) -> str:
    with pytest.raises(InputError) as caught:
        read_image(path, **options)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return message


def test_missing_file(tmp_path):
    assert "no such file" in error_for(tmp_path / "absent.png")


def test_folder_instead_of_a_file(tmp_path):
    assert "is a folder" in error_for(tmp_path)


def test_empty_file(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert "empty" in error_for(tmp_path / "empty.jpg")


@pytest.mark.parametrize("name", ["cut.png", "cut.jpg", "cut.tif"])
def test_truncated_file(tmp_path, name):
    data = valid_file(tmp_path, name, size=(64, 48)).read_bytes()
    (tmp_path / name).write_bytes(data[: len(data) // 2])
    assert "cannot decode" in error_for(tmp_path / name)


def test_truncated_16_bit_png(tmp_path):
    pixels = np.random.default_rng(0).random((32, 32, 3)).astype(np.float32)
    data = write_image(Image(pixels, bit_depth=16), tmp_path / "cut16.png").read_bytes()
    (tmp_path / "cut16.png").write_bytes(data[: len(data) // 2])
    assert "cannot decode" in error_for(tmp_path / "cut16.png")


def test_text_file_named_png(tmp_path):
    (tmp_path / "notes.png").write_text("shopping list: milk, eggs\n")
    assert "not an image (the content is text)" in error_for(tmp_path / "notes.png")


@pytest.mark.parametrize("name", ["noise.bin", "noise.png"])
def test_unrecognised_binary_content(tmp_path, name):
    (tmp_path / name).write_bytes(np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    assert "unsupported format" in error_for(tmp_path / name)


def test_image_format_we_do_not_support(tmp_path):
    PILImage.new("RGB", (16, 16), "red").save(tmp_path / "icon.ico")
    assert "unsupported format" in error_for(tmp_path / "icon.ico")


def test_bogus_raw(tmp_path):
    content = bytes(range(256)) * 64
    for name in ("photo.dng", "photo.cr2"):
        (tmp_path / name).write_bytes(content)
        assert "not a camera RAW that LibRaw can decode" in error_for(tmp_path / name)


def test_text_file_named_as_raw(tmp_path):
    (tmp_path / "photo.nef").write_text("this is no raw file at all")
    assert "not an image (the content is text)" in error_for(tmp_path / "photo.nef")


@needs_raw
def test_truncated_dng(tmp_path):
    data = (RAW_DIR / "colorchart.dng").read_bytes()
    (tmp_path / "cut.dng").write_bytes(data[:200_000])
    assert "camera RAW" in error_for(tmp_path / "cut.dng")


def test_huge_dimensions_are_refused_before_decoding(tmp_path):
    (tmp_path / "bomb.png").write_bytes(png_header_claiming(30000, 30000))
    message = error_for(tmp_path / "bomb.png")
    assert message.endswith("is 30000x30000 (900 MP), more than the 200 MP limit")


def test_pillow_size_warnings_never_escape(tmp_path):
    (tmp_path / "big.png").write_bytes(png_header_claiming(9500, 9500))
    assert "cannot decode" in error_for(tmp_path / "big.png")


@pytest.mark.parametrize("name", ["small.png", "small.jpg", "small.tif"])
def test_pixel_limit_applies_to_every_format(tmp_path, name):
    valid_file(tmp_path, name)
    assert "is 40x30 (0 MP), more than the 0 MP limit" in error_for(tmp_path / name, max_pixels=1000)


@needs_raw
def test_pixel_limit_applies_to_raw():
    message = error_for(RAW_DIR / "RAW_KODAK_DC50.KDC", max_pixels=100_000, raw=RawOptions(half_size=True))
    assert "is 768x512" in message


def test_existing_file_is_not_overwritten(tmp_path):
    target = tmp_path / "keep.png"
    target.write_bytes(b"precious")
    with pytest.raises(InputError, match="already exists"):
        write_image(Image(np.zeros((2, 2))), target)
    assert target.read_bytes() == b"precious"
    write_image(Image(np.zeros((2, 2))), target, overwrite=True)
    assert read_image(target).pixels.shape == (2, 2, 1)


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def half_written(path, samples, metadata):
        path.write_bytes(b"II*\x00 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tifffile, "imwrite", lambda path, *a, **k: half_written(path, None, None))
    with pytest.raises(InputError, match=r"out\.tif: cannot write \(No space left on device\)"):
        write_image(Image(np.zeros((4, 4, 3))), tmp_path / "out.tif")
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "old.tif"
    tifffile.imwrite(target, np.zeros((2, 2), np.uint8))
    before = target.read_bytes()
    monkeypatch.setattr(tifffile, "imwrite", lambda *a, **k: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(InputError):
        write_image(Image(np.ones((4, 4))), target, overwrite=True)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["old.tif"]


def test_writing_into_a_missing_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_image(Image(np.zeros((2, 2))), tmp_path / "nowhere" / "x.png")


def test_writing_an_unknown_extension(tmp_path):
    with pytest.raises(InputError, match=r"cannot write '\.bmp' files"):
        write_image(Image(np.zeros((2, 2))), tmp_path / "x.bmp")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("options", [{"bit_depth": 12}, {"quality": 0}])
def test_bad_write_parameters(tmp_path, options):
    with pytest.raises(ParameterError):
        write_image(Image(np.zeros((2, 2))), tmp_path / "x.tif", **options)


def test_mask_writer_refuses_to_overwrite(tmp_path):
    write_mask(np.ones((3, 3), bool), tmp_path / "m.npy")
    with pytest.raises(InputError, match="already exists"):
        write_mask(np.zeros((3, 3), bool), tmp_path / "m.npy")
    assert read_mask(tmp_path / "m.npy").all()


def test_corrupt_npy_mask(tmp_path):
    (tmp_path / "m.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(InputError, match=r"m\.npy: not a readable \.npy array"):
        read_mask(tmp_path / "m.npy")
