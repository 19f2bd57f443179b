"""Embeddings over `POST /embeddings`: model limits, batching, validation, send loops.

Every decision lives in pure functions (`plan_embeddings`, `parse_embedding_response`,
`assemble_embeddings`, `input_error_for`); `embed_texts` and
`aembed_texts` only send the planned requests, one after another or with bounded
concurrency.

Policies (the same in LangChain and LlamaIndex):

- **Batching.** As many inputs per request as the model allows, in input order: at most 64
  for `embedding-3`; for `embedding-2` also at most 8K tokens per request, counted with a
  safe upper bound (UTF-8 bytes + 2 per input), so a packed request can never go over.
- **Empty input.** An empty list returns `[]` without a request. Z.ai rejects empty text
  (400 / 1214), so empty or whitespace-only texts are never sent. With `empty="placeholder"`
  (documents) each gets a fixed unit vector (1.0 in the first dimension, 0 elsewhere): the
  result has one vector per input in the same positions, cosine similarity stays finite (a
  zero vector would make it NaN), and an empty document scores about 0 against real queries.
  With `empty="error"` (queries) `EmptyEmbeddingInputError` is raised.
- **Token limits.** There is no local tokenizer, so the only local check is one that cannot
  be wrong: every whitespace-separated word is at least one token, so an input with more words
  than the model's per-input limit is certainly too long and raises
  `EmbeddingInputTooLongError` before any request. Anything subtler is left to the
  server, whose over-length answer is re-raised as the same class, naming the input.
- **Dimensions** are checked before any request: 256, 512, 1024 or 2048 for `embedding-3`
  (the API default is 2048), only 1024 for `embedding-2`; any positive integer for models
  this table does not know.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict

from . import _json
from .errors import (
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    ContextWindowExceededError,
    RateLimitError,
    ZaiError,
)
from .limiter import DEFAULT_MAX_CONCURRENCY, ConcurrencyLimiter
from .retry import retry_delay
from .transport import Transport

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "DEFAULT_MAX_CONCURRENCY",
    "EMBEDDINGS_PATH",
    "EMBEDDING_MODELS",
    "CheckedEmbeddingAnswer",
    "ConcurrencyLimiter",
    "EmbeddingInputTooLongError",
    "EmbeddingModelLimits",
    "EmbeddingPlan",
    "EmbeddingRequest",
    "EmbeddingResult",
    "EmptyEmbeddingInputError",
    "aembed_texts",
    "assemble_embeddings",
    "decode_embedding_answer",
    "embed_texts",
    "empty_input_vector",
    "get_embedding_limits",
    "input_error_for",
    "parse_embedding_response",
    "plan_embeddings",
    "token_lower_bound",
    "token_upper_bound",
    "validate_dimensions",
]

EMBEDDINGS_PATH = "/embeddings"
DEFAULT_EMBEDDING_MODEL = "embedding-3"
#: Added to each input's byte count when bounding its tokens from above (special tokens).
_ITEM_TOKEN_MARGIN = 2

EmptyPolicy = Literal["placeholder", "error"]


# --------------------------------------------------------------------------- errors


class EmptyEmbeddingInputError(ZaiError, ValueError):
    """An empty or whitespace-only text where a vector is required (e.g. a query).

    Raised before any request. `indices` are the positions of the empty inputs.
    """

    def __init__(self, message: str = "", *, indices: Sequence[int] = (), **_: Any) -> None:
        super().__init__(message)
        self.indices = tuple(indices)

    def _fields(self) -> dict[str, Any]:
        return {"message": self.message, "indices": self.indices}


class EmbeddingInputTooLongError(ContextWindowExceededError, ValueError):
    """An input is over the model's token limit; `indices` name the input(s).

    Raised before any request when the input is certainly too long (more words than the
    limit has tokens; `status_code` is 0), or when Z.ai rejects a request as too long
    (the server's status, code and request id are kept).

    Attributes:
        indices: positions of the input(s) concerned, in the caller's list.
        limit: the model's tokens-per-input limit, when known.
    """

    def __init__(
        self,
        message: str = "",
        *,
        indices: Sequence[int] = (),
        limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.indices = tuple(indices)
        self.limit = limit

    def __str__(self) -> str:
        return self.message if self.status_code == 0 else super().__str__()

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "indices": self.indices, "limit": self.limit}


# --------------------------------------------------------------------------- model limits


@dataclass(frozen=True)
class EmbeddingModelLimits:
    """What one embedding model accepts (`reference/zai-api.md` section 4.1).

    Attributes:
        name: the model id.
        max_items: inputs per request.
        max_item_tokens: tokens per input, or `None` when unknown.
        max_request_tokens: tokens per request (all inputs together), or `None`.
        dimensions: accepted `dimensions` values; empty means not checked.
        default_dimensions: vector size when `dimensions` is not sent, if known.
        known: the name is in `EMBEDDING_MODELS`.
    """

    name: str
    max_items: int = 64
    max_item_tokens: int | None = None
    max_request_tokens: int | None = None
    dimensions: tuple[int, ...] = ()
    default_dimensions: int | None = None
    known: bool = True


EMBEDDING_MODELS: dict[str, EmbeddingModelLimits] = {
    "embedding-3": EmbeddingModelLimits(
        "embedding-3",
        max_items=64,
        max_item_tokens=3072,
        dimensions=(256, 512, 1024, 2048),
        default_dimensions=2048,
    ),
    "embedding-2": EmbeddingModelLimits(
        "embedding-2",
        max_items=64,
        max_item_tokens=512,
        max_request_tokens=8192,
        dimensions=(1024,),
        default_dimensions=1024,
    ),
}


def get_embedding_limits(model: str) -> EmbeddingModelLimits:
    """The limits of `model`; an unknown name gets 64 inputs per request and no checks."""
    known = EMBEDDING_MODELS.get(model) or EMBEDDING_MODELS.get(model.lower())
    return known or EmbeddingModelLimits(model, known=False)


def validate_dimensions(model: str, dimensions: int | None) -> int | None:
    """`dimensions` if `model` accepts it; a clear `ValueError` otherwise."""
    if dimensions is None:
        return None
    if isinstance(dimensions, bool) or not isinstance(dimensions, int) or dimensions <= 0:
        raise ValueError(f"dimensions must be a positive integer, got {dimensions!r}")
    allowed = get_embedding_limits(model).dimensions
    if allowed and dimensions not in allowed:
        names = ", ".join(str(d) for d in allowed)
        raise ValueError(f"{model} accepts dimensions {names}; got {dimensions}")
    return dimensions


def token_lower_bound(text: str) -> int:
    """Tokens `text` has at least: one per whitespace-separated word.

    Holds for byte-level BPE and SentencePiece alike: no token spans whitespace between
    two non-space characters. Weak for scripts written without spaces (Chinese), never wrong.
    """
    return len(text.split())


def token_upper_bound(text: str) -> int:
    """Tokens `text` has at most: its UTF-8 bytes (every token covers one byte or more)
    plus a margin for special tokens."""
    return len(text.encode("utf-8")) + _ITEM_TOKEN_MARGIN


def empty_input_vector(size: int) -> list[float]:
    """The vector given to an empty text: 1.0 in the first dimension, 0 elsewhere."""
    return [1.0] + [0.0] * (size - 1)


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class EmbeddingRequest:
    """One `POST /embeddings`: the caller's input `positions` and the JSON `body`."""

    positions: tuple[int, ...]
    body: dict[str, Any]


@dataclass(frozen=True)
class EmbeddingPlan:
    """How a list of texts is embedded: the requests to send, in order, and the empties.

    Attributes:
        model: the model id.
        dimensions: the `dimensions` sent, or `None`.
        size: number of inputs.
        requests: the requests, each covering consecutive non-empty inputs.
        empty: positions of empty inputs, answered with `empty_input_vector`.
        lengths: character count of each input (for error messages).
    """

    model: str
    dimensions: int | None
    size: int
    requests: tuple[EmbeddingRequest, ...]
    empty: tuple[int, ...] = ()
    lengths: tuple[int, ...] = ()


def _describe(indices: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(i) for i in indices[:limit])
    more = f" and {len(indices) - limit} more" if len(indices) > limit else ""
    word = "input" if len(indices) == 1 else "inputs"
    return f"{word} {shown}{more}"


def _check_texts(texts: Sequence[str]) -> None:
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, got a single str")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"input {i} must be a str, got {type(text).__name__}")


def _check_inputs(
    model: str, texts: Sequence[str], limits: EmbeddingModelLimits, empty: EmptyPolicy
) -> tuple[int, ...]:
    """The indices of empty texts; raises on an empty text (`empty="error"`) or one that
    is certainly over the model's per-input token limit."""
    empties = tuple(i for i, text in enumerate(texts) if not text.strip())
    if empties and empty == "error":
        raise EmptyEmbeddingInputError(
            f"{_describe(empties)} {'is' if len(empties) == 1 else 'are'} empty or "
            "whitespace only: there is nothing to embed (Z.ai rejects empty input)",
            indices=empties,
        )
    if limits.max_item_tokens is not None:
        floors = {i: token_lower_bound(t) for i, t in enumerate(texts)}
        over = [i for i, n in floors.items() if n > limits.max_item_tokens]
        if over:
            first = over[0]
            raise EmbeddingInputTooLongError(
                f"{_describe(over)} {'is' if len(over) == 1 else 'are'} too long for {model}: "
                f"input {first} has {floors[first]} words, so at least that many tokens, and "
                f"{model} embeds at most {limits.max_item_tokens} tokens per input. "
                "Split long texts into smaller chunks before embedding them.",
                indices=over,
                limit=limits.max_item_tokens,
            )
    return empties


def _batch_indices(
    texts: Sequence[str], skip: set[int], cap: int, limits: EmbeddingModelLimits
) -> list[list[int]]:
    """The indices of each request: at most `cap` inputs and the request token budget."""
    batches: list[list[int]] = []
    budget_used = 0
    for i, text in enumerate(texts):
        if i in skip:
            continue
        cost = token_upper_bound(text) if limits.max_request_tokens else 0
        full = bool(batches) and len(batches[-1]) >= cap
        over_budget = (
            limits.max_request_tokens is not None
            and bool(batches)
            and bool(batches[-1])
            and budget_used + cost > limits.max_request_tokens
        )
        if not batches or full or over_budget:
            batches.append([])
            budget_used = 0
        batches[-1].append(i)
        budget_used += cost
    return batches


def plan_embeddings(
    model: str,
    texts: Sequence[str],
    *,
    dimensions: int | None = None,
    max_batch_size: int | None = None,
    empty: EmptyPolicy = "placeholder",
    extra_body: Mapping[str, Any] | None = None,
) -> EmbeddingPlan:
    """Validate `texts` and split them into requests. Pure: no I/O.

    Args:
        model: embedding model id.
        texts: the inputs, in order.
        dimensions: vector size to ask for (validated per model), or `None`.
        max_batch_size: inputs per request; capped at the model's limit.
        empty: `"placeholder"` (empty texts get `empty_input_vector`) or
            `"error"` (raise `EmptyEmbeddingInputError`).
        extra_body: extra JSON fields sent with every request.

    Raises:
        TypeError: `texts` is a str, or holds a non-str.
        ValueError: bad `dimensions` / `max_batch_size` / `empty`.
        EmptyEmbeddingInputError: an empty text with `empty="error"`.
        EmbeddingInputTooLongError: an input certainly over the model's per-input limit.
    """
    _check_texts(texts)
    dimensions = validate_dimensions(model, dimensions)
    if empty not in ("placeholder", "error"):
        raise ValueError(f"empty must be 'placeholder' or 'error', got {empty!r}")
    limits = get_embedding_limits(model)
    if max_batch_size is not None and max_batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {max_batch_size}")
    cap = min(max_batch_size or limits.max_items, limits.max_items)

    empties = _check_inputs(model, texts, limits, empty)
    batches = _batch_indices(texts, set(empties), cap, limits)

    base: dict[str, Any] = {**(extra_body or {}), "model": model}
    if dimensions is not None:
        base["dimensions"] = dimensions
    requests = tuple(
        EmbeddingRequest(tuple(batch), {**base, "input": [texts[i] for i in batch]})
        for batch in batches
    )
    return EmbeddingPlan(
        model=model,
        dimensions=dimensions,
        size=len(texts),
        requests=requests,
        empty=empties,
        lengths=tuple(len(t) for t in texts),
    )


# --------------------------------------------------------------------------- answers


@dataclass
class EmbeddingResult:
    """Vectors in input order, with the usage summed over every request.

    Attributes:
        embeddings: one vector per input, in input order.
        usage: `prompt_tokens` and `total_tokens` over all requests.
        requests: how many requests were sent.
    """

    embeddings: list[list[float]]
    usage: dict[str, int] = field(default_factory=dict)
    requests: int = 0


def _bad(message: str, answer: Any) -> APIResponseValidationError:
    return APIResponseValidationError(f"Z.ai embeddings answer: {message}", body=answer)


class _WireVector(TypedDict):
    embedding: list[float]
    index: NotRequired[int]


class _WireAnswer(TypedDict):
    data: list[_WireVector]
    usage: NotRequired[Any]
    error: NotRequired[Any]


@dataclass(frozen=True, slots=True)
class CheckedEmbeddingAnswer:
    """An embeddings answer whose decoder has already checked its shape: a `data` list of
    objects, each with an `embedding` list of floats (and an `int` `index` when present).

    Attributes:
        body: the answer, holding only `data` (`embedding`, `index`) and `usage`.
    """

    body: dict[str, Any]


def decode_embedding_answer(content: bytes) -> Any:
    """The body of a 2xx `/embeddings` answer: a `CheckedEmbeddingAnswer` when it has the
    answer's shape (decoded and checked in one pass), else the plain decoded JSON, which
    `parse_embedding_response` checks element by element (and an answer that carries an
    `error` goes back as plain JSON, so the client raises it as usual)."""
    body = _json.typed_loads(content, _WireAnswer)
    if body is None or "error" in body:
        return _json.loads(content)
    return CheckedEmbeddingAnswer(body)


def parse_embedding_response(
    answer: Any, expected: int, dimensions: int | None = None
) -> tuple[list[list[float]], dict[str, int]]:
    """Vectors ordered by their `index`, and the usage, from one answer. Pure.

    `answer` is the decoded JSON, or a `CheckedEmbeddingAnswer` (its components are not
    checked again). Raises `APIResponseValidationError` when the answer does not have exactly
    one float vector per input, or (with `dimensions`) a vector of another size.
    """
    checked = isinstance(answer, CheckedEmbeddingAnswer)
    if checked:
        answer = answer.body
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, list):
        raise _bad(f"no 'data' list: {str(answer)[:200]!r}", answer)
    if len(data) != expected:
        raise _bad(f"{len(data)} vectors for {expected} inputs", answer)
    vectors: list[list[float] | None] = [None] * expected
    for position, item in enumerate(data):
        index = item.get("index", position) if isinstance(item, dict) else None
        vector = item.get("embedding") if isinstance(item, dict) else None
        if not isinstance(index, int) or not 0 <= index < expected or vectors[index] is not None:
            raise _bad(f"bad or repeated index {index!r}", answer)
        if not isinstance(vector, list) or not vector:
            raise _bad(f"no vector at index {index}", answer)
        if dimensions is not None and len(vector) != dimensions:
            raise _bad(f"asked for {dimensions} dimensions, got {len(vector)}", answer)
        vectors[index] = vector if checked else _as_floats(vector, index, answer)
    raw_usage = answer.get("usage")
    if not isinstance(raw_usage, dict):
        raw_usage = {}
    usage = {key: int(raw_usage.get(key) or 0) for key in ("prompt_tokens", "total_tokens")}
    return [v for v in vectors if v is not None], usage


