"""Z.ai web search as a LangChain retriever."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field

from langchain_zai._config import ZaiSettings, merge_options
from langchain_zai._documents import search_result_to_document
from langchain_zai._errors import translate_errors
from langchain_zai.tools import Recency
from zai_core import aweb_search, web_search

__all__ = ["ZaiWebSearchRetriever"]


class ZaiWebSearchRetriever(ZaiSettings, BaseRetriever):
    """Retrieve web search hits (``POST /web_search``) as ``Document`` objects.

    Each hit becomes a ``Document``: the snippet as ``page_content``; ``source``, ``title``,
    ``link``, ``publish_date``, ``media``, ``icon`` and ``refer`` as metadata.

    Setup:
        .. code-block:: bash

            pip install "zai-integrations[langchain]"
            export ZAI_API_KEY="your-key"

    Instantiate:
        .. code-block:: python

            from langchain_zai import ZaiWebSearchRetriever

            retriever = ZaiWebSearchRetriever(count=5, recency_filter="oneWeek")

    Invoke:
        .. code-block:: python

            docs = retriever.invoke("GLM-4.7 release")
            print(docs[0].metadata["link"], docs[0].page_content)

    Async:
        .. code-block:: python

            docs = await retriever.ainvoke("GLM-4.7 release")

    Use within a chain:
        .. code-block:: python

            from langchain_core.prompts import ChatPromptTemplate
            from langchain_zai import ChatZai

            prompt = ChatPromptTemplate.from_template("Answer from: {context}\\n\\nQ: {question}")
            chain = {"context": retriever, "question": lambda q: q} | prompt | ChatZai()
    """

    engine: str = "search-prime"
    """Search engine: ``search-prime`` (docs.z.ai) or a mainland engine name."""
    count: int | None = Field(default=None, ge=1, le=50)
    """Number of hits (server default 10)."""
    recency_filter: Recency | None = None
    """``oneDay``, ``oneWeek``, ``oneMonth``, ``oneYear`` or ``noLimit``."""
    domain_filter: str | None = None
    """Only hits from this domain."""
    content_size: Literal["medium", "high"] | None = None
    """Snippet length (mainland)."""

    def _search_options(self) -> dict[str, Any]:
        return merge_options(
            {
                "engine": self.engine,
                "count": self.count,
                "recency_filter": self.recency_filter,
                "domain_filter": self.domain_filter,
                "content_size": self.content_size,
            }
        )

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        with translate_errors():
            results = web_search(self.client, query, **self._search_options())
        return [search_result_to_document(r) for r in results]

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun
    ) -> list[Document]:
        with translate_errors():
            results = await aweb_search(self.client, query, **self._search_options())
        return [search_result_to_document(r) for r in results]
