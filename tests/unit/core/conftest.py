"""Unit tests of zai_core: retries never really wait; the waits they would take are kept."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

import zai_core.client
from zai_core.retry import retry_delay


@pytest.fixture(autouse=True)
def delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the client computed (with the real policy); it sleeps 0 s instead."""
    seen: list[float] = []

    def no_wait(retries_taken: int, headers: Mapping[str, str] | None = None) -> float:
        seen.append(retry_delay(retries_taken, headers))
        return 0.0

    monkeypatch.setattr(zai_core.client, "retry_delay", no_wait)
    return seen
