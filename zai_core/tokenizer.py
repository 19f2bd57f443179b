"""Token counts from Z.ai's `POST /tokenizer` (counts only; no token ids).

One request per call: the endpoint is exact for the model and counts tools and images,
which no local tokenizer can. Callers cache where the input repeats (`CountCache`).

The endpoint counts chat messages, template included. A text's own count is the count of
the text as one user message minus the template tokens around a message, measured once by
counting `PROBE_TEXT` (one token): `message_overhead` and `text_tokens`.
Both frameworks' text counters (`ChatZai.get_num_tokens`, `ZaiTokenizer`) use them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from .catalog import get_model_info
from .transport import Transport

__all__ = [
    "PROBE_TEXT",
    "CountCache",
    "CountCacheInfo",
    "TokenCounter",
    "acount_tokens",
    "count_key",
    "count_tokens",
    "message_overhead",
    "text_tokens",
    "tokenizer_body",
    "tokenizer_model",
    "user_message",
]

#: Text whose token count is exactly 1, counted once to measure the per-message template.
PROBE_TEXT = "a"

#: Models the tokenizer endpoint documents; other names are counted with the closest one.
TOKENIZER_MODELS = ("glm-4.6", "glm-4.6v", "glm-4.5")


def tokenizer_model(model: str) -> str:
    """The tokenizer Z.ai documents closest to `model` (its endpoint knows only three)."""
    name = model.lower()
    if name in TOKENIZER_MODELS:
        return name
    if get_model_info(model).vision:
        return "glm-4.6v"
    return "glm-4.5" if name.startswith("glm-4.5") else "glm-4.6"


def tokenizer_body(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The request body; `tools` are counted too (function tools only)."""
    body: dict[str, Any] = {"model": model, "messages": list(messages)}
    functions = [t for t in tools or () if t.get("type", "function") == "function"]
    if functions:
        body["tools"] = functions
    return body


def _total(answer: Any) -> int:
    usage = answer.get("usage") if isinstance(answer, dict) else None
    if not usage:
        from .errors import APIResponseValidationError

        raise APIResponseValidationError("tokenizer answer has no usage", body=answer)
    return int(usage.get("prompt_tokens") or usage.get("total_tokens") or 0)


def count_tokens(
    client: Transport,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Prompt tokens of `messages` (and `tools`) for `model`: one request."""
    return _total(client.request("POST", "/tokenizer", json=tokenizer_body(model, messages, tools)))


async def acount_tokens(
    client: Transport,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Async `count_tokens`."""
    answer = await client.arequest(
        "POST", "/tokenizer", json=tokenizer_body(model, messages, tools)
    )
    return _total(answer)


def message_overhead(probe_count: int) -> int:
    """Template tokens around one message, from the count of `PROBE_TEXT` as a message."""
    return max(0, probe_count - 1)


def text_tokens(message_count: int, overhead: int) -> int:
    """A non-empty text's own tokens: its count as one user message minus the template."""
    return max(1, message_count - overhead)


def user_message(text: str) -> list[dict[str, str]]:
    """`text` as the one-message conversation the endpoint counts."""
    return [{"role": "user", "content": text}]


def count_key(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> bytes:
    """A 128-bit key for one tokenizer request: identical requests share a cached count."""
    body = json.dumps(tokenizer_body(model, messages, tools), sort_keys=True, default=str)
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).digest()


class CountCacheInfo(NamedTuple):
    """Cache statistics: `hits`, `misses` (= tokenizer requests), `size`, `maxsize`."""

    hits: int
    misses: int
    size: int
    maxsize: int


class CountCache:
    """A bounded, thread-safe LRU of token counts keyed by `count_key`.

    Safe because a model's count for a given request never changes. `maxsize=0` keeps
    nothing (every count is a request) but still counts misses.
    """

    def __init__(self, maxsize: int = 4096) -> None:
        if maxsize < 0:
            raise ValueError(f"cache_size must be >= 0, got {maxsize}")
        self.maxsize = maxsize
        self._data: OrderedDict[bytes, int] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def __reduce__(self) -> tuple[Any, ...]:
        """A copy or an unpickled cache starts empty, with the same bound (no lock to copy)."""
        return (CountCache, (self.maxsize,))

    def get(self, key: bytes) -> int | None:
        """The cached count (marked recently used), or `None`."""
        with self._lock:
            count = self._data.get(key)
            if count is not None:
                self._data.move_to_end(key)
                self._hits += 1
            return count

    def put(self, key: bytes, count: int) -> int:
        """Store `count` (one miss: it took a request) and return it."""
        with self._lock:
            self._misses += 1
            if self.maxsize:
                self._data[key] = count
                self._data.move_to_end(key)
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
        return count

    def info(self) -> CountCacheInfo:
        """Hits, misses, current size and capacity."""
        with self._lock:
            return CountCacheInfo(self._hits, self._misses, len(self._data), self.maxsize)

    def clear(self) -> None:
        """Forget every count and reset the statistics."""
        with self._lock:
            self._data.clear()
            self._hits = self._misses = 0


class TokenCounter:
    """Cached counts for one model: conversations (template included) and bare texts.

    The shared logic of `ChatZai.get_num_tokens*` and `ZaiTokenizer`. `client` is a
    callable so a cached answer needs no key. `overhead` is the per-message template,
    measured on the first text count unless given.
    """

    def __init__(self, maxsize: int = 4096, overhead: int | None = None) -> None:
        if overhead is not None and overhead < 0:
            raise ValueError(f"message_overhead must be >= 0, got {overhead}")
        self.cache = CountCache(maxsize)
        self.overhead = overhead

    def __reduce__(self) -> tuple[Any, ...]:
        """Copies start with an empty cache (counts are cheap to redo, locks can't be copied)."""
        return (TokenCounter, (self.cache.maxsize, self.overhead))

    def messages(
        self,
        client: Callable[[], Transport],
        model: str,
        messages: Sequence[Mapping[str, Any]],
        tools: Sequence[Mapping[str, Any]] | None = None,
    ) -> int:
        """Prompt tokens of `messages` with their template: the cache, else one request."""
        key = count_key(model, messages, tools)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        return self.cache.put(key, count_tokens(client(), model, messages, tools))

    async def amessages(
        self,
        client: Callable[[], Transport],
        model: str,
        messages: Sequence[Mapping[str, Any]],
        tools: Sequence[Mapping[str, Any]] | None = None,
    ) -> int:
        """Async `messages` (same cache)."""
        key = count_key(model, messages, tools)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        return self.cache.put(key, await acount_tokens(client(), model, messages, tools))

    def text(self, client: Callable[[], Transport], model: str, text: str) -> int:
        """Tokens of `text` alone (`""` is 0 without a request)."""
        if not text:
            return 0
        if self.overhead is None:
            self.overhead = message_overhead(self.messages(client, model, user_message(PROBE_TEXT)))
        return text_tokens(self.messages(client, model, user_message(text)), self.overhead)

    async def atext(self, client: Callable[[], Transport], model: str, text: str) -> int:
        """Async `text` (same cache)."""
        if not text:
            return 0
        if self.overhead is None:
            probe = await self.amessages(client, model, user_message(PROBE_TEXT))
            self.overhead = message_overhead(probe)
        return text_tokens(await self.amessages(client, model, user_message(text)), self.overhead)
