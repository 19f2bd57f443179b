"""The shared sync pool's transport: every socket read and write ends at the call's deadline.

httpx bounds each read by the per-read `timeout` only, so a server that drips the status
line and headers one byte at a time, each inside the read timeout, keeps a sync call alive
for as long as it likes (async calls are bounded by `asyncio.timeout`). This transport is
httpx's own HTTP/1.1 transport over a pool (`httpcore.ConnectionPool`) whose public
`httpcore.NetworkBackend` has streams that cut the timeout of every `read`, `write`
and connect to the time left before the deadline of the current call, which
`bounded_by` sets in a context variable (so it holds per thread and per call on one
shared pool). Past the deadline a read raises `ReadTimeout`, which the client turns into
`zai_core.APITimeoutError`. A caller's own `http_client` knows nothing of this:
its calls stay bounded per read only.
"""

from __future__ import annotations

import ssl
import typing
from collections.abc import Iterable

import httpcore
import httpx

from ._deadline import bounded_by, cut_to_deadline

__all__ = ["DeadlineTransport", "bounded_by"]


class _BoundedStream(httpcore.NetworkStream):
    """A network stream whose every operation ends at the current deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, cut_to_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, cut_to_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = cut_to_deadline(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _BoundedBackend(httpcore.NetworkBackend):
    """`httpcore.SyncBackend` with `_BoundedStream` streams."""

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
        timeout = cut_to_deadline(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _BoundedStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = cut_to_deadline(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """`httpx.HTTPTransport(verify=ssl_context, limits=limits)` whose reads and writes end at
    the deadline.

    Everything but the pool's network backend is httpx's own: TLS defaults, the mapping of
    httpcore's errors to httpx's, the response stream, and the class that cassette recorders
    (vcrpy) hook. httpx takes no `network_backend`, so the pool it built is replaced by the
    same pool over `_BoundedBackend`; `_pool` is the one attribute of httpx this
    relies on (`tests/unit/core/test_bounded.py` fails if that changes).
    """

    def __init__(self, limits: httpx.Limits, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_BoundedBackend(),
        )
