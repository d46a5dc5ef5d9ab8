"""The ``workbench`` command: the window when called with files (or nothing), else a sub-command.

Each sub-command lives in its own module of this package and defines
``COMMAND`` (its name), ``HELP`` (one line), ``configure(parser)`` and
``run(args) -> int``; :func:`main` discovers them, so adding a module adds a
command. A :class:`WorkbenchError` becomes one line on stderr and exit code 1; Ctrl+C, at any
point from start-up on, becomes ``workbench: interrupted`` and exit code 130. Only existing files
(or no arguments) open the window: a first word that is neither a command nor a file is reported
as an unknown command, with the closest one and the list (exit code 2).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

from workbench.core.errors import Cancelled, WorkbenchError, out_of_memory


def _command_modules() -> dict[str, ModuleType]:
    modules = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        modules[module.COMMAND] = module
    return dict(sorted(modules.items()))


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, one sub-parser per command module."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Restoration Workbench. With no command (or with image files) it opens the window.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _command_modules().items():
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(handler=module.run)
    return parser


USAGE_ERROR = 2
INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workbench`` script; returns the process exit code."""
    try:
        return _dispatch(sys.argv[1:] if argv is None else list(argv))
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return INTERRUPTED


def window_files(args: list[str], commands: list[str]) -> list[str] | None:
    """``args`` when they should open the window (none, or all existing files); None when they
    name a command or an option.

    Raises:
        UsageError: the first word is neither a command nor an existing file, or a later file is missing.
    """
    if args and (args[0] in commands or args[0].startswith("-")):
        return None
    for index, word in enumerate(args):
        path = Path(word)
        if path.is_file():
            continue
        if path.is_dir():
            raise UsageError(f"{word}: is a folder (the window opens image files; see 'workbench batch')")
        if index == 0 and not path.suffix and "/" not in word:
            raise UsageError(unknown_command(word, commands))
        raise UsageError(f"{word}: no such file (the window opens existing image files)")
    return args


def unknown_command(word: str, commands: list[str]) -> str:
    """One line: ``word`` is not a command, the closest one when there is one, and the list."""
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown command '{word}'{hint} (commands: {', '.join(commands)}; see 'workbench --help')"


class UsageError(Exception):
    """The command line names no command or file the workbench knows."""


def _dispatch(args: list[str]) -> int:
    modules = _command_modules()
    try:
        files = window_files(args, list(modules))
    except UsageError as error:
        print(f"workbench: {error}", file=sys.stderr)
        return USAGE_ERROR
    if files is not None:
        from workbench.gui.app import run_app

        return run_app(files)
    parser = build_parser()
    namespace = parser.parse_args(args)
    if namespace.command is None:
        parser.print_help()
        return 0
    try:
        return int(namespace.handler(namespace) or 0)
    except Cancelled:
        print("workbench: cancelled", file=sys.stderr)
        return INTERRUPTED
    except WorkbenchError as error:
        print(f"workbench: error: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        memory = out_of_memory(error)
        if memory is None:
            raise
        print(f"workbench: error: {memory}", file=sys.stderr)
        return 1
