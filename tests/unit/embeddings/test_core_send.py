"""zai_core's embeddings send loops against a fake server: requests, order, errors, concurrency."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from zai_core import (
    APIResponseValidationError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    MissingAPIKeyError,
    NotFoundError,
    QuotaExceededError,
    ZaiClient,
    create_client,
)
from zai_core.embeddings import (
    ConcurrencyLimiter,
    EmbeddingInputTooLongError,
    EmptyEmbeddingInputError,
    aembed_texts,
    embed_texts,
)

from .conftest import FakeZai, error, vector_for

TEXTS = [f"document number {i} about topic {i % 7}" for i in range(150)]


def client_for(fake: FakeZai, **kwargs: Any) -> ZaiClient:
    return ZaiClient(api_key="k", **fake.clients(), **kwargs)


def test_150_inputs_go_out_in_3_requests_and_come_back_in_order(fake: FakeZai) -> None:
    result = embed_texts(client_for(fake), TEXTS, dimensions=256)
    assert fake.paths == ["/api/paas/v4/embeddings"] * 3
    assert [len(batch) for batch in fake.inputs] == [64, 64, 22]
    assert [t for batch in fake.inputs for t in batch] == TEXTS
    # the fake answers each batch in reverse order; vectors still line up with inputs
    assert result.embeddings == [vector_for(t, 256) for t in TEXTS]
    assert result.requests == 3
    assert result.usage == {"prompt_tokens": 150, "total_tokens": 150}


async def test_async_150_inputs_3_requests_same_vectors_as_sync(fake: FakeZai) -> None:
    client = client_for(fake)
    sync = embed_texts(client, TEXTS, dimensions=256).embeddings
    fake.requests.clear()
    result = await aembed_texts(client, TEXTS, dimensions=256)
    assert sorted(len(b) for b in fake.inputs) == [22, 64, 64]
    assert result.embeddings == sync


def test_dimensions_reach_the_request_and_the_vectors(fake: FakeZai) -> None:
    result = embed_texts(client_for(fake), ["hello"], dimensions=512)
    assert fake.requests == [{"model": "embedding-3", "input": ["hello"], "dimensions": 512}]
    assert len(result.embeddings[0]) == 512


def test_no_dimensions_sends_none(fake: FakeZai) -> None:
    embed_texts(client_for(fake), ["hello"])
    assert "dimensions" not in fake.requests[0]


@pytest.mark.parametrize(
    ("texts", "kwargs", "error_type"),
    [
        ([], {}, None),
        (["", "  "], {"dimensions": 256}, None),
        ([""], {"empty": "error"}, EmptyEmbeddingInputError),
        (["w " * 3100], {}, EmbeddingInputTooLongError),
        (["a"], {"dimensions": 3}, ValueError),
    ],
)
def test_no_request_for_empty_or_invalid_input(
    fake: FakeZai, texts: list[str], kwargs: dict[str, Any], error_type: type[Exception] | None
) -> None:
    client = client_for(fake)
    if error_type is None:
        result = embed_texts(client, texts, **kwargs)
        assert len(result.embeddings) == len(texts)
        assert result.requests == 0
    else:
        with pytest.raises(error_type):
            embed_texts(client, texts, **kwargs)
    assert fake.requests == []


async def test_async_no_request_for_empty_input(fake: FakeZai) -> None:
    result = await aembed_texts(client_for(fake), ["", "x", ""], dimensions=256)
    assert fake.inputs == [["x"]]
    assert result.embeddings[0] == result.embeddings[2] == [1.0] + [0.0] * 255


def test_missing_key_raises_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    with pytest.raises(MissingAPIKeyError):
        create_client()


@pytest.mark.parametrize(
    ("status", "code", "message", "error_type"),
    [
        (401, "1002", "Invalid Authentication Token", AuthenticationError),
        (429, "1113", "Insufficient balance", QuotaExceededError),
        (400, "1211", "Unknown Model", NotFoundError),
        (400, "1214", "Invalid dimensions parameter", BadRequestError),
        (500, "500", "Internal Error", InternalServerError),
    ],
)
@pytest.mark.parametrize("use_async", [False, True])
async def test_api_errors_are_zai_core_classes(
    fake: FakeZai,
    status: int,
    code: str,
    message: str,
    error_type: type[Exception],
    use_async: bool,
) -> None:
    fake.fail = lambda body: error(status, code, message)
    client = client_for(fake, max_retries=1)
    with pytest.raises(error_type) as info:
        if use_async:
            await aembed_texts(client, ["a"])
        else:
            embed_texts(client, ["a"])
    assert not isinstance(info.value, EmbeddingInputTooLongError)
    assert info.value.code == code  # type: ignore[attr-defined]
    retried = error_type is InternalServerError
    assert len(fake.requests) == (2 if retried else 1)


@pytest.mark.parametrize("use_async", [False, True])
async def test_server_over_length_names_the_input(fake: FakeZai, use_async: bool) -> None:
    texts = ["ok"] * 70 + ["long " * 10 + "x" * 5000, "ok"]

    def reject_long(body: dict[str, Any]) -> httpx.Response | None:
        if any(len(t) > 1000 for t in body["input"]):
            return error(400, "1261", "Prompt exceeds max length")
        return None

    fake.fail = reject_long
    client = client_for(fake)
    with pytest.raises(EmbeddingInputTooLongError) as info:
        if use_async:
            await aembed_texts(client, texts)
        else:
            embed_texts(client, texts)
    assert info.value.indices == (70,)
    assert info.value.code == "1261"
    assert "the longest is input 70" in str(info.value)
    assert isinstance(info.value.__cause__, BadRequestError)


def test_malformed_answer_is_a_validation_error(fake: FakeZai) -> None:
    fake.fail = lambda body: httpx.Response(200, json={"data": []})
    with pytest.raises(APIResponseValidationError, match="0 vectors for 1 inputs"):
        embed_texts(client_for(fake), ["a"])


async def test_async_concurrency_is_bounded(fake: FakeZai) -> None:
    fake.delay = 0.02
    texts = [f"t{i}" for i in range(20)]
    result = await aembed_texts(
        client_for(fake), texts, max_batch_size=2, limiter=ConcurrencyLimiter(3)
    )
    assert len(fake.requests) == 10
    assert fake.max_in_flight == 3
    assert result.embeddings == [vector_for(t) for t in texts]


async def test_one_limiter_bounds_calls_made_side_by_side(fake: FakeZai) -> None:
    import asyncio

    fake.delay = 0.02
    client = client_for(fake)
    limiter = ConcurrencyLimiter(2)
    calls = [
        aembed_texts(client, [f"a{i}", f"b{i}"], max_batch_size=1, limiter=limiter)
        for i in range(4)
    ]
    results = await asyncio.gather(*calls)
    assert fake.max_in_flight == 2
    assert results[3].embeddings == [vector_for("a3"), vector_for("b3")]


async def test_async_failure_cancels_the_other_batches(fake: FakeZai) -> None:
    fake.delay = 0.01
    fake.fail = lambda body: error(400, "1214", "bad") if "t0" in body["input"] else None
    texts = [f"t{i}" for i in range(40)]
    with pytest.raises(BadRequestError):
        await aembed_texts(client_for(fake), texts, max_batch_size=1, limiter=ConcurrencyLimiter(2))
    assert len(fake.requests) < 40


def test_limiter_rejects_zero_and_copies_fresh() -> None:
    import copy
    import pickle

    with pytest.raises(ValueError, match="at least 1"):
        ConcurrencyLimiter(0)
    limiter = ConcurrencyLimiter(5)
    assert copy.deepcopy(limiter).limit == 5
    assert pickle.loads(pickle.dumps(limiter)).limit == 5
