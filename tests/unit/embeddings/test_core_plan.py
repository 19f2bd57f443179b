"""The pure half of zai_core.embeddings: limits, validation, batching, answers, error mapping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from zai_core import (
    BadRequestError,
    ContextWindowExceededError,
    InternalServerError,
    RateLimitError,
)
from zai_core.embeddings import (
    EMBEDDING_MODELS,
    CheckedEmbeddingAnswer,
    EmbeddingInputTooLongError,
    EmptyEmbeddingInputError,
    assemble_embeddings,
    decode_embedding_answer,
    empty_input_vector,
    get_embedding_limits,
    input_error_for,
    parse_embedding_response,
    plan_embeddings,
    token_lower_bound,
    token_upper_bound,
    validate_dimensions,
)
from zai_core.errors import APIResponseValidationError


def sizes(plan: Any) -> list[int]:
    return [len(r.positions) for r in plan.requests]


# --------------------------------------------------------------------------- limits


def test_limits_table_matches_the_api_reference() -> None:
    e3, e2 = EMBEDDING_MODELS["embedding-3"], EMBEDDING_MODELS["embedding-2"]
    assert (e3.max_items, e3.max_item_tokens, e3.max_request_tokens) == (64, 3072, None)
    assert (e3.dimensions, e3.default_dimensions) == ((256, 512, 1024, 2048), 2048)
    assert (e2.max_item_tokens, e2.max_request_tokens) == (512, 8192)
    assert (e2.dimensions, e2.default_dimensions) == ((1024,), 1024)


def test_unknown_model_never_raises_and_gets_conservative_limits() -> None:
    limits = get_embedding_limits("embedding-9")
    assert limits.known is False
    assert limits.max_items == 64
    assert limits.max_item_tokens is None
    assert limits.dimensions == ()
    assert get_embedding_limits("Embedding-3") is EMBEDDING_MODELS["embedding-3"]


@pytest.mark.parametrize(
    ("model", "dimensions", "error"),
    [
        ("embedding-3", None, None),
        ("embedding-3", 256, None),
        ("embedding-3", 512, None),
        ("embedding-3", 1024, None),
        ("embedding-3", 2048, None),
        ("embedding-3", 300, "embedding-3 accepts dimensions 256, 512, 1024, 2048; got 300"),
        ("embedding-3", 4096, "got 4096"),
        ("embedding-2", 1024, None),
        ("embedding-2", 256, "embedding-2 accepts dimensions 1024; got 256"),
        ("embedding-9", 300, None),
        ("embedding-3", 0, "positive integer"),
        ("embedding-3", -256, "positive integer"),
        ("embedding-3", True, "positive integer"),
        ("embedding-3", "256", "positive integer"),
        ("embedding-3", 256.0, "positive integer"),
    ],
)
def test_validate_dimensions(model: str, dimensions: Any, error: str | None) -> None:
    if error is None:
        assert validate_dimensions(model, dimensions) == dimensions
    else:
        with pytest.raises(ValueError, match=error):
            validate_dimensions(model, dimensions)


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("", 0, 2),
        ("hello", 1, 7),
        ("hello world", 2, 13),
        ("  spaced\n\tout  ", 2, 17),
        ("你好世界", 1, 14),
        ("a.b,c", 1, 7),
    ],
)
def test_token_bounds(text: str, lower: int, upper: int) -> None:
    assert token_lower_bound(text) == lower
    assert token_upper_bound(text) == upper
    assert token_lower_bound(text) <= token_upper_bound(text)


# --------------------------------------------------------------------------- batching


@pytest.mark.parametrize(
    ("count", "batch", "expected"),
    [
        (1, None, [1]),
        (64, None, [64]),
        (65, None, [64, 1]),
        (150, None, [64, 64, 22]),
        (150, 100, [64, 64, 22]),  # capped at the model's limit
        (150, 50, [50, 50, 50]),
        (5, 2, [2, 2, 1]),
        (3, 1, [1, 1, 1]),
    ],
)
def test_embedding_3_batches_by_item_count(
    count: int, batch: int | None, expected: list[int]
) -> None:
    texts = [f"text {i}" for i in range(count)]
    plan = plan_embeddings("embedding-3", texts, max_batch_size=batch)
    assert sizes(plan) == expected
    flat = [p for r in plan.requests for p in r.positions]
    assert flat == list(range(count))  # order preserved, nothing lost
    assert [t for r in plan.requests for t in r.body["input"]] == texts


def test_embedding_2_packs_by_token_budget_upper_bound() -> None:
    # each text is 1000 bytes -> 1002 tokens at most; 8192 // 1002 = 8 per request
    texts = [("x" * 9 + " ") * 100 for _ in range(20)]
    plan = plan_embeddings("embedding-2", texts)
    assert sizes(plan) == [8, 8, 4]
    for request in plan.requests:
        assert sum(token_upper_bound(t) for t in request.body["input"]) <= 8192


def test_embedding_2_an_input_alone_over_the_budget_goes_alone() -> None:
    fits = "word " * 400  # 2000 bytes: shares a request
    plan = plan_embeddings("embedding-2", ["short", fits, "short"])
    assert [r.positions for r in plan.requests] == [(0, 1, 2)]
    huge = ("x" * 40 + " ") * 250  # 250 words (under 512) but 10250 bytes (over 8192)
    plan = plan_embeddings("embedding-2", ["s", huge, "s"])
    assert [r.positions for r in plan.requests] == [(0,), (1,), (2,)]


@pytest.mark.parametrize(
    ("dimensions", "extra", "body"),
    [
        (None, None, {"model": "embedding-3", "input": ["a"]}),
        (256, None, {"model": "embedding-3", "input": ["a"], "dimensions": 256}),
        (
            512,
            {"user_id": "u1"},
            {"model": "embedding-3", "input": ["a"], "dimensions": 512, "user_id": "u1"},
        ),
    ],
)
def test_request_body(
    dimensions: int | None, extra: dict[str, Any] | None, body: dict[str, Any]
) -> None:
    plan = plan_embeddings("embedding-3", ["a"], dimensions=dimensions, extra_body=extra)
    assert plan.requests[0].body == body


def test_inputs_are_not_mutated() -> None:
    texts = ["a", "", "b"]
    plan_embeddings("embedding-3", texts)
    assert texts == ["a", "", "b"]


# --------------------------------------------------------------------------- empty inputs


def test_empty_list_plans_no_request() -> None:
    plan = plan_embeddings("embedding-3", [])
    assert plan.requests == ()
    assert assemble_embeddings(plan, []).embeddings == []


@pytest.mark.parametrize(
    ("texts", "sent", "empty"),
    [
        (["a", "", "b"], [["a", "b"]], (1,)),
        (["", "  ", "\n\t"], [], (0, 1, 2)),
        (["x", " "], [["x"]], (1,)),
    ],
)
def test_empty_texts_are_never_sent(
    texts: list[str], sent: list[list[str]], empty: tuple[int, ...]
) -> None:
    plan = plan_embeddings("embedding-3", texts, dimensions=256)
    assert [r.body["input"] for r in plan.requests] == sent
    assert plan.empty == empty


def test_empty_texts_get_the_placeholder_vector_in_place() -> None:
    plan = plan_embeddings("embedding-3", ["a", "", "b"], dimensions=256)
    vectors = [[0.6] * 256, [0.8] * 256]
    result = assemble_embeddings(plan, [(vectors, {"prompt_tokens": 2, "total_tokens": 2})])
    assert result.embeddings[0] == vectors[0]
    assert result.embeddings[2] == vectors[1]
    assert result.embeddings[1] == empty_input_vector(256)
    assert result.embeddings[1][0] == 1.0
    assert sum(result.embeddings[1]) == 1.0
    assert result.usage == {"prompt_tokens": 2, "total_tokens": 2}


@pytest.mark.parametrize(
    ("model", "dimensions", "size"),
    [("embedding-3", None, 2048), ("embedding-3", 512, 512), ("embedding-2", None, 1024)],
)
def test_all_empty_uses_the_known_size(model: str, dimensions: int | None, size: int) -> None:
    plan = plan_embeddings(model, ["", " "], dimensions=dimensions)
    assert plan.requests == ()
    result = assemble_embeddings(plan, [])
    assert [len(v) for v in result.embeddings] == [size, size]


def test_all_empty_with_unknown_size_says_what_to_do() -> None:
    plan = plan_embeddings("embedding-9", [""])
    with pytest.raises(EmptyEmbeddingInputError, match="dimensions"):
        assemble_embeddings(plan, [])


def test_unknown_model_placeholder_follows_the_returned_size() -> None:
    plan = plan_embeddings("embedding-9", ["a", ""])
    result = assemble_embeddings(plan, [([[0.1, 0.2, 0.3]], {})])
    assert result.embeddings[1] == [1.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("texts", "named"),
    [([""], "input 0 is empty"), (["a", " ", ""], "inputs 1, 2 are empty")],
)
def test_empty_with_error_policy_raises_naming_inputs(texts: list[str], named: str) -> None:
    with pytest.raises(EmptyEmbeddingInputError, match=named) as info:
        plan_embeddings("embedding-3", texts, empty="error")
    assert isinstance(info.value, ValueError)
    assert info.value.indices == tuple(i for i, t in enumerate(texts) if not t.strip())


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"texts": "one string"}, TypeError, "list of strings"),
        ({"texts": ["a", 3]}, TypeError, "input 1 must be a str"),
        ({"texts": ["a"], "max_batch_size": 0}, ValueError, "at least 1"),
        ({"texts": ["a"], "empty": "zeros"}, ValueError, "'placeholder' or 'error'"),
        ({"texts": ["a"], "dimensions": 100}, ValueError, "accepts dimensions"),
    ],
)
def test_bad_arguments_raise_before_any_request(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        plan_embeddings("embedding-3", **kwargs)


@pytest.mark.parametrize(
    ("model", "words", "too_long"),
    [
        ("embedding-3", 3072, False),
        ("embedding-3", 3073, True),
        ("embedding-2", 512, False),
        ("embedding-2", 513, True),
        ("embedding-9", 100_000, False),  # unknown limit: left to the server
    ],
)
def test_certainly_too_long_inputs_are_rejected_locally(
    model: str, words: int, too_long: bool
) -> None:
    texts = ["short", "w " * words]
    if not too_long:
        plan_embeddings(model, texts)
        return
    with pytest.raises(EmbeddingInputTooLongError) as info:
        plan_embeddings(model, texts)
    error = info.value
    assert error.indices == (1,)
    assert error.limit == EMBEDDING_MODELS[model].max_item_tokens
    assert error.status_code == 0
    assert str(error).startswith(f"input 1 is too long for {model}: input 1 has {words} words")
    assert isinstance(error, ContextWindowExceededError)
    assert isinstance(error, ValueError)


def test_too_long_names_every_offender() -> None:
    texts = ["w " * 4000 if i % 2 else "ok" for i in range(16)]
    with pytest.raises(EmbeddingInputTooLongError, match=r"inputs 1, 3, 5, 7, 9 and 3 more"):
        plan_embeddings("embedding-3", texts)


# --------------------------------------------------------------------------- answers


def answer(data: list[dict[str, Any]], usage: dict[str, int] | None = None) -> dict[str, Any]:
    return {"model": "embedding-3", "object": "list", "data": data, "usage": usage or {}}


def item(index: int, vector: list[Any]) -> dict[str, Any]:
    return {"index": index, "object": "embedding", "embedding": vector}


def test_parse_orders_by_index_and_makes_floats() -> None:
    body = answer([item(1, [3, 4]), item(0, [1, 2])], {"prompt_tokens": 5, "total_tokens": 5})
    vectors, usage = parse_embedding_response(body, 2)
    assert vectors == [[1.0, 2.0], [3.0, 4.0]]
    assert all(isinstance(x, float) for v in vectors for x in v)
    assert usage == {"prompt_tokens": 5, "total_tokens": 5}


def test_parse_keeps_a_float_vector_as_decoded_without_reboxing() -> None:
    decoded = [0.25, -0.5, 1e-9]
    mixed = [1, 0.5, True]  # ints (and a bool) still come back as floats
    vectors, _ = parse_embedding_response(answer([item(0, decoded), item(1, mixed)]), 2)
    assert vectors[0] is decoded
    assert vectors[1] == [1.0, 0.5, 1.0] and all(type(x) is float for x in vectors[1])


@pytest.mark.parametrize(
    ("body", "expected", "dimensions", "match"),
    [
        ({"object": "list"}, 1, None, "no 'data' list"),
        ("not json object", 1, None, "no 'data' list"),
        (answer([item(0, [1.0])]), 2, None, "1 vectors for 2 inputs"),
        (answer([item(0, [1.0]), item(0, [2.0])]), 2, None, "repeated index 0"),
        (answer([item(5, [1.0])]), 1, None, "bad or repeated index 5"),
        (answer([item(0, [])]), 1, None, "no vector at index 0"),
        (answer([item(0, ["x"])]), 1, None, "non-numeric"),
        (answer([item(0, [0.5, None])]), 1, None, "non-numeric"),
        (answer([item(0, [1.0, 2.0])]), 1, 256, "asked for 256 dimensions, got 2"),
    ],
)
def test_parse_rejects_malformed_answers(
    body: Any, expected: int, dimensions: int | None, match: str
) -> None:
    with pytest.raises(APIResponseValidationError, match=match):
        parse_embedding_response(body, expected, dimensions)


def _outcome(body: Any, expected: int, dimensions: int | None) -> Any:
    try:
        return parse_embedding_response(body, expected, dimensions)
    except APIResponseValidationError as error:
        return ("error", str(error).split(":")[1])


@pytest.mark.parametrize(
    ("raw", "expected", "dimensions"),
    [
        (b'{"data":[{"index":1,"embedding":[0.5,-0.25]},{"index":0,"embedding":[1,2]}],'
         b'"usage":{"prompt_tokens":3,"total_tokens":3},"model":"embedding-3"}', 2, 2),
        (b'{"data":[{"embedding":[0.5]}],"usage":"abc"}', 1, None),
        (b'{"data":[{"embedding":[0.5, NaN]}]}', 1, None),
        (b'{"data":[{"embedding":[1e400]}]}', 1, None),
        (b'{"data":[{"embedding":[0.5, true]}]}', 1, None),
        (b'{"data":[{"embedding":["0.5"]}]}', 1, None),
        (b'{"data":[{"embedding":[0.5, null]}]}', 1, None),
        (b'{"data":[{"embedding":[]}]}', 1, None),
        (b'{"data":[{"index":0,"embedding":[0.5]},{"index":0,"embedding":[0.5]}]}', 2, None),
        (b'{"data":[{"index":7,"embedding":[0.5]}]}', 1, None),
        (b'{"data":[{"index":123456789012345678901234567890,"embedding":[0.5]}]}', 1, None),
        (b'{"data":[{"embedding":[0.5, 0.25]}]}', 1, 256),
        (b'{"data":[]}', 1, None),
        (b'{"object":"list"}', 1, None),
        (b'{"data":[{"embedding":[123456789012345678901234567890]}]}', 1, None),
    ],
)  # fmt: skip
def test_the_checked_decoder_and_the_plain_one_give_the_same_outcome(
    raw: bytes, expected: int, dimensions: int | None
) -> None:
    fast = decode_embedding_answer(raw)
    assert _outcome(fast, expected, dimensions) == _outcome(json.loads(raw), expected, dimensions)
    outcome = _outcome(fast, expected, dimensions)
    if outcome[0] != "error":
        assert all(type(x) is float for vector in outcome[0] for x in vector)


def test_a_well_formed_answer_is_checked_once_by_the_decoder() -> None:
    raw = b'{"data":[{"index":0,"object":"embedding","embedding":[0.5,-0.25]}],"usage":{}}'
    decoded = decode_embedding_answer(raw)
    assert isinstance(decoded, CheckedEmbeddingAnswer)
    assert decoded.body == {"data": [{"index": 0, "embedding": [0.5, -0.25]}], "usage": {}}
    # An answer carrying an error goes back as plain JSON, for the client to raise.
    assert decode_embedding_answer(b'{"data":[],"error":{"code":"1302"}}') == {
        "data": [],
        "error": {"code": "1302"},
    }


# --------------------------------------------------------------------------- error mapping


def plan_of(texts: list[str], batch: int | None = None) -> Any:
    return plan_embeddings("embedding-3", texts, max_batch_size=batch)


def test_server_over_length_on_a_single_input_names_it() -> None:
    plan = plan_of(["a", "b" * 50, "c"], batch=1)
    server = ContextWindowExceededError(
        "Prompt exceeds max length", status_code=400, code="1261", request_id="r1"
    )
    mapped = input_error_for(server, plan, 1)
    assert isinstance(mapped, EmbeddingInputTooLongError)
    assert mapped.indices == (1,)
    assert (mapped.status_code, mapped.code, mapped.request_id) == (400, "1261", "r1")
    text = str(mapped)
    assert "input 1 (50 characters) is too long for embedding-3" in text
    assert "3072 tokens per input" in text
    assert "Prompt exceeds max length" in text
    assert "HTTP 400" in text
    assert "request_id=r1" in text


def test_server_over_length_in_a_batch_names_the_range_and_longest() -> None:
    texts = ["short"] * 64 + ["x" * 10, "y" * 900, "z"]
    plan = plan_of(texts)
    server = BadRequestError("input length exceeds limit", status_code=400, code="1214")
    mapped = input_error_for(server, plan, 1)
    assert isinstance(mapped, EmbeddingInputTooLongError)
    assert mapped.indices == (65,)
    assert "one of inputs 64-66 is too long; the longest is input 65 (900 characters)" in str(
        mapped
    )


@pytest.mark.parametrize(
    "server",
    [
        BadRequestError("Invalid dimensions parameter", status_code=400, code="1214"),
        RateLimitError("slow down", status_code=429, code="1302"),
        InternalServerError("boom", status_code=500),
    ],
)
def test_other_errors_pass_through_unchanged(server: Exception) -> None:
    plan = plan_of(["a"])
    assert input_error_for(server, plan, 0) is server  # type: ignore[arg-type]
