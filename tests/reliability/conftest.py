"""Fixtures of the fault-injection suite: a loopback server, recorded retry sleeps, leak checks.

Every test in this folder may open sockets to ``127.0.0.1`` only (pytest-socket
``allow_hosts``); everything else stays blocked by ``--disable-socket``.

Set ``ZAI_RELIABILITY_REPORT=<file.json>`` to have the case tables write what they observed
(used to fill the summary table in the README's reliability section).
"""

from __future__ import annotations

import gc
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

import zai_core.client
from zai_core import _http
from zai_core.retry import retry_delay as real_retry_delay

from .fault_server import MAX_STALL, FaultServer

HERE = Path(__file__).parent
#: The server and the client run in one process; a connection may take this long to be
#: torn down on both sides after the client is closed (a correctness bound, polled).
SETTLE = MAX_STALL


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Loopback sockets (and nothing else) for every test of this folder."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.allow_hosts(["127.0.0.1"]))
            item.add_marker(pytest.mark.network_loopback)


# --------------------------------------------------------------------------- observations

OBSERVED: list[dict[str, Any]] = []


def observe(**row: Any) -> None:
    """Remember what a case produced (written out when ZAI_RELIABILITY_REPORT is set)."""
    OBSERVED.append(row)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the observations for the README table."""
    target = os.environ.get("ZAI_RELIABILITY_REPORT")
    if target and OBSERVED:
        Path(target).write_text(json.dumps(OBSERVED, indent=1, ensure_ascii=False))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A fresh scripted server per test; it stops (and drops its connections) at teardown."""
    with FaultServer() as fault_server:
        yield fault_server


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback URL whose port is bound but not listening: connections are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    yield f"http://127.0.0.1:{port}/api/paas/v4"
    sock.close()


class SleepRecorder:
    """Stands in for ``zai_core.client.retry_delay``: records the wait asked for, waits 10 ms."""

    def __init__(self) -> None:
        self.requested: list[float] = []

    def __call__(self, retries_taken: int, headers: Any = None, **kwargs: Any) -> float:
        self.requested.append(real_retry_delay(retries_taken, headers, **kwargs))
        return 0.01


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> SleepRecorder:
    """Retry waits are recorded (what the policy asked for) but last only 10 ms."""
    recorder = SleepRecorder()
    monkeypatch.setattr(zai_core.client, "retry_delay", recorder)
    return recorder


def _pool_busy(transport: Any) -> list[str]:
    pool = getattr(transport, "_pool", None)
    if pool is None:
        return []
    busy = [f"request {r!r}" for r in pool._requests]
    busy += [c.info() for c in pool.connections if not (c.is_idle() or c.is_closed())]
    return busy


class LeakGuard:
    """Checks that a case left nothing behind: no busy pooled connection, no extra fd.

    The shared pools are reset before the test, so every connection the clients open lives in
    a pool made for this test; :meth:`check` / :meth:`acheck` assert it holds no active
    request or busy connection, close it, and wait until the server has seen every connection
    close and the process's open file descriptors are back to the baseline.
    """

    def __init__(self, server: FaultServer | None) -> None:
        self.server = server
        self.process = psutil.Process()
        self.baseline = -1

    def begin(self) -> None:
        """Fresh shared pools and the fd baseline (call inside the test, event loop running)."""
        _http.reset_shared_clients()
        self.baseline = self.process.num_fds()

    def busy(self) -> list[str]:
        """Descriptions of pooled connections still serving a request."""
        busy: list[str] = []
        sync_client = _http._sync_client
        if sync_client is not None:
            busy += _pool_busy(sync_client._transport)
        for client in list(_http._async_clients.values()):
            busy += _pool_busy(client._transport)
        return busy

    def _settle(self) -> None:
        if self.server is not None:
            assert self.server.wait_until(
                lambda: self.server is not None and self.server.stats.open_connections == 0,
                SETTLE,
            ), f"server still holds {self.server.stats.open_connections} connection(s)"
        if self.process.num_fds() > self.baseline:
            # Only sockets held by reference cycles are still open: collect, then wait.
            gc.collect()
            deadline = time.monotonic() + SETTLE
            while self.process.num_fds() > self.baseline and time.monotonic() < deadline:
                time.sleep(0.01)
        fds = self.process.num_fds()
        assert fds <= self.baseline, f"open fds {fds} > baseline {self.baseline}"

    def check(self) -> None:
        """Sync: nothing busy; after closing the pool, fds back to the baseline."""
        assert self.baseline >= 0, "call begin() first"
        busy = self.busy()
        assert not busy, f"connections left busy: {busy}"
        _http.reset_shared_clients()
        self._settle()

    async def acheck(self) -> None:
        """Async: nothing busy; after closing the pools, fds back to the baseline."""
        assert self.baseline >= 0, "call begin() first"
        busy = self.busy()
        assert not busy, f"connections left busy: {busy}"
        for client in list(_http._async_clients.values()):
            await client.aclose()
        _http.reset_shared_clients()
        self._settle()


@pytest.fixture
def leaks(request: pytest.FixtureRequest) -> Iterator[LeakGuard]:
    """A :class:`LeakGuard` bound to the test's server (when it has one)."""
    server = request.getfixturevalue("server") if "server" in request.fixturenames else None
    guard = LeakGuard(server)
    yield guard
    _http.reset_shared_clients()


TIMEOUT = httpx.Timeout(0.5, connect=1.0)
