"""ZaiEmbedding (LlamaIndex): configuration, serialization, batching, real async, errors."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import httpx
import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import TextNode
from pydantic import field_validator

from llama_index_zai import ZaiEmbedding
from llama_index_zai.embeddings import attach_embeddings
from tests.unit.payload_forms import payload_forms
from zai_core import (
    EmbeddingInputTooLongError,
    EmptyEmbeddingInputError,
    MissingAPIKeyError,
    NotFoundError,
)

from .conftest import FakeZai, error, vector_for

SECRET = "li-unit-secret.value"


def make(fake: FakeZai, **kwargs: Any) -> ZaiEmbedding:
    return ZaiEmbedding(api_key=SECRET, **fake.clients(), **kwargs)


def test_base_class_template() -> None:
    names_of_base_classes = [b.__name__ for b in ZaiEmbedding.__mro__]
    assert BaseEmbedding.__name__ in names_of_base_classes


def test_namespace_import_is_the_same_class() -> None:
    from llama_index.embeddings.zai import ZaiEmbedding as NamespaceZaiEmbedding

    assert NamespaceZaiEmbedding is ZaiEmbedding


def test_defaults_and_class_name() -> None:
    embedding = ZaiEmbedding()
    assert embedding.model_name == embedding.model == "embedding-3"
    assert embedding.dimensions is None
    assert embedding.embed_batch_size == 64
    assert embedding.max_concurrency == 8
    assert ZaiEmbedding.class_name() == "ZaiEmbedding"
    assert embedding.to_dict()["class_name"] == "ZaiEmbedding"


@pytest.mark.parametrize(
    ("kwargs", "model_name"),
    [({}, "embedding-3"), ({"model": "embedding-2"}, "embedding-2"), ({"model_name": "x"}, "x")],
)
def test_model_or_model_name(kwargs: dict[str, Any], model_name: str) -> None:
    assert ZaiEmbedding(**kwargs).model_name == model_name


@pytest.mark.parametrize(("asked", "kept"), [(10, 10), (64, 64), (100, 64), (2048, 64)])
def test_embed_batch_size_is_capped_at_the_model_limit(asked: int, kept: int) -> None:
    assert ZaiEmbedding(embed_batch_size=asked).embed_batch_size == kept


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dimensions": 300}, "embedding-3 accepts dimensions"),
        ({"model": "embedding-2", "dimensions": 512}, "embedding-2 accepts dimensions 1024"),
        ({"max_concurrency": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_settings_fail_at_construction(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ZaiEmbedding(**kwargs)


def test_key_is_never_serialized() -> None:
    embedding = ZaiEmbedding(api_key=SECRET, dimensions=256, timeout=30)
    assert "api_key" not in embedding.to_dict()
    for text in (repr(embedding), str(embedding), embedding.to_json(), *payload_forms(embedding)):
        assert SECRET not in text
    assert SECRET.encode() not in pickle.dumps(embedding)
    restored = ZaiEmbedding.from_dict(embedding.to_dict())
    assert (restored.model_name, restored.dimensions, restored.timeout) == ("embedding-3", 256, 30)
    assert restored.api_key is None  # read from ZAI_API_KEY again on first use


def test_construction_without_key_and_first_call_raises_before_any_request(
    monkeypatch: pytest.MonkeyPatch, fake: FakeZai
) -> None:
    monkeypatch.delenv("ZAI_API_KEY")
    embedding = ZaiEmbedding(**fake.clients())
    with pytest.raises(MissingAPIKeyError):
        embedding.get_query_embedding("hi")
    assert fake.requests == []


def test_text_batch_150_goes_out_in_3_requests_in_order(fake: FakeZai) -> None:
    texts = [f"node {i}" for i in range(150)]
    vectors = make(fake, dimensions=256).get_text_embedding_batch(texts)
    assert [len(b) for b in fake.inputs] == [64, 64, 22]
    assert fake.requests[0]["dimensions"] == 256
    assert vectors == [vector_for(t, 256) for t in texts]


async def test_async_batch_same_vectors_as_sync(fake: FakeZai) -> None:
    embedding = make(fake, dimensions=256)
    texts = [f"node {i}" for i in range(150)]
    sync = embedding.get_text_embedding_batch(texts)
    assert await embedding.aget_text_embedding_batch(texts) == sync
    assert await embedding.aget_query_embedding("q") == embedding.get_query_embedding("q")
    assert await embedding.aget_text_embedding("t") == embedding.get_text_embedding("t")


async def test_async_is_native_not_threads(fake: FakeZai) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("sync client used from async code")

    embedding = ZaiEmbedding(
        api_key=SECRET,
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)),
        http_async_client=fake.clients()["http_async_client"],
    )
    assert len(await embedding.aget_text_embedding_batch(["a", "b", "c"])) == 3
    assert len(await embedding.aget_query_embedding("q")) == 4


async def test_max_concurrency_bounds_the_batches_llama_index_gathers(fake: FakeZai) -> None:
    fake.delay = 0.02
    embedding = make(fake, embed_batch_size=2, max_concurrency=3)
    texts = [f"t{i}" for i in range(20)]
    vectors = await embedding.aget_text_embedding_batch(texts)  # gathers 10 batches at once
    assert len(fake.requests) == 10
    assert fake.max_in_flight == 3
    assert vectors == [vector_for(t) for t in texts]


def test_query_and_text_embeddings_both_supported(fake: FakeZai) -> None:
    embedding = make(fake)
    assert embedding.get_query_embedding("same") == embedding.get_text_embedding("same")
    assert fake.inputs == [["same"], ["same"]]


def test_empty_inputs(fake: FakeZai) -> None:
    embedding = make(fake, dimensions=256)
    assert embedding.get_text_embedding_batch([]) == []
    vectors = embedding.get_text_embedding_batch(["a", "", " "])
    assert fake.inputs == [["a"]]
    assert vectors[1] == vectors[2] == [1.0] + [0.0] * 255
    with pytest.raises(EmptyEmbeddingInputError):
        embedding.get_query_embedding("")
    assert len(fake.requests) == 1


def test_too_long_is_named_before_any_request(fake: FakeZai) -> None:
    with pytest.raises(EmbeddingInputTooLongError, match="input 1 is too long"):
        make(fake).get_text_embedding_batch(["a", "w " * 3500])
    assert fake.requests == []


def test_api_errors_are_zai_core_classes(fake: FakeZai) -> None:
    fake.fail = lambda body: error(400, "1211", "Unknown Model, please check the model code.")
    with pytest.raises(NotFoundError) as info:
        make(fake, model="embedding-9").get_text_embedding("a")
    assert info.value.code == "1211"
    assert SECRET not in str(info.value)


def test_a_gateway_preset_never_gets_the_zai_key(
    monkeypatch: pytest.MonkeyPatch, fake: FakeZai
) -> None:
    monkeypatch.delenv("POWERTOKENS_API_KEY", raising=False)
    with pytest.raises(MissingAPIKeyError):
        ZaiEmbedding(base_url="powertokens", **fake.clients()).get_query_embedding("a")
    assert fake.requests == []


# --------------------------------------------------------------------------- nodes


class _CheckedNode(TextNode):
    """A node class with a validator of its own on ``embedding``: assigned the usual way."""

    @field_validator("embedding")
    @classmethod
    def _round(cls, value: list[float] | None) -> list[float] | None:
        return None if value is None else [round(x) for x in value]


def _nodes(cls: type[TextNode] = TextNode) -> list[TextNode]:
    return [cls(text=text, id_=f"n{i}") for i, text in enumerate(["alpha", "beta", ""])]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_nodes_get_their_vectors_as_base_embedding_would_set_them(fake: FakeZai, mode: str) -> None:
    embedding = make(fake)
    ours, theirs = _nodes(), _nodes()
    if mode == "sync":
        embedding(ours)
        BaseEmbedding.__call__(embedding, theirs)
    else:
        asyncio.run(embedding.acall(ours))
        asyncio.run(BaseEmbedding.acall(embedding, theirs))
    assert [n.embedding for n in ours] == [vector_for("alpha"), vector_for("beta"), [1.0, 0, 0, 0]]
    assert [n.model_dump() for n in ours] == [n.model_dump() for n in theirs]
    assert all("embedding" in n.model_fields_set for n in ours)
    assert all(type(x) is float for n in ours for x in n.embedding or [])


def test_a_node_class_with_its_own_validator_is_assigned_the_usual_way(fake: FakeZai) -> None:
    nodes = make(fake)(_nodes(_CheckedNode))
    assert [n.embedding for n in nodes] == [[round(x) for x in vector_for("alpha")],
                                            [round(x) for x in vector_for("beta")],
                                            [1, 0, 0, 0]]  # fmt: skip


def test_ingestion_pipeline_sets_every_vector(fake: FakeZai) -> None:
    from llama_index.core.ingestion import IngestionPipeline

    pipeline = IngestionPipeline(transformations=[make(fake)], disable_cache=True)
    nodes = pipeline.run(nodes=_nodes())
    assert [n.embedding for n in nodes][:2] == [vector_for("alpha"), vector_for("beta")]
    again = asyncio.run(IngestionPipeline(transformations=[make(fake)]).arun(nodes=_nodes()))
    assert [n.embedding for n in again] == [n.embedding for n in nodes]


def test_attach_embeddings_stores_checked_vectors_without_copying_them() -> None:
    nodes, vectors = _nodes(), [[0.5, 1.5], [2.5, 3.5], [1.0, 0.0]]
    attach_embeddings(nodes, vectors)
    assert all(n.embedding is v for n, v in zip(nodes, vectors, strict=True))
    checked = _nodes(_CheckedNode)
    attach_embeddings(checked, vectors)  # its validator runs: rounded copies
    assert [n.embedding for n in checked] == [[0, 2], [2, 4], [1, 0]]
    with pytest.raises(ValueError):
        attach_embeddings(_nodes(), vectors[:2])  # one vector per node, or an error
