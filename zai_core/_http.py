"""Pooled httpx clients shared by every ZaiClient in the process, and log redaction.

One `httpx.Client` serves every sync call; one `httpx.AsyncClient` per event loop serves
async calls (an async connection pool must not outlive the loop it was made on). Timeouts
are set per request, so one pool serves every configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import ssl
import threading
import weakref
from collections.abc import AsyncGenerator
from typing import Any

import httpx

__all__ = [
    "ASYNC_TRANSPORTS",
    "RedactSecretsFilter",
    "check_async_transport",
    "make_async_transport",
    "make_sync_transport",
]

#: The words `http_async_client=` takes instead of a client: which transport the shared
#: async clients use. `"aiohttp"` needs the `aiohttp` extra (`httpx-aiohttp`): aiohttp's
#: connection pool costs less CPU per request than httpcore's at high concurrency.
ASYNC_TRANSPORTS = ("httpx", "aiohttp")
_AIOHTTP_MISSING = (
    "http_async_client='aiohttp' needs the httpx-aiohttp package: "
    "pip install 'zai-integrations[aiohttp]'"
)

# At most 20 idle connections are kept (httpx's default). httpcore's pool checks every idle
# connection for readability on every request and release (a poll per connection, through
# anyio in async code), so 100 kept-alive connections made 500 async calls at concurrency 50
# cost ~3x the CPU of bare httpx (benchmarks/, issue 8); at 20 they cost the same.
_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=20, keepalive_expiry=30)


def make_sync_transport() -> httpx.BaseTransport:
    """The transport of the shared sync client (a seam tests use to record cassettes).

    Its reads and writes end at the deadline of the call (`total_timeout`), headers too.
    Imported here, on first use, because it imports httpcore (which httpx also defers).
    """
    from ._bounded import DeadlineTransport

    return DeadlineTransport(_LIMITS, _tls_context())


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The verifying TLS context every shared pool uses, sync and async (httpx's default:
    certifi's CA bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`). Loading the bundle takes
    20-40 ms, so it is loaded once per process rather than with the pool of every
    `asyncio.run()`."""
    return httpx.create_ssl_context()


def make_async_transport() -> httpx.AsyncBaseTransport:
    """The transport of the shared async clients."""
    return httpx.AsyncHTTPTransport(limits=_LIMITS, verify=_tls_context())


_sync_client: httpx.Client | None = None
_sync_lock = threading.Lock()
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
#: The generators that close each loop's pool at shutdown (kept alive until then).
_guards: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncGenerator[None, None]] = (
    weakref.WeakKeyDictionary()
)
#: The same two for the pools over aiohttp (`http_async_client="aiohttp"`).
_aiohttp_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
_aiohttp_guards: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, AsyncGenerator[None, None]
] = weakref.WeakKeyDictionary()


def shared_sync_client() -> httpx.Client:
    """The process-wide pooled sync client."""
    global _sync_client
    client = _sync_client
    if client is None or client.is_closed:
        with _sync_lock:
            if _sync_client is None or _sync_client.is_closed:
                _sync_client = httpx.Client(transport=make_sync_transport(), timeout=None)
            client = _sync_client
    return client


def check_async_transport(word: str) -> None:
    """Raise a clear error for an unknown word, or `"aiohttp"` without its package.

    Raises:
        ValueError: `word` is not one of :data:`ASYNC_TRANSPORTS`.
        ImportError: `"aiohttp"` and `httpx-aiohttp` is not installed.
    """
    if word not in ASYNC_TRANSPORTS:
        raise ValueError(
            f"http_async_client={word!r}: expected an httpx.AsyncClient or one of "
            f"{', '.join(map(repr, ASYNC_TRANSPORTS))}"
        )
    if word == "aiohttp":
        try:
            import httpx_aiohttp  # noqa: F401
        except ImportError as exc:
            raise ImportError(_AIOHTTP_MISSING) from exc


def _new_aiohttp_client() -> httpx.AsyncClient:
    from httpx_aiohttp import AiohttpTransport

    transport = AiohttpTransport(limits=_LIMITS)
    client = httpx.AsyncClient(transport=transport, timeout=None)
    weakref.finalize(client, _drop_aiohttp_session, transport)
    return client


def _drop_aiohttp_session(transport: Any) -> None:
    """Close an aiohttp pool whose event loop is gone without closing it (a loop closed
    without shutting down its async generators): closing the connector synchronously marks
    the session closed, so aiohttp does not report an "Unclosed client session"."""
    session = getattr(transport, "client", None)
    connector = getattr(session, "connector", None)
    close = getattr(connector, "_close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


def shared_async_client(word: str = "httpx") -> httpx.AsyncClient:
    """The pooled async client of the running event loop, over `word`'s transport
    (`"httpx"`, or `"aiohttp"` with the `aiohttp` extra).

    The pool is closed when its loop shuts down (`asyncio.run` / `asyncio.Runner` close
    their loop's async generators first, and a guard generator closes the pool then), so
    every `asyncio.run()` gives its connections back. A loop closed without that step is
    forgotten on the next call, and its pool freed by the garbage collector.
    """
    clients, guards = (
        (_aiohttp_clients, _aiohttp_guards) if word == "aiohttp" else (_async_clients, _guards)
    )
    loop = asyncio.get_running_loop()
    client = clients.get(loop)
    if client is None or client.is_closed:
        for old in [old for old in list(clients) if old.is_closed()]:
            clients.pop(old, None)  # its pool refers to it: only this frees both
            guards.pop(old, None)
        if word == "aiohttp":
            client = _new_aiohttp_client()
        else:
            client = httpx.AsyncClient(transport=make_async_transport(), timeout=None)
        clients[loop] = client
        _close_with_loop(loop, client, clients, guards)
    return client


def _close_with_loop(
    loop: asyncio.AbstractEventLoop,
    client: httpx.AsyncClient,
    clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient],
    guards: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncGenerator[None, None]],
) -> None:
    """Close `client` and forget it when `loop` shuts down its async generators.

    The pooled transports refer back to the loop, so a weak key alone never dies: without
    this every `asyncio.run()` left its idle connections open for good (issue 14).
    """

    async def guard() -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            if clients.get(loop) is client:
                del clients[loop]
            guards.pop(loop, None)
            await client.aclose()

    agen = guard()
    step = agen.asend(None)  # registers `agen` with the running loop (firstiter hook)
    with contextlib.suppress(StopIteration):
        step.send(None)  # runs to the `yield` without suspending
    guards[loop] = agen


def reset_shared_clients() -> None:
    """Forget the pooled clients (tests swap transports with this)."""
    global _sync_client
    with _sync_lock:
        if _sync_client is not None:
            _sync_client.close()
        _sync_client = None
    _async_clients.clear()
    _guards.clear()
    _aiohttp_clients.clear()
    _aiohttp_guards.clear()


_SECRET_PATTERNS = (
    re.compile(r"(Bearer\s+)[A-Za-z0-9._\-]+", re.IGNORECASE),
    re.compile(r"([\w-]*(?:key|token|auth|secret|password)[\w-]*=)[^&\s\"']+", re.IGNORECASE),
)


def redact(text: str) -> str:
    """`text` with bearer tokens and key-bearing query parameters replaced."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites log records that would show a bearer token or an `api_token` URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = RedactSecretsFilter()
for _name in ("httpx", "httpcore", "httpcore.http11", "httpcore.connection", "zai_core"):
    logging.getLogger(_name).addFilter(_FILTER)
