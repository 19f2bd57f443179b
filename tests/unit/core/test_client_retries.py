"""The client's retry loop: attempts, waits, closed responses, and sync/async parity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.unit.core.fakes import (
    FakeServer,
    Reply,
    call_chat,
    chunk,
    completion,
    consume,
    error_body,
    json_reply,
    raise_reply,
    raw_reply,
    sse_body,
    sse_event,
)
from zai_core import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ContentFilterError,
    ContextWindowExceededError,
    InternalServerError,
    QuotaExceededError,
    RateLimitError,
    ZaiError,
)

MODES = ["sync", "async"]
OK_STREAM = sse_body(chunk("Hel"), chunk("lo", finish_reason="stop"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("max_retries", [0, 1, 3])
@pytest.mark.parametrize(
    ("error", "cls"),
    [
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.RemoteProtocolError("server disconnected"), APIConnectionError),
        (httpx.ReadTimeout("timed out"), APITimeoutError),
        (httpx.ConnectTimeout("timed out"), APITimeoutError),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else "",
)
@pytest.mark.parametrize("call", ["chat", "stream"])
async def test_transport_errors_retried_then_raised(
    mode: str,
    max_retries: int,
    error: Exception,
    cls: type[ZaiError],
    call: str,
    delays: list[float],
) -> None:
    server = FakeServer(*[raise_reply(error)] * (max_retries + 1))
    client = server.client(max_retries=max_retries)
    with pytest.raises(cls) as info:
        if call == "chat":
            await call_chat(client, mode)
        else:
            await consume(client, mode)
    assert type(info.value) is cls
    assert isinstance(info.value.__cause__, type(error))
    assert len(server.requests) == max_retries + 1
    assert len(delays) == max_retries


def _failure(mode: str) -> Reply:
    if mode == "status":
        return json_reply(500, error_body("500", "Internal Error"))
    if mode == "retry-after":
        return json_reply(429, error_body("1302", "busy"), headers={"retry-after": "1.5"})
    return raise_reply(httpx.ConnectError("refused"))


FAILURE_CLASSES = {
    "status": InternalServerError,
    "retry-after": RateLimitError,
    "exception": APIConnectionError,
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("call", ["chat", "stream"])
@pytest.mark.parametrize("failure", ["status", "retry-after", "exception"])
@pytest.mark.parametrize("failures_before_success", [0, 1, 2, 3])
async def test_retries_taken(
    mode: str, call: str, failure: str, failures_before_success: int, delays: list[float]
) -> None:
    success = json_reply(200, completion("Hi!")) if call == "chat" else raw_reply(200, [OK_STREAM])
    server = FakeServer(*[_failure(failure)] * failures_before_success, success)
    client = server.client(max_retries=2)

    async def run() -> str:
        if call == "chat":
            return str((await call_chat(client, mode))["choices"][0]["message"]["content"])
        _, acc = await consume(client, mode)
        return acc.content

    if failures_before_success <= 2:
        assert await run() == ("Hi!" if call == "chat" else "Hello")
        assert len(server.requests) == failures_before_success + 1
    else:
        with pytest.raises(FAILURE_CLASSES[failure]):
            await run()
        assert len(server.requests) == 3
    retries = len(server.requests) - 1
    assert len(delays) == retries
    if failure == "retry-after":
        assert delays == [1.5] * retries
    else:
        for n, delay in enumerate(delays):
            assert 0.75 * 0.5 * 2**n <= delay <= 0.5 * 2**n
    # Every failed response was closed before the next attempt, and the last one too.
    if failure != "exception":
        assert len(server.streams) == len(server.requests)
    assert all(server.closed_before_next)
    assert all(s.closed for s in server.streams)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("call", ["chat", "stream"])
@pytest.mark.parametrize("code", ["1113", "1304", "1308", "1309", "1112"])
async def test_non_transient_429_attempted_once(
    mode: str, call: str, code: str, delays: list[float]
) -> None:
    server = FakeServer(json_reply(429, error_body(code, "no")), json_reply(200, completion()))
    client = server.client(max_retries=5)
    with pytest.raises(APIStatusError) as info:
        if call == "chat":
            await call_chat(client, mode)
        else:
            await consume(client, mode)
    assert info.value.code == code
    assert not isinstance(info.value, RateLimitError)
    assert len(server.requests) == 1
    assert delays == []
    assert server.streams[0].closed


@pytest.mark.parametrize("mode", MODES)
async def test_x_should_retry_header_wins(mode: str) -> None:
    no = json_reply(500, error_body("500", "x"), headers={"x-should-retry": "false"})
    server = FakeServer(no)
    with pytest.raises(InternalServerError):
        await call_chat(server.client(), mode)
    assert len(server.requests) == 1
    yes = json_reply(429, error_body("1113", "x"), headers={"x-should-retry": "true"})
    server = FakeServer(yes, json_reply(200, completion("ok")))
    assert (await call_chat(server.client(), mode))["choices"][0]["message"]["content"] == "ok"
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_max_retries_zero_sends_once(mode: str) -> None:
    server = FakeServer(json_reply(503, None))
    with pytest.raises(InternalServerError):
        await call_chat(server.client(max_retries=0), mode)
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_html_502_retried_then_mapped(mode: str) -> None:
    page = [b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"]
    server = FakeServer(*[raw_reply(502, page, content_type="text/html")] * 3)
    with pytest.raises(InternalServerError) as info:
        await call_chat(server.client(max_retries=2), mode)
    assert info.value.message == "HTML error page: 502 Bad Gateway"
    assert len(server.requests) == 3


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("reply", "cls"),
    [
        pytest.param(
            raw_reply(200, [b"<html>maintenance</html>"], content_type="text/html"),
            APIResponseValidationError,
            id="html-200",
        ),
        pytest.param(
            json_reply(200, {"object": "list"}), APIResponseValidationError, id="no-choices"
        ),
        pytest.param(
            json_reply(200, error_body("1301", "unsafe")), ContentFilterError, id="error-in-200"
        ),
        pytest.param(
            json_reply(200, completion("half", "sensitive")), ContentFilterError, id="sensitive"
        ),
        pytest.param(
            json_reply(200, completion("", "model_context_window_exceeded")),
            ContextWindowExceededError,
            id="context-window",
        ),
    ],
)
async def test_bad_200_answers_not_retried(mode: str, reply: Reply, cls: type[ZaiError]) -> None:
    server = FakeServer(reply, json_reply(200, completion()))
    with pytest.raises(cls):
        await call_chat(server.client(max_retries=2), mode)
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_length_and_tool_calls_are_normal_finishes(mode: str) -> None:
    server = FakeServer(
        json_reply(200, completion("trunc", "length")),
        json_reply(200, completion("", "tool_calls")),
    )
    client = server.client()
    assert (await call_chat(client, mode))["choices"][0]["finish_reason"] == "length"
    assert (await call_chat(client, mode))["choices"][0]["finish_reason"] == "tool_calls"


# --------------------------------------------------------------- sync / async parity


def _error_event(code: str) -> bytes:
    return sse_event({"error": {"code": code, "message": "blocked"}}, event="error")


Outcome = tuple[str, Any, int]

SCENARIOS: list[tuple[str, str, Callable[[], list[Reply]], Outcome]] = [
    (
        "success",
        "chat",
        lambda: [json_reply(200, completion("Hi!"))],
        ("ok", "Hi!", 1),
    ),
    (
        "429-then-success",
        "chat",
        lambda: [json_reply(429, error_body("1302", "busy")), json_reply(200, completion("Hi!"))],
        ("ok", "Hi!", 2),
    ),
    (
        "1113",
        "chat",
        lambda: [json_reply(429, error_body("1113", "pay"))],
        ("error", QuotaExceededError, 1),
    ),
    (
        "500x3",
        "chat",
        lambda: [json_reply(500, None)] * 3,
        ("error", InternalServerError, 3),
    ),
    (
        "network-error-finish-retried",
        "chat",
        lambda: [json_reply(200, completion("par", "network_error"))] * 3,
        ("error", InternalServerError, 3),
    ),
    (
        "stream-ok",
        "stream",
        lambda: [raw_reply(200, [OK_STREAM])],
        ("ok", "Hello", 1),
    ),
    (
        "stream-500-then-ok",
        "stream",
        lambda: [json_reply(500, None), raw_reply(200, [OK_STREAM])],
        ("ok", "Hello", 2),
    ),
    (
        "stream-error-event",
        "stream",
        lambda: [raw_reply(200, [_error_event("1301")])],
        ("error", ContentFilterError, 1),
    ),
    (
        "stream-error-event-after-text",
        "stream",
        lambda: [raw_reply(200, [sse_event(chunk("Hel")), _error_event("1302")])],
        ("error", RateLimitError, 1),
    ),
]


async def _outcome(mode: str, call: str, replies: list[Reply]) -> Outcome:
    server = FakeServer(*replies)
    client = server.client(max_retries=2)
    try:
        if call == "chat":
            body = await call_chat(client, mode)
            result: Outcome = ("ok", body["choices"][0]["message"]["content"], 0)
        else:
            _, acc = await consume(client, mode)
            result = ("ok", acc.content, 0)
    except ZaiError as error:
        if isinstance(error, APIStatusError) and call == "stream" and error.status_code == 200:
            assert error.code in ("1301", "1302")
        result = ("error", type(error), 0)
    assert all(s.closed for s in server.streams)
    return (result[0], result[1], len(server.requests))


@pytest.mark.parametrize(
    ("call", "replies", "expected"),
    [pytest.param(c, r, e, id=name) for name, c, r, e in SCENARIOS],
)
async def test_sync_async_parity(
    call: str, replies: Callable[[], list[Reply]], expected: Outcome
) -> None:
    sync = await _outcome("sync", call, replies())
    asynchronous = await _outcome("async", call, replies())
    assert sync == asynchronous == expected
