"""The documentation site builds strictly (warnings are errors, no broken links) and offline.

`make docs` runs the same build into site/. Here it goes into a temporary folder, with every
proxy variable pointing at a closed port on 127.0.0.1, so a theme or plugin that tried to fetch
something (fonts, social cards, inventories) would fail the build instead of reaching out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "mkdocs.yml"
DEAD_PROXY = "http://127.0.0.1:9"
DOCS = ROOT / "docs"
#: Material plugins that fetch at build time.
FETCHING_PLUGINS = {"social", "privacy", "optimize"}


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose !ENV / !!python tags a plain safe load rejects."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _config() -> dict:
    return yaml.load(CONFIG.read_text(), Loader=_Loader)


def _nav_files(nav: list) -> list[str]:
    files: list[str] = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            files += _nav_files(value)
        elif isinstance(value, str) and not re.match(r"^[a-z]+://", value):
            files.append(value)
    return files


def _site_nav_files() -> list[str]:
    """The pages the built site's nav holds."""
    return _nav_files(_config()["nav"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        ALL_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        NO_PROXY="",
        NO_MKDOCS_2_WARNING="1",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--clean",
            "-f",
            str(CONFIG),
            "-d",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    assert "WARNING" not in log, log
    return out


def test_config_fetches_nothing() -> None:
    config = _config()
    assert config.get("strict") is True
    assert config["theme"]["name"] == "material"
    assert config["theme"].get("font") is False, "remote fonts: set theme.font to false"
    names = {next(iter(p)) if isinstance(p, dict) else p for p in config.get("plugins", [])}
    assert not names & FETCHING_PLUGINS, names & FETCHING_PLUGINS
    assert "import" not in str(config["plugins"]), "mkdocstrings inventories are fetched"


def test_every_page_is_in_the_nav() -> None:
    """A page in docs/ that the nav leaves out is unreachable; add it to nav in mkdocs.yml."""
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert pages - set(_site_nav_files()) == set()


def test_site_builds_strictly(site: Path) -> None:
    for page in _site_nav_files():
        assert (site / page).with_suffix(".html").exists(), page


def test_built_pages_load_nothing_remote(site: Path) -> None:
    remote = re.compile(r"<(?:link|script)[^>]+(?:href|src)=\"(?:https?:)?//[^\"]+\"")
    for page in site.rglob("*.html"):
        assert not remote.findall(page.read_text()), page


@pytest.mark.parametrize(
    ("page", "names"),
    [
        ("reference/langchain_zai.html", ["ChatZai", "ZaiEmbeddings", "ZaiWebSearchRetriever"]),
        ("reference/llama_index_zai.html", ["Zai", "ZaiEmbedding", "ZaiToolSpec"]),
        ("reference/zai_core.html", ["ZaiClient", "ZaiError", "StreamAccumulator"]),
    ],
)
def test_api_reference_renders_the_public_classes(site: Path, page: str, names: list[str]) -> None:
    html = (site / page).read_text()
    package = page.split("/")[1].removesuffix(".html")
    for name in names:
        assert f'id="{package}.{name}"' in html, name


@pytest.mark.parametrize(
    ("page", "anchor", "sections"),
    [
        (
            "reference/langchain_zai.html",
            "langchain_zai.ChatZai",
            [
                "Setup",
                "Instantiate",
                "Invoke",
                "Stream",
                "Async",
                "Tool calling",
                "Structured output",
                "Token usage",
                "Response metadata",
                "Image input",
            ],
        ),
        (
            "reference/langchain_zai.html",
            "langchain_zai.ZaiEmbeddings",
            ["Setup", "Instantiate", "Embed single text", "Embed multiple texts", "Async"],
        ),
    ],
)
def test_langchain_docstring_sections_are_rendered(
    site: Path, page: str, anchor: str, sections: list[str]
) -> None:
    """The house-style sections of the LangChain classes become collapsible blocks."""
    html = _object_html(site / page, anchor)
    for section in sections:
        assert f"<summary>{section}</summary>" in html, section
    assert "code-block::" not in html, "reStructuredText left in a Markdown docstring"


@pytest.mark.parametrize("anchor", ["llama_index_zai.Zai", "llama_index_zai.ZaiEmbedding"])
def test_llamaindex_docstrings_render_parameters_and_examples(site: Path, anchor: str) -> None:
    html = _object_html(site / "reference/llama_index_zai.html", anchor)
    assert "Parameters:" in html
    assert "Examples:" in html
    assert '<span class="kn">from</span>' in html  # Python code, highlighted
    assert "code-block::" not in html


def _object_html(page: Path, anchor: str) -> str:
    """The HTML of one documented object: from its heading to the next object of its level."""
    html = page.read_text()
    start = html.index(f'id="{anchor}"')
    package = anchor.split(".")[0]
    following = re.search(rf'<h\d id="{re.escape(package)}\.[A-Za-z_]+"', html[start + 1 :])
    return html[start : start + 1 + following.start()] if following else html[start:]
