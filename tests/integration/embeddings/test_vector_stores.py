"""Retrieval with these embeddings in each framework's own vector store, from cassettes."""

from __future__ import annotations

import pytest

from langchain_zai import ZaiEmbeddings
from llama_index_zai import ZaiEmbedding

pytestmark = pytest.mark.vcr

DOCS = [
    "The cat purrs on the warm windowsill and chases mice at night.",
    "Glaciers carve valleys as ice slowly moves down the mountain.",
    "Interest rates rose, and bond prices fell across the market.",
    "",  # an empty page, as loaders produce: it must neither break nor win
    "Photosynthesis turns sunlight, water and carbon dioxide into sugar.",
]
QUERY = "Which animal purrs and chases mice?"


def test_langchain_in_memory_vector_store() -> None:
    from langchain_core.vectorstores import InMemoryVectorStore

    store = InMemoryVectorStore.from_texts(DOCS, embedding=ZaiEmbeddings(dimensions=256))
    hits = store.similarity_search_with_score(QUERY, k=3)
    assert hits[0][0].page_content == DOCS[0]
    assert hits[0][1] > hits[1][1]
    assert all(doc.page_content != "" for doc, _ in hits[:1])


async def test_langchain_in_memory_vector_store_async() -> None:
    from langchain_core.vectorstores import InMemoryVectorStore

    store = await InMemoryVectorStore.afrom_texts(DOCS, embedding=ZaiEmbeddings(dimensions=256))
    hits = await store.asimilarity_search("How do glaciers move ice down a mountain?", k=2)
    assert hits[0].page_content == DOCS[1]


def test_llama_index_vector_store_index() -> None:
    from llama_index.core import Document, VectorStoreIndex

    documents = [Document(text=text, doc_id=f"doc-{i}") for i, text in enumerate(DOCS)]
    index = VectorStoreIndex.from_documents(documents, embed_model=ZaiEmbedding(dimensions=256))
    nodes = index.as_retriever(similarity_top_k=3).retrieve(QUERY)
    assert nodes[0].node.ref_doc_id == "doc-0"
    assert nodes[0].score is not None and nodes[1].score is not None
    assert nodes[0].score > nodes[1].score


async def test_llama_index_vector_store_index_async() -> None:
    from llama_index.core import Document, VectorStoreIndex

    documents = [Document(text=text, doc_id=f"doc-{i}") for i, text in enumerate(DOCS)]
    index = VectorStoreIndex.from_documents(
        documents, embed_model=ZaiEmbedding(dimensions=256), use_async=True
    )
    nodes = await index.as_retriever(similarity_top_k=2).aretrieve(
        "What turns sunlight and water into sugar?"
    )
    assert nodes[0].node.ref_doc_id == "doc-4"
