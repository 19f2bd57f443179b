"""Embeddings in both frameworks against recorded cassettes: batching, dimensions, async, errors."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from langchain_zai import ZaiEmbeddings
from llama_index_zai import ZaiEmbedding
from zai_core import (
    EmbeddingInputTooLongError,
    NotFoundError,
    QuotaExceededError,
)

pytestmark = pytest.mark.vcr

#: 150 inputs where input i and input i + 75 are the same text: they land in different
#: requests at different positions, so equal vectors there prove the order is kept.
TEXTS = [f"note {i % 75} on subject {(i % 75) * 7} of the corpus" for i in range(150)]


def sent(cassette: Any) -> list[Any]:
    """The requests this test sent: the recorded ones; replaying, as many were played."""
    if cassette.rewound:
        assert cassette.play_count == len(cassette.requests), "requests sent != recorded"
    return list(cassette.requests)


def body(request: Any) -> dict[str, Any]:
    raw = request.body
    return json.loads(raw.decode() if isinstance(raw, bytes) else raw)  # type: ignore[no-any-return]


def same(a: list[list[float]], b: list[list[float]]) -> bool:
    """Equal vectors, up to float noise a live re-recording could bring."""
    if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b, strict=True)):
        return False
    return all(
        math.isclose(p, q, abs_tol=1e-6)
        for x, y in zip(a, b, strict=True)
        for p, q in zip(x, y, strict=True)
    )


def test_150_inputs_go_out_in_3_requests_and_come_back_in_order(vcr: Any) -> None:
    vectors = ZaiEmbeddings(dimensions=256).embed_documents(TEXTS)
    requests = sent(vcr)
    assert len(requests) == 3
    assert not vcr.rewound or sorted(vcr.play_counts.values()) == [1, 1, 1]
    bodies = [body(r) for r in requests]
    assert all(r.path.endswith("/embeddings") for r in requests)
    assert [len(b["input"]) for b in bodies] == [64, 64, 22]
    assert [t for b in bodies for t in b["input"]] == TEXTS
    assert len(vectors) == 150
    assert all(len(v) == 256 for v in vectors)
    # each vector's nearest neighbour is its twin (same text, other request and position)
    matrix = np.array(vectors)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -2.0)
    twins = [(i + 75) % 150 for i in range(150)]
    assert similarity.argmax(axis=1).tolist() == twins
    assert same(vectors[:75], vectors[75:])


@pytest.mark.parametrize("dimensions", [256, 512])
def test_dimensions_reach_the_request_and_the_vectors(vcr: Any, dimensions: int) -> None:
    lc = ZaiEmbeddings(dimensions=dimensions).embed_query("how long is this vector")
    li = ZaiEmbedding(dimensions=dimensions).get_query_embedding("how long is this vector")
    assert [body(r).get("dimensions") for r in sent(vcr)] == [dimensions, dimensions]
    assert len(lc) == len(li) == dimensions
    assert same([lc], [li])


async def test_async_and_sync_give_the_same_vectors() -> None:
    texts = ["the cat sat on the mat", "dogs chase balls", "", "stock markets fell today"]
    lc = ZaiEmbeddings(dimensions=256)
    sync = lc.embed_documents(texts)
    assert same(await lc.aembed_documents(texts), sync)
    li = ZaiEmbedding(dimensions=256)
    assert same(li.get_text_embedding_batch(texts), sync)
    assert same(await li.aget_text_embedding_batch(texts), sync)
    assert same([await lc.aembed_query(texts[0]), lc.embed_query(texts[0])], [sync[0], sync[0]])
    assert sync[2] == [1.0] + [0.0] * 255  # the empty text was not sent


@pytest.mark.parametrize("framework", ["langchain", "llama_index"])
async def test_errors_are_zai_core_classes(framework: str) -> None:
    def embedder(model: str) -> Any:
        if framework == "langchain":
            return ZaiEmbeddings(model=model, max_retries=0).aembed_documents
        return ZaiEmbedding(model=model, max_retries=0).aget_text_embedding_batch

    with pytest.raises(QuotaExceededError) as quota:
        await embedder("emulate-429-1113")(["hello"])
    assert (quota.value.status_code, quota.value.code) == (429, "1113")
    with pytest.raises(NotFoundError) as missing:
        await embedder("embedding-0-missing")(["hello"])
    assert missing.value.code == "1211"


def test_server_over_length_rejection_names_the_input() -> None:
    # 1500 words pass the local check (3072 tokens per input, at least one per word);
    # Z.ai counts more tokens than that and rejects the request.
    long_text = "abcdefgh " * 1500
    embeddings = ZaiEmbeddings(dimensions=256)
    with pytest.raises(EmbeddingInputTooLongError) as info:
        embeddings.embed_documents(["short one", long_text, "short two"])
    assert info.value.indices == (1,)
    assert info.value.status_code == 400
    assert "input 1" in str(info.value)
    assert "3072 tokens per input" in str(info.value)
