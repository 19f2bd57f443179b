"""``zai_core.grounding``: ``[ref_N]`` markers resolved to web search results (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from zai_core.grounding import find_citations, forced_search_query, search_results

RESULTS = [
    {"refer": "ref_1", "title": "One", "link": "https://a.example/1", "content": "first"},
    {"refer": "ref_2", "title": "Two", "link": "https://b.example/2", "content": "second"},
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No citation here.", []),
        ("GLM-4.7 shipped [ref_1].", [("ref_1", "GLM-4.7 shipped")]),
        (
            "It is fast [ref_1]. It is open [ref_2].",
            [("ref_1", "It is fast"), ("ref_2", "It is open")],
        ),
        (  # adjacent markers support the same claim
            "Released in December [ref_1][ref_2].",
            [("ref_1", "Released in December"), ("ref_2", "Released in December")],
        ),
        ("Unknown source [ref_9] and known [ref_2]", [("ref_2", "and known")]),
        ("First line\nSecond claim [ref_1]", [("ref_1", "Second claim")]),
        (  # a CJK full stop ends a claim
            "\u6a21\u578b[ref_1]\u3002\u5f88\u5feb[ref_2]",
            [("ref_1", "\u6a21\u578b"), ("ref_2", "\u5f88\u5feb")],
        ),
        ("Version 4.7 is out [ref_1]", [("ref_1", "Version 4.7 is out")]),  # "4.7" is no end
        ("[ref_1] leads the text", [("ref_1", "")]),
    ],
)
def test_find_citations(text: str, expected: list[tuple[str, str]]) -> None:
    found = find_citations(text, RESULTS)
    assert [(c.refer, text[c.start : c.end]) for c in found] == expected
    for c in found:
        assert text[c.marker_start : c.marker_end] == f"[{c.refer}]"
        assert c.result["refer"] == c.refer
        assert c.url == c.result["link"] and c.title == c.result["title"]


@pytest.mark.parametrize("results", [None, [], "text", [1, "x"], [{"title": "no refer"}]])
def test_no_usable_results_means_no_citations(results: Any) -> None:
    assert find_citations("Claim [ref_1].", results) == []


def test_search_results_keeps_only_dicts() -> None:
    assert search_results([RESULTS[0], "junk", None]) == [RESULTS[0]]
    assert search_results({"not": "a list"}) == []


@pytest.mark.parametrize(
    ("tools", "query"),
    [
        (None, None),
        ([{"type": "web_search", "web_search": {"enable": True}}], None),
        ([{"type": "web_search", "web_search": {"search_query": "GLM news"}}], "GLM news"),
        ([{"type": "function", "function": {"name": "f"}}], None),
    ],
)
def test_forced_search_query(tools: Any, query: str | None) -> None:
    assert forced_search_query(tools) == query
