"""Streamed chat through ``stream_chat`` / ``astream_chat`` over byte-split SSE bodies."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from tests.unit.core.fakes import (
    CHAT_BODY,
    HANG,
    FakeServer,
    chunk,
    completion,
    consume,
    error_body,
    json_reply,
    raw_reply,
    sse_body,
    sse_event,
)
from zai_core import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    ContentFilterError,
    ContextWindowExceededError,
    InternalServerError,
    QuotaExceededError,
    RateLimitError,
    StreamInterruptedError,
    ZaiError,
)

MODES = ["sync", "async"]
each_mode = pytest.mark.parametrize("mode", MODES)


def split_every(data: bytes, size: int) -> list[bytes]:
    """``data`` in pieces of ``size`` bytes."""
    return [data[i : i + size] for i in range(0, len(data), size)]


async def stream_text(pieces: list[bytes], mode: str) -> tuple[str, str, str | None]:
    """Content, reasoning and finish reason of a stream made of these pieces."""
    server = FakeServer(raw_reply(200, pieces))
    _, acc = await consume(server.client(), mode)
    assert all(s.closed for s in server.streams)
    return acc.content, acc.reasoning, acc.finish_reason


@each_mode
@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
async def test_event_split_across_chunks(mode: str, size: int) -> None:
    body = sse_body(chunk(reasoning="Think"), chunk("Hel"), chunk("lo", finish_reason="stop"))
    assert await stream_text(split_every(body, size), mode) == ("Hello", "Think", "stop")


@each_mode
@pytest.mark.parametrize("text", ["你好\uff0c世界\uff01", "известни", "mixed 日本語 и кириллица ✓"])
async def test_multibyte_character_split(mode: str, text: str) -> None:
    body = sse_body(chunk(text), chunk("", finish_reason="stop"))
    # Cut inside the first multibyte character, then byte by byte.
    first = next(i for i, b in enumerate(body) if b >= 0x80)
    pieces = [body[: first + 1], *split_every(body[first + 1 :], 1)]
    assert b"\\u" not in body  # the characters really are raw UTF-8 on the wire
    assert await stream_text(pieces, mode) == (text, "", "stop")


@each_mode
async def test_unicode_line_separators_inside_json(mode: str) -> None:
    text = "line\u2028sep\u2029para\u0085nel"
    body = sse_body(chunk(reasoning=f"r\u2028{text}"), chunk(text, finish_reason="stop"))
    assert "\u2028".encode() in body
    assert await stream_text(split_every(body, 5), mode) == (text, f"r\u2028{text}", "stop")


@each_mode
async def test_comments_and_empty_events_skipped(mode: str) -> None:
    pieces = [
        b": ping\n\n",
        sse_event(chunk("A")),
        b": keep-alive\n\n",
        b"\n\n",
        b"id: 7\n\n",
        b"retry: 1000\n\n",
        b"data:\n\n",
        b"data:    \n\n",
        sse_event(chunk("B", finish_reason="stop")),
        b": OPENROUTER PROCESSING\n\n",
        b"data: [DONE]\n\n",
    ]
    assert await stream_text(pieces, mode) == ("AB", "", "stop")


@each_mode
async def test_crlf_line_endings(mode: str) -> None:
    body = sse_body(chunk("x"), chunk("y", finish_reason="stop")).replace(b"\n", b"\r\n")
    assert await stream_text(split_every(body, 3), mode) == ("xy", "", "stop")


@each_mode
@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("1301", ContentFilterError),
        ("1302", RateLimitError),
        ("1113", QuotaExceededError),
        ("1261", ContextWindowExceededError),
        ("1214", BadRequestError),
        (None, APIStatusError),
    ],
)
@pytest.mark.parametrize("framing", ["event-error", "data-error"])
@pytest.mark.parametrize("after_text", [False, True])
async def test_error_inside_200_stream(
    mode: str, code: str | None, cls: type[APIStatusError], framing: str, after_text: bool
) -> None:
    payload = {"error": {"code": code, "message": "stopped"}}
    frame = sse_event(payload, event="error" if framing == "event-error" else None)
    pieces = [sse_event(chunk("Hi")), frame] if after_text else [frame]
    # A transient error event before any chunk is retried (max_retries=2); otherwise never.
    retried = cls is RateLimitError and not after_text
    server = FakeServer(*[raw_reply(200, pieces) for _ in range(3)])
    with pytest.raises(APIStatusError) as info:
        await consume(server.client(), mode)
    assert type(info.value) is cls
    assert (info.value.status_code, info.value.code, info.value.message) == (200, code, "stopped")
    assert len(server.requests) == (3 if retried else 1)
    assert all(stream.closed for stream in server.streams)


@each_mode
async def test_event_that_is_not_json(mode: str) -> None:
    server = FakeServer(raw_reply(200, [b"data: {not json\n\n"]), raw_reply(200, [b""]))
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        await consume(server.client(), mode)
    assert len(server.requests) == 1


@each_mode
async def test_truncated_stream_raises_with_partial_text(mode: str) -> None:
    body = sse_body(chunk(reasoning="hmm"), chunk("Hel"), chunk("lo wor"), done=False)
    server = FakeServer(raw_reply(200, split_every(body, 9)))
    with pytest.raises(StreamInterruptedError) as info:
        await consume(server.client(), mode)
    assert info.value.partial_text == "Hello wor"
    assert info.value.partial_reasoning == "hmm"
    assert len(server.requests) == 1
    assert server.streams[0].closed


@each_mode
async def test_empty_200_stream_is_interrupted(mode: str) -> None:
    server = FakeServer(raw_reply(200, [b": ping\n\n"]))
    with pytest.raises(StreamInterruptedError) as info:
        await consume(server.client(), mode)
    assert info.value.partial_text == ""


@each_mode
async def test_finish_chunk_without_done_is_complete(mode: str) -> None:
    body = sse_body(chunk("Hi"), chunk("!", finish_reason="stop"), done=False)
    assert await stream_text([body], mode) == ("Hi!", "", "stop")


@each_mode
async def test_json_instead_of_stream(mode: str) -> None:
    server = FakeServer(json_reply(200, completion("Whole answer")))
    chunks, acc = await consume(server.client(), mode)
    assert len(chunks) == 1
    assert acc.content == "Whole answer"
    assert acc.finish_reason == "stop"
    assert acc.usage == completion()["usage"]


@each_mode
async def test_json_error_instead_of_stream(mode: str) -> None:
    server = FakeServer(json_reply(200, error_body("1301", "unsafe")))
    with pytest.raises(ContentFilterError) as info:
        await consume(server.client(), mode)
    assert info.value.status_code == 200


@each_mode
async def test_html_200_is_validation_error(mode: str) -> None:
    page = b"<html><title>Service Unavailable</title></html>"
    server = FakeServer(raw_reply(200, [page], content_type="text/html"))
    with pytest.raises(APIResponseValidationError):
        await consume(server.client(), mode)
    assert len(server.requests) == 1
    assert server.streams[0].closed


@each_mode
@pytest.mark.parametrize(
    ("status", "body", "cls", "attempts"),
    [
        (400, error_body("1214", "bad"), BadRequestError, 1),
        (429, error_body("1113", "pay"), QuotaExceededError, 1),
        (429, error_body("1302", "busy"), RateLimitError, 3),
        (503, None, InternalServerError, 3),
    ],
)
async def test_status_error_before_streaming(
    mode: str, status: int, body: Any, cls: type[ZaiError], attempts: int
) -> None:
    server = FakeServer(*[json_reply(status, body)] * attempts)
    with pytest.raises(cls) as info:
        await consume(server.client(max_retries=2), mode)
    assert info.value.status_code == status  # type: ignore[attr-defined]
    assert len(server.requests) == attempts
    assert all(s.closed for s in server.streams)


@each_mode
async def test_status_error_then_stream_succeeds(mode: str) -> None:
    ok = raw_reply(200, [sse_body(chunk("ok", finish_reason="stop"))])
    server = FakeServer(json_reply(502, None), ok)
    _, acc = await consume(server.client(), mode)
    assert acc.content == "ok"
    assert len(server.requests) == 2


@each_mode
@pytest.mark.parametrize(
    "error",
    [httpx.ReadError("reset"), httpx.RemoteProtocolError("peer closed"), httpx.ReadTimeout("idle")],
)
async def test_transport_error_after_first_chunk_not_retried(
    mode: str, error: Exception, delays: list[float]
) -> None:
    ok = raw_reply(200, [sse_body(chunk("never", finish_reason="stop"))])
    server = FakeServer(raw_reply(200, [sse_event(chunk("Part")), error]), ok)
    with pytest.raises(StreamInterruptedError) as info:
        await consume(server.client(max_retries=2), mode)
    assert info.value.partial_text == "Part"
    assert isinstance(info.value.__cause__, type(error))
    assert len(server.requests) == 1
    assert delays == []
    assert server.streams[0].closed


@each_mode
async def test_transport_error_before_first_chunk_is_retried(mode: str) -> None:
    ok = raw_reply(200, [sse_body(chunk("ok", finish_reason="stop"))])
    server = FakeServer(raw_reply(200, [b": ping\n\n", httpx.ReadError("reset")]), ok)
    _, acc = await consume(server.client(max_retries=2), mode)
    assert acc.content == "ok"
    assert len(server.requests) == 2
    server = FakeServer(*[raw_reply(200, [httpx.ReadError("reset")])] * 2)
    with pytest.raises(APIConnectionError):
        await consume(server.client(max_retries=1), mode)
    assert len(server.requests) == 2


@each_mode
@pytest.mark.parametrize(
    ("reason", "cls"),
    [
        ("sensitive", ContentFilterError),
        ("network_error", StreamInterruptedError),
        ("model_context_window_exceeded", ContextWindowExceededError),
    ],
)
async def test_failing_finish_reasons(mode: str, reason: str, cls: type[ZaiError]) -> None:
    body = sse_body(chunk(reasoning="r"), chunk("Half an "), chunk("", finish_reason=reason))
    server = FakeServer(raw_reply(200, [body]), raw_reply(200, [body]))
    with pytest.raises(cls) as info:
        await consume(server.client(max_retries=2), mode)
    error = info.value
    if isinstance(error, StreamInterruptedError):
        assert (error.partial_text, error.partial_reasoning) == ("Half an ", "r")
    else:
        assert isinstance(error, APIStatusError)
        assert error.status_code == 200
        assert error.body["partial_text"] == "Half an "
        assert reason in str(error)
    assert len(server.requests) == 1
    assert server.streams[0].closed


def _long_stream() -> list[bytes]:
    return [sse_event(chunk(str(i))) for i in range(5)] + [
        sse_body(chunk("", finish_reason="stop"))
    ]


@each_mode
async def test_break_closes_response(mode: str) -> None:
    server = FakeServer(raw_reply(200, _long_stream()))
    client = server.client()
    if mode == "sync":
        with client.stream_chat(CHAT_BODY) as stream:
            for _ in stream:
                break
    else:
        async with client.astream_chat(CHAT_BODY) as astream:
            async for _ in astream:
                break
    assert server.streams[0].closed
    assert not server.streams[0].finished


def test_break_in_bare_for_loop_closes_response() -> None:
    """Without ``with``: the abandoned stream is freed (CPython refcounting) and closes."""
    server = FakeServer(raw_reply(200, _long_stream()))
    for _ in server.client().stream_chat(CHAT_BODY):
        break
    assert server.streams[0].closed
    assert not server.streams[0].finished


@each_mode
async def test_close_mid_stream_closes_response(mode: str) -> None:
    server = FakeServer(raw_reply(200, _long_stream()))
    client = server.client()
    if mode == "sync":
        stream = client.stream_chat(CHAT_BODY)
        first = next(stream)
        stream.close()
        with pytest.raises(StopIteration):
            next(stream)
    else:
        astream = client.astream_chat(CHAT_BODY)
        first = await astream.__anext__()
        await astream.aclose()
        with pytest.raises(StopAsyncIteration):
            await astream.__anext__()
    assert first["choices"][0]["delta"]["content"] == "0"
    assert server.streams[0].closed
    assert not server.streams[0].finished


async def test_cancelled_consumer_closes_response() -> None:
    server = FakeServer(raw_reply(200, [sse_event(chunk("A")), HANG, sse_event(chunk("B"))]))
    client = server.client()
    got: list[str] = []
    first_arrived = asyncio.Event()

    async def reader() -> None:
        async with client.astream_chat(CHAT_BODY) as astream:
            async for piece in astream:
                got.append(piece["choices"][0]["delta"]["content"])
                first_arrived.set()

    task = asyncio.create_task(reader())
    await asyncio.wait_for(first_arrived.wait(), timeout=5)
    assert not server.streams[0].closed
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert got == ["A"]
    assert server.streams[0].closed


@each_mode
async def test_request_is_a_stream_request(mode: str) -> None:
    server = FakeServer(raw_reply(200, [sse_body(chunk("x", finish_reason="stop"))]))
    await consume(server.client(), mode)
    request = server.requests[0]
    assert request.headers["accept"] == "text/event-stream"
    assert json.loads(request.content)["stream"] is True
