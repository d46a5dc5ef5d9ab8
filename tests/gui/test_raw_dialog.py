"""The RAW dialog's demosaic choice: LibRaw's algorithms and the workbench's own demosaickers, and a
development by one of the latter on the RAW development worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.core.io import RawOptions
from workbench.core.io.raw import DEMOSAIC_ALGORITHMS
from workbench.core.io.raw_bayer import WORKBENCH_DEMOSAICKERS
from workbench.gui.dialogs import raw as raw_dialog
from workbench.gui.workers.raw_development import RawDevelopment

SHARED = Path(os.environ.get("WORKBENCH_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))
KODAK = SHARED / "raw" / "RAW_KODAK_DC50.KDC"


def test_the_dialog_offers_libraw_then_workbench_demosaickers_and_remembers_the_choice(qtbot, qt_settings):
    dialog = raw_dialog.RawDialog(RawOptions(demosaic="demosaic_menon"), ask=True)
    qtbot.addWidget(dialog)
    offered = [dialog.demosaic.itemData(index) for index in range(dialog.demosaic.count())]
    assert offered == [*DEMOSAIC_ALGORITHMS, *WORKBENCH_DEMOSAICKERS]
    assert dialog.demosaic.currentData() == "demosaic_menon"
    assert dialog.demosaic.itemText(offered.index("demosaic_net")).startswith("Workbench CNN")
    dialog.demosaic.setCurrentIndex(offered.index("demosaic_net"))
    assert dialog.options() == RawOptions(demosaic="demosaic_net")
    raw_dialog.save_raw_options(qt_settings, dialog.options())
    assert raw_dialog.load_raw_options(qt_settings).demosaic == "demosaic_net"


@pytest.mark.skipif(not KODAK.is_file(), reason="RAW_KODAK_DC50.KDC not present")
def test_the_development_worker_runs_a_workbench_demosaicker(qtbot):
    development = RawDevelopment()
    with qtbot.waitSignal(development.developed, timeout=30_000) as arrived:
        development.start(KODAK, RawOptions(demosaic="demosaic_malvar", bit_depth=8))
    image = arrived.args[0]
    assert image.pixels.shape == (512, 768, 3) and image.bit_depth == 8
    assert "workbench Malvar-He-Cutler demosaic" in image.notices[0]
    assert development.shutdown(5000)
