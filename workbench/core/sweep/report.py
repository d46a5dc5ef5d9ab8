"""The sweep report: statistics per method, setting and degradation, with figures and a report.md.

For each dataset, degradation, method and setting (the values of its swept parameters): the mean
PSNR (dB) and SSIM over the images, the seconds per megapixel of the method's run, and against
the baseline (BM3D or CBM3D unless told otherwise) on the same noisy images: the mean paired PSNR
gain with a 95 % bootstrap confidence interval (percentile, 2000 resamples of the images, seeded)
and the win rate (the share of images where the method beats the baseline). Written to
``OUT/report/``: ``report.md``, ``summary.csv``, ``per_image.csv`` (one row per cell, with the
baseline's PSNR on the same image), ``psnr_vs_<param>.png`` for every swept parameter and
``scatter_<dataset>_<degradation>.png`` (per-image PSNR against the baseline's).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..io.atomic import atomic_output, write_text
from .charts import PALETTE, Chart, Series
from .table import ResultTable

REPORT_FOLDER = "report"
BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.95
PER_IMAGE_ROWS_SHOWN = 100


@dataclass
class Group:
    """The finished cells of one method and setting on one dataset and degradation."""

    dataset: str
    degradation: str
    method: str
    swept: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def setting(self) -> str:
        """The swept values, ``h_factor=0.6 patch_radius=3``; empty when nothing is swept."""
        return " ".join(f"{name}={_show(value)}" for name, value in self.swept.items())

    @property
    def label(self) -> str:
        return f"{self.method} {self.setting}".strip()


@dataclass
class GroupStats:
    """A group's figures; the gain fields are None without a baseline (or for the baseline)."""

    group: Group
    n: int
    psnr: float
    ssim: float
    seconds_per_mp: float
    gain: float | None = None
    gain_low: float | None = None
    gain_high: float | None = None
    win_rate: float | None = None
    pairs: int = 0
    is_baseline: bool = False


def paired_gain(diffs: Sequence[float], seed: int = 0) -> tuple[float, float, float, float]:
    """(mean, low, high, win rate) of per-image differences: the 95 % percentile bootstrap
    interval of the mean (NaN bounds for fewer than two images) and the share of differences > 0."""
    values = np.asarray(diffs, dtype=np.float64)
    mean, wins = float(values.mean()), float((values > 0).mean())
    if len(values) < 2:
        return mean, math.nan, math.nan, wins
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (BOOTSTRAP_RESAMPLES, len(values)))].mean(axis=1)
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return mean, float(low), float(high), wins


def group_rows(rows: Sequence[dict[str, Any]]) -> list[Group]:
    """The finished (status ok) rows in groups, ordered by dataset, degradation (numbers in
    their value order), method and swept values."""
    groups: dict[tuple, Group] = {}
    for row in rows:
        if row["status"] != "ok":
            continue
        swept = json.loads(row["swept"] or "{}")
        key = (row["dataset"], row["degradation"], row["method"], json.dumps(swept, sort_keys=True))
        if key not in groups:
            groups[key] = Group(row["dataset"], row["degradation"], row["method"], swept)
        groups[key].rows.append(row)
    return sorted(
        groups.values(),
        key=lambda g: (
            g.dataset,
            _natural(g.degradation),
            g.method,
            [_natural(_show(v)) for v in g.swept.values()],
        ),
    )


