"""A LlamaIndex tokenizer backed by Z.ai's ``POST /tokenizer`` endpoint.

LlamaIndex wants ``Settings.tokenizer`` (and ``TokenCountingHandler(tokenizer=...)``,
``SentenceSplitter(tokenizer=...)``, ``PromptHelper``) to be a callable ``str -> list`` whose
length is the token count. Z.ai's tokenizer endpoint returns counts only, no token ids, and
costs one HTTP request per call, so :class:`ZaiTokenizer` returns a list of that many
placeholder ids and caches counts by text.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from zai_core import ChatTransport
from zai_core.tokenizer import acount_tokens, count_tokens

from ._config import ZaiSettings

__all__ = ["TOKEN_PLACEHOLDER", "TokenizerCacheInfo", "ZaiTokenizer"]

#: The value of every element of the lists :class:`ZaiTokenizer` returns (not a token id).
TOKEN_PLACEHOLDER = -1
#: Text whose token count is known to be exactly 1, used to measure the message overhead.
_PROBE = "a"


class TokenizerCacheInfo(NamedTuple):
    """Cache statistics: ``hits``, ``misses`` (= tokenizer requests), ``size``, ``maxsize``."""

    hits: int
    misses: int
    size: int
    maxsize: int


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class ZaiTokenizer:
    """Token counts from Z.ai's tokenizer, shaped as LlamaIndex's ``str -> list`` tokenizer.

    Calling it returns a list whose length is the number of tokens ``model`` sees in the
    text; the elements are placeholders (:data:`TOKEN_PLACEHOLDER`), since Z.ai returns no
    token ids. Also usable through ``.encode(text)`` (LlamaIndex's ``Tokenizer`` protocol).

    Cost: every text not in the cache costs one ``POST /tokenizer`` round trip (latency,
    and it counts against your rate limits), plus one probe request per instance to measure
    the chat template's per-message overhead. LlamaIndex calls the tokenizer very often:
    a ``SentenceSplitter`` calls it for every sentence and word piece of every document,
    ``PromptHelper`` for every prompt. Use it where an exact GLM count matters (budgets,
    ``TokenCountingHandler``, prompt packing); for bulk ingestion of large corpora the
    local default tokenizer is far cheaper. The calls are blocking even inside async
    pipelines (LlamaIndex calls tokenizers synchronously); :meth:`acount` is the async form.

    Caching: counts are kept in an LRU cache of ``cache_size`` entries (default 4096) keyed
    by a 128-bit hash of the text, per instance and thread-safe. This is safe because a
    model's count for a text never changes. The empty string is 0 tokens without a request.

    Counting: the endpoint counts chat messages, so the text is sent as one user message
    and the template tokens around a message are subtracted. ``message_overhead=None``
    (default) measures them once by counting a one-token text (``"a"``); pass a number to
    skip the probe, or 0 to get the raw message count.

    Args:
        model: a chat model the tokenizer endpoint knows (default ``"glm-4.6"``; also
            ``"glm-4.6v"``, ``"glm-4.5"``).
        cache_size: LRU cache entries (0 disables caching).
        message_overhead: template tokens per message, or ``None`` to measure them.
        api_key, base_url, timeout, max_retries, default_headers, http_client,
            http_async_client: as for every Z.ai class.

    Example:
        .. code-block:: python

            from llama_index.core import Settings
            from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
            from llama_index_zai import ZaiTokenizer

            tokenizer = ZaiTokenizer(model="glm-4.6")
            len(tokenizer("How many tokens is this?"))  # one request; cached afterwards

            counter = TokenCountingHandler(tokenizer=tokenizer)
            Settings.callback_manager = CallbackManager([counter])
            Settings.tokenizer = tokenizer  # splitters and PromptHelper count with GLM
    """

    def __init__(
        self,
        model: str = "glm-4.6",
        *,
        cache_size: int = 4096,
        message_overhead: int | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | Any | None = None,
        max_retries: int | None = None,
        default_headers: dict[str, str] | None = None,
        http_client: Any = None,
        http_async_client: Any = None,
    ) -> None:
        if cache_size < 0:
            raise ValueError(f"cache_size must be >= 0, got {cache_size}")
        if message_overhead is not None and message_overhead < 0:
            raise ValueError(f"message_overhead must be >= 0, got {message_overhead}")
        self.model = model
        self.cache_size = cache_size
        self._overhead = message_overhead
        #: The configuration words, checked now.
        self.settings = ZaiSettings.model_validate(
            {
                "api_key": api_key,
                "base_url": base_url,
                "timeout": timeout,
                "max_retries": max_retries,
                "default_headers": default_headers,
                "http_client": http_client,
                "http_async_client": http_async_client,
            }
        )
        self._cache: OrderedDict[bytes, int] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def __repr__(self) -> str:
        return f"ZaiTokenizer(model={self.model!r}, cache_size={self.cache_size})"

    @property
    def client(self) -> ChatTransport:
        """The Z.ai client, created on first use (raises ``MissingAPIKeyError`` if no key)."""
        return self.settings.client

    # ------------------------------------------------------------------ cache

    def _cached(self, key: bytes) -> int | None:
        with self._lock:
            count = self._cache.get(key)
            if count is not None:
                self._cache.move_to_end(key)
                self._hits += 1
            return count

    def _store(self, key: bytes, count: int) -> int:
        with self._lock:
            self._misses += 1
            if self.cache_size:
                self._cache[key] = count
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return count

    def cache_info(self) -> TokenizerCacheInfo:
        """Hits, misses (texts counted by a request), current size and capacity."""
        with self._lock:
            return TokenizerCacheInfo(self._hits, self._misses, len(self._cache), self.cache_size)

    def clear_cache(self) -> None:
        """Forget every cached count (the measured overhead is kept)."""
        with self._lock:
            self._cache.clear()
            self._hits = self._misses = 0

    # ------------------------------------------------------------------ counting

    @staticmethod
    def _messages(text: str) -> list[dict[str, str]]:
        return [{"role": "user", "content": text}]

    def _net(self, raw: int) -> int:
        return max(1, raw - (self._overhead or 0))

    def count(self, text: str) -> int:
        """Tokens in ``text``: a cache lookup, else one request (plus the one-time probe)."""
        if not text:
            return 0
        key = _key(text)
        cached = self._cached(key)
        if cached is not None:
            return cached
        if self._overhead is None:
            probe = count_tokens(self.client, self.model, self._messages(_PROBE))
            self._overhead = max(0, probe - 1)
        raw = count_tokens(self.client, self.model, self._messages(text))
        return self._store(key, self._net(raw))

    async def acount(self, text: str) -> int:
        """Async :meth:`count` (shares the cache)."""
        if not text:
            return 0
        key = _key(text)
        cached = self._cached(key)
        if cached is not None:
            return cached
        if self._overhead is None:
            probe = await acount_tokens(self.client, self.model, self._messages(_PROBE))
            self._overhead = max(0, probe - 1)
        raw = await acount_tokens(self.client, self.model, self._messages(text))
        return self._store(key, self._net(raw))

    def __call__(self, text: str) -> list[int]:
        """``[TOKEN_PLACEHOLDER] * count(text)``: the shape ``Settings.tokenizer`` expects."""
        return [TOKEN_PLACEHOLDER] * self.count(text)

    def encode(self, text: str, *args: Any, **kwargs: Any) -> list[int]:
        """Same as calling the tokenizer (LlamaIndex's ``Tokenizer`` protocol)."""
        return self(text)
