"""ZaiEmbeddings (LangChain): the standard unit suite, configuration, batching, async, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings
from langchain_tests.unit_tests import EmbeddingsUnitTests
from pydantic import SecretStr

from langchain_zai import ZaiEmbeddings
from zai_core import (
    EmbeddingInputTooLongError,
    EmptyEmbeddingInputError,
    MissingAPIKeyError,
    QuotaExceededError,
)

from .conftest import FakeZai, error, vector_for

SECRET = "sk-unit-secret.value"


class TestZaiEmbeddingsStandard(EmbeddingsUnitTests):
    """langchain-tests' EmbeddingsUnitTests."""

    @property
    def embeddings_class(self) -> type[ZaiEmbeddings]:
        return ZaiEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "embedding-3", "dimensions": 256}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"ZAI_API_KEY": "env-key", "ZAI_BASE_URL": "https://open.bigmodel.cn/api/paas/v4"},
            {"model": "embedding-3"},
            {"api_key": "env-key", "base_url": "https://open.bigmodel.cn/api/paas/v4"},
        )


def make(fake: FakeZai, **kwargs: Any) -> ZaiEmbeddings:
    return ZaiEmbeddings(api_key=SECRET, **fake.clients(), **kwargs)


def test_is_a_langchain_embeddings() -> None:
    assert issubclass(ZaiEmbeddings, Embeddings)


def test_defaults() -> None:
    embeddings = ZaiEmbeddings()
    assert embeddings.model == "embedding-3"
    assert embeddings.dimensions is None
    assert embeddings.chunk_size == 64
    assert embeddings.max_concurrency == 8
    assert embeddings.max_retries == 2


def test_zhipuai_key_is_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY")
    monkeypatch.setenv("ZHIPUAI_API_KEY", "zhipu-key")
    assert ZaiEmbeddings().api_key == SecretStr("zhipu-key")


def test_key_never_in_repr_str_or_dump() -> None:
    embeddings = ZaiEmbeddings(api_key=SECRET)
    for text in (repr(embeddings), str(embeddings), embeddings.model_dump_json()):
        assert SECRET not in text
    assert SECRET not in repr(embeddings.client)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dimensions": 300}, "embedding-3 accepts dimensions 256, 512, 1024, 2048; got 300"),
        ({"model": "embedding-2", "dimensions": 2048}, "embedding-2 accepts dimensions 1024"),
        ({"chunk_size": 0}, "greater than or equal to 1"),
        ({"max_concurrency": 0}, "greater than or equal to 1"),
        ({"max_retries": -1}, "greater than or equal to 0"),
        ({"temperature": 0.5}, "Extra inputs are not permitted"),
    ],
)
def test_bad_settings_fail_at_construction(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ZaiEmbeddings(**kwargs)


def test_construction_without_key_works_and_first_call_raises_before_any_request(
    monkeypatch: pytest.MonkeyPatch, fake: FakeZai
) -> None:
    monkeypatch.delenv("ZAI_API_KEY")
    embeddings = ZaiEmbeddings(**fake.clients())
    with pytest.raises(MissingAPIKeyError):
        embeddings.embed_query("hi")
    assert fake.requests == []


def test_one_client_per_instance_reset_when_settings_change(fake: FakeZai) -> None:
    embeddings = make(fake)
    first = embeddings.client
    assert embeddings.client is first
    embeddings.base_url = "mainland"
    assert embeddings.client is not first
    assert embeddings.client.config.surface.name == "mainland"


def test_150_documents_3_requests_in_order(fake: FakeZai) -> None:
    texts = [f"doc {i}" for i in range(150)]
    vectors = make(fake, dimensions=256).embed_documents(texts)
    assert [len(b) for b in fake.inputs] == [64, 64, 22]
    assert vectors == [vector_for(t, 256) for t in texts]


def test_chunk_size_is_honoured_and_capped(fake: FakeZai) -> None:
    make(fake, chunk_size=10).embed_documents(["x"] * 25)
    assert [len(b) for b in fake.inputs] == [10, 10, 5]
    fake.requests.clear()
    make(fake, chunk_size=500).embed_documents(["x"] * 130)
    assert [len(b) for b in fake.inputs] == [64, 64, 2]


def test_settings_reach_the_request(fake: FakeZai) -> None:
    make(fake, model="embedding-2", dimensions=1024, extra_body={"user_id": "u-1"}).embed_query("q")
    assert fake.requests == [
        {"model": "embedding-2", "input": ["q"], "dimensions": 1024, "user_id": "u-1"}
    ]


async def test_async_and_sync_give_the_same_vectors(fake: FakeZai) -> None:
    embeddings = make(fake, dimensions=256)
    texts = [f"doc {i}" for i in range(70)]
    assert await embeddings.aembed_documents(texts) == embeddings.embed_documents(texts)
    assert await embeddings.aembed_query("q") == embeddings.embed_query("q")


async def test_async_uses_the_async_client_only(fake: FakeZai) -> None:
    import httpx

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("sync client used from async code")

    embeddings = ZaiEmbeddings(
        api_key=SECRET,
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)),
        http_async_client=fake.clients()["http_async_client"],
    )
    assert len(await embeddings.aembed_documents(["a", "b"])) == 2


