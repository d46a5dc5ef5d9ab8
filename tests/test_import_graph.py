"""The modules of ``workbench`` import each other one way: no module reaches itself again.

Every import counts, at module level or inside a function or an ``if TYPE_CHECKING:`` block: a
function-level import only delays a cycle to the first call, and a type-only one still ties two
modules together for a reader. The graph is read from the source (``ast``), so nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

from workbench.core import registry

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"


def module_files(root: Path = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package's ``__init__``) for every .py file under ``root``."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        modules[".".join(parts)] = (path, package)
    return modules


def imported_modules(name: str, path: Path, package: bool, known: set[str]) -> set[str]:
    """The ``known`` modules that module ``name`` (file ``path``) imports anywhere in its source.

    ``from a import b`` counts as importing ``a.b`` when that is a module, else ``a``.
    """
    base = name if package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")[: len(base.split(".")) - node.level + 1]
                source = ".".join(parts + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in known else source)
    return {module for module in found if module in known and module != name}


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = module_files(root)
    known = set(files)
    return {name: imported_modules(name, path, package, known) for name, (path, package) in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None when the graph has none (depth-first search)."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        trail.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        state[module] = "done"
        trail.pop()
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def test_no_module_of_the_workbench_imports_itself_through_others():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_and_a_relative_import(tmp_path):
    package = tmp_path / "demo"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "a.py").write_text("from . import b\n")
    (package / "sub" / "b.py").write_text("def later():\n    from demo.c import thing\n")
    type_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub.a import x\n"
    (package / "c.py").write_text(type_only)
    (package / "d.py").write_text("import demo.c\n")
    graph = import_graph(package)
    assert graph["demo.d"] == {"demo.c"}
    assert find_cycle(graph) == ["demo.c", "demo.sub.a", "demo.sub.b", "demo.c"]
    (package / "c.py").write_text("")
    assert find_cycle(import_graph(package)) is None


def test_the_registry_lists_every_method_module_and_no_helper_module():
    modules = {path.stem for path in (PACKAGE / "core" / "methods").glob("*.py")}
    assert set(registry.BUILT_IN_METHODS) == modules - {"__init__", "_shared", "defaults"}
