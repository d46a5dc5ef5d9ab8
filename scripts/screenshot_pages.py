"""Screenshots of every page of the window, as a newcomer sees it on a real X screen.

    python scripts/screenshot_pages.py OUT [--size 1600x1000 --size 1280x800]

For each size the script starts itself under ``xvfb-run`` (a fresh X screen of that size, Qt's
xcb platform) with fresh settings in a temporary folder, opens the bundled sample and grabs the
whole screen (``OUT/<size>/NN_<step>.png``):

- every page the first time it is shown, and again after a round trip through the other pages;
- after a short run where the page has one: a classical method on Restore (Gaussian filter),
  Compare with two cheap methods (Gaussian, median), a few steps of Deep Image Prior, the
  receptive field of the shipped DnCNN and an effective field on Inside the network, and a
  one-image sweep of the Gaussian filter.

``OUT/<size>/shots.json`` lists, per shot, the window's frame and the screen's free area, and
whether the frame lies within it. Needs xvfb-run and the xcb libraries of
``/work/shared/design/gui-testing.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = ("1600x1000", "1280x800")
DIP_STEPS = 12
"""Steps of the short Deep Image Prior run."""
JOB_TIMEOUT = 180.0
"""Seconds a run may take before the script gives up on it (and says so in shots.json)."""


def parse_size(text: str) -> tuple[int, int]:
    """ "1600x1000" -> (1600, 1000)."""
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def run_under_xvfb(out: Path, size: str) -> int:
    """Run this script for one screen ``size`` in a new Xvfb; its exit code."""
    width, height = parse_size(size)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    command = [
        "xvfb-run",
        "-a",
        "-s",
        f"-screen 0 {width}x{height}x24",
        sys.executable,
        str(Path(__file__).resolve()),
        str(out),
        "--in-display",
        size,
    ]
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


class Camera:
    """Grabs the screen into numbered PNGs and notes the window's geometry for each."""

    def __init__(self, app, window, folder: Path) -> None:
        self.app, self.window, self.folder = app, window, folder
        self.count = 0
        self.notes: list[dict] = []
        folder.mkdir(parents=True, exist_ok=True)

    def settle(self, seconds: float = 0.6) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.02)

    def wait(self, done: Callable[[], bool], what: str, timeout: float = JOB_TIMEOUT) -> bool:
        """Process events until ``done()``; False (noted) after ``timeout`` seconds."""
        end = time.monotonic() + timeout
        while not done():
            if time.monotonic() > end:
                self.notes.append({"timeout": what})
                return False
            self.app.processEvents()
            time.sleep(0.02)
        return True

    def shoot(self, step: str) -> None:
        self.settle()
        self.count += 1
        name = f"{self.count:02d}_{step}.png"
        screen = self.app.primaryScreen()
        screen.grabWindow(0).save(str(self.folder / name))
        frame, free = self.window.frameGeometry(), screen.availableGeometry()
        self.notes.append(
            {
                "shot": name,
                "page": self.window.pages.tabText(self.window.pages.currentIndex()),
                "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "screen": [free.x(), free.y(), free.width(), free.height()],
                "fits": free.contains(frame),
            }
        )

    def save_notes(self) -> None:
        (self.folder / "shots.json").write_text(json.dumps(self.notes, indent=1))


def one_image_folder(folder: Path) -> Path:
    """A folder holding one 96×96 crop of the bundled clean sample (for the sweep)."""
    from workbench.core.image import Image
    from workbench.core.io import read_image, write_image
    from workbench.gui.app import sample_paths

    clean = read_image(sample_paths()[-1]).pixels
    folder.mkdir(parents=True, exist_ok=True)
    write_image(Image(clean[:96, :96].copy()), folder / "crop.png")
    return folder


