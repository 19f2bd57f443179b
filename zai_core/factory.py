"""The one factory of clients: configuration words in, the transport that serves them out.

`create_client` picks the transport from the surface (`zai_core.ZaiClient` over
HTTP, `zai_core.xpay.XpayClient` over MCP); `cached_client` keeps one client per
integration object while its configuration words are unchanged. The integration classes of
both frameworks build every client here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import httpx

from .client import ZaiClient
from .config import TimeoutLike, ZaiConfig
from .transport import ChatTransport

__all__ = ["CONFIG_WORDS", "ClientCache", "cached_client", "client_for", "create_client"]


def create_client(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: TimeoutLike = None,
    max_retries: int | None = None,
    default_headers: Mapping[str, str] | None = None,
    http_client: httpx.Client | None = None,
    http_async_client: httpx.AsyncClient | str | None = None,
    total_timeout: float | None = None,
) -> ChatTransport:
    """The client for a configuration; every integration class builds its client here.

    Takes the shared configuration words; which kind of client serves them is decided here,
    once, from the surface's `transport`: Z.ai's REST API and the HTTP gateways
    (LowCodeAPI, PowerTokens) get a `ZaiClient`; `base_url="xpay"` gets a
    `zai_core.xpay.XpayClient` (chat only, through the MCP tool
    `zai_chat_completion`; needs the `xpay` extra).

    Example:
        ```python
        client = create_client(base_url="xpay")  # key from XPAY_API_KEY
        answer = client.chat({"model": "glm-4.7", "messages": hello})
        ```
    """
    config = ZaiConfig.resolve(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        max_retries=max_retries,
        default_headers=default_headers,
        total_timeout=total_timeout,
    )
    if config.surface.transport == "mcp":
        from .xpay import XpayClient

        return XpayClient(
            config=config, http_client=http_client, http_async_client=http_async_client
        )
    return ZaiClient(config=config, http_client=http_client, http_async_client=http_async_client)


#: The configuration words every integration class carries, read by :func:`client_for`.
CONFIG_WORDS = (
    "api_key",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "http_client",
    "http_async_client",
    "total_timeout",
)


class ClientCache(NamedTuple):
    """A client and the configuration words it was made from (see `cached_client`)."""

    client: ChatTransport
    words: tuple[Any, ...]


def cached_client(settings: Any, cached: ClientCache | None, **overrides: Any) -> ClientCache:
    """`cached` while `settings`' configuration words are unchanged, else a new client.

    Integration classes keep the result in a private attribute: a copy made with other words
    (`model_copy(update={"base_url": ...})`) or a changed attribute gets its own client
    instead of sending the old key to the old URL.
    """
    words = tuple(getattr(settings, name, None) for name in CONFIG_WORDS) + tuple(
        overrides.values()
    )
    if cached is not None and cached.words == words:
        return cached
    return ClientCache(client_for(settings, **overrides), words)


def client_for(settings: Any, **overrides: Any) -> ChatTransport:
    """The client for an object that carries the configuration words as attributes.

    Every class of both integrations has `api_key` (a plain string, or a secret with
    `get_secret_value()` such as pydantic's `SecretStr`), `base_url`, `timeout`,
    `max_retries`, `default_headers`, `http_client`, `http_async_client` and
    `total_timeout`; missing
    attributes count as unset. `overrides` win (for words an object keeps elsewhere).
    """
    words = {name: getattr(settings, name, None) for name in CONFIG_WORDS}
    key = words["api_key"]
    if key is not None and hasattr(key, "get_secret_value"):
        words["api_key"] = key.get_secret_value()
    words.update(overrides)
    return create_client(**words)
