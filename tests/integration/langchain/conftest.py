"""LangChain integration tests: assets the standard suite downloads are served locally."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.langchain.assets import fake_httpx_get


@pytest.fixture(autouse=True)
def _local_assets(monkeypatch: pytest.MonkeyPatch) -> None:
    """``httpx.get`` of the standard tests' image / PDF URLs returns generated files."""
    monkeypatch.setattr(httpx, "get", fake_httpx_get(httpx.get))
