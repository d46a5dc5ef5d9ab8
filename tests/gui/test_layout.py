"""The window's package layout: sub-packages that name the design, and every module imports."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import workbench.gui

ROOT = Path(__file__).resolve().parents[2]
GUI_MODULES = sorted(info.name for info in pkgutil.walk_packages(workbench.gui.__path__, "workbench.gui."))


def test_the_window_is_split_into_sub_packages():
    top = {name.split(".")[2] for name in GUI_MODULES}
    assert top == {
        "app",
        "collector",
        "dialogs",
        "files",
        "host",
        "pages",
        "session",
        "shell",
        "views",
        "widgets",
        "workers",
    }
    pages = {name.split(".")[3] for name in GUI_MODULES if name.startswith("workbench.gui.pages.")}
    assert pages == {"compare", "dip", "live", "network_page", "pnp", "restore", "sweep", "train", "viz"}


def test_every_window_module_imports_in_a_fresh_interpreter():
    code = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {GUI_MODULES!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as error:\n"
        "        failed.append(f'{name}: {type(error).__name__}: {error}')\n"
        "print('\\n'.join(failed))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_every_page_in_the_app_list_has_an_attach():
    from workbench.gui import app

    for _title, module in app.PAGES:
        assert callable(importlib.import_module(f"workbench.gui.{module}").attach)
