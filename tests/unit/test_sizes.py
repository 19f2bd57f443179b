"""Small modules and short functions in the product code (the project's style rules).

A module holds at most 700 lines; a function at most 60 lines of code (its docstring not
counted). A failure names the module or function to split.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("zai_core", "langchain_zai", "llama_index_zai", "llama_index")
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 60
SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function from its first statement after the docstring to its end."""
    body = node.body
    first = body[0]
    has_docstring = (
        len(body) > 1
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    start = body[1].lineno if has_docstring else node.lineno
    return (node.end_lineno or node.lineno) - start + 1


def long_functions(source: str) -> list[str]:
    return [
        f"{node.name} (line {node.lineno}): {code_lines(node)} lines"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and code_lines(node) > MAX_FUNCTION_LINES
    ]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines: split it"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_functions_are_short(path: Path) -> None:
    assert not long_functions(path.read_text(encoding="utf-8"))


def test_the_length_rule_counts_code_not_docstrings() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    doc = '    """' + "\n".join(["doc"] * 30) + '"""\n'
    assert not long_functions(f"def short():\n{doc}{body}\n")
    assert long_functions(f"def long():\n{body}\n    y = 1\n")
