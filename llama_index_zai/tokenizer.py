"""A LlamaIndex tokenizer backed by Z.ai's `POST /tokenizer` endpoint.

LlamaIndex wants `Settings.tokenizer` (and `TokenCountingHandler(tokenizer=...)`,
`SentenceSplitter(tokenizer=...)`, `PromptHelper`) to be a callable `str -> list` whose
length is the token count. Z.ai's tokenizer endpoint returns counts only, no token ids, and
costs one HTTP request per call, so `ZaiTokenizer` returns a list of that many
placeholder ids and caches counts by text.
"""

from __future__ import annotations

from typing import Any

from zai_core import ChatTransport
from zai_core.tokenizer import CountCacheInfo, TokenCounter

from ._config import ZaiSettings

__all__ = ["TOKEN_PLACEHOLDER", "TokenizerCacheInfo", "ZaiTokenizer"]

#: The value of every element of the lists :class:`ZaiTokenizer` returns (not a token id).
TOKEN_PLACEHOLDER = -1
#: Cache statistics: ``hits``, ``misses`` (= tokenizer requests), ``size``, ``maxsize``.
TokenizerCacheInfo = CountCacheInfo


class ZaiTokenizer:
    """Token counts from Z.ai's tokenizer, shaped as LlamaIndex's `str -> list` tokenizer.

    Calling it returns a list whose length is the number of tokens `model` sees in the
    text; the elements are placeholders (`TOKEN_PLACEHOLDER`), since Z.ai returns no
    token ids. Also usable through `.encode(text)` (LlamaIndex's `Tokenizer` protocol).

    Cost: every text not in the cache costs one `POST /tokenizer` round trip (latency,
    and it counts against your rate limits), plus one probe request per instance to measure
    the chat template's per-message overhead. LlamaIndex calls the tokenizer very often:
    a `SentenceSplitter` calls it for every sentence and word piece of every document,
    `PromptHelper` for every prompt. Use it where an exact GLM count matters (budgets,
    `TokenCountingHandler`, prompt packing); for bulk ingestion of large corpora the
    local default tokenizer is far cheaper. The calls are blocking even inside async
    pipelines (LlamaIndex calls tokenizers synchronously); `acount` is the async form.

    Caching: counts are kept in an LRU cache of `cache_size` entries (default 4096) keyed
    by a 128-bit hash of the text, per instance and thread-safe. This is safe because a
    model's count for a text never changes. The empty string is 0 tokens without a request.

    Counting: the endpoint counts chat messages, so the text is sent as one user message
    and the template tokens around a message are subtracted. `message_overhead=None`
    (default) measures them once by counting a one-token text (`"a"`); pass a number to
    skip the probe, or 0 to get the raw message count.

    Args:
        model: a chat model the tokenizer endpoint knows (default `"glm-4.6"`; also
            `"glm-4.6v"`, `"glm-4.5"`).
        cache_size: LRU cache entries (0 disables caching).
        message_overhead: template tokens per message, or `None` to measure them.
        api_key, base_url, timeout, max_retries, default_headers, http_client,
            http_async_client, total_timeout: as for every Z.ai class.

    Example:
        ```python
        from llama_index.core import Settings
        from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
        from llama_index_zai import ZaiTokenizer

        tokenizer = ZaiTokenizer(model="glm-4.6")
        len(tokenizer("How many tokens is this?"))  # one request; cached afterwards

        counter = TokenCountingHandler(tokenizer=tokenizer)
        Settings.callback_manager = CallbackManager([counter])
        Settings.tokenizer = tokenizer  # splitters and PromptHelper count with GLM
        ```
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
        total_timeout: float | None = None,
    ) -> None:
        self._counter = TokenCounter(cache_size, message_overhead)  # checks both first
        self.model = model
        self.cache_size = cache_size
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
                "total_timeout": total_timeout,
            }
        )

    def __repr__(self) -> str:
        return f"ZaiTokenizer(model={self.model!r}, cache_size={self.cache_size})"

    @property
    def client(self) -> ChatTransport:
        """The Z.ai client, created on first use (raises `MissingAPIKeyError` if no key)."""
        return self.settings.client

    # ------------------------------------------------------------------ cache

    def cache_info(self) -> TokenizerCacheInfo:
        """Hits, misses (tokenizer requests, the probe included), current size and capacity."""
        return self._counter.cache.info()

    def clear_cache(self) -> None:
        """Forget every cached count (the measured overhead is kept)."""
        self._counter.cache.clear()

    # ------------------------------------------------------------------ counting

    def _get_client(self) -> ChatTransport:
        return self.client

    def count(self, text: str) -> int:
        """Tokens in `text`: a cache lookup, else one request (plus the one-time probe)."""
        return self._counter.text(self._get_client, self.model, text)

    async def acount(self, text: str) -> int:
        """Async `count` (shares the cache)."""
        return await self._counter.atext(self._get_client, self.model, text)

    def __call__(self, text: str) -> list[int]:
        """``[TOKEN_PLACEHOLDER] * count(text)``: the shape ``Settings.tokenizer`` expects."""
        return [TOKEN_PLACEHOLDER] * self.count(text)

    def encode(self, text: str, *args: Any, **kwargs: Any) -> list[int]:
        """Same as calling the tokenizer (LlamaIndex's `Tokenizer` protocol)."""
        return self(text)
