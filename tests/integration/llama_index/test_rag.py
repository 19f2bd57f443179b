"""A RAG pipeline from cassettes: documents -> ``VectorStoreIndex`` with ``ZaiEmbedding`` ->
query engine and chat engine answering with ``Zai``."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core import Document, VectorStoreIndex

from llama_index.embeddings.zai import ZaiEmbedding
from llama_index.llms.zai import Zai
from tests.integration.llama_index._tools import sent_bodies

pytestmark = pytest.mark.vcr

GLM = "GLM-4.7 is a Z.ai language model with a context window of 204,800 tokens."
PARIS = "Paris is the capital of France and sits on the river Seine."
LEAVES = "Photosynthesis turns sunlight, water and carbon dioxide into sugar in leaves."
QUESTION = "What is the context window of the GLM-4.7 model?"


def _index() -> VectorStoreIndex:
    documents = [Document(text=t, id_=f"doc-{i}") for i, t in enumerate((GLM, PARIS, LEAVES))]
    return VectorStoreIndex.from_documents(documents, embed_model=ZaiEmbedding(dimensions=256))


def _chat_bodies(cassette: Any) -> list[dict[str, Any]]:
    return [b for b in sent_bodies(cassette) if "messages" in b]


def _prompt_text(body: dict[str, Any]) -> str:
    return "\n".join(str(m["content"]) for m in body["messages"])


def test_query_engine(vcr: Any) -> None:
    engine = _index().as_query_engine(llm=Zai(), similarity_top_k=1)
    response = engine.query(QUESTION)
    assert [n.node.get_content() for n in response.source_nodes] == [GLM]
    assert "204,800" in str(response)  # answered from the retrieved context
    (body,) = _chat_bodies(vcr)
    assert GLM in _prompt_text(body)  # the retrieved context reached the model
    assert PARIS not in _prompt_text(body)
    embedded = [b for b in sent_bodies(vcr) if "input" in b]
    assert embedded[0]["model"] == "embedding-3" and embedded[0]["dimensions"] == 256


async def test_query_engine_async_streaming(vcr: Any) -> None:
    engine = _index().as_query_engine(llm=Zai(), similarity_top_k=1, streaming=True)
    response = await engine.aquery(QUESTION)
    text = "".join([token async for token in response.async_response_gen()])
    assert "204,800" in text
    assert response.source_nodes[0].node.get_content() == GLM
    (body,) = _chat_bodies(vcr)
    assert body["stream"] is True and GLM in _prompt_text(body)


def test_chat_engine(vcr: Any) -> None:
    engine = _index().as_chat_engine(
        chat_mode="condense_plus_context", llm=Zai(), similarity_top_k=1
    )
    first = engine.chat(QUESTION)
    assert "204,800" in str(first)
    assert [n.node.get_content() for n in first.source_nodes] == [GLM]
    second = engine.chat("And what does photosynthesis turn sunlight into?")
    assert "sugar" in str(second)
    assert [n.node.get_content() for n in second.source_nodes] == [LEAVES]
    first_turn, condense, second_turn = _chat_bodies(vcr)
    assert GLM in _prompt_text(first_turn)
    # the follow-up was condensed with the history, then answered with history and context
    assert QUESTION in _prompt_text(condense) and "photosynthesis" in _prompt_text(condense)
    assert QUESTION in _prompt_text(second_turn)
    context = second.source_nodes[0].node.get_content()
    assert context in _prompt_text(second_turn)


async def test_chat_engine_async() -> None:
    engine = _index().as_chat_engine(
        chat_mode="condense_plus_context", llm=Zai(), similarity_top_k=1
    )
    response = await engine.achat(QUESTION)
    assert "204,800" in str(response)
    assert response.source_nodes[0].node.get_content() == GLM