def _as_floats(vector: list[Any], index: int, answer: Any) -> list[float]:
    """`vector` itself when every component is already a float (the decoder's output: no
    copy, no re-boxing), else a float copy; a non-numeric component is an error."""
    if set(map(type, vector)) == _FLOAT_ONLY:
        return vector
    try:
        return [float(x) for x in vector]
    except (TypeError, ValueError) as exc:
        raise _bad(f"non-numeric vector at index {index}", answer) from exc


_FLOAT_ONLY = {float}


def assemble_embeddings(
    plan: EmbeddingPlan, answers: Sequence[tuple[list[list[float]], dict[str, int]]]
) -> EmbeddingResult:
    """Put each request's vectors back at their inputs' positions; fill in empties. Pure."""
    out: list[list[float] | None] = [None] * plan.size
    usage: dict[str, int] = {"prompt_tokens": 0, "total_tokens": 0}
    for request, (vectors, used) in zip(plan.requests, answers, strict=True):
        for position, vector in zip(request.positions, vectors, strict=True):
            out[position] = vector
        for key, value in used.items():
            usage[key] = usage.get(key, 0) + value
    if plan.empty:
        size = plan.dimensions or get_embedding_limits(plan.model).default_dimensions
        sized = next((v for v in out if v is not None), None)
        if sized is not None:
            size = len(sized)
        if size is None:
            raise EmptyEmbeddingInputError(
                f"{_describe(plan.empty)}: every input is empty and the vector size of "
                f"{plan.model!r} is unknown; pass dimensions=... or drop empty texts",
                indices=plan.empty,
            )
        for position in plan.empty:
            out[position] = empty_input_vector(size)
    return EmbeddingResult(
        embeddings=[v if v is not None else [] for v in out],
        usage=usage,
        requests=len(answers),
    )


