"""A scripted fake Z.ai server for unit tests: answers in Z.ai's wire shapes, records requests."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from langchain_zai import ChatZai

KEY = "unit-id.unit-secret-value"
CHUNK_BASE = {"id": "2026112300000000abc", "created": 1782862773, "model": "glm-4.7"}


def chunk(delta: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A ``chat.completion.chunk`` with one choice."""
    choice: dict[str, Any] = {"index": 0, "delta": delta}
    if "finish_reason" in extra:
        choice["finish_reason"] = extra.pop("finish_reason")
    return {**CHUNK_BASE, "object": "chat.completion.chunk", "choices": [choice], **extra}


USAGE = {
    "prompt_tokens": 20,
    "completion_tokens": 30,
    "total_tokens": 50,
    "prompt_tokens_details": {"cached_tokens": 5},
    "completion_tokens_details": {"reasoning_tokens": 12},
}


def final(finish: str = "stop", **extra: Any) -> dict[str, Any]:
    """The finish chunk: empty content, finish reason and usage."""
    return chunk({"role": "assistant", "content": ""}, finish_reason=finish, usage=USAGE, **extra)


def completion(message: dict[str, Any], finish: str = "stop", **extra: Any) -> dict[str, Any]:
    """A non-streamed ``chat.completion`` body."""
    return {
        **CHUNK_BASE,
        "request_id": CHUNK_BASE["id"],
        "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": USAGE,
        **extra,
    }


def sse(events: Sequence[dict[str, Any]], *, done: bool = True) -> httpx.Response:
    """An SSE answer, ``data: [DONE]`` last."""
    frames = "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events)
    if done:
        frames += "data: [DONE]\n\n"
    return httpx.Response(
        200, headers={"content-type": "text/event-stream;charset=UTF-8"}, content=frames.encode()
    )


def error(status: int, code: str, message: str = "error") -> httpx.Response:
    """Z.ai's error body."""
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


class FakeZai:
    """Answers every request with ``respond(request_body)``; keeps every request body."""

    def __init__(self, respond: Callable[[dict[str, Any]], httpx.Response]) -> None:
        self.respond = respond
        self.bodies: list[dict[str, Any]] = []
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.read() or b"null")
        self.bodies.append(body)
        return self.respond(body)

    def model(self, **kwargs: Any) -> ChatZai:
        """A ``ChatZai`` wired to this fake (sync and async clients)."""
        transport = httpx.MockTransport(self.handle)
        params: dict[str, Any] = {"api_key": KEY, "max_retries": 0, **kwargs}
        return ChatZai(
            http_client=httpx.Client(transport=transport),
            http_async_client=httpx.AsyncClient(transport=transport),
            **params,
        )


def answering(message: dict[str, Any] | None = None, events: Sequence[Any] = ()) -> FakeZai:
    """A fake that answers plain calls with ``message`` and streamed calls with ``events``."""
    plain = message or {"role": "assistant", "content": "Hello!"}
    stream = list(events) or [chunk({"role": "assistant", "content": "Hello!"}), final()]

    def respond(body: dict[str, Any]) -> httpx.Response:
        if body.get("stream"):
            return sse(stream)
        return httpx.Response(200, json=completion(plain))

    return FakeZai(respond)
