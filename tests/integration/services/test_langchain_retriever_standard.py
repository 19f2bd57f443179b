"""langchain-tests ``RetrieversIntegrationTests`` for ``ZaiWebSearchRetriever``, from cassettes."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from langchain_zai import ZaiWebSearchRetriever

pytestmark = pytest.mark.vcr


class TestZaiWebSearchRetriever(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return ZaiWebSearchRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"k": 4, "recency_filter": "oneWeek", "max_retries": 0}

    @property
    def retriever_query_example(self) -> str:
        return "GLM-4.7 release notes"


def test_count_is_an_alias_of_k() -> None:
    """Z.ai's word still works, at construction and per call (same request as ``k``)."""
    retriever = ZaiWebSearchRetriever(count=2, recency_filter="oneWeek", max_retries=0)
    assert retriever.k == retriever.count == 2
    assert len(retriever.invoke("GLM-4.7 release notes")) == 2
    assert len(retriever.invoke("GLM-4.7 release notes", count=1)) == 1
