"""``zai_core`` has no import cycle: its modules form a DAG (imports inside functions count).

An edge ``a -> b`` is any ``from . import b`` / ``from .b import x`` / ``import zai_core.b``
in ``a``, at module level or inside a function (a deferred import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "zai_core"


def _module_name(path: Path) -> str:
    return path.stem if path.name != "__init__.py" else PACKAGE


def _edges(path: Path, modules: set[str]) -> set[str]:
    """The ``zai_core`` modules ``path`` imports (``zai_core`` itself for the package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if (
                node.level == 1
                or node.module == PACKAGE
                or (node.level == 0 and (node.module or "").startswith(PACKAGE + "."))
            ):
                base = (node.module or "").removeprefix(PACKAGE).lstrip(".")
                if base:
                    found.add(base.split(".")[0])
                else:  # from . import a, b (modules) or from zai_core import X (the package)
                    names = {alias.name for alias in node.names}
                    found.update(names & modules)
                    if names - modules:  # a name the package __init__ defines
                        found.add(PACKAGE)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name.split(".")[1])
    return found & (modules | {PACKAGE})


def import_graph(directory: Path) -> dict[str, set[str]]:
    files = sorted(directory.glob("*.py"))
    modules = {_module_name(f) for f in files} - {PACKAGE}
    return {_module_name(f): _edges(f, modules) - {_module_name(f)} for f in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that starts and ends on the same module, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def test_zai_core_has_no_import_cycle() -> None:
    graph = import_graph(ROOT / PACKAGE)
    graph.pop(PACKAGE)  # the package re-exports everything; no module may import it back
    assert all(PACKAGE not in deps for deps in graph.values()), {
        m: sorted(d) for m, d in graph.items() if PACKAGE in d
    }
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_factory_is_the_only_module_that_knows_both_transports() -> None:
    graph = import_graph(ROOT / PACKAGE)
    assert "xpay" in graph["factory"] and "client" in graph["factory"]
    assert "xpay" not in graph["client"]
    assert {m for m, deps in graph.items() if "xpay" in deps} == {"factory"}


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"a": {"a2"}, "a2": set(), "x": {"y"}, "y": {"z"}, "z": {"x"}}, ["x", "y", "z", "x"]),
    ],
)
def test_find_cycle(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_edges_read_deferred_and_absolute_imports(tmp_path: Path) -> None:
    source = (
        "from . import __version__, _http\nfrom .client import X\nimport zai_core.web\n"
        "def f():\n    from .xpay import Y\nfrom zai_core import Z\n"
    )
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    modules = {"_http", "client", "web", "xpay", "m"}
    assert _edges(tmp_path / "m.py", modules) == {"_http", "client", "web", "xpay", PACKAGE}
