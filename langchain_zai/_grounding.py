"""Z.ai's built-in web search in LangChain's standard content: blocks and citations.

Pure functions over `AIMessage` / `AIMessageChunk`: the search becomes a
`server_tool_call` and its `server_tool_result`; each `[ref_N]` in the answer becomes a
`Citation` annotation on the text block. Used by the `"zai"` block translator in
`langchain_zai._convert`. The shape of Z.ai's `web_search` list is documented, not
recorded (see `zai_core.grounding`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from langchain_core.messages import AIMessage
from langchain_core.messages import content as types

from zai_core.grounding import (
    WEB_SEARCH_TOOL_NAME,
    WebCitation,
    find_citations,
    search_results,
)

__all__ = ["_ground", "_text_block", "_web_search_blocks"]


def _ground(message: AIMessage, text: str, search_query: str | None = None) -> None:
    """Add the web search facts to a message that carries ``response_metadata['web_search']``.

    ``text`` is the whole answer (a streamed answer's final chunk holds only its last
    piece). Sets ``web_search_citations`` (LangChain ``Citation`` dicts, one per ``[ref_N]``
    naming a result) and ``web_search_query`` (when the request forced one), so streamed
    and non-streamed answers carry the same facts.
    """
    metadata = message.response_metadata
    results = metadata.get("web_search")
    if not results:
        return
    citations = [_citation(c) for c in find_citations(text, results)]
    if citations:
        metadata["web_search_citations"] = citations
    if search_query:
        metadata["web_search_query"] = search_query


def _citation(found: WebCitation) -> types.Citation:
    """A ``[ref_N]`` as a LangChain ``Citation``: the result's url, title and the snippet
    the model read; ``start_index`` / ``end_index`` span the claim it supports."""
    citation = types.Citation(
        type="citation",
        start_index=found.start,
        end_index=found.end,
        extras={"refer": found.refer, "marker": [found.marker_start, found.marker_end]},
    )
    if found.url:
        citation["url"] = found.url
    if found.title:
        citation["title"] = found.title
    if found.snippet:
        citation["cited_text"] = found.snippet
    return citation


def _web_search_call_id(message: AIMessage) -> str:
    """The id of the search: the server's web_search call id when it sent one, else fixed."""
    for call in message.additional_kwargs.get("server_tool_calls") or ():
        is_search = isinstance(call, Mapping) and call.get("type") == WEB_SEARCH_TOOL_NAME
        if is_search and isinstance(call.get("id"), str) and call["id"]:
            return cast(str, call["id"])
    return "zai_web_search"


def _web_search_blocks(message: AIMessage, indexed: bool) -> list[types.ContentBlock]:
    """``server_tool_call`` + ``server_tool_result`` for the built-in search, if it ran."""
    results = search_results(message.response_metadata.get("web_search"))
    if not results:
        return []
    call_id = _web_search_call_id(message)
    query = message.response_metadata.get("web_search_query")
    call = types.ServerToolCall(
        type="server_tool_call",
        id=call_id,
        name=WEB_SEARCH_TOOL_NAME,
        args={"query": query} if query else {},
    )
    result = types.ServerToolResult(
        type="server_tool_result", tool_call_id=call_id, status="success", output=results
    )
    if indexed:
        call["index"], result["index"] = "lc_wsc_0", "lc_wsr_0"
    return [call, result]


def _text_block(message: AIMessage, index: str | None) -> list[types.ContentBlock]:
    """The answer text, with a ``Citation`` per ``[ref_N]`` when a web search grounded it."""
    text = cast(str, message.content)
    citations: Any = None
    if message.response_metadata.get("web_search"):
        if index is None:  # a whole answer: cite from its own text
            citations = [
                _citation(c) for c in find_citations(text, message.response_metadata["web_search"])
            ]
        else:  # the final chunk of a stream: citations found over the whole answer
            citations = message.response_metadata.get("web_search_citations")
    if not text and not citations:
        return []
    block = types.TextContentBlock(type="text", text=text)
    if citations:
        block["annotations"] = list(citations)
    if index is not None:
        block["index"] = index
    return [block]
