"""``total_timeout``: one bound on a whole call, across reads, attempts and retry waits.

Issue 14 item 4. The server drips its answer one byte at a time, each byte well inside the
per-read ``timeout``, so only the total deadline can end the call. Bounds on elapsed time
here are correctness bounds (the drip would last a minute), not speed measurements.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from langchain_zai import ChatZai
from llama_index_zai import Zai
from zai_core import APITimeoutError, StreamInterruptedError, ZaiClient

from .drivers import BODY, CANARY
from .fault_server import (
    JSON_TYPE,
    SSE_TYPE,
    FaultServer,
    Reply,
    Send,
    Sleep,
    _chunk,
    _head,
    chat_chunk,
    chat_completion,
    error_reply,
    stream_frames,
)

DRIP = 0.25  # seconds between bytes: far inside the 2 s read timeout
TOTAL = 1.0
#: The drip would take a minute; the call must end near TOTAL (generous on a busy machine).
BOUND = 4.0
READ = httpx.Timeout(2.0)


def _drip(data: bytes) -> list[Send | Sleep]:
    steps: list[Send | Sleep] = []
    for byte in data:
        steps += [Send(bytes([byte])), Sleep(DRIP)]
    return steps


def drip_json() -> Reply:
    """A whole JSON answer whose body arrives one byte every :data:`DRIP` seconds."""
    content = json.dumps(chat_completion("a dripped answer")).encode()
    head = _head(200, {"Content-Type": JSON_TYPE, "Content-Length": str(len(content))})
    return Reply((Send(head), *_drip(content)))


def drip_headers() -> Reply:
    """The status line and headers themselves arrive one byte at a time."""
    content = json.dumps(chat_completion("late")).encode()
    head = _head(200, {"Content-Type": JSON_TYPE, "Content-Length": str(len(content))})
    return Reply((*_drip(head), Send(content)))


def drip_stream(first_whole: bool = False) -> Reply:
    """An event stream dripped byte by byte (chunked); ``first_whole``: one event at once."""
    steps: list[Send | Sleep] = [
        Send(_head(200, {"Content-Type": SSE_TYPE, "Transfer-Encoding": "chunked"}))
    ]
    if first_whole:
        steps.append(Send(_chunk(chat_chunk("Hi "))))
    for frame in stream_frames(["dripped ", "words"]):
        for byte in frame:
            steps += [Send(_chunk(bytes([byte]))), Sleep(DRIP)]
    steps.append(Send(b"0\r\n\r\n"))
    return Reply(tuple(steps))


def _client(server: FaultServer, **words: Any) -> ZaiClient:
    return ZaiClient(api_key=CANARY, base_url=server.url, timeout=READ, max_retries=2, **words)


def _timed(fn: Callable[[], Any]) -> tuple[BaseException, float]:
    start = time.monotonic()
    with pytest.raises(Exception) as info:
        fn()
    return info.value, time.monotonic() - start


def _consume(stream: Any) -> None:
    with stream:
        for _ in stream:
            pass


@pytest.mark.parametrize("reply", [drip_json, drip_stream], ids=["plain", "stream"])
def test_sync_drip_ends_at_the_deadline(server: FaultServer, reply: Callable[[], Reply]) -> None:
    server.script(reply())
    client = _client(server, total_timeout=TOTAL)
    if reply is drip_json:
        error, elapsed = _timed(lambda: client.chat(BODY))
    else:
        error, elapsed = _timed(lambda: _consume(client.stream_chat(BODY)))
    assert isinstance(error, APITimeoutError), repr(error)
    assert "total_timeout" in str(error) or "timed out" in str(error)
    assert elapsed < BOUND
    assert server.count("/chat/completions") == 1  # no attempt starts past the deadline


@pytest.mark.parametrize("reply", [drip_json, drip_stream, drip_headers])
async def test_async_drip_ends_at_the_deadline(
    server: FaultServer, reply: Callable[[], Reply]
) -> None:
    server.script(reply())
    client = _client(server, total_timeout=TOTAL)
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        if reply is drip_stream:
            async with client.astream_chat(BODY) as stream:
                async for _ in stream:
                    pass
        else:
            await client.achat(BODY)
    assert time.monotonic() - start < BOUND
    assert server.count("/chat/completions") == 1


def test_mid_stream_deadline_keeps_the_partial_text(server: FaultServer) -> None:
    """Past the deadline after the first chunk: StreamInterruptedError with what arrived."""
    server.script(drip_stream(first_whole=True))
    client = _client(server, total_timeout=TOTAL)
    stream = client.stream_chat(BODY)
    error, elapsed = _timed(lambda: _consume(stream))
    assert isinstance(error, StreamInterruptedError), repr(error)
    assert "total_timeout" in str(error)
    assert error.partial_text.startswith("Hi ")
    assert elapsed < BOUND


def test_retry_wait_past_the_deadline_is_not_slept(server: FaultServer) -> None:
    """A 503 asking for a 30 s wait with 1 s left: APITimeoutError now, the 503 as its cause."""
    server.script(error_reply(503, "1234", "busy", {"retry-after": "30"}))
    error, elapsed = _timed(lambda: _client(server, total_timeout=TOTAL).chat(BODY))
    assert isinstance(error, APITimeoutError)
    assert "busy" in str(error)
    assert elapsed < BOUND
    assert server.count("/chat/completions") == 1


def test_per_call_word_wins_and_frameworks_carry_it(server: FaultServer) -> None:
    """``total_timeout`` per call (ChatZai.invoke, Zai.chat) and as a class word."""
    server.script(drip_json())
    llm = ChatZai(model="glm-4.7", api_key=CANARY, base_url=server.url, timeout=READ)
    error, elapsed = _timed(lambda: llm.invoke("hi", total_timeout=TOTAL))
    assert isinstance(error, APITimeoutError)
    assert elapsed < BOUND
    from llama_index.core.llms import ChatMessage

    zai = Zai(api_key=CANARY, base_url=server.url, timeout=2.0, total_timeout=TOTAL)
    message = [ChatMessage(role="user", content="hi")]
    error, elapsed = _timed(lambda: zai.chat(message))
    assert isinstance(error, APITimeoutError)
    assert elapsed < BOUND


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan")])
def test_bad_total_timeout_refused_at_construction(bad: Any) -> None:
    with pytest.raises(ValueError, match="total_timeout"):
        ZaiClient(api_key=CANARY, total_timeout=bad)
    with pytest.raises(ValueError, match="total_timeout"):
        ChatZai(api_key=CANARY, total_timeout=bad)
    with pytest.raises(ValueError, match="total_timeout"):
        Zai(api_key=CANARY, total_timeout=bad)


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), httpx.Timeout(float("inf"))])
def test_timeout_inf_nan_refused(bad: Any) -> None:
    """Item 11: ``timeout=inf`` / ``nan`` no longer pass construction."""
    with pytest.raises(ValueError, match="timeout"):
        ZaiClient(api_key=CANARY, timeout=bad)
    with pytest.raises(ValueError, match="timeout"):
        ChatZai(api_key=CANARY, timeout=bad)


def test_every_class_carries_the_word(server: FaultServer) -> None:
    """The word is a configuration word of every class: the embeddings of both frameworks."""
    from langchain_zai import ZaiEmbeddings
    from llama_index_zai import ZaiEmbedding

    server.script(drip_json())
    for embed in (
        lambda: ZaiEmbeddings(api_key=CANARY, base_url=server.url, total_timeout=TOTAL).embed_query(
            "x"
        ),
        lambda: ZaiEmbedding(
            api_key=CANARY, base_url=server.url, total_timeout=TOTAL
        ).get_text_embedding("x"),
    ):
        error, elapsed = _timed(embed)
        assert isinstance(error, APITimeoutError), repr(error)
        assert elapsed < BOUND


def drip_headers_slow() -> Reply:
    """The status line and headers one byte every 0.5 s (over 40 s of headers), then a body."""
    content = json.dumps(chat_completion("late")).encode()
    head = _head(200, {"Content-Type": JSON_TYPE, "Content-Length": str(len(content))})
    steps: list[Send | Sleep] = []
    for byte in head:
        steps += [Send(bytes([byte])), Sleep(0.5)]
    return Reply((*steps, Send(content)))


#: The dripped headers alone take len(head) * 0.5 s, over 40 s; bounded by 3 s they must end
#: well before that (generous for a loaded 2-core machine).
SLOW_BOUND = 10.0


@pytest.mark.parametrize("streamed", [False, True], ids=["plain", "stream"])
def test_sync_dripped_headers_end_at_the_deadline(server: FaultServer, streamed: bool) -> None:
    """Sync calls on the shared pool: each socket read is cut to the time left (issue 14)."""
    server.script(drip_headers_slow())
    client = ZaiClient(
        api_key=CANARY, base_url=server.url, timeout=2, max_retries=2, total_timeout=3
    )
    if streamed:
        error, elapsed = _timed(lambda: _consume(client.stream_chat(BODY)))
    else:
        error, elapsed = _timed(lambda: client.chat(BODY))
    assert isinstance(error, APITimeoutError), repr(error)
    assert "total_timeout of 3.0 s" in str(error)
    assert elapsed < SLOW_BOUND
    assert elapsed >= 2.5  # it ran to the deadline, not ended early by something else
    assert server.count("/chat/completions") == 1
