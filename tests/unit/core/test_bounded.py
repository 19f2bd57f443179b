"""The shared sync transport cuts every socket operation to the time left (issue 14 item 4)."""

from __future__ import annotations

import ssl
import time
from typing import Any

import httpcore
import httpx
import pytest

from zai_core import _http
from zai_core._bounded import DeadlineTransport, _BoundedBackend, _BoundedStream, bounded_by


class RecordingStream(httpcore.NetworkStream):
    """A network stream that records the timeout of each operation."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float | None]] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.calls.append(("read", timeout))
        return b"x"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.calls.append(("write", timeout))

    def close(self) -> None:
        self.calls.append(("close", None))

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self.calls.append(("start_tls", timeout))
        return self

    def get_extra_info(self, info: str) -> Any:
        return f"info:{info}"


def test_without_a_deadline_timeouts_pass_unchanged() -> None:
    inner = RecordingStream()
    stream = _BoundedStream(inner)
    stream.read(10, 2.0)
    stream.write(b"a", None)
    assert inner.calls == [("read", 2.0), ("write", None)]
    assert stream.get_extra_info("is_readable") == "info:is_readable"


@pytest.mark.parametrize(
    ("given", "most"),
    [(2.0, 2.0), (None, 5.0), (30.0, 5.0)],
    ids=["shorter-than-left", "none-becomes-left", "cut-to-left"],
)
def test_each_operation_is_cut_to_the_time_left(given: float | None, most: float) -> None:
    inner = RecordingStream()
    stream = _BoundedStream(inner)
    with bounded_by(time.monotonic() + 5.0):
        stream.read(10, given)
        stream.write(b"a", given)
        tls = stream.start_tls(ssl.create_default_context(), "host", given)
    assert isinstance(tls, _BoundedStream)
    assert [name for name, _ in inner.calls] == ["read", "write", "start_tls"]
    for _, timeout in inner.calls:
        assert timeout is not None
        assert most - 1.0 < timeout <= most


@pytest.mark.parametrize(
    ("operation", "error"),
    [("read", httpcore.ReadTimeout), ("write", httpcore.WriteTimeout)],
)
def test_past_the_deadline_nothing_is_read_or_written(operation: str, error: type) -> None:
    inner = RecordingStream()
    stream = _BoundedStream(inner)
    with bounded_by(time.monotonic() - 0.1), pytest.raises(error, match="total_timeout"):
        if operation == "read":
            stream.read(10, 2.0)
        else:
            stream.write(b"a", 2.0)
    assert inner.calls == []


def test_past_the_deadline_no_connection_is_opened() -> None:
    with bounded_by(time.monotonic() - 0.1), pytest.raises(httpcore.ConnectTimeout):
        _BoundedBackend().connect_tcp("127.0.0.1", 9, timeout=1.0)


def test_the_deadline_ends_with_its_block() -> None:
    inner = RecordingStream()
    stream = _BoundedStream(inner)
    with bounded_by(time.monotonic() - 0.1):
        pass
    stream.read(10, 2.0)
    assert inner.calls == [("read", 2.0)]


def test_shared_sync_transport_is_httpx_own_over_the_bounded_backend() -> None:
    """httpx's HTTPTransport (vcrpy hooks it) serving requests from the replaced `_pool`.

    `_pool` is the one httpx attribute the transport relies on: if httpx renamed it, the
    replacement would be dead and dripped headers unbounded again.
    """
    transport = _http.make_sync_transport()
    assert isinstance(transport, DeadlineTransport)
    assert isinstance(transport, httpx.HTTPTransport)
    assert "_pool" in vars(httpx.HTTPTransport())
    pool = transport._pool
    assert isinstance(pool, httpcore.ConnectionPool)
    assert isinstance(pool._network_backend, _BoundedBackend)
    transport.close()
