"""langchain-tests' EmbeddingsIntegrationTests for ZaiEmbeddings, replayed from cassettes."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests

from langchain_zai import ZaiEmbeddings

pytestmark = pytest.mark.vcr


class TestZaiEmbeddingsIntegration(EmbeddingsIntegrationTests):
    """embed_query / embed_documents / aembed_query / aembed_documents."""

    @property
    def embeddings_class(self) -> type[ZaiEmbeddings]:
        return ZaiEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "embedding-3", "dimensions": 256}