_LENGTH_WORDS = ("length", "too long", "exceed", "token", "超过", "长度")


def input_error_for(error: ZaiError, plan: EmbeddingPlan, request_no: int) -> ZaiError:
    """The error to raise for a failed request: an over-length rejection becomes
    `EmbeddingInputTooLongError` naming the input(s); anything else is unchanged."""
    if not isinstance(error, APIStatusError):
        return error
    too_long = isinstance(error, ContextWindowExceededError) or (
        isinstance(error, BadRequestError)
        and any(word in (error.message or "").lower() for word in _LENGTH_WORDS)
    )
    if not too_long:
        return error
    positions = plan.requests[request_no].positions
    limits = get_embedding_limits(plan.model)
    limit = limits.max_item_tokens
    longest = max(positions, key=lambda i: plan.lengths[i]) if plan.lengths else positions[0]
    if len(positions) == 1:
        what = f"input {positions[0]} ({plan.lengths[positions[0]]} characters) is too long"
    else:
        what = (
            f"one of inputs {positions[0]}-{positions[-1]} is too long; the longest is "
            f"input {longest} ({plan.lengths[longest]} characters)"
        )
    rules = f"{limit} tokens per input" if limit else "the model's per-input token limit"
    if limits.max_request_tokens:
        rules += f" and {limits.max_request_tokens} per request"
    return EmbeddingInputTooLongError(
        f"{what} for {plan.model} ({rules}); Z.ai said: {error.message or 'no message'}. "
        "Split long texts into smaller chunks.",
        indices=(longest,) if len(positions) > 1 else positions,
        limit=limit,
        status_code=error.status_code,
        code=error.code,
        request_id=error.request_id,
        body=error.body,
    )


