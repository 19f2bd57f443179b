"""zai_core.web: request bodies, answer parsing, and the I/O glue around them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.services.fakes import READER_ANSWER, SEARCH_ANSWER, FakeZai
from zai_core import (
    APIResponseValidationError,
    WebPage,
    WebSearchResult,
    aread_url,
    aweb_search,
    build_reader_body,
    build_web_search_body,
    parse_web_page,
    parse_web_search_results,
    read_url,
    web_search,
)

# --------------------------------------------------------------------------- web search bodies


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (("GLM",), {}, {"search_engine": "search-prime", "search_query": "GLM"}),
        (("  padded  ",), {}, {"search_engine": "search-prime", "search_query": "padded"}),
        (
            ("GLM",),
            {"engine": "search_pro", "count": 50, "recency_filter": "oneWeek"},
            {
                "search_engine": "search_pro",
                "search_query": "GLM",
                "count": 50,
                "search_recency_filter": "oneWeek",
            },
        ),
        (
            ("GLM",),
            {"count": 1, "domain_filter": "www.example.com", "content_size": "high"},
            {
                "search_engine": "search-prime",
                "search_query": "GLM",
                "count": 1,
                "search_domain_filter": "www.example.com",
                "content_size": "high",
            },
        ),
        (
            ("GLM",),
            {"search_intent": False, "request_id": "req-1", "user_id": "user-123"},
            {
                "search_engine": "search-prime",
                "search_query": "GLM",
                "search_intent": False,
                "request_id": "req-1",
                "user_id": "user-123",
            },
        ),
    ],
)
def test_web_search_body(args: tuple[Any, ...], kwargs: dict[str, Any], expected: dict) -> None:
    assert build_web_search_body(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("",), {}, "query must be a non-empty string"),
        (("   ",), {}, "query must be a non-empty string"),
        ((None,), {}, "query must be a non-empty string"),
        (("GLM",), {"engine": ""}, "engine must be a non-empty string"),
        (("GLM",), {"count": 0}, "count must be from 1 to 50"),
        (("GLM",), {"count": 51}, "count must be from 1 to 50"),
        (("GLM",), {"count": True}, "count must be an integer"),
        (("GLM",), {"count": "5"}, "count must be an integer"),
        (("GLM",), {"recency_filter": "oneweek"}, "recency_filter must be one of oneDay"),
        (("GLM",), {"recency_filter": "lastWeek"}, "recency_filter must be one of"),
        (("GLM",), {"domain_filter": "https://example.com"}, "bare domain"),
        (("GLM",), {"domain_filter": "example.com/path"}, "bare domain"),
        (("GLM",), {"content_size": "low"}, "content_size must be one of medium, high"),
        (("GLM",), {"search_intent": "yes"}, "search_intent must be True or False"),
        (("GLM",), {"user_id": "abc"}, "user_id must be 6 to 128 characters"),
        (("GLM",), {"request_id": ""}, "request_id must be a non-empty string"),
    ],
)
def test_web_search_body_rejects(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_web_search_body(*args, **kwargs)


def test_web_search_body_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        build_web_search_body("GLM", recency="oneDay")  # type: ignore[call-arg]


# --------------------------------------------------------------------------- web search answers


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            SEARCH_ANSWER,
            (
                WebSearchResult(
                    title="GLM-4.7 released",
                    link="https://news.example.org/glm-4-7",
                    content="Zhipu released GLM-4.7.",
                    publish_date="2026-11-20",
                    media="Example News",
                    icon="https://news.example.org/favicon.ico",
                    refer="ref_1",
                ),
                WebSearchResult(title="Second", link="https://b.example.com/2", content="More."),
            ),
        ),
        ({"search_result": []}, ()),
        ({"search_result": None}, ()),
        (  # the SDK's types say one object; accept it
            {"search_result": {"title": "T", "link": "L", "content": "C", "icon": ""}},
            (WebSearchResult(title="T", link="L", content="C"),),
        ),
        (
            {"search_result": [{"title": None, "link": "L", "publish_date": 20261120}]},
            (WebSearchResult(title="", link="L", content="", publish_date="20261120"),),
        ),
    ],
)
def test_parse_web_search_results(answer: dict, expected: tuple[WebSearchResult, ...]) -> None:
    assert parse_web_search_results(answer) == expected


@pytest.mark.parametrize(
    "answer",
    [None, [], {"id": "x"}, {"search_result": "text"}, {"search_result": ["text"]}],
)
def test_parse_web_search_results_rejects(answer: Any) -> None:
    with pytest.raises(APIResponseValidationError):
        parse_web_search_results(answer)


def test_parse_does_not_mutate_the_answer() -> None:
    answer = {"search_result": [{"title": "T", "link": "L", "content": "C"}]}
    snapshot = repr(answer)
    parse_web_search_results(answer)
    assert repr(answer) == snapshot


# --------------------------------------------------------------------------- reader bodies


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"url": "https://a.example.com/x", "return_format": "markdown"}),
        (
            {"return_format": "text", "page_timeout": 30, "no_cache": True, "retain_images": False},
            {
                "url": "https://a.example.com/x",
                "return_format": "text",
                "timeout": 30,
                "no_cache": True,
                "retain_images": False,
            },
        ),
        (
            {"with_images_summary": True, "with_links_summary": True, "no_gfm": False},
            {
                "url": "https://a.example.com/x",
                "return_format": "markdown",
                "with_images_summary": True,
                "with_links_summary": True,
                "no_gfm": False,
            },
        ),
    ],
)
def test_reader_body(kwargs: dict[str, Any], expected: dict) -> None:
    assert build_reader_body("https://a.example.com/x", **kwargs) == expected


@pytest.mark.parametrize(
    ("url", "kwargs", "message"),
    [
        ("", {}, "url must be a non-empty string"),
        ("example.com/page", {}, "absolute http"),
        ("ftp://example.com/file", {}, "absolute http"),
        ("https://", {}, "absolute http"),
        ("https://example.com/a b", {}, "absolute http"),
        ("https://example.com", {"return_format": "html"}, "return_format must be one of"),
        ("https://example.com", {"page_timeout": 0}, "page_timeout must be a positive"),
        ("https://example.com", {"page_timeout": 2.5}, "page_timeout must be a positive"),
        ("https://example.com", {"no_cache": "true"}, "no_cache must be True or False"),
    ],
)
def test_reader_body_rejects(url: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_reader_body(url, **kwargs)


# --------------------------------------------------------------------------- reader answers


def test_parse_web_page() -> None:
    assert parse_web_page(READER_ANSWER) == WebPage(
        url="https://docs.z.ai/quick-start",
        title="Quick start | Z.ai",
        description="How to start with Z.ai",
        content="# Quick start\n\nInstall the SDK.",
        metadata={"og:type": "article"},
        published_time="2026-10-01",
        request_id="20261123def",
    )


def test_parse_web_page_fills_a_missing_url_and_summaries() -> None:
    answer = {
        "id": "r",
        "reader_result": {
            "content": "text",
            "images": {"logo": "https://x/logo.png"},
            "links": {"Home": "https://x/"},
        },
    }
    page = parse_web_page(answer, url="https://x/")
    assert (page.url, page.title, page.description) == ("https://x/", "", "")
    assert page.images == {"logo": "https://x/logo.png"}
    assert page.links == {"Home": "https://x/"}
    assert page.request_id == "r"


@pytest.mark.parametrize(
    "answer", [None, {}, {"reader_result": None}, {"reader_result": {"title": "no content"}}]
)
def test_parse_web_page_rejects(answer: Any) -> None:
    with pytest.raises(APIResponseValidationError, match="reader_result"):
        parse_web_page(answer)


# --------------------------------------------------------------------------- I/O glue


def test_web_search_posts_the_body_and_parses_the_answer() -> None:
    fake = FakeZai({"/web_search": SEARCH_ANSWER})
    hits = web_search(fake.client(), "GLM-4.7", count=2, recency_filter="oneWeek")
    assert [h.link for h in hits] == ["https://news.example.org/glm-4-7", "https://b.example.com/2"]
    assert fake.bodies("/web_search") == [
        {
            "search_engine": "search-prime",
            "search_query": "GLM-4.7",
            "count": 2,
            "search_recency_filter": "oneWeek",
        }
    ]
    assert fake.requests[0].method == "POST"


async def test_aweb_search_matches_the_sync_call() -> None:
    fake = FakeZai({"/web_search": SEARCH_ANSWER})
    client = fake.client()
    assert await aweb_search(client, "GLM", count=2) == web_search(client, "GLM", count=2)
    first, second = fake.bodies("/web_search")
    assert first == second


def test_bad_values_send_nothing() -> None:
    fake = FakeZai({"/web_search": SEARCH_ANSWER, "/reader": READER_ANSWER})
    with pytest.raises(ValueError, match="count"):
        web_search(fake.client(), "GLM", count=99)
    with pytest.raises(ValueError, match="absolute http"):
        read_url(fake.client(), "not a url")
    assert fake.requests == []


async def test_read_url_sync_and_async() -> None:
    fake = FakeZai({"/reader": READER_ANSWER})
    client = fake.client()
    page = read_url(client, "https://docs.z.ai/quick-start", return_format="markdown")
    assert page.title == "Quick start | Z.ai"
    assert await aread_url(client, "https://docs.z.ai/quick-start") == page
    assert fake.bodies("/reader")[0] == {
        "url": "https://docs.z.ai/quick-start",
        "return_format": "markdown",
    }
