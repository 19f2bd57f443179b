"""A scripted fake Z.ai server over ``httpx.MockTransport``, for sync and async clients.

Each request takes the next scripted reply. Every response body is a :class:`TrackedStream`,
so tests can see whether (and when) the client closed it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx

from zai_core import StreamAccumulator, ZaiClient

#: A key that must never show up anywhere (shaped like a real Z.ai key).
CANARY = "0123456789abcdef0123456789abcdef.CanarySecretXYZ1"
HELLO = [{"role": "user", "content": "Hello"}]
CHAT_BODY: dict[str, Any] = {"model": "glm-4.7", "messages": HELLO}

#: Inside a stream's pieces: wait forever here (async only), so the consumer can be cancelled.
HANG = b"\x00hang"

Piece = bytes | BaseException
Reply = Callable[[httpx.Request], httpx.Response]


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Byte pieces (or exceptions to raise at that point) that record being closed."""

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = list(pieces)
        self.closed = False
        self.finished = False

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            if isinstance(piece, BaseException):
                raise piece
            yield piece
        self.finished = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            if isinstance(piece, BaseException):
                raise piece
            if piece == HANG:
                await asyncio.Event().wait()
            yield piece
        self.finished = True

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _respond(
    status: int, pieces: Sequence[Piece], content_type: str, headers: Mapping[str, str] | None
) -> Callable[[httpx.Request], httpx.Response]:
    def reply(request: httpx.Request) -> httpx.Response:
        all_headers = {"content-type": content_type, **(headers or {})}
        return httpx.Response(status, headers=all_headers, stream=TrackedStream(pieces))

    return reply


def json_reply(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Reply:
    """A JSON answer."""
    return _respond(status, [json.dumps(body).encode()], "application/json", headers)


def raw_reply(
    status: int,
    pieces: Sequence[Piece],
    content_type: str = "text/event-stream",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """An answer whose body is these byte pieces, in this order."""
    return _respond(status, pieces, content_type, headers)


def raise_reply(error: BaseException) -> Reply:
    """Fail before any response (connect error, timeout...)."""

    def reply(request: httpx.Request) -> httpx.Response:
        raise error

    return reply


def sse_event(payload: Any, event: str | None = None) -> bytes:
    """One SSE frame."""
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def sse_body(*payloads: Any, done: bool = True) -> bytes:
    """A whole SSE body: one frame per payload, then ``[DONE]``."""
    return b"".join(sse_event(p) for p in payloads) + (b"data: [DONE]\n\n" if done else b"")


def chunk(
    content: str | None = None,
    *,
    reasoning: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    finish_reason: str | None = None,
    usage: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``chat.completion.chunk`` in Z.ai's real shape."""
    delta: dict[str, Any] = {}
    if tool_calls is None:
        delta["role"] = "assistant"
    if content is not None:
        delta["content"] = content
    if reasoning is not None:
        delta["reasoning_content"] = reasoning
    if tool_calls is not None:
        delta["tool_calls"] = tool_calls
    choice: dict[str, Any] = {"index": 0, "delta": delta}
    if finish_reason is not None:
        choice["finish_reason"] = finish_reason
    out: dict[str, Any] = {
        "id": "20260313050307df155ecf3e9f4961",
        "created": 1773349387,
        "object": "chat.completion.chunk",
        "model": "glm-4.7",
        "choices": [choice],
    }
    if usage is not None:
        out["usage"] = usage
    return out


def completion(content: str = "Hi!", finish_reason: str = "stop") -> dict[str, Any]:
    """A non-streamed ``chat.completion`` body."""
    return {
        "id": "20260701073925df703dd30a854c37",
        "request_id": "20260701073925df703dd30a854c37",
        "object": "chat.completion",
        "created": 1782862773,
        "model": "glm-4.7",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }


def error_body(code: str, message: str) -> dict[str, Any]:
    """Z.ai's error body shape."""
    return {"error": {"code": code, "message": message}}


class FakeServer:
    """Answers requests with the scripted replies, in order; records what it saw."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []
        #: The bodies handed out, in order (httpx later wraps ``response.stream``).
        self.streams: list[TrackedStream] = []
        #: For each request after the first: was every earlier response closed by then?
        self.closed_before_next: list[bool] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        if self.requests:
            self.closed_before_next.append(all(s.closed for s in self.streams))
        self.requests.append(request)
        if len(self.requests) > len(self.replies):
            raise AssertionError(f"unscripted request #{len(self.requests)}: {request.url}")
        response = self.replies[len(self.requests) - 1](request)
        assert isinstance(response.stream, TrackedStream)
        self.streams.append(response.stream)
        return response

    def client(self, **kwargs: Any) -> ZaiClient:
        """A client whose sync and async traffic both come here."""
        kwargs.setdefault("api_key", CANARY)
        transport = httpx.MockTransport(self.handle)
        return ZaiClient(
            http_client=httpx.Client(transport=transport),
            http_async_client=httpx.AsyncClient(transport=transport),
            **kwargs,
        )


async def call_chat(client: ZaiClient, mode: str, body: Mapping[str, Any] = CHAT_BODY) -> Any:
    """``chat`` or ``achat``."""
    if mode == "sync":
        return client.chat(body)
    return await client.achat(body)


async def consume(
    client: ZaiClient, mode: str, body: Mapping[str, Any] = CHAT_BODY
) -> tuple[list[dict[str, Any]], StreamAccumulator]:
    """Read a whole ``stream_chat`` / ``astream_chat``; the chunks and the accumulator."""
    if mode == "sync":
        with client.stream_chat(body) as stream:
            chunks = list(stream)
        return chunks, stream.accumulator
    async with client.astream_chat(body) as astream:
        chunks = [c async for c in astream]
    return chunks, astream.accumulator