# --------------------------------------------------------------------------- send loops


#: How many times one batch is sent again after the client's own retries ended in a 429.
RATE_LIMIT_REQUEUES = 8


def embed_texts(
    client: Transport,
    texts: Sequence[str],
    *,
    model: str = DEFAULT_EMBEDDING_MODEL,
    dimensions: int | None = None,
    max_batch_size: int | None = None,
    empty: EmptyPolicy = "placeholder",
    extra_body: Mapping[str, Any] | None = None,
) -> EmbeddingResult:
    """Embed `texts` with one request per planned batch, in order.

    See `plan_embeddings` for the arguments and the errors raised before any request;
    API errors are `zai_core.errors` classes, over-length rejections
    `EmbeddingInputTooLongError`.
    """
    plan = plan_embeddings(
        model,
        texts,
        dimensions=dimensions,
        max_batch_size=max_batch_size,
        empty=empty,
        extra_body=extra_body,
    )
    answers = []
    for number, request in enumerate(plan.requests):
        try:
            answer = _send_sync(client, request.body)
        except ZaiError as error:
            mapped = input_error_for(error, plan, number)
            if mapped is error:
                raise
            raise mapped from error
        answers.append(parse_embedding_response(answer, len(request.positions), dimensions))
    return assemble_embeddings(plan, answers)


