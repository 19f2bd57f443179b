"""A fake ``/embeddings`` + ``/tokenizer`` server for unit tests (``httpx.MockTransport``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import zai_core.client


def vector_for(text: str, size: int = 4) -> list[float]:
    """The fake server's vector: a function of the text only (position independent)."""
    base = float(sum(text.encode()) % 997)
    return [base + j / 10 for j in range(size)]


@dataclass
class FakeZai:
    """Answers like Z.ai; records every request; counts requests in flight (async)."""

    reverse_data: bool = True
    delay: float = 0.0
    fail: Callable[[dict[str, Any]], httpx.Response | None] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    tokenizer_count: Callable[[str], int] = lambda text: len(text.split()) + 4

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        self.paths.append(request.url.path)
        if self.fail is not None:
            failed = self.fail(body)
            if failed is not None:
                return failed
        if request.url.path.endswith("/tokenizer"):
            text = body["messages"][0]["content"]
            n = self.tokenizer_count(text)
            return httpx.Response(200, json={"id": "t", "usage": {"prompt_tokens": n}})
        inputs = body["input"]
        size = body.get("dimensions", 4)
        data = [
            {"index": i, "object": "embedding", "embedding": vector_for(t, size)}
            for i, t in enumerate(inputs)
        ]
        if self.reverse_data:  # the API may answer out of order: clients must use `index`
            data.reverse()
        usage = {"prompt_tokens": len(inputs), "completion_tokens": 0, "total_tokens": len(inputs)}
        return httpx.Response(
            200, json={"model": body["model"], "object": "list", "data": data, "usage": usage}
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        """Sync handler."""
        return self._answer(request)

    async def ahandler(self, request: httpx.Request) -> httpx.Response:
        """Async handler: holds the request ``delay`` seconds to overlap concurrent calls."""
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            return self._answer(request)
        finally:
            self.in_flight -= 1

    def clients(self) -> dict[str, Any]:
        """``http_client`` / ``http_async_client`` keyword arguments routed to this fake."""
        return {
            "http_client": httpx.Client(transport=httpx.MockTransport(self.handler)),
            "http_async_client": httpx.AsyncClient(transport=httpx.MockTransport(self.ahandler)),
        }

    @property
    def inputs(self) -> list[list[str]]:
        """The ``input`` list of each embeddings request, in send order."""
        return [r["input"] for r in self.requests if "input" in r]


def error(status: int, code: str, message: str) -> httpx.Response:
    """A Z.ai error answer."""
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


@pytest.fixture
def fake() -> FakeZai:
    """A fresh fake server."""
    return FakeZai()


@pytest.fixture(autouse=True)
def _no_retry_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries happen with no real sleep."""
    monkeypatch.setattr(zai_core.client, "retry_delay", lambda *a, **k: 0.0)
