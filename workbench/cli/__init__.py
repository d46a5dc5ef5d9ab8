"""The ``workbench`` command: the window when called with files (or nothing), else a sub-command.

Each sub-command lives in its own module of this package and defines
``COMMAND`` (its name), ``HELP`` (one line), ``configure(parser)`` and
``run(args) -> int``; :func:`main` discovers them, so adding a module adds a
command. A :class:`WorkbenchError` becomes one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workbench`` script; returns the process exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    known = parser._subparsers._group_actions[0].choices if parser._subparsers else {}
    if not args or (args[0] not in known and not args[0].startswith("-")):
        from workbench.gui.app import run_app

        return run_app(args)
    namespace = parser.parse_args(args)
    try:
        return int(namespace.handler(namespace) or 0)
    except Cancelled:
        print("workbench: cancelled", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except WorkbenchError as error:
        print(f"workbench: error: {error}", file=sys.stderr)
        return 1
    except (MemoryError, RuntimeError) as error:
        memory = out_of_memory(error)
        if memory is None:
            raise
        print(f"workbench: error: {memory}", file=sys.stderr)
        return 1
