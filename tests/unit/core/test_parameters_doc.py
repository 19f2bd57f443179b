"""``docs/parameters.md`` is generated from the parameter table and cannot drift from it."""

from __future__ import annotations

from pathlib import Path

from zai_core import CHAT_PARAMETERS, parameters_markdown

PAGE = Path(__file__).resolve().parents[3] / "docs" / "parameters.md"


def test_committed_page_matches_the_table() -> None:
    assert PAGE.read_text(encoding="utf-8") == parameters_markdown(), (
        "docs/parameters.md is out of date: regenerate it with\n"
        '  python -c "from zai_core import parameters_markdown; '
        "open('docs/parameters.md', 'w').write(parameters_markdown())\""
    )


def test_every_parameter_has_a_row() -> None:
    page = parameters_markdown()
    for name in CHAT_PARAMETERS:
        assert f"| `{name}`" in page, name
