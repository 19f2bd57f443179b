"""Z.ai results (`zai_core` dataclasses) as LangChain `Document` objects and tool text.

Pure functions shared by the document loaders, the tools and the retriever.
"""

from __future__ import annotations

from typing import Any

from langchain_core.documents import Document

from zai_core import Transcription, WebPage, WebSearchResult

__all__ = [
    "search_result_to_dict",
    "search_result_to_document",
    "transcription_to_document",
    "web_page_to_document",
]


def search_result_to_document(result: WebSearchResult) -> Document:
    """One web search hit as a `Document` (snippet as content, the rest as metadata)."""
    metadata: dict[str, Any] = {"source": result.link, "title": result.title, "link": result.link}
    for key in ("publish_date", "media", "icon", "refer"):
        value = getattr(result, key)
        if value is not None:
            metadata[key] = value
    return Document(page_content=result.content, metadata=metadata)


def search_result_to_dict(result: WebSearchResult) -> dict[str, Any]:
    """One hit as the JSON object a model reads in a tool message."""
    item = {"title": result.title, "link": result.link, "content": result.content}
    if result.publish_date:
        item["publish_date"] = result.publish_date
    if result.media:
        item["media"] = result.media
    return item


def web_page_to_document(page: WebPage) -> Document:
    """A page read by `/reader` as a `Document` with title, description and url metadata."""
    metadata: dict[str, Any] = {
        "source": page.url,
        "url": page.url,
        "title": page.title,
        "description": page.description,
    }
    if page.published_time:
        metadata["published_time"] = page.published_time
    if page.metadata:
        metadata["page_metadata"] = dict(page.metadata)
    if page.images:
        metadata["images"] = dict(page.images)
    if page.links:
        metadata["links"] = dict(page.links)
    return Document(page_content=page.content, metadata=metadata)


def transcription_to_document(result: Transcription, source: str | None) -> Document:
    """A transcript as a `Document`; `source` is the file it came from, when known."""
    metadata: dict[str, Any] = {"source": source} if source else {}
    for key in ("model", "request_id"):
        value = getattr(result, key)
        if value:
            metadata[key] = value
    return Document(page_content=result.text, metadata=metadata)