def summarise(rows: Sequence[dict[str, Any]], baseline: str | None) -> list[GroupStats]:
    """Figures of every group; the gain is over the baseline's largest group on the same dataset
    and degradation, paired by image and seed (images the baseline lacks are left out)."""
    groups = group_rows(rows)
    reference: dict[tuple[str, str], Group] = {}
    for group in groups:
        if group.method == baseline:
            where = (group.dataset, group.degradation)
            if where not in reference or len(group.rows) > len(reference[where].rows):
                reference[where] = group
    stats = []
    for group in groups:
        psnrs = [row["psnr"] for row in group.rows if row["psnr"] is not None]
        ssims = [row["ssim"] for row in group.rows if row["ssim"] is not None]
        speed = [row["seconds"] / row["megapixels"] for row in group.rows if row["megapixels"]]
        entry = GroupStats(group, len(group.rows), _mean(psnrs), _mean(ssims), _mean(speed))
        base = reference.get((group.dataset, group.degradation))
        entry.is_baseline = base is group
        if base is not None and base is not group:
            base_psnr = _by_image(base)
            diffs = [
                row["psnr"] - base_psnr[(row["image"], row["seed"])]
                for row in group.rows
                if row["psnr"] is not None and (row["image"], row["seed"]) in base_psnr
            ]
            if diffs:
                entry.gain, entry.gain_low, entry.gain_high, entry.win_rate = paired_gain(diffs)
                entry.pairs = len(diffs)
        stats.append(entry)
    return stats


def write_report(out: Path, baseline: str | None) -> Path:
    """Write the report of the table in ``out`` into ``out/report`` (its files are rewritten:
    everything in them comes from the table); returns the report folder.

    Raises:
        InputError: the table cannot be read or the report cannot be written.
    """
    out = Path(out)
    rows = ResultTable(out).rows()
    latest = list({row["key"]: row for row in rows}.values())
    stats = summarise(latest, baseline)
    folder = out / REPORT_FOLDER
    folder.mkdir(exist_ok=True)
    figures = _write_figures(folder, stats, baseline)
    write_text(folder / "summary.csv", _summary_csv(stats), overwrite=True)
    write_text(folder / "per_image.csv", _per_image_csv(latest, stats), overwrite=True)
    write_text(folder / "report.md", _markdown(latest, stats, baseline, figures), overwrite=True)
    return folder


def _by_image(group: Group) -> dict[tuple[str, int], float]:
    return {(row["image"], row["seed"]): row["psnr"] for row in group.rows if row["psnr"] is not None}


def _summary_csv(stats: list[GroupStats]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "dataset",
            "degradation",
            "method",
            "setting",
            "images",
            "psnr",
            "ssim",
            "seconds_per_mp",
            "gain_db",
            "gain_low",
            "gain_high",
            "win_rate",
        ]
    )
    for s in stats:
        g = s.group
        writer.writerow(
            [
                g.dataset,
                g.degradation,
                g.method,
                g.setting,
                s.n,
                _fmt(s.psnr, 4),
                _fmt(s.ssim, 5),
                _fmt(s.seconds_per_mp, 4),
                _fmt(s.gain, 4),
                _fmt(s.gain_low, 4),
                _fmt(s.gain_high, 4),
                _fmt(s.win_rate, 3),
            ]
        )
    return buffer.getvalue()


def _per_image_csv(rows: list[dict[str, Any]], stats: list[GroupStats]) -> str:
    base = {(s.group.dataset, s.group.degradation): _by_image(s.group) for s in stats if s.is_baseline}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "dataset",
            "degradation",
            "image",
            "seed",
            "method",
            "setting",
            "status",
            "psnr",
            "ssim",
            "seconds",
            "megapixels",
            "baseline_psnr",
            "gain_db",
            "error",
        ]
    )
    for row in sorted(
        rows, key=lambda r: (r["dataset"], _natural(r["degradation"]), r["image"], r["method"])
    ):
        swept = json.loads(row["swept"] or "{}")
        setting = " ".join(f"{k}={_show(v)}" for k, v in swept.items())
        reference = base.get((row["dataset"], row["degradation"]), {}).get((row["image"], row["seed"]))
        gain = row["psnr"] - reference if row["psnr"] is not None and reference is not None else None
        writer.writerow(
            [
                row["dataset"],
                row["degradation"],
                row["image"],
                row["seed"],
                row["method"],
                setting,
                row["status"],
                _fmt(row["psnr"], 4),
                _fmt(row["ssim"], 5),
                _fmt(row["seconds"], 4),
                _fmt(row["megapixels"], 4),
                _fmt(reference, 4),
                _fmt(gain, 4),
                row["error"],
            ]
        )
    return buffer.getvalue()


