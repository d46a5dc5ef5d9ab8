"""Camera RAW development at 8 or 16 bits per sample, chosen through RawOptions."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import ParameterError
from workbench.core.io import RawOptions, read_image

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
COLORCHART = SHARED / "raw" / "colorchart.dng"
needs_raw = pytest.mark.skipif(not COLORCHART.is_file(), reason="shared RAW files not present")


def test_bit_depth_other_than_8_or_16_is_refused():
    with pytest.raises(ParameterError, match="bit_depth"):
        RawOptions(bit_depth=12)


def test_options_describe_their_bit_depth():
    assert RawOptions().describe() == "AHD demosaic, camera white balance, sRGB, 16-bit"
    assert "8-bit" in RawOptions(bit_depth=8).describe()


@needs_raw
def test_eight_bit_development_gives_an_8_bit_image_of_the_same_picture():
    deep = read_image(COLORCHART, raw=RawOptions(half_size=True))
    shallow = read_image(COLORCHART, raw=RawOptions(half_size=True, bit_depth=8))
    assert (deep.bit_depth, shallow.bit_depth) == (16, 8)
    assert np.allclose(shallow.pixels * 255, np.round(shallow.pixels * 255), atol=1e-3)
    assert np.abs(deep.pixels - shallow.pixels).mean() < 2 / 255
    assert "8-bit" in shallow.notices[0]
