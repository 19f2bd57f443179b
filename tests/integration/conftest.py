"""Cassette-backed integration tests: replay offline, record against emulator or live API.

Recording live (``ZAI_API_KEY`` set), a request that carries an ``emulate-`` trigger (an error
or finish reason made on demand, e.g. model ``emulate-429-1113``) is still answered by the
emulator: Z.ai cannot be asked for a 429, so those cassettes stay emulator-made (their
provenance: ``tests/emulator/provenance.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.cassette_config import VCR_CONFIG, register
from tests.conftest import LIVE_KEY
from tests.emulator import ZaiEmulator
from zai_core import _http


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """pytest-recording's settings (see tests/cassette_config.py)."""
    return dict(VCR_CONFIG)


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Register our matchers."""
    register(vcr)


TRIGGER = b"emulate-"


class TriggersToEmulator(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Live recording: requests with an ``emulate-`` trigger go to the emulator, others live."""

    def __init__(self, emulator: ZaiEmulator, *, is_async: bool) -> None:
        self.emulator = emulator
        self.live_sync = None if is_async else _LIVE_SYNC()
        self.live_async = _LIVE_ASYNC() if is_async else None

    @staticmethod
    def triggered(request: httpx.Request) -> bool:
        """Whether the request asks the emulator for a made-up answer."""
        return TRIGGER in request.content or TRIGGER.decode() in str(request.url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Sync: the emulator for a trigger, else the live transport."""
        request.read()
        if self.triggered(request) or self.live_sync is None:
            return self.emulator.handle(request)
        return self.live_sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Async: the emulator for a trigger, else the live transport."""
        await request.aread()
        if self.triggered(request) or self.live_async is None:
            return self.emulator.handle(request)
        return await self.live_async.handle_async_request(request)


_LIVE_SYNC = _http.make_sync_transport
_LIVE_ASYNC = _http.make_async_transport


@pytest.fixture(autouse=True)
def _record_against_emulator(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """While recording without a live key, the shared transport talks to the emulator."""
    mode = request.config.getoption("--record-mode", default="none")
    if mode in (None, "none"):
        yield
        return
    emulator = ZaiEmulator()
    if LIVE_KEY:
        monkeypatch.setattr(
            _http, "make_sync_transport", lambda: TriggersToEmulator(emulator, is_async=False)
        )
        monkeypatch.setattr(
            _http, "make_async_transport", lambda: TriggersToEmulator(emulator, is_async=True)
        )
        _http.reset_shared_clients()
        yield
        _http.reset_shared_clients()
        return
    monkeypatch.setattr(_http, "make_sync_transport", emulator.transport)
    monkeypatch.setattr(_http, "make_async_transport", emulator.transport)
    _http.reset_shared_clients()
    yield
    _http.reset_shared_clients()