def _markdown(
    rows: list[dict[str, Any]], stats: list[GroupStats], baseline: str | None, figures: list[str]
) -> str:
    ok = sum(row["status"] == "ok" for row in rows)
    failed = [row for row in rows if row["status"] != "ok"]
    lines = [
        "# Sweep report",
        "",
        f"Written {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())} from {len(rows)} cells "
        f"({ok} finished, {len(failed)} failed).",
        "",
    ]
    if baseline is None:
        lines += ["No baseline in the sweep (add bm3d or cbm3d, or name one with --baseline): no gains.", ""]
    else:
        lines += [
            f"Gain: the mean per-image PSNR difference to **{baseline}** on the same noisy images, with "
            f"its {CONFIDENCE:.0%} bootstrap interval ({BOOTSTRAP_RESAMPLES} resamples of the images); "
            "win: the share of images where the method is better.",
            "",
        ]
    lines += [
        "| dataset | degradation | method | setting | images | PSNR (dB) | SSIM | s/MP | gain (dB) "
        "| 95 % CI | win |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for s in stats:
        g = s.group
        if s.is_baseline:
            gain, interval, win = "baseline", "", ""
        else:
            gain = _fmt(s.gain, 2, signed=True) if s.gain is not None else ""
            interval = (
                f"[{_fmt(s.gain_low, 2, signed=True)}, {_fmt(s.gain_high, 2, signed=True)}]"
                if s.gain is not None
                else ""
            )
            win = f"{s.win_rate:.0%}" if s.win_rate is not None else ""
        lines.append(
            f"| {g.dataset} | {g.degradation} | {g.method} | {g.setting} | {s.n} | {_fmt(s.psnr, 2)} | "
            f"{_fmt(s.ssim, 4)} | {_fmt(s.seconds_per_mp, 2)} | {gain} | {interval} | {win} |"
        )
    lines += [""]
    lines += _per_image_tables(stats)
    if failed:
        lines += ["## Failed cells", ""]
        counts: dict[tuple[str, str], list[str]] = {}
        for row in failed:
            counts.setdefault((row["method"], row["error"]), []).append(row["image"])
        for (method, error), images in counts.items():
            more = f" and {len(images) - 3} more" if len(images) > 3 else ""
            lines.append(f"- {method} ({len(images)} cells: {', '.join(images[:3])}{more}): {error}")
        lines.append("")
    if figures:
        lines += ["## Figures", ""] + [f"![{name}]({name})" for name in figures] + [""]
    lines += ["Per-image scores of every cell: `per_image.csv`; the table above: `summary.csv`.", ""]
    return "\n".join(lines)


def _per_image_tables(stats: list[GroupStats]) -> list[str]:
    """A per-image PSNR table for each dataset and degradation (images as rows, settings as columns)."""
    lines = []
    places: dict[tuple[str, str], list[GroupStats]] = {}
    for s in stats:
        places.setdefault((s.group.dataset, s.group.degradation), []).append(s)
    for (dataset, degradation), entries in places.items():
        table: dict[tuple[str, int], dict[str, float]] = {}
        for s in entries:
            for row in s.group.rows:
                table.setdefault((row["image"], row["seed"]), {})[s.group.label] = row["psnr"]
        seeds = {seed for _, seed in table}
        labels = [s.group.label for s in entries]
        lines += [f"## PSNR per image (dB): {dataset}, {degradation}", ""]
        lines.append("| image | " + " | ".join(labels) + " |")
        lines.append("| --- | " + " | ".join("---:" for _ in labels) + " |")
        for index, ((image, seed), scores) in enumerate(sorted(table.items())):
            if index == PER_IMAGE_ROWS_SHOWN:
                lines.append(f"| ({len(table) - index} more in per_image.csv) |" + " |" * len(labels))
                break
            name = f"{image} (seed {seed})" if len(seeds) > 1 else image
            lines.append(f"| {name} | " + " | ".join(_fmt(scores.get(label), 2) for label in labels) + " |")
        lines.append("")
    return lines


def _write_figures(folder: Path, stats: list[GroupStats], baseline: str | None) -> list[str]:
    """PSNR against each swept parameter, and per-image scatter plots against the baseline;
    returns the file names written."""
    written = []
    names = list(dict.fromkeys(name for s in stats for name in s.group.swept))
    for name in names:
        chart = _parameter_chart(name, stats)
        written.append(_save(folder, f"psnr_vs_{_slug(name)}.png", chart))
    places = list(dict.fromkeys((s.group.dataset, s.group.degradation) for s in stats))
    for dataset, degradation in places:
        entries = [s for s in stats if (s.group.dataset, s.group.degradation) == (dataset, degradation)]
        base = next((s for s in entries if s.is_baseline), None)
        if base is None:
            continue
        best: dict[str, GroupStats] = {}
        for s in entries:
            if s.gain is not None and (s.group.method not in best or s.psnr > best[s.group.method].psnr):
                best[s.group.method] = s
        if not best:
            continue
        reference = _by_image(base.group)
        chart = Chart(
            f"per-image PSNR against {baseline}: {dataset}, {degradation}",
            f"{base.group.label} PSNR (dB)",
            "PSNR (dB)",
            kind="scatter",
        )
        for s in best.values():
            pairs = [
                (reference[(r["image"], r["seed"])], r["psnr"])
                for r in s.group.rows
                if r["psnr"] is not None and (r["image"], r["seed"]) in reference
            ]
            chart.series.append(Series(s.group.label, [p[0] for p in pairs], [p[1] for p in pairs]))
        written.append(_save(folder, f"scatter_{_slug(dataset)}_{_slug(degradation)}.png", chart))
    return written


def _parameter_chart(name: str, stats: list[GroupStats]) -> Chart:
    """Mean PSNR against parameter ``name``: a line per method, dataset, degradation and the
    other swept values; the baseline of each dataset and degradation as a dashed line."""
    holders = [s for s in stats if name in s.group.swept]
    values = sorted({_show(s.group.swept[name]) for s in holders}, key=_natural)
    numeric = all(isinstance(s.group.swept[name], (int, float)) for s in holders)
    lines: dict[tuple, Series] = {}
    colours: dict[tuple[str, str], tuple[int, int, int]] = {}
    for s in holders:
        g = s.group
        others = " ".join(f"{k}={_show(v)}" for k, v in g.swept.items() if k != name)
        key = (g.dataset, g.degradation, g.method, others)
        if key not in lines:
            colour = PALETTE[len(lines) % len(PALETTE)]
            colours.setdefault((g.dataset, g.degradation), colour)
            lines[key] = Series(
                " ".join(filter(None, [g.method, others, g.degradation, g.dataset])), [], [], colour=colour
            )
        x = float(g.swept[name]) if numeric else float(values.index(_show(g.swept[name])))
        lines[key].xs.append(x)
        lines[key].ys.append(s.psnr)
    chart = Chart(
        f"mean PSNR against {name}",
        name,
        "PSNR (dB)",
        list(lines.values()),
        xticks=None if numeric else values,
    )
    xs = [x for series in chart.series for x in series.xs]
    for s in stats:
        place = (s.group.dataset, s.group.degradation)
        if s.is_baseline and place in colours:
            label = f"{s.group.label} {place[1]} {place[0]}"
            chart.series.append(
                Series(label, [min(xs), max(xs)], [s.psnr] * 2, dashed=True, colour=colours[place])
            )
    return chart


def _save(folder: Path, name: str, chart: Chart) -> str:
    with atomic_output(folder / name, overwrite=True) as temporary:
        chart.render().save(temporary, format="PNG")
    return name


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if values else math.nan


def _fmt(value: float | None, places: int, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:+.{places}f}" if signed else f"{value:.{places}f}"


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _natural(text: str) -> list:
    return [
        (0, float(part), "") if re.fullmatch(r"-?\d+(\.\d+)?", part) else (1, 0.0, part)
        for part in re.split(r"(-?\d+(?:\.\d+)?)", text)
        if part
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_") or "x"
