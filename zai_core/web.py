"""Web search (`POST /web_search`) and the web reader (`POST /reader`).

Request bodies come from pure `build_*` functions that check every value before anything is
sent; answers are parsed by pure `parse_*` functions into small frozen dataclasses. The I/O
functions (`web_search`, `read_url` and their `a`-prefixed twins) only glue the
two together around `Transport.request` / `Transport.arequest`.

Example:
    ```python
    from zai_core import create_client, read_url, web_search

    client = create_client()
    for hit in web_search(client, "GLM-4.7 release", count=3, recency_filter="oneMonth"):
        print(hit.title, hit.link, hit.publish_date)
    page = read_url(client, "https://docs.z.ai/guides/overview/quick-start")
    print(page.title, page.content[:200])
    ```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .errors import APIResponseValidationError
from .transport import Transport

__all__ = [
    "DEFAULT_SEARCH_ENGINE",
    "READER_FORMATS",
    "RECENCY_FILTERS",
    "SEARCH_ENGINES",
    "WebPage",
    "WebSearchResult",
    "aread_url",
    "aweb_search",
    "build_reader_body",
    "build_web_search_body",
    "parse_web_page",
    "parse_web_search_results",
    "read_url",
    "web_search",
]

#: The engine docs.z.ai documents; the mainland names below are accepted as well.
DEFAULT_SEARCH_ENGINE = "search-prime"
#: Engines named by docs.z.ai (``search-prime``) and docs.bigmodel.cn (the others).
SEARCH_ENGINES = (
    "search-prime",
    "search_std",
    "search_pro",
    "search_pro_sogou",
    "search_pro_quark",
)
RECENCY_FILTERS = ("oneDay", "oneWeek", "oneMonth", "oneYear", "noLimit")
CONTENT_SIZES = ("medium", "high")
READER_FORMATS = ("markdown", "text")
MAX_SEARCH_COUNT = 50


@dataclass(frozen=True)
class WebSearchResult:
    """One hit of `POST /web_search`.

    Attributes:
        title: page title.
        link: page URL.
        content: the snippet Z.ai extracted.
        publish_date: publication date as Z.ai gives it (`"2025-06-01"`), or `None`.
        media: site name.
        icon: site icon URL.
        refer: reference label (`"ref_1"`) for citing the hit.
    """

    title: str
    link: str
    content: str
    publish_date: str | None = None
    media: str | None = None
    icon: str | None = None
    refer: str | None = None


@dataclass(frozen=True)
class WebPage:
    """A page read by `POST /reader`.

    Attributes:
        url: the page URL (as the reader resolved it).
        title: page title.
        description: the page's meta description.
        content: the page as markdown or plain text.
        metadata: the reader's `metadata` object (open graph and similar fields).
        published_time: publication time when the reader found one.
        images: image summary (`with_images_summary=True`), name -> URL.
        links: link summary (`with_links_summary=True`), text -> URL.
        request_id: Z.ai's request id.
    """

    url: str
    title: str
    description: str
    content: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    published_time: str | None = None
    images: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, Any] = field(default_factory=dict)
    request_id: str | None = None


# --------------------------------------------------------------------------- validation


def require_text(name: str, value: Any) -> str:
    """`value` stripped, or a ValueError naming `name` when it is not a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value.strip()


def optional_ids(request_id: str | None, user_id: str | None) -> dict[str, str]:
    """`request_id` / `user_id` fields; Z.ai wants a `user_id` of 6 to 128 characters."""
    fields: dict[str, str] = {}
    if request_id is not None:
        fields["request_id"] = require_text("request_id", request_id)
    if user_id is not None:
        user = require_text("user_id", user_id)
        if not 6 <= len(user) <= 128:
            raise ValueError(f"user_id must be 6 to 128 characters long, got {len(user)}")
        fields["user_id"] = user
    return fields


