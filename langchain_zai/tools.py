"""Z.ai's web search and web reader as LangChain tools (and the media tools, re-exported).

Every tool answers in `content_and_artifact` form: the `ToolMessage` content is short text
a model can read (JSON for search hits, the page text, URLs, the transcript) and the artifact
keeps the structured result (`Document` objects or a dict) for the application. Each tool
validates its input with a pydantic `args_schema` and again in `zai_core` before any
request, runs truly async in `ainvoke`, and raises `zai_core` errors
(`QuotaExceededError`, `BadRequestError`...) so callers can tell what went wrong.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForToolRun,
    CallbackManagerForToolRun,
)
from langchain_core.documents import Document
from langchain_core.tools import BaseTool
from pydantic import BaseModel, Field

from langchain_zai._config import ZaiSettings, merge_options
from langchain_zai._documents import (
    search_result_to_dict,
    search_result_to_document,
    web_page_to_document,
)
from langchain_zai._errors import translate_errors
from zai_core import (
    WebPage,
    WebSearchResult,
    aread_url,
    aweb_search,
    read_url,
    web_search,
)

__all__ = [
    "ZaiImageGenerationTool",
    "ZaiTranscriptionTool",
    "ZaiVideoGenerationTool",
    "ZaiWebReaderTool",
    "ZaiWebSearchTool",
]


Recency = Literal["oneDay", "oneWeek", "oneMonth", "oneYear", "noLimit"]


# --------------------------------------------------------------------------- web search


class ZaiWebSearchInput(BaseModel):
    """Arguments of `ZaiWebSearchTool`."""

    query: str = Field(min_length=1, description="What to search the web for.")
    count: int | None = Field(default=None, ge=1, le=50, description="Number of results, 1-50.")
    recency_filter: Recency | None = Field(
        default=None, description="Only pages published within this period."
    )
    domain_filter: str | None = Field(
        default=None, description="Only results from this domain, e.g. 'www.example.com'."
    )


def _search_answer(query: str, results: list[WebSearchResult]) -> tuple[str, list[Document]]:
    """The model's text (JSON hits) and the artifact (one Document per hit). Pure."""
    documents = [search_result_to_document(r) for r in results]
    if not results:
        return f"No web results for {query!r}.", documents
    hits = [search_result_to_dict(r) for r in results]
    return json.dumps(hits, ensure_ascii=False), documents


class ZaiWebSearchTool(ZaiSettings, BaseTool):
    """Search the web with Z.ai (`POST /web_search`).

    The model reads a JSON list of hits (`title`, `link`, `content`, `publish_date`,
    `media`); the artifact holds one `Document` per hit (snippet as `page_content`;
    `source`, `title`, `link`, `publish_date`, `media`, `icon`, `refer` as
    metadata).

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiWebSearchTool

        tool = ZaiWebSearchTool(
            engine="search-prime",  # mainland: search_std, search_pro...
            count=5,  # default per call; the model may ask for 1-50
            # recency_filter="oneWeek", domain_filter="www.example.com",
            # api_key="...", base_url="international", timeout=30, max_retries=2,
        )
        ```

    ??? info "Invoke directly with args"

        ```python
        tool.invoke({"query": "GLM-4.7 release", "recency_filter": "oneMonth"})
        # '[{"title": "...", "link": "https://...", "content": "...", ...}]'
        ```

    ??? info "Invoke with a ToolCall (gives a ToolMessage with the Documents as artifact)"

        ```python
        msg = tool.invoke(
            {"name": tool.name, "args": {"query": "GLM-4.7"}, "id": "1", "type": "tool_call"}
        )
        msg.artifact[0].metadata["link"]
        ```

    ??? info "Async"

        ```python
        await tool.ainvoke({"query": "GLM-4.7 release"})
        ```

    ??? info "Tool calling"

        ```python
        from langchain_zai import ChatZai

        llm = ChatZai(model="glm-4.7").bind_tools([tool])
        ai_msg = llm.invoke("What's new in GLM-4.7? Search the web.")
        ```

    ??? info "Use within an agent"

        ```python
        from langchain.agents import create_agent  # pip install ".[langchain-agents]"
        from langchain_zai import ChatZai

        agent = create_agent(ChatZai(model="glm-4.7"), tools=[tool])
        agent.invoke({"messages": [("user", "What's new in GLM-4.7? Search the web.")]})
        ```
    """

    name: str = "zai_web_search"
    description: str = (
        "Search the web for current information. Input: a search query. Returns a JSON list "
        "of results with title, link, content (a snippet) and publish_date."
    )
    args_schema: type[BaseModel] = ZaiWebSearchInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    engine: str = "search-prime"
    """Search engine: `search-prime` (docs.z.ai) or a mainland engine name."""
    count: int | None = Field(default=None, ge=1, le=50)
    """Default number of results (server default 10)."""
    recency_filter: Recency | None = None
    """Default recency filter."""
    domain_filter: str | None = None
    """Default domain filter."""
    content_size: Literal["medium", "high"] | None = None
    """Snippet length (mainland)."""

    def _search_options(self, **call: Any) -> dict[str, Any]:
        defaults = {
            "engine": self.engine,
            "count": self.count,
            "recency_filter": self.recency_filter,
            "domain_filter": self.domain_filter,
            "content_size": self.content_size,
        }
        return merge_options(defaults, **call)

    def _run(
        self,
        query: str,
        count: int | None = None,
        recency_filter: str | None = None,
        domain_filter: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, list[Document]]:
        options = self._search_options(
            count=count, recency_filter=recency_filter, domain_filter=domain_filter
        )
        with translate_errors():
            return _search_answer(query, web_search(self.client, query, **options))

    async def _arun(
        self,
        query: str,
        count: int | None = None,
        recency_filter: str | None = None,
        domain_filter: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, list[Document]]:
        options = self._search_options(
            count=count, recency_filter=recency_filter, domain_filter=domain_filter
        )
        with translate_errors():
            return _search_answer(query, await aweb_search(self.client, query, **options))


