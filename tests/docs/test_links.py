"""Every relative link in README.md and docs/ points at a file that is in the repository.

The docs site is built from docs/ alone, so a page there may only link inside docs/ (the
strict build in test_build.py checks anchors too). Paths written as code in the README or a
page (`cookbooks/replay.py`) must exist as well, and nothing may point at material that lives
outside the repository (the project's seed notes or its reference folder).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted([ROOT / "README.md", *DOCS.rglob("*.md")])

#: [text](target) and ![alt](target), with an optional "title".
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
#: [label]: target reference definitions.
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
FENCE = re.compile(r"^(\s*)(```|~~~).*?^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
#: Code spans that name a path in this repository (its top-level folders and files).
REPO_PATH = re.compile(
    r"^(?:\./)?(?:zai_core|langchain_zai|llama_index_zai|llama_index|tests|cookbooks|"
    r"benchmarks|docs)/[\w./-]*$|^(?:Makefile|pyproject\.toml|uv\.lock|demo\.py|mkdocs\.yml)$"
)
#: Material that is not in the repository, and words that only make sense next to it.
FOREIGN = re.compile(r"seeds/|shared/reference|anchors\b|zai-api\.md", re.IGNORECASE)


def _prose(text: str) -> str:
    """The page without fenced code blocks (links in code are examples, not links)."""
    return FENCE.sub("", text)


def _links(text: str) -> list[str]:
    prose = CODE_SPAN.sub("", _prose(text))
    return INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)


def _is_external(target: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)) or target.startswith("//")


def _github_slug(heading: str) -> str:
    text = re.sub(r"[`*_~]|<[^>]+>", "", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", _prose(path.read_text()), re.MULTILINE)
    return {_github_slug(h) for h in headings}


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_pages_to_check() -> None:
    assert (ROOT / "README.md") in PAGES
    assert len(PAGES) > 10, PAGES


def _link_problems(page: Path, root: Path = ROOT, docs: Path = DOCS) -> list[str]:
    """What is wrong with the relative links of one page (empty when nothing is)."""
    problems = []
    for target in _links(page.read_text()):
        if _is_external(target):
            continue
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        if not dest.exists():
            problems.append(f"{target}: no such file ({os.path.relpath(dest, root)})")
        elif not dest.is_relative_to(root):
            problems.append(f"{target}: outside the repository")
        elif page.is_relative_to(docs) and not dest.is_relative_to(docs):
            problems.append(f"{target}: the docs site is built from docs/ only; link inside it")
        elif (
            anchor
            and not page.is_relative_to(docs)  # the site's build checks its own anchors
            and dest.suffix == ".md"
            and anchor not in _anchors(dest)
        ):
            problems.append(f"{target}: no heading makes the anchor #{anchor}")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_relative_links_point_at_files_in_the_repository(page: Path) -> None:
    problems = _link_problems(page)
    assert not problems, f"{_page_id(page)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_paths_written_as_code_exist(page: Path) -> None:
    missing = []
    for _, span in CODE_SPAN.findall(_prose(page.read_text())):
        span = span.strip()
        if REPO_PATH.match(span) and not (ROOT / span).exists():
            missing.append(span)
    assert not missing, f"{_page_id(page)} names paths that are not in the repository: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_no_reference_to_material_outside_the_repository(page: Path) -> None:
    hits = [m.group(0) for m in FOREIGN.finditer(page.read_text())]
    assert not hits, f"{_page_id(page)} refers to material outside the repository: {hits}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see [the guide](docs/guides/langchain.md).", ["docs/guides/langchain.md"]),
        ("![chart](benchmarks/results/ratios.png)", ["benchmarks/results/ratios.png"]),
        ("[a](x.md#part) and [b](https://example.com)", ["x.md#part", "https://example.com"]),
        ("`[not](a-link.md)` and\n```\n[nor](this.md)\n```\n", []),
        ("[ref]: docs/index.md", ["docs/index.md"]),
    ],
)
def test_link_extraction(text: str, expected: list[str]) -> None:
    assert _links(text) == expected


def test_link_problems_are_found(tmp_path: Path) -> None:
    """The check can fail: each kind of bad link is reported, a good one is not."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "tool.py").write_text("")
    (docs / "other.md").write_text("# Other\n")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Top\n[ok](docs/other.md) [ok](#top) [gone](nowhere.md) [bad anchor](docs/other.md#nope)"
    )
    page = docs / "page.md"
    page.write_text("[ok](other.md) [outside the site](../tool.py) [gone](missing.md)")
    assert _link_problems(readme, tmp_path, docs) == [
        "nowhere.md: no such file (nowhere.md)",
        "docs/other.md#nope: no heading makes the anchor #nope",
    ]
    assert _link_problems(page, tmp_path, docs) == [
        "../tool.py: the docs site is built from docs/ only; link inside it",
        "missing.md: no such file (docs/missing.md)",
    ]


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Install", "install"),
        ("Quick start: LangChain", "quick-start-langchain"),
        ("`ChatZai`: GLM chat models", "chatzai-glm-chat-models"),
        ("Set up: two commands", "set-up-two-commands"),
    ],
)
def test_github_slug(heading: str, slug: str) -> None:
    assert _github_slug(heading) == slug


@pytest.mark.parametrize(
    "text", ["see seeds/003", "shared/reference/zai-api.md", "the anchors this was built on"]
)
def test_foreign_references_are_recognised(text: str) -> None:
    assert FOREIGN.search(text)