def require_http_url(name: str, value: Any) -> str:
    """`value` when it is an absolute http(s) URL with a host, else a ValueError."""
    url = require_text(name, value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {value!r}")
    return url


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return str(value)


def _optional_bool(name: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(f"{name} must be True or False, got {value!r}")


# --------------------------------------------------------------------------- web search


def build_web_search_body(
    query: str,
    *,
    engine: str = DEFAULT_SEARCH_ENGINE,
    count: int | None = None,
    domain_filter: str | None = None,
    recency_filter: str | None = None,
    content_size: str | None = None,
    search_intent: bool | None = None,
    request_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """The `POST /web_search` body; raises ValueError on a bad value before any request.

    Args:
        query: what to search for (required, non-empty).
        engine: `"search-prime"` (default, docs.z.ai) or a mainland engine
            (`search_std`, `search_pro`, `search_pro_sogou`, `search_pro_quark`);
            other names are sent as they are.
        count: number of results, 1 to 50.
        domain_filter: only results from this domain (`"www.example.com"`).
        recency_filter: `oneDay`, `oneWeek`, `oneMonth`, `oneYear` or `noLimit`.
        content_size: `medium` or `high` (mainland: snippet length).
        search_intent: ask the engine to detect the search intent first (mainland).
        request_id: your id for the request.
        user_id: your end user's id (6 to 128 characters).
    """
    body: dict[str, Any] = {
        "search_engine": require_text("engine", engine),
        "search_query": require_text("query", query),
    }
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int):
            raise ValueError(f"count must be an integer from 1 to 50, got {count!r}")
        if not 1 <= count <= MAX_SEARCH_COUNT:
            raise ValueError(f"count must be from 1 to {MAX_SEARCH_COUNT}, got {count}")
        body["count"] = count
    if domain_filter is not None:
        domain = require_text("domain_filter", domain_filter)
        if "://" in domain or "/" in domain or " " in domain:
            raise ValueError(
                f"domain_filter must be a bare domain such as 'www.example.com', got {domain!r}"
            )
        body["search_domain_filter"] = domain
    if recency_filter is not None:
        body["search_recency_filter"] = _choice("recency_filter", recency_filter, RECENCY_FILTERS)
    if content_size is not None:
        body["content_size"] = _choice("content_size", content_size, CONTENT_SIZES)
    intent = _optional_bool("search_intent", search_intent)
    if intent is not None:
        body["search_intent"] = intent
    body.update(optional_ids(request_id, user_id))
    return body


def _optional_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _search_result(item: Any) -> WebSearchResult:
    if not isinstance(item, Mapping):
        raise APIResponseValidationError(
            f"web search result is not an object: {str(item)[:200]!r}", body=item
        )
    return WebSearchResult(
        title=str(item.get("title") or ""),
        link=str(item.get("link") or ""),
        content=str(item.get("content") or ""),
        publish_date=_optional_str(item.get("publish_date")),
        media=_optional_str(item.get("media")),
        icon=_optional_str(item.get("icon")),
        refer=_optional_str(item.get("refer")),
    )


def parse_web_search_results(body: Any) -> tuple[WebSearchResult, ...]:
    """The hits of a `/web_search` answer (`search_result`; a lone object is accepted).

    An answer without `search_result` raises `APIResponseValidationError`; an empty
    list is a valid "nothing found".
    """
    if not isinstance(body, Mapping) or "search_result" not in body:
        raise APIResponseValidationError(
            f"web search answer has no 'search_result': {str(body)[:200]!r}", body=body
        )
    raw = body["search_result"]
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list):
        raise APIResponseValidationError(
            f"web search 'search_result' is not a list: {str(raw)[:200]!r}", body=body
        )
    return tuple(_search_result(item) for item in items)


def web_search(client: Transport, query: str, **options: Any) -> list[WebSearchResult]:
    """Search the web: one `POST /web_search`; `options` as in `build_web_search_body`."""
    body = build_web_search_body(query, **options)
    return list(parse_web_search_results(client.request("POST", "/web_search", json=body)))


async def aweb_search(client: Transport, query: str, **options: Any) -> list[WebSearchResult]:
    """Async `web_search`."""
    body = build_web_search_body(query, **options)
    answer = await client.arequest("POST", "/web_search", json=body)
    return list(parse_web_search_results(answer))


# --------------------------------------------------------------------------- web reader


def build_reader_body(
    url: str,
    *,
    return_format: str = "markdown",
    retain_images: bool | None = None,
    no_cache: bool | None = None,
    page_timeout: int | None = None,
    no_gfm: bool | None = None,
    keep_img_data_url: bool | None = None,
    with_images_summary: bool | None = None,
    with_links_summary: bool | None = None,
    request_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """The `POST /reader` body; raises ValueError on a bad value before any request.

    Args:
        url: the page to read (absolute http(s) URL).
        return_format: `"markdown"` (default) or `"text"`.
        retain_images: keep images in the content (server default: yes).
        no_cache: bypass Z.ai's page cache.
        page_timeout: seconds the reader may spend fetching the page (sent as `timeout`;
            server default 20).
        no_gfm: plain markdown instead of GitHub-flavoured markdown.
        keep_img_data_url: keep `data:` image URLs.
        with_images_summary: add a summary of the page's images.
        with_links_summary: add a summary of the page's links.
        request_id: your id for the request.
        user_id: your end user's id (6 to 128 characters).
    """
    body: dict[str, Any] = {
        "url": require_http_url("url", url),
        "return_format": _choice("return_format", return_format, READER_FORMATS),
    }
    if page_timeout is not None:
        if isinstance(page_timeout, bool) or not isinstance(page_timeout, int) or page_timeout <= 0:
            raise ValueError(f"page_timeout must be a positive number of seconds: {page_timeout!r}")
        body["timeout"] = page_timeout
    flags = {
        "retain_images": retain_images,
        "no_cache": no_cache,
        "no_gfm": no_gfm,
        "keep_img_data_url": keep_img_data_url,
        "with_images_summary": with_images_summary,
        "with_links_summary": with_links_summary,
    }
    for name, value in flags.items():
        flag = _optional_bool(name, value)
        if flag is not None:
            body[name] = flag
    body.update(optional_ids(request_id, user_id))
    return body


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def parse_web_page(body: Any, *, url: str = "") -> WebPage:
    """The page of a `/reader` answer (`reader_result`); `url` fills a missing URL."""
    result = body.get("reader_result") if isinstance(body, Mapping) else None
    if not isinstance(result, Mapping) or not isinstance(result.get("content"), str):
        raise APIResponseValidationError(
            f"reader answer has no 'reader_result' with content: {str(body)[:200]!r}", body=body
        )
    metadata = _mapping(result.get("metadata"))
    published = result.get("publishedTime") or result.get("published_time")
    request_id = body.get("request_id") or body.get("id")
    return WebPage(
        url=str(result.get("url") or url),
        title=str(result.get("title") or ""),
        description=str(result.get("description") or ""),
        content=result["content"],
        metadata=metadata,
        published_time=_optional_str(published),
        images=_mapping(result.get("images")),
        links=_mapping(result.get("links")),
        request_id=_optional_str(request_id),
    )


def read_url(client: Transport, url: str, **options: Any) -> WebPage:
    """Read one page: one `POST /reader`; `options` as in `build_reader_body`."""
    body = build_reader_body(url, **options)
    return parse_web_page(client.request("POST", "/reader", json=body), url=body["url"])


async def aread_url(client: Transport, url: str, **options: Any) -> WebPage:
    """Async `read_url`."""
    body = build_reader_body(url, **options)
    answer = await client.arequest("POST", "/reader", json=body)
    return parse_web_page(answer, url=body["url"])