async def test_max_concurrency_bounds_concurrent_calls(fake: FakeZai) -> None:
    fake.delay = 0.02
    embeddings = make(fake, chunk_size=1, max_concurrency=2)
    await asyncio.gather(*(embeddings.aembed_documents([f"a{i}", f"b{i}"]) for i in range(3)))
    assert len(fake.requests) == 6
    assert fake.max_in_flight == 2


def test_empty_inputs(fake: FakeZai) -> None:
    embeddings = make(fake, dimensions=256)
    assert embeddings.embed_documents([]) == []
    vectors = embeddings.embed_documents(["a", "", "   "])
    assert fake.inputs == [["a"]]
    assert [len(v) for v in vectors] == [256, 256, 256]
    assert vectors[1] == vectors[2] == [1.0] + [0.0] * 255
    with pytest.raises(EmptyEmbeddingInputError, match="input 0 is empty"):
        embeddings.embed_query("  ")
    assert len(fake.requests) == 1


async def test_async_empty_inputs(fake: FakeZai) -> None:
    embeddings = make(fake)
    assert await embeddings.aembed_documents([]) == []
    with pytest.raises(EmptyEmbeddingInputError):
        await embeddings.aembed_query("")
    assert fake.requests == []


def test_too_long_input_is_named_before_any_request(fake: FakeZai) -> None:
    with pytest.raises(EmbeddingInputTooLongError, match="input 2 is too long for embedding-3"):
        make(fake).embed_documents(["a", "b", "word " * 5000])
    assert fake.requests == []


def test_api_errors_are_zai_core_classes(fake: FakeZai) -> None:
    fake.fail = lambda body: error(429, "1113", "Insufficient balance or no resource package.")
    with pytest.raises(QuotaExceededError) as info:
        make(fake).embed_documents(["a"])
    assert SECRET not in str(info.value)
    assert len(fake.requests) == 1  # quota errors are not retried


def test_errors_are_also_langchain_exception_classes(
    fake: FakeZai, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_core.exceptions import (
        ContextOverflowError,
        ModelAuthenticationError,
        ModelRateLimitError,
    )

    from langchain_zai import ZaiEmbeddingInputTooLongError

    with pytest.raises(ZaiEmbeddingInputTooLongError) as too_long:
        make(fake).embed_documents(["ok", "word " * 4000])
    assert isinstance(too_long.value, ContextOverflowError)
    assert isinstance(too_long.value, EmbeddingInputTooLongError)
    assert too_long.value.indices == (1,)
    assert too_long.value.limit == 3072

    fake.fail = lambda body: error(429, "1113", "Insufficient balance")
    with pytest.raises(QuotaExceededError) as quota:
        make(fake).embed_query("a")
    assert isinstance(quota.value, ModelRateLimitError)

    monkeypatch.delenv("ZAI_API_KEY")
    with pytest.raises(MissingAPIKeyError) as missing:
        ZaiEmbeddings().embed_query("a")
    assert isinstance(missing.value, ModelAuthenticationError)


def test_a_gateway_preset_never_gets_the_zai_key(
    monkeypatch: pytest.MonkeyPatch, fake: FakeZai
) -> None:
    monkeypatch.delenv("POWERTOKENS_API_KEY", raising=False)
    embeddings = ZaiEmbeddings(base_url="powertokens", **fake.clients())
    assert embeddings.api_key is None
    with pytest.raises(MissingAPIKeyError):
        embeddings.embed_query("a")
    monkeypatch.setenv("POWERTOKENS_API_KEY", "pt-key")
    assert ZaiEmbeddings(base_url="powertokens").api_key == SecretStr("pt-key")
