"""The shared sync pool's transport: every socket read and write ends at the call's deadline.

httpx bounds each read by the per-read ``timeout`` only, so a server that drips the status
line and headers one byte at a time, each inside the read timeout, keeps a sync call alive
for as long as it likes (async calls are bounded by ``asyncio.timeout``). This transport is
httpx's plain HTTP/1.1 pool (:class:`httpcore.ConnectionPool`) over a public
:class:`httpcore.NetworkBackend` whose streams cut the timeout of every ``read``, ``write``
and connect to the time left before the deadline of the current call, which
:func:`bounded_by` sets in a context variable (so it holds per thread and per call on one
shared pool). Past the deadline a read raises ``ReadTimeout``, which the client turns into
:class:`zai_core.APITimeoutError`. A caller's own ``http_client`` knows nothing of this:
its calls stay bounded per read only.
"""

from __future__ import annotations

import contextlib
import ssl
import time
import typing
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

import httpcore
import httpx

__all__ = ["DeadlineTransport", "bounded_by"]

#: The ``time.monotonic()`` at which the current call must end (``None``: no deadline).
_END: ContextVar[float | None] = ContextVar("zai_core_deadline", default=None)


@contextlib.contextmanager
def bounded_by(end: float | None) -> Iterator[None]:
    """Within the block, reads and writes on :class:`DeadlineTransport` end at ``end``."""
    token = _END.set(end)
    try:
        yield
    finally:
        _END.reset(token)


def _cut(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to the time left before the current deadline; ``expired`` once past."""
    end = _END.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("the call's total_timeout has passed")
    return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore.NetworkStream):
    """A network stream whose every operation ends at the current deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _cut(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _cut(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _cut(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _BoundedBackend(httpcore.NetworkBackend):
    """:class:`httpcore.SyncBackend` with :class:`_BoundedStream` streams."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _cut(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _BoundedStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _cut(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """httpcore's transport errors as the httpx class of the same name (as httpx does)."""
    try:
        yield
    except Exception as exc:
        for kind in type(exc).__mro__:
            mapped = getattr(httpx, kind.__name__, None) if kind.__module__ == "httpcore" else None
            if isinstance(mapped, type) and issubclass(mapped, httpx.TransportError):
                raise mapped(str(exc)) from exc
        raise


class _Body(httpx.SyncByteStream):
    """The response body, with httpcore's errors mapped while it is read."""

    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            with _as_httpx_errors():
                close()


class DeadlineTransport(httpx.BaseTransport):
    """An HTTP/1.1 transport on :class:`httpcore.ConnectionPool` whose I/O ends at the deadline.

    Same TLS defaults (``httpx.create_ssl_context()``) and pool limits as
    ``httpx.HTTPTransport(limits=limits)``; environment proxies are not read (the shared
    client never read them either: it is built with an explicit transport).
    """

    def __init__(self, limits: httpx.Limits) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_BoundedBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the pool; the body is read later through :class:`_Body`."""
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=typing.cast(Iterable[bytes], request.stream),
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(typing.cast(Iterable[bytes], response.stream)),
            extensions=response.extensions,
        )

    def close(self) -> None:
        """Close every pooled connection."""
        with _as_httpx_errors():
            self._pool.close()
