"""Package layering: only ``zai_core`` speaks HTTP, and it knows no framework."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INTEGRATIONS = ("langchain_zai", "llama_index_zai", "llama_index")
HTTP_MODULES = frozenset({"httpx", "httpx_sse", "httpcore", "requests", "aiohttp"})
FRAMEWORKS = frozenset({"langchain", "langchain_core", "langchain_community", "llama_index"})


def imported_modules(source: str) -> set[str]:
    """Top-level names of every module ``source`` imports (at any depth in the code)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def python_files(*packages: str) -> list[Path]:
    files: list[Path] = []
    for package in packages:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("package", INTEGRATIONS)
def test_package_has_sources(package: str) -> None:
    assert python_files(package), f"{package}/ has no .py file to scan"


@pytest.mark.parametrize("path", python_files(*INTEGRATIONS), ids=_rel)
def test_integrations_do_not_speak_http(path: Path) -> None:
    bad = imported_modules(path.read_text(encoding="utf-8")) & HTTP_MODULES
    assert not bad, f"{_rel(path)} imports {sorted(bad)}; go through zai_core instead"


@pytest.mark.parametrize("path", python_files("zai_core"), ids=_rel)
def test_core_knows_no_framework(path: Path) -> None:
    bad = imported_modules(path.read_text(encoding="utf-8")) & FRAMEWORKS
    assert not bad, f"{_rel(path)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import httpx", {"httpx"}),
        ("import httpx_sse as sse", {"httpx_sse"}),
        ("from httpx import Client", {"httpx"}),
        ("def f():\n    from httpx_sse import EventSource", {"httpx_sse"}),
        ("import importlib\nimportlib.import_module('httpx')", {"importlib", "httpx"}),
        ("__import__('httpx.sub')", {"httpx"}),
        ("from llama_index.core.llms import LLM", {"llama_index"}),
        ("from . import _http\nfrom .client import X", set()),
        ("try:\n    import langchain_core\nexcept ImportError:\n    pass", {"langchain_core"}),
    ],
)
def test_import_detector(source: str, expected: set[str]) -> None:
    assert imported_modules(source) == expected