# --------------------------------------------------------------------------- web reader


class ZaiWebReaderInput(BaseModel):
    """Arguments of `ZaiWebReaderTool`."""

    url: str = Field(min_length=1, description="Absolute http(s) URL of the page to read.")


def _page_content(page: WebPage, max_chars: int | None) -> str:
    """The page as the model reads it: a short header, then the text (cut at ``max_chars``)."""
    text = page.content
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars] + f"\n\n[... cut at {max_chars} of {len(page.content)} chars]"
    header = [f"Title: {page.title}", f"URL: {page.url}"]
    if page.description:
        header.append(f"Description: {page.description}")
    return "\n".join(header) + "\n\n" + text


class ZaiWebReaderTool(ZaiSettings, BaseTool):
    """Read a web page with Z.ai's reader (`POST /reader`) as markdown or text.

    The model reads a short header (title, URL, description) and the page; the artifact is a
    `Document` with `source`, `url`, `title` and `description` metadata.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiWebReaderTool

        tool = ZaiWebReaderTool(
            return_format="markdown",  # or "text"
            max_content_chars=20_000,  # keep long pages from filling the context
            # retain_images=False, no_cache=True, page_timeout=20,
        )
        ```

    ??? info "Invoke"

        ```python
        print(tool.invoke({"url": "https://docs.z.ai/guides/overview/quick-start"}))
        ```

    ??? info "Async"

        ```python
        await tool.ainvoke({"url": "https://docs.z.ai/guides/overview/quick-start"})
        ```

    ??? info "Tool calling"

        ```python
        llm = ChatZai(model="glm-4.7").bind_tools([tool])
        ```

    ??? info "Use within an agent"

        ```python
        from langchain.agents import create_agent  # pip install ".[langchain-agents]"
        from langchain_zai import ChatZai

        agent = create_agent(ChatZai(model="glm-4.7"), tools=[tool])
        agent.invoke({"messages": [("user", "Summarize https://docs.z.ai/guides/overview/quick-start")]})
        ```
    """

    name: str = "zai_web_reader"
    description: str = (
        "Read a web page and return its text as markdown. Input: the page URL. Returns the "
        "page title, URL, description and content."
    )
    args_schema: type[BaseModel] = ZaiWebReaderInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    return_format: Literal["markdown", "text"] = "markdown"
    """`markdown` or `text`."""
    retain_images: bool | None = None
    """Keep images in the content (server default: yes)."""
    no_cache: bool | None = None
    """Bypass Z.ai's page cache."""
    page_timeout: int | None = Field(default=None, gt=0)
    """Seconds the reader may spend fetching the page (server default 20)."""
    max_content_chars: int | None = Field(default=None, gt=0)
    """Cut the text the model reads at this many characters (the artifact keeps all)."""

    def _reader_options(self) -> dict[str, Any]:
        return merge_options(
            {
                "return_format": self.return_format,
                "retain_images": self.retain_images,
                "no_cache": self.no_cache,
                "page_timeout": self.page_timeout,
            }
        )

    def _run(
        self, url: str, run_manager: CallbackManagerForToolRun | None = None
    ) -> tuple[str, Document]:
        with translate_errors():
            page = read_url(self.client, url, **self._reader_options())
        return _page_content(page, self.max_content_chars), web_page_to_document(page)

    async def _arun(
        self, url: str, run_manager: AsyncCallbackManagerForToolRun | None = None
    ) -> tuple[str, Document]:
        with translate_errors():
            page = await aread_url(self.client, url, **self._reader_options())
        return _page_content(page, self.max_content_chars), web_page_to_document(page)


# The media tools live in their own module; importable from here as before.
from langchain_zai.media_tools import (  # noqa: E402
    ZaiImageGenerationTool,
    ZaiTranscriptionTool,
    ZaiVideoGenerationTool,
)
