"""How a page that optimises a network on the session's problem (DIP, training) is attached."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QAbstractButton

from workbench.core.problem import Problem

from ..host import Host
from ..session import QtSession


class NetworkPage(Protocol):
    """What such a page (a QWidget) offers: it solves the problem it is given, runs on the device it is given
    when ``start_button`` is pressed, says which network it has started to optimise, and stops."""

    start_button: QAbstractButton
    net_started: SignalInstance

    def set_problem(self, problem: Problem | None) -> None: ...

    def set_device(self, device: str) -> None: ...

    def shutdown(self) -> None: ...


def attach_network_page(session: QtSession, host: Host, title: str, page: NetworkPage) -> None:
    """Add ``page`` (a QWidget) titled ``title``: it follows the session's problem, starts on the
    host's device, its network becomes the session's live network, and it shuts down with the window."""
    host.add_page(title, page, shutdown=page.shutdown)
    session.follow_problem(page.set_problem)
    page.net_started.connect(session.model.set_live_network)
    page.start_button.pressed.connect(lambda: page.set_device(host.device()))
