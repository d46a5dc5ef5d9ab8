"""The Sweep page: the current method's values become the grid, rows fill the table live, cancel is clean."""

from __future__ import annotations

import multiprocessing

import numpy as np
from PIL import Image as PILImage

from workbench.core.sweep import ResultTable
from workbench.gui.pages.sweep.page import SweepView


def write_images(folder, count, size):
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(count):
        PILImage.fromarray(rng.integers(0, 256, (size, size), dtype=np.uint8)).save(folder / f"{index}.png")
    return folder


def test_values_with_commas_become_the_grid_and_the_table_fills(qtbot, tmp_path):
    view = SweepView()
    qtbot.addWidget(view)
    view.folder.setText(str(write_images(tmp_path / "clean", 2, 24)))
    view.out.setText(str(tmp_path / "out"))
    view.set_method("median", {"radius": 2})
    assert view._fields["radius"].text() == "2"
    view._fields["radius"].setText("1, 2")
    view.baseline.setChecked(False)
    view.sigmas.setText("15, 25")
    view.crop.setValue(0)
    view.workers.setValue(0)
    spec = view.spec()
    assert spec.methods[0].grid == {"radius": [1, 2]} and len(spec.degradations) == 2
    assert view.start()
    qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=60_000)
    assert view.status.text().startswith("Done: 8 cells, 8 run now (0 failed)")
    assert view.table.rowCount() == 4
    assert {view.table.item(row, 2).text() for row in range(4)} == {"radius=1", "radius=2"}
    assert not view.chart.pixmap().isNull()
    assert view.start() and qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=60_000) is None
    assert "0 run now" in view.status.text(), "a second start resumes: nothing is run again"


def test_a_parameter_whose_zero_means_the_default_shows_its_word_and_reads_it_back(qtbot, tmp_path):
    view = SweepView()
    qtbot.addWidget(view)
    view.folder.setText(str(tmp_path))
    view.set_method("dip")
    assert view._fields["iterations"].text() == "auto"
    assert view.spec().methods[0].fixed == {}
    view._fields["iterations"].setText("auto, 200")
    assert view.spec().methods[0].grid == {"iterations": [0, 200]}


def test_the_chart_fills_the_room_it_is_given(qtbot, tmp_path):
    from workbench.core.sweep.charts import Chart, Series

    view = SweepView()
    qtbot.addWidget(view)
    view.chart.show_chart(Chart("mean PSNR", "degradation", "PSNR (dB)", [Series("a", [0.0], [30.0])]))
    for width, height in ((1000, 700), (1500, 950)):
        view.resize(width, height)
        view.show()
        qtbot.waitUntil(lambda: view.chart.pixmap().size() == view.chart.size())
        assert view.chart.width() > 500 and view.chart.height() > 300


def test_bad_values_are_refused_with_the_reason(qtbot, tmp_path):
    view = SweepView()
    qtbot.addWidget(view)
    view.folder.setText(str(write_images(tmp_path / "clean", 1, 16)))
    view.out.setText(str(tmp_path / "out"))
    view.set_method("median")
    view._fields["radius"].setText("1, 99")
    assert not view.start()
    assert view.status.text().startswith("Not started:") and "between" in view.status.text()
    assert not (tmp_path / "out").exists()


def test_cancel_stops_the_pool_and_keeps_the_finished_cells(qtbot, tmp_path):
    view = SweepView()
    qtbot.addWidget(view)
    view.folder.setText(str(write_images(tmp_path / "clean", 6, 128)))
    view.out.setText(str(tmp_path / "out"))
    view.set_method("bilateral", {"sigma_space": 12.0})
    view.baseline.setChecked(False)
    view.sigmas.setText("5, 10, 15, 20, 25, 30, 35, 40")
    view.crop.setValue(0)
    view.workers.setValue(1)
    assert view.start()
    qtbot.waitUntil(lambda: len(view.rows) >= 2, timeout=60_000)
    view.cancel_button.click()
    qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=30_000)
    assert view.status.text().startswith("Cancelled")
    kept = ResultTable(tmp_path / "out").rows()
    assert 2 <= len(kept) < 48 and view.start_button.isEnabled()
    assert view.shutdown()
    assert not multiprocessing.active_children(), "the pool's worker is gone"
