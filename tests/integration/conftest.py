"""Cassette-backed integration tests: replay offline, record against emulator or live API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(autouse=True)
def _record_against_emulator(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """While recording without a live key, the shared transport talks to the emulator."""
    mode = request.config.getoption("--record-mode", default="none")
    if mode in (None, "none") or LIVE_KEY:
        yield
        return
    emulator = ZaiEmulator()
    monkeypatch.setattr(_http, "make_sync_transport", emulator.transport)
    monkeypatch.setattr(_http, "make_async_transport", emulator.transport)
    _http.reset_shared_clients()
    yield
    _http.reset_shared_clients()
