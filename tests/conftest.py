"""Test-wide settings: a placeholder key unless a live key is given, no stray env config."""

from __future__ import annotations

import os

import pytest

#: The key a live recording uses (``make record`` with ZAI_API_KEY set); None offline.
LIVE_KEY = os.environ.get("ZAI_API_KEY")
PLACEHOLDER_KEY = "placeholder-id.placeholder-secret"


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the same environment: a placeholder key, the default base URL."""
    for name in ("ZAI_BASE_URL", "ZHIPUAI_API_KEY", "ZHIPUAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZAI_API_KEY", LIVE_KEY or PLACEHOLDER_KEY)