def tour(camera: Camera, scratch: Path) -> None:
    """Every page, before and after its run, then every page again after the round trip."""
    window = camera.window
    pages = window.pages
    titles = [pages.tabText(index) for index in range(pages.count())]
    camera.shoot("restore_first")

    restore = window.restore
    restore.selector.select("gaussian")
    camera.settle()
    if restore.run_method():
        camera.wait(lambda: not restore.is_busy(), "restore run")
    camera.shoot("restore_after_gaussian")

    compare = pages.show_page("Compare")
    camera.shoot("compare_first")
    for index in range(compare.methods.count()):
        item = compare.methods.item(index)
        item.setCheckState(_checked(item.data(_user_role()) in ("gaussian", "median")))
    if compare.run():
        camera.wait(lambda: not compare.runner.is_running(), "compare run")
    camera.shoot("compare_after_run")

    dip = pages.show_page("Deep Image Prior")
    camera.shoot("dip_first")
    dip.iterations.setValue(DIP_STEPS)
    if dip.start():
        camera.wait(lambda: not dip.runner.is_running(), "dip run")
    camera.shoot("dip_after_run")

    pages.show_page("Plug-and-play")
    camera.shoot("pnp_first")

    viz = pages.show_page("Inside the network")
    camera.shoot("viz_first")
    viz.model_box.setCurrentText("dncnn")
    viz.tabs.setCurrentIndex(2)
    if viz.compute_rf():
        camera.wait(lambda: not viz.runner.is_running(), "receptive field")
    camera.shoot("viz_receptive_field")
    viz.tabs.setCurrentIndex(3)
    camera.settle()
    height, width = window.session.model.problem.observed.pixels.shape[:2]
    if viz.place_erf(width // 2, height // 2):
        camera.wait(lambda: not viz.runner.is_running(), "effective field")
    camera.shoot("viz_effective_field")
    viz.tabs.setCurrentIndex(0)
    viz.changed_first_box.setChecked(True)
    camera.shoot("viz_filters_most_changed_first")

    pages.show_page("Train")
    camera.shoot("train_first")

    sweep = pages.show_page("Sweep")
    camera.shoot("sweep_first")
    sweep.folder.setText(str(one_image_folder(scratch / "images")))
    sweep.out.setText(str(scratch / "sweep"))
    sweep.set_method("gaussian")
    sweep.sigmas.setText("25")
    sweep.baseline.setChecked(False)
    if sweep.start():
        camera.wait(lambda: not sweep.runner.is_running(), "sweep run")
    camera.shoot("sweep_after_run")

    for title in titles:
        pages.show_page(title)
        camera.shoot(f"{_slug(title)}_again")


def _checked(on: bool):
    from PySide6.QtCore import Qt

    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked


def _user_role():
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.UserRole


def _slug(title: str) -> str:
    return title.lower().replace(" ", "_").replace("-", "_")


def shoot_in_display(out: Path, size: str) -> int:
    """Build the window with fresh settings on this display and take the tour."""
    from PySide6.QtCore import QSettings

    from workbench.gui.app import add_pages, application, sample_paths
    from workbench.gui.shell.main_window import MainWindow

    scratch = Path(tempfile.mkdtemp(prefix="workbench_shots_"))
    try:
        app = application([])
        window = MainWindow(settings=QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
        add_pages(window)
        window.show()
        window.open_paths(sample_paths())
        camera = Camera(app, window, out / size)
        camera.settle(1.5)
        try:
            tour(camera, scratch)
        finally:
            camera.save_notes()
            window.close()
            camera.settle(0.5)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    misfits = [note["shot"] for note in camera.notes if note.get("fits") is False]
    print(f"{size}: {camera.count} shots in {out / size}; outside the screen: {misfits or 'none'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNGs (one sub-folder per size)")
    parser.add_argument("--size", action="append", help="screen size WxH (repeatable; default both)")
    parser.add_argument("--in-display", metavar="SIZE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_display:
        return shoot_in_display(args.out, args.in_display)
    if shutil.which("xvfb-run") is None:
        print("xvfb-run is missing (see /work/shared/design/gui-testing.md)", file=sys.stderr)
        return 1
    codes = [run_under_xvfb(args.out, size) for size in args.size or SIZES]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
