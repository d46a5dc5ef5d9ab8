"""The sweep report: paired gains with their interval and win rate, grouping, files and charts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image as PILImage

from workbench.core.sweep import summarise, write_report
from workbench.core.sweep.charts import Chart, Series, nice_ticks
from workbench.core.sweep.report import paired_gain
from workbench.core.sweep.table import ResultTable


def row(image, method, psnr, degradation="sigma 25", swept=None, status="ok", seed=0, error=""):
    return {
        "key": f"{image}/{method}/{degradation}/{json.dumps(swept)}/{seed}",
        "dataset": "set",
        "image": image,
        "image_digest": "d",
        "crop": 0,
        "method": method,
        "params": "{}",
        "swept": json.dumps(swept or {}),
        "degradation": degradation,
        "degradation_op": "gaussian_noise",
        "degradation_params": "{}",
        "seed": seed,
        "status": status,
        "error": error,
        "psnr": psnr if status == "ok" else None,
        "ssim": 0.8 if status == "ok" else None,
        "seconds": 0.5,
        "megapixels": 0.25,
        "worker": "h:1",
        "attempt": f"a-{image}-{method}-{degradation}-{json.dumps(swept)}-{seed}",
        "finished_at": 1.0,
        "version": "0",
    }


def test_paired_gain_interval_holds_the_mean_and_narrows_with_more_images():
    rng = np.random.default_rng(1)
    few = rng.normal(0.3, 0.2, 8)
    many = rng.normal(0.3, 0.2, 200)
    mean, low, high, wins = paired_gain(few)
    assert low < mean < high and mean == pytest.approx(few.mean())
    assert wins == pytest.approx((few > 0).mean())
    _, low_many, high_many, _ = paired_gain(many)
    assert high_many - low_many < high - low
    assert low_many < 0.3 < high_many


def test_gain_is_paired_by_image_against_the_baseline():
    rows = [row(f"i{k}", "bm3d", 28.0 + k) for k in range(4)]
    rows += [
        row(f"i{k}", "nlm", 27.0 + k + (0.5 if k == 3 else 0), swept={"h_factor": 1.0}) for k in range(4)
    ]
    rows += [row("i0", "nlm", 0.0, swept={"h_factor": 2.0}, status="failed", error="boom")]
    stats = summarise(rows, "bm3d")
    base, nlm = stats
    assert base.is_baseline and base.gain is None and base.psnr == pytest.approx(29.5)
    assert nlm.gain == pytest.approx(-0.875) and nlm.win_rate == 0.0 and nlm.pairs == 4
    assert nlm.seconds_per_mp == pytest.approx(2.0)
    assert nlm.group.setting == "h_factor=1"


def test_groups_order_noise_levels_by_value_and_have_no_gain_without_baseline():
    rows = [row("i0", "nlm", 20.0, degradation=f"sigma {s}") for s in (50, 15, 100, 25)]
    stats = summarise(rows, None)
    assert [s.group.degradation for s in stats] == ["sigma 15", "sigma 25", "sigma 50", "sigma 100"]
    assert all(s.gain is None for s in stats)


def test_report_files_hold_the_table_the_failures_and_the_charts(tmp_path):
    rows = []
    for sigma in (15, 25):
        for k in range(3):
            rows.append(row(f"i{k}", "bm3d", 30.0 - sigma / 10 + k, degradation=f"sigma {sigma}"))
            for h in (0.5, 1.0):
                rows.append(row(f"i{k}", "nlm", 29.0 - sigma / 10 + k + h, f"sigma {sigma}", {"h_factor": h}))
    rows.append(row("i9", "nlm", 0.0, swept={"h_factor": 0.5}, status="failed", error="out of memory"))
    ResultTable(tmp_path).append(rows)
    folder = write_report(tmp_path, "bm3d")
    names = sorted(path.name for path in folder.iterdir())
    assert names == [
        "per_image.csv",
        "psnr_vs_h_factor.png",
        "report.md",
        "scatter_set_sigma_15.png",
        "scatter_set_sigma_25.png",
        "summary.csv",
    ]
    text = (folder / "report.md").read_text()
    assert "| set | sigma 15 | nlm | h_factor=1 | 3 | 29.50 |" in text and "+0.00" in text
    assert "nlm (1 cells: i9): out of memory" in text
    assert len((folder / "per_image.csv").read_text().splitlines()) == 1 + len(rows)
    chart = np.asarray(PILImage.open(folder / "psnr_vs_h_factor.png"))
    assert chart.shape[2] == 3 and len(np.unique(chart.reshape(-1, 3), axis=0)) > 10


def test_chart_ticks_and_an_empty_chart():
    assert nice_ticks(0.0, 1.0) == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert nice_ticks(26.3, 31.9) == pytest.approx([27.0, 28.0, 29.0, 30.0, 31.0])
    empty = Chart("nothing", "x", "y", [Series("s", [], [])]).render(200, 100)
    assert empty.size == (200, 100)
