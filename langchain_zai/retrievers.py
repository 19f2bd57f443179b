"""Z.ai web search as a LangChain retriever."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import AliasChoices, Field

from langchain_zai._config import ZaiSettings, merge_options
from langchain_zai._documents import search_result_to_document
from langchain_zai._errors import translate_errors
from langchain_zai.tools import Recency
from zai_core import aweb_search, web_search

__all__ = ["ZaiWebSearchRetriever"]


class ZaiWebSearchRetriever(ZaiSettings, BaseRetriever):
    """Retrieve web search hits (`POST /web_search`) as `Document` objects.

    Each hit becomes a `Document`: the snippet as `page_content`; `source`, `title`,
    `link`, `publish_date`, `media`, `icon` and `refer` as metadata.

    The number of hits is `k`, as for every LangChain retriever (`count`, Z.ai's own
    word, is accepted as an alias), at construction or per call:
    `retriever.invoke("query", k=3)`.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiWebSearchRetriever

        retriever = ZaiWebSearchRetriever(k=5, recency_filter="oneWeek")
        ```

    ??? info "Invoke"

        ```python
        docs = retriever.invoke("GLM-4.7 release")
        print(docs[0].metadata["link"], docs[0].page_content)
        ```

    ??? info "Async"

        ```python
        docs = await retriever.ainvoke("GLM-4.7 release")
        ```

    ??? info "Use within a chain"

        ```python
        from langchain_core.prompts import ChatPromptTemplate
        from langchain_zai import ChatZai

        prompt = ChatPromptTemplate.from_template("Answer from: {context}\\n\\nQ: {question}")
        chain = {"context": retriever, "question": lambda q: q} | prompt | ChatZai()
        ```
    """

    engine: str = "search-prime"
    """Search engine: `search-prime` (docs.z.ai) or a mainland engine name."""
    k: int | None = Field(default=None, ge=1, le=50, validation_alias=AliasChoices("k", "count"))
    """Number of hits, 1 to 50 (server default 10); `count=` is an alias."""
    recency_filter: Recency | None = None
    """`oneDay`, `oneWeek`, `oneMonth`, `oneYear` or `noLimit`."""
    domain_filter: str | None = None
    """Only hits from this domain."""
    content_size: Literal["medium", "high"] | None = None
    """Snippet length (mainland)."""

    @property
    def count(self) -> int | None:
        """Z.ai's word for `k`."""
        return self.k

    def _search_options(self, call: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
        """The request options, and the number of hits to keep (``k`` per call wins)."""
        unknown = sorted(set(call) - {"k", "count"})
        if unknown:
            raise TypeError(f"ZaiWebSearchRetriever got unexpected argument(s) {unknown}")
        k = call.get("k", call.get("count", self.k))
        if k is not None and not (isinstance(k, int) and 1 <= k <= 50):
            raise ValueError(f"k must be an integer from 1 to 50, got {k!r}")
        options = merge_options(
            {
                "engine": self.engine,
                "count": k,
                "recency_filter": self.recency_filter,
                "domain_filter": self.domain_filter,
                "content_size": self.content_size,
            }
        )
        return options, k

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        options, k = self._search_options(kwargs)
        with translate_errors():
            results = web_search(self.client, query, **options)
        return [search_result_to_document(r) for r in results[:k]]

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        options, k = self._search_options(kwargs)
        with translate_errors():
            results = await aweb_search(self.client, query, **options)
        return [search_result_to_document(r) for r in results[:k]]
