"""Answers grounded by Z.ai's built-in `web_search` tool: results and the `[ref_N]` citations.

With `{"type": "web_search", "web_search": {..., "search_result": True}}` in `tools`, a chat
answer carries the hits in a top-level `web_search` list (`title`, `content`, `link`,
`media`, `icon`, `refer`, `publish_date`), and the answer text cites them by their
`refer` value in brackets: `... released in December [ref_1].` This shape is documented by
Z.ai (docs.z.ai, chat completion response schema); no public real recording of it exists.

Pure functions, framework-free: both adapters turn `find_citations` into their own
citation form (LangChain `Citation` annotations, LlamaIndex `CitationBlock`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "WEB_SEARCH_TOOL_NAME",
    "WebCitation",
    "find_citations",
    "forced_search_query",
    "search_results",
]

#: The name a web search gets as a server-side tool call in both frameworks.
WEB_SEARCH_TOOL_NAME = "web_search"

_MARKER = re.compile(r"\[(ref_\d+)\]")
# Where a cited claim may start: after a sentence end (Latin or CJK), a line break, a marker.
_BOUNDARY = re.compile(r"[.!?;](?=\s)|[\u3002\uff01\uff1f\uff1b\n]")  # CJK full stop, !, ?, ;


@dataclass(frozen=True)
class WebCitation:
    """One `[ref_N]` in an answer, resolved to the search result it names.

    Attributes:
        refer: the marker's name (`"ref_1"`).
        result: the `web_search` item whose `refer` it is.
        start, end: the span of the answer text the marker supports: the claim before the
            marker, from the previous sentence end (or marker) up to the marker, trimmed.
        marker_start, marker_end: the span of the `[ref_N]` marker itself.
    """

    refer: str
    result: Mapping[str, Any]
    start: int
    end: int
    marker_start: int
    marker_end: int

    @property
    def url(self) -> str | None:
        """The result's link."""
        link = self.result.get("link")
        return link if isinstance(link, str) and link else None

    @property
    def title(self) -> str | None:
        """The result's title."""
        title = self.result.get("title")
        return title if isinstance(title, str) and title else None

    @property
    def snippet(self) -> str | None:
        """The result's text the model read (`content`)."""
        content = self.result.get("content")
        return content if isinstance(content, str) and content else None


def search_results(value: Any) -> list[dict[str, Any]]:
    """The well-formed items of a `web_search` list (dicts), in order; `[]` otherwise."""
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        return []
    return [dict(item) for item in value if isinstance(item, Mapping)]


def _claim_span(text: str, floor: int, marker_start: int) -> tuple[int, int]:
    """The trimmed span of the claim before a marker, not reaching back before ``floor``."""
    start = floor
    for boundary in _BOUNDARY.finditer(text, floor, marker_start):
        if boundary.end() < marker_start and text[boundary.end() : marker_start].strip():
            start = boundary.end()
    end = marker_start
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_citations(text: str, results: Any) -> list[WebCitation]:
    """Every `[ref_N]` in `text` that names one of `results`, in order of appearance.

    A marker right after another (`[ref_1][ref_2]`) supports the same claim. Markers that
    name no result are left out. Pure.
    """
    by_refer = {r["refer"]: r for r in search_results(results) if isinstance(r.get("refer"), str)}
    if not by_refer or "[ref_" not in text:
        return []
    found: list[WebCitation] = []
    floor = 0
    claim = (0, 0)
    for match in _MARKER.finditer(text):
        between = text[floor : match.start()]
        if between.strip() or not found:
            claim = _claim_span(text, floor, match.start())
        floor = match.end()
        result = by_refer.get(match.group(1))
        if result is None:
            continue
        found.append(WebCitation(match.group(1), result, *claim, match.start(), match.end()))
    return found


def forced_search_query(tools: Any) -> str | None:
    """The `search_query` a request's built-in `web_search` tool forces, if any.

    Z.ai reports no query of its own: when the model chooses the query, the answer does
    not say which it was, so this is the only query a client can know.
    """
    for tool in tools if isinstance(tools, Sequence) else ():
        if isinstance(tool, Mapping) and tool.get("type") == "web_search":
            options = tool.get("web_search")
            query = options.get("search_query") if isinstance(options, Mapping) else None
            if isinstance(query, str) and query:
                return query
    return None
