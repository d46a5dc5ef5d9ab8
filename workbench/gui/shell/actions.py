"""The main window's actions, menus and toolbar: :func:`build_actions` makes them once and returns
them as a :class:`WindowActions`; each action runs a slot of the part it belongs to (the file
controller, the Restore page, its viewer, the page stack).

The toolbar shares its row with the page tabs, so its buttons carry short labels
(:data:`TOOLBAR_LABELS`: the whole row fits at 1280 px) while the menus keep the full names and
the tooltips say what each does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from ..files import FileController
from ..pages.restore.page import RestorePage
from ..views.viewer import SIDE_BY_SIDE, SPLIT
from .page_stack import PageStack

TOOLBAR_LABELS = {"export": "Export", "split": "Split", "fit": "Fit", "region": "Region"}
"""Toolbar button labels shorter than the action's menu text, by WindowActions field."""


def make_action(
    window: QMainWindow,
    text: str,
    slot: Callable[..., object],
    shortcut: QKeySequence | str | None = None,
    tip: str = "",
) -> QAction:
    """A window action running ``slot``, with its shortcut named in its tooltip."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


@dataclass
class WindowActions:
    """The window's actions and the menus filled later (recent files, panels)."""

    open: QAction
    open_reference: QAction
    export: QAction
    batch: QAction
    raw_options: QAction
    quit: QAction
    run: QAction
    cancel: QAction
    fit: QAction
    actual: QAction
    side: QAction
    split: QAction
    region: QAction
    pages: list[QAction]
    recent_menu: QMenu | None = None
    panels_menu: QMenu | None = None

    @property
    def restore_only(self) -> tuple[QAction, ...]:
        """The actions that act on the Restore page (enabled there only)."""
        return (self.export, self.run, self.side, self.split, self.fit, self.actual, self.region)

    def enable_restore(self, on_restore: bool, busy: bool) -> None:
        """Enable the Restore page's actions on that page only, Cancel only while it runs a job."""
        for action in self.restore_only:
            action.setEnabled(on_restore)
        self.cancel.setEnabled(on_restore and busy)

    def name_pages(self, pages: PageStack) -> None:
        """Ctrl+1 ... Ctrl+9 go to the pages in tab order (View > Go to page names them)."""
        for index, action in enumerate(self.pages):
            exists = index < pages.count()
            action.setText(pages.tabText(index) if exists else "")
            action.setVisible(exists)
            action.setEnabled(exists)


def build_actions(
    window: QMainWindow,
    files: FileController,
    restore: RestorePage,
    pages: PageStack,
    docks: Sequence[QDockWidget],
) -> WindowActions:
    """Create the window's actions, its menus (``docks`` listed under View > Panels) and toolbar."""
    viewer = restore.viewer
    actions = WindowActions(
        open=make_action(
            window,
            "&Open…",
            files.choose_and_open,
            QKeySequence.StandardKey.Open,
            "Open an image or RAW file",
        ),
        open_reference=make_action(
            window,
            "Open &reference…",
            files.choose_reference,
            None,
            "Open the clean image the input is scored against",
        ),
        export=make_action(
            window,
            "&Export result…",
            restore.export_shown,
            QKeySequence.StandardKey.Save,
            "Export the shown result",
        ),
        batch=make_action(
            window,
            "&Batch…",
            restore.open_batch,
            "Ctrl+B",
            "Restore every image of a folder with the selected method",
        ),
        raw_options=make_action(
            window, "Camera RAW &options…", files.edit_raw_options, None, "How camera RAW files are developed"
        ),
        quit=make_action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit),
        run=make_action(window, "&Run", restore.run_method, "Ctrl+R", "Run the selected method"),
        cancel=make_action(window, "&Cancel", restore.cancel_job, "Esc", "Stop the running job"),
        fit=make_action(window, "&Fit to window", viewer.fit, "F", "Show the whole image"),
        actual=make_action(window, "&100 %", viewer.actual_size, "1", "One image pixel per screen pixel"),
        side=make_action(
            window,
            "&Side by side",
            lambda: viewer.set_mode(SIDE_BY_SIDE),
            "S",
            "Input and output side by side",
        ),
        split=make_action(
            window,
            "Before/after &split",
            lambda: viewer.set_mode(SPLIT),
            "B",
            "Before/after split: one view, input left and output right of a draggable divider",
        ),
        region=make_action(
            window,
            "Preview &region",
            viewer.set_region_mode,
            "P",
            "Drag a rectangle on the image to try the method there first (Shift + drag does it any time)",
        ),
        pages=[
            make_action(window, "", lambda _=False, n=index: pages.setCurrentIndex(n), f"Ctrl+{index + 1}")
            for index in range(9)
        ],
    )
    actions.region.setCheckable(True)
    for field_name, label in TOOLBAR_LABELS.items():
        getattr(actions, field_name).setIconText(label)
    modes = QActionGroup(window)
    for action in (actions.side, actions.split):
        action.setCheckable(True)
        modes.addAction(action)
    actions.side.setChecked(True)
    _build_menus(window, files, actions, docks)
    _build_toolbar(window, actions, pages)
    return actions


def _build_menus(
    window: QMainWindow, files: FileController, actions: WindowActions, docks: Sequence[QDockWidget]
) -> None:
    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    file_menu.addAction(actions.open)
    actions.recent_menu = file_menu.addMenu("Open &recent")
    recent = actions.recent_menu
    recent.aboutToShow.connect(lambda: files.fill_recent_menu(recent))
    for action in (actions.open_reference, actions.raw_options, None, actions.export, actions.batch, None):
        _add(file_menu, action)
    file_menu.addAction(actions.quit)
    run_menu = menus.addMenu("&Run")
    run_menu.addAction(actions.run)
    run_menu.addAction(actions.cancel)
    view_menu = menus.addMenu("&View")
    for action in (
        actions.side,
        actions.split,
        None,
        actions.fit,
        actions.actual,
        None,
        actions.region,
        None,
    ):
        _add(view_menu, action)
    pages_menu = view_menu.addMenu("&Go to page")
    for action in actions.pages:
        pages_menu.addAction(action)
    actions.panels_menu = view_menu.addMenu("&Panels")
    for dock in docks:
        actions.panels_menu.addAction(dock.toggleViewAction())


def _build_toolbar(window: QMainWindow, actions: WindowActions, pages: PageStack) -> None:
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("toolbar-main")
    toolbar.setMovable(False)
    toolbar.addWidget(pages.tab_bar)
    toolbar.addSeparator()
    for action in (
        actions.open,
        actions.export,
        None,
        actions.run,
        actions.cancel,
        None,
        actions.side,
        actions.split,
        actions.fit,
        actions.actual,
        None,
        actions.region,
    ):
        _add(toolbar, action)


def _add(menu: QMenu, action: QAction | None) -> None:
    """Add ``action`` to ``menu`` (or a toolbar), a separator for None."""
    if action is None:
        menu.addSeparator()
    else:
        menu.addAction(action)
