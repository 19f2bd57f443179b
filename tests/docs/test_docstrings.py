"""Every public name of the three packages carries a Markdown docstring the site can render.

"Public" is each package's `__all__` (classes and functions; constants carry no docstring of
their own), plus the package docstring and the methods and properties a public class defines
itself. mkdocstrings renders Markdown: a reStructuredText leftover (a directive, a role, double
backticks, an rST `Example:` block) shows up as raw markup on the site. The packages are not on
PyPI, so an install line must point at a checkout, never at `zai-integrations[...]`.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from types import ModuleType

import pytest

PACKAGES = ("zai_core", "langchain_zai", "llama_index_zai")

#: rST constructs that Markdown renders as raw text, with what to write instead.
RST_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*\.\. [\w-]+::", re.M), "a directive (`.. code-block::`): use a ``` fence"),
    (re.compile(r"(?<!`)``(?!`)"), "double backticks: use single backticks"),
    (re.compile(r":(?:class|func|meth|attr|mod|obj|exc|data|ref):`"), "a role: use [`Name`][]"),
    (re.compile(r"\w::\s*$", re.M), "an rST literal block (`text::`): use a ``` fence"),
)
EXAMPLE_HEADING = re.compile(r"^(\s*)Examples?:\s*$")
BAD_INSTALL = "zai-integrations["


def _public_objects(package: str) -> Iterator[tuple[str, object]]:
    module: ModuleType = importlib.import_module(package)
    yield package, module
    for name in module.__all__:
        value = getattr(module, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue  # constants (MODELS, DEFAULT_TIMEOUT, ...) and type aliases
        yield f"{package}.{name}", value
        if inspect.isclass(value):
            yield from _own_members(f"{package}.{name}", value)


def _own_members(qualname: str, cls: type) -> Iterator[tuple[str, object]]:
    """Public methods and properties the class itself defines (not those it inherits)."""
    for attr, member in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if inspect.isfunction(member) or isinstance(member, property):
            yield f"{qualname}.{attr}", member


def _examples_without_fence(doc: str) -> list[str]:
    """`Example:` / `Examples:` sections without a ``` fence (code in rST indentation)."""
    lines = doc.splitlines()
    bad = []
    for i, line in enumerate(lines):
        heading = EXAMPLE_HEADING.match(line)
        if not heading:
            continue
        depth = len(heading.group(1))
        section = []
        for following in lines[i + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= depth:
                break
            section.append(following.strip())
        if not any(x.startswith("```") for x in section):
            bad.append(line.strip())
    return bad


ALL = [pair for package in PACKAGES for pair in _public_objects(package)]
TOP_LEVEL = [
    (name, obj)
    for name, obj in ALL
    if name.count(".") == 1 or name in PACKAGES  # package docstrings and `__all__` names
]


def test_the_packages_export_what_the_site_documents() -> None:
    names = {name for name, _ in TOP_LEVEL}
    for expected in (
        "langchain_zai.ChatZai",
        "langchain_zai.ZaiOCRLoader",
        "langchain_zai.ZaiWebSearchRetriever",
        "llama_index_zai.ZaiTokenizer",
        "llama_index_zai.ZaiWebReader",
        "zai_core.ZaiClient",
        "zai_core.create_client",
    ):
        assert expected in names


@pytest.mark.parametrize(("name", "obj"), TOP_LEVEL, ids=[name for name, _ in TOP_LEVEL])
def test_every_public_name_has_a_docstring(name: str, obj: object) -> None:
    doc = inspect.getdoc(obj)
    assert doc and doc.strip(), f"{name} has no docstring"


@pytest.mark.parametrize(("name", "obj"), ALL, ids=[name for name, _ in ALL])
def test_docstrings_are_markdown(name: str, obj: object) -> None:
    doc = getattr(obj, "__doc__", None) or ""
    found = [why for pattern, why in RST_MARKERS if pattern.search(doc)]
    found += [f"{heading} in rST indentation" for heading in _examples_without_fence(doc)]
    assert not found, f"{name}: reStructuredText left: {found}"


@pytest.mark.parametrize(("name", "obj"), ALL, ids=[name for name, _ in ALL])
def test_install_lines_work_from_a_checkout(name: str, obj: object) -> None:
    doc = getattr(obj, "__doc__", None) or ""
    assert BAD_INSTALL not in doc, f"{name}: the package is not on PyPI; use pip install '.[extra]'"


@pytest.mark.parametrize(
    ("doc", "problems"),
    [
        ("Use `x`.\n\nExamples:\n    ```python\n    x()\n    ```\n", 0),
        ("Use ``x``.", 1),
        ("See :class:`Foo`.", 1),
        (".. code-block:: python\n\n    x()\n", 1),
        ("Example::\n\n    x()\n", 1),
        ("Example:\n    x()\n", 1),
        ('???+ info "Setup"\n\n    ```bash\n    pip install ".[langchain]"\n    ```\n', 0),
    ],
)
def test_the_checks_catch_rst(doc: str, problems: int) -> None:
    found = [why for pattern, why in RST_MARKERS if pattern.search(doc)]
    found += _examples_without_fence(doc)
    assert len(found) == problems, found


def _langchain_classes() -> list[str]:
    import langchain_zai

    return [
        name
        for name in langchain_zai.__all__
        if inspect.isclass(cls := getattr(langchain_zai, name)) and not issubclass(cls, Exception)
    ]


def _llamaindex_classes() -> list[str]:
    from llama_index.core.instrumentation.events import BaseEvent

    import llama_index_zai

    return [
        name
        for name in llama_index_zai.__all__
        if not issubclass(getattr(llama_index_zai, name), BaseEvent)
    ]


@pytest.mark.parametrize("name", _langchain_classes())
def test_langchain_classes_use_the_house_sections(name: str) -> None:
    """LangChain's style: collapsible Setup (open), Instantiate, and a way to call the object."""
    from langchain_core.tools import BaseTool

    import langchain_zai

    cls = getattr(langchain_zai, name)
    doc = cls.__doc__ or ""
    assert '???+ info "Setup"' in doc, name
    assert 'pip install ".[langchain' in doc, name
    assert '??? info "Instantiate"' in doc, name
    sections = re.findall(r'^    \?\?\?\+? info "([^"]+)"', doc, re.M)
    assert len(sections) >= 3, (name, sections)  # and at least one way to use it
    if issubclass(cls, BaseTool):
        assert "Use within an agent" in sections, name


@pytest.mark.parametrize("name", _llamaindex_classes())
def test_llamaindex_classes_use_args_and_examples(name: str) -> None:
    """LlamaIndex's style: Google `Args:` and `Examples:` with fenced, runnable code."""
    import llama_index_zai

    doc = inspect.getdoc(getattr(llama_index_zai, name)) or ""
    assert re.search(r"^Args:$", doc, re.M), name
    assert re.search(r"^Examples?:$", doc, re.M), name
    assert "```python" in doc, name
    assert "???" not in doc, f"{name}: admonitions are LangChain's style, not LlamaIndex's"