def _send_sync(client: Transport, body: dict[str, Any]) -> Any:
    """One batch; sent again (after a backoff) when the client's retries end in a 429."""
    for requeue in range(RATE_LIMIT_REQUEUES):
        try:
            return client.request(
                "POST", EMBEDDINGS_PATH, json=body, decode=decode_embedding_answer
            )
        except RateLimitError:
            # Processes sharing one limit retry on the same Retry-After tick and collide
            # again: a short jittered pause spreads them out.
            time.sleep(min(0.05 * 2**requeue, 2.0) * (0.5 + random.random()))
    return client.request("POST", EMBEDDINGS_PATH, json=body, decode=decode_embedding_answer)


async def aembed_texts(
    client: Transport,
    texts: Sequence[str],
    *,
    model: str = DEFAULT_EMBEDDING_MODEL,
    dimensions: int | None = None,
    max_batch_size: int | None = None,
    empty: EmptyPolicy = "placeholder",
    extra_body: Mapping[str, Any] | None = None,
    limiter: ConcurrencyLimiter | None = None,
) -> EmbeddingResult:
    """Async `embed_texts`: batches go out concurrently, at most `limiter.limit` at
    once (default `DEFAULT_MAX_CONCURRENCY`); the first failure cancels the rest."""
    plan = plan_embeddings(
        model,
        texts,
        dimensions=dimensions,
        max_batch_size=max_batch_size,
        empty=empty,
        extra_body=extra_body,
    )
    limiter = limiter or ConcurrencyLimiter()

    async def send(number: int) -> tuple[list[list[float]], dict[str, int]]:
        request = plan.requests[number]
        for requeue in range(RATE_LIMIT_REQUEUES + 1):
            await limiter.acquire()
            ok = False
            try:
                answer = await client.arequest(
                    "POST",
                    EMBEDDINGS_PATH,
                    json=request.body,
                    on_retry=limiter.on_retry,
                    decode=decode_embedding_answer,
                )
                ok = True
                break
            except RateLimitError:
                if requeue == RATE_LIMIT_REQUEUES:
                    raise
                limiter.rate_limited(retry_delay(requeue))  # back in line, after a pause
            except ZaiError as error:
                mapped = input_error_for(error, plan, number)
                if mapped is error:
                    raise
                raise mapped from error
            finally:
                limiter.release(ok)
        return parse_embedding_response(answer, len(request.positions), dimensions)

    tasks = [asyncio.ensure_future(send(n)) for n in range(len(plan.requests))]
    try:
        answers = await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return assemble_embeddings(plan, answers)
