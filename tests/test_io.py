"""Image I/O: round trips, metadata, odd but valid files, camera RAW, masks, kernels, the bundled samples."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image as PILImage
from PIL import ImageOps
from workbench.resources import path as resource_path

from workbench.core.errors import InputError, ParameterError
from workbench.core.image import Image, from_uint
from workbench.core.io import (
    IMAGE_SUFFIXES,
    RAW_SUFFIXES,
    RawOptions,
    read_image,
    read_kernel,
    read_mask,
    write_image,
    write_kernel,
    write_mask,
)

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
RAW_DIR = SHARED / "raw"
CAMERA = {
    "make": "Canon",
    "model": "EOS R6",
    "iso": 3200,
    "exposure": 1 / 250,
    "datetime": "2023:07:14 18:30:05",
}


def random_pixels(height: int, width: int, channels: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((height, width, channels)).astype(np.float32)


def smooth_pixels(height: int, width: int, channels: int) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    planes = [0.5 + 0.4 * np.sin(3 * x + 2 * y + phase) for phase in (0.0, 2.0, 4.0)[:channels]]
    return np.stack(planes, axis=-1).astype(np.float32)


@pytest.mark.parametrize("suffix", [".png", ".tif", ".tiff"])
@pytest.mark.parametrize("bit_depth", [8, 16])
@pytest.mark.parametrize("channels", [1, 3])
def test_lossless_formats_round_trip_to_the_quantisation_step(tmp_path, suffix, bit_depth, channels):
    original = Image(random_pixels(13, 17, channels), bit_depth=bit_depth)
    back = read_image(write_image(original, tmp_path / f"out{suffix}"))
    step = 1 / (2**bit_depth - 1)
    assert back.pixels.shape == (13, 17, channels)
    assert back.bit_depth == bit_depth
    assert np.abs(back.pixels - original.pixels).max() <= step / 2 + 1e-7
    assert back.notices == []


@pytest.mark.parametrize("channels", [1, 3])
def test_jpeg_round_trip_is_close_and_always_8_bit(tmp_path, channels):
    original = Image(smooth_pixels(48, 64, channels), bit_depth=16)
    back = read_image(write_image(original, tmp_path / "out.jpg", quality=95))
    assert back.pixels.shape == (48, 64, channels)
    assert back.bit_depth == 8
    assert np.abs(back.pixels - original.pixels).mean() < 0.01


def test_jpeg_quality_trades_size_for_fidelity(tmp_path):
    original = Image(random_pixels(64, 64, 3))
    low = write_image(original, tmp_path / "low.jpeg", quality=20)
    high = write_image(original, tmp_path / "high.jpeg", quality=95)
    assert low.stat().st_size < high.stat().st_size
    error = {
        name: np.abs(read_image(p).pixels - original.pixels).mean() for name, p in (("lo", low), ("hi", high))
    }
    assert error["hi"] < error["lo"]


def test_bit_depth_argument_overrides_the_image_depth(tmp_path):
    image = Image(random_pixels(5, 6, 3), bit_depth=8)
    assert read_image(write_image(image, tmp_path / "deep.png", bit_depth=16)).bit_depth == 16
    assert read_image(write_image(image, tmp_path / "deep.tif", bit_depth=16)).bit_depth == 16


def test_tiff_carries_metadata_in_tags_and_an_exif_ifd(tmp_path):
    target = write_image(Image(random_pixels(8, 10, 3), bit_depth=16, metadata=CAMERA), tmp_path / "m.tif")
    assert read_image(target).metadata == CAMERA
    with tifffile.TiffFile(target) as tif:
        tags = tif.pages.first.tags
        exif = tags["ExifTag"].value
        assert (tags["Make"].value, tags["Model"].value) == ("Canon", "EOS R6")
        assert tags["DateTime"].value == CAMERA["datetime"]
        assert tags["BitsPerSample"].value == (16, 16, 16)
        assert exif["ISOSpeedRatings"] == 3200
        assert tuple(exif["ExposureTime"]) == (1, 250)
        assert exif["DateTimeOriginal"] == CAMERA["datetime"]
    with PILImage.open(target) as picture:
        sub = picture.getexif().get_ifd(0x8769)
        assert sub[0x8827] == 3200 and float(sub[0x829A]) == pytest.approx(1 / 250)


def test_jpeg_carries_metadata_in_exif(tmp_path):
    target = write_image(Image(smooth_pixels(16, 16, 3), metadata=CAMERA), tmp_path / "m.jpg")
    assert read_image(target).metadata == CAMERA
    with PILImage.open(target) as picture:
        exif = picture.getexif()
        sub = exif.get_ifd(0x8769)
    assert (exif[0x010F], exif[0x0110], exif[0x0112]) == ("Canon", "EOS R6", 1)
    assert sub[0x8827] == 3200 and float(sub[0x829A]) == pytest.approx(1 / 250)


def test_png_carries_metadata_in_text_chunks(tmp_path):
    target = write_image(Image(random_pixels(4, 4, 1), metadata=CAMERA), tmp_path / "m.png")
    assert read_image(target).metadata == CAMERA
    with PILImage.open(target) as picture:
        assert picture.info["Source"] == "Canon EOS R6"
        assert picture.info["Creation Time"] == CAMERA["datetime"]


def test_source_orientation_is_remembered_but_the_written_tag_says_upright(tmp_path):
    image = Image(random_pixels(6, 4, 3), metadata={**CAMERA, "orientation": 6})
    for suffix in (".tif", ".jpg", ".png"):
        back = read_image(write_image(image, tmp_path / f"o{suffix}"))
        assert back.metadata["orientation"] == 6
        assert back.pixels.shape == (6, 4, 3)
    with tifffile.TiffFile(tmp_path / "o.tif") as tif:
        assert tif.pages.first.tags["Orientation"].value == 1


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_like_pillow_does(tmp_path, orientation):
    samples = (random_pixels(5, 8, 3) * 255).astype(np.uint8)
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    PILImage.fromarray(samples).save(tmp_path / "o.png", exif=exif)
    with PILImage.open(tmp_path / "o.png") as picture:
        expected = np.asarray(ImageOps.exif_transpose(picture))
    image = read_image(tmp_path / "o.png")
    assert np.array_equal(image.pixels, from_uint(expected))
    assert image.metadata["orientation"] == 1
    turned = [notice for notice in image.notices if f"orientation {orientation}" in notice]
    assert len(turned) == (orientation != 1)


def test_tiff_orientation_tag_turns_16_bit_pixels_upright(tmp_path):
    samples = (random_pixels(4, 7, 3) * 65535).astype(np.uint16)
    tifffile.imwrite(tmp_path / "r.tif", samples, photometric="rgb", extratags=[(274, "H", 1, 6, True)])
    image = read_image(tmp_path / "r.tif")
    assert image.bit_depth == 16
    assert np.array_equal(image.pixels, from_uint(np.rot90(samples, k=-1)))


@pytest.mark.parametrize("mode, channels", [("RGBA", 3), ("LA", 1)])
def test_alpha_is_set_aside_with_a_notice(tmp_path, mode, channels):
    samples = (random_pixels(6, 5, channels + 1) * 255).astype(np.uint8)
    PILImage.fromarray(samples, mode=mode).save(tmp_path / "a.png")
    image = read_image(tmp_path / "a.png")
    assert np.array_equal(image.pixels, from_uint(samples[:, :, :channels]))
    assert np.array_equal(image.alpha, from_uint(samples[:, :, channels]))
    assert any("alpha" in notice for notice in image.notices)


def test_palette_png_becomes_rgb_with_a_notice(tmp_path):
    rgb = (random_pixels(9, 11, 3) * 255).astype(np.uint8)
    palette_image = PILImage.fromarray(rgb).quantize(colors=16)
    palette_image.save(tmp_path / "p.png")
    image = read_image(tmp_path / "p.png")
    assert image.channels == 3
    assert np.array_equal(image.pixels, from_uint(np.asarray(palette_image.convert("RGB"))))
    assert any("palette" in notice for notice in image.notices)


def test_gray_palette_png_becomes_gray(tmp_path):
    gray = PILImage.fromarray((random_pixels(6, 6, 1)[:, :, 0] * 255).astype(np.uint8)).convert("P")
    gray.save(tmp_path / "g.png")
    assert read_image(tmp_path / "g.png").channels == 1


@pytest.mark.parametrize("suffix", [".jpg", ".tif"])
def test_cmyk_is_converted_to_rgb(tmp_path, suffix):
    rgb = (smooth_pixels(16, 24, 3) * 255).astype(np.uint8)
    PILImage.fromarray(rgb).convert("CMYK").save(tmp_path / f"c{suffix}", quality=95)
    image = read_image(tmp_path / f"c{suffix}")
    assert image.channels == 3
    assert np.abs(image.pixels - from_uint(rgb)).mean() < 0.02
    assert any("CMYK" in notice for notice in image.notices)


def test_16_bit_rgb_and_gray_png_from_other_writers_keep_all_bits(tmp_path):
    import cv2

    rgb = (random_pixels(5, 7, 3) * 65535).astype(np.uint16)
    cv2.imwrite(str(tmp_path / "rgb16.png"), rgb[:, :, ::-1])
    gray = (random_pixels(5, 7, 1)[:, :, 0] * 65535).astype(np.uint16)
    PILImage.fromarray(gray).save(tmp_path / "gray16.png")
    assert np.array_equal(read_image(tmp_path / "rgb16.png").pixels, from_uint(rgb))
    read_gray = read_image(tmp_path / "gray16.png")
    assert read_gray.bit_depth == 16
    assert np.array_equal(read_gray.pixels[:, :, 0], from_uint(gray))


def test_lzw_tiff_is_read_through_pillow(tmp_path):
    rgb = (random_pixels(6, 9, 3) * 255).astype(np.uint8)
    PILImage.fromarray(rgb).save(tmp_path / "lzw.tif", compression="tiff_lzw")
    assert np.array_equal(read_image(tmp_path / "lzw.tif").pixels, from_uint(rgb))


def test_float_tiff_is_clipped_and_counted_as_16_bit(tmp_path):
    samples = np.array([[-0.5, 0.25], [0.75, 1.5]], dtype=np.float32)
    tifffile.imwrite(tmp_path / "f.tif", samples)
    image = read_image(tmp_path / "f.tif")
    assert image.bit_depth == 16
    assert np.array_equal(image.pixels[:, :, 0], [[0.0, 0.25], [0.75, 1.0]])
    assert any("clipped" in notice for notice in image.notices)


def test_multipage_tiff_reads_the_first_page_and_says_so(tmp_path):
    pages = (random_pixels(2, 3, 4) * 255).astype(np.uint8).transpose(2, 0, 1)
    tifffile.imwrite(tmp_path / "pages.tif", pages, photometric="minisblack")
    image = read_image(tmp_path / "pages.tif")
    assert np.array_equal(image.pixels[:, :, 0], from_uint(pages[0]))
    assert any("first of 4 pages" in notice for notice in image.notices)


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (7, 13)])
@pytest.mark.parametrize("suffix", [".png", ".tif", ".jpg"])
def test_tiny_and_odd_sizes_round_trip(tmp_path, shape, suffix):
    original = Image(np.full((*shape, 3), 0.4, dtype=np.float32))
    back = read_image(write_image(original, tmp_path / f"odd{suffix}"))
    assert back.pixels.shape == (*shape, 3)
    assert np.abs(back.pixels - original.pixels).max() < 0.02


@pytest.mark.parametrize("written_as, named", [("PNG", "really_png.jpg"), ("JPEG", "really_jpeg.png")])
def test_content_decides_the_format_not_the_name(tmp_path, written_as, named):
    rgb = (smooth_pixels(8, 8, 3) * 255).astype(np.uint8)
    PILImage.fromarray(rgb).save(tmp_path / named, format=written_as, quality=95)
    with PILImage.open(tmp_path / named) as picture:
        decoded = np.asarray(picture)
    assert np.array_equal(read_image(tmp_path / named).pixels, from_uint(decoded))


@pytest.mark.parametrize("pillow_format, options", [("BMP", {}), ("WEBP", {"lossless": True}), ("GIF", {})])
def test_bmp_webp_and_gif_are_read(tmp_path, pillow_format, options):
    gray = (random_pixels(6, 10, 1)[:, :, 0] * 255).astype(np.uint8)
    PILImage.fromarray(gray).convert("RGB").save(tmp_path / "x.img", format=pillow_format, **options)
    image = read_image(tmp_path / "x.img")
    assert image.pixels.shape[:2] == (6, 10)
    assert np.array_equal(image.pixels[:, :, 0], from_uint(gray))


def test_read_image_records_where_it_came_from(tmp_path):
    target = write_image(Image(random_pixels(2, 2, 1)), tmp_path / "s.png")
    assert read_image(target).source == str(target)
    assert ".png" in IMAGE_SUFFIXES and ".dng" in RAW_SUFFIXES


def test_mask_round_trips_as_image_and_npy(tmp_path):
    mask = np.random.default_rng(1).random((7, 9)) > 0.3
    for name in ("mask.png", "mask.npy", "mask.tif"):
        back = read_mask(write_mask(mask, tmp_path / name), shape=(7, 9, 3))
        assert back.dtype == np.bool_ and np.array_equal(back, mask)


def test_mask_of_the_wrong_size_is_refused(tmp_path):
    write_mask(np.ones((4, 5), dtype=bool), tmp_path / "m.png")
    with pytest.raises(InputError, match=r"m.png: the mask is 5x4 but the image is 6x4"):
        read_mask(tmp_path / "m.png", shape=(4, 6))


def test_kernel_round_trips_normalised(tmp_path):
    kernel = np.outer([1.0, 2.0, 1.0], [1.0, 4.0, 6.0, 4.0, 1.0]).astype(np.float32)
    exact = read_kernel(write_kernel(kernel, tmp_path / "k.npy"))
    assert exact.dtype == np.float32 and exact.sum() == pytest.approx(1.0)
    assert np.allclose(exact, kernel / kernel.sum())
    from_png = read_kernel(write_kernel(kernel, tmp_path / "k.png"))
    assert np.allclose(from_png, kernel / kernel.sum(), atol=1e-5)


@pytest.mark.parametrize("bad", [np.zeros((3, 3)), np.ones((2, 2, 2)), np.array([[np.nan, 1.0]])])
def test_unusable_kernels_are_refused(tmp_path, bad):
    np.save(tmp_path / "bad.npy", bad)
    with pytest.raises(InputError, match=r"bad\.npy"):
        read_kernel(tmp_path / "bad.npy")


def test_bundled_samples_are_small_and_differ_by_sigma_25_noise():
    clean, noisy = read_image(resource_path("sample.png")), read_image(resource_path("sample_noisy.png"))
    assert clean.pixels.shape == noisy.pixels.shape == (256, 384, 3)
    for name in ("sample.png", "sample_noisy.png"):
        assert resource_path(name).stat().st_size < 400_000
    residual = (noisy.pixels - clean.pixels) * 255
    assert 22 < residual.std() < 25.5
    assert clean.pixels.std() > 0.2


def test_raw_options_are_validated():
    with pytest.raises(ParameterError, match="demosaic"):
        RawOptions(demosaic="magic")
    with pytest.raises(ParameterError, match="white_balance"):
        RawOptions(white_balance="daylight")


needs_raw = pytest.mark.skipif(not RAW_DIR.is_dir(), reason="shared RAW files not present")


@needs_raw
def test_dng_full_decode_has_camera_make_and_model():
    image = read_image(RAW_DIR / "colorchart.dng")
    assert image.pixels.shape == (1156, 1734, 3)
    assert image.bit_depth == 16
    assert image.metadata["make"] == "Canon"
    assert image.metadata["model"] == "Canon EOS Kiss X4"
    assert "exposure" not in image.metadata and "iso" not in image.metadata


@needs_raw
def test_kodak_raw_gives_exposure_iso_and_date():
    image = read_image(RAW_DIR / "RAW_KODAK_DC50.KDC", raw=RawOptions(half_size=True))
    assert image.pixels.shape == (256, 384, 3)
    assert image.metadata == {
        "make": "Eastman Kodak Company",
        "model": "Kodak Digital Science DC50 Zoom Camera",
        "iso": 84,
        "exposure": pytest.approx(0.00435),
        "datetime": "1997:04:23 08:00:47",
        "orientation": 1,
    }


@needs_raw
def test_raw_options_change_the_development():
    path = RAW_DIR / "colorchart.dng"
    srgb = read_image(path, raw=RawOptions(half_size=True))
    linear = read_image(path, raw=RawOptions(half_size=True, output="linear"))
    auto = read_image(path, raw=RawOptions(half_size=True, white_balance="auto"))
    assert srgb.pixels.shape == (578, 867, 3)
    assert linear.pixels.mean() < srgb.pixels.mean()
    assert np.abs(auto.pixels - srgb.pixels).mean() > 1e-3


@needs_raw
def test_raw_metadata_reaches_an_exported_16_bit_tiff(tmp_path):
    image = read_image(RAW_DIR / "colorchart.dng", raw=RawOptions(half_size=True))
    target = write_image(image, tmp_path / "out.tif")
    with tifffile.TiffFile(target) as tif:
        tags = tif.pages.first.tags
        assert (tags["Make"].value, tags["Model"].value) == ("Canon", "Canon EOS Kiss X4")
        assert tags["BitsPerSample"].value == (16, 16, 16)
