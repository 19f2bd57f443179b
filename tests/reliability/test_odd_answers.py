"""Odd answers give a typed error, or a whole answer; never a crash, an empty success or a
lost chunk (issue 14 items 7, 9, 11), over a real loopback socket.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.exceptions import ModelAPIError
from llama_index.core.llms import ChatMessage

import zai_core.limits
import zai_core.sse
from langchain_zai import ChatZai
from llama_index_zai import Zai
from zai_core import (
    APIResponseValidationError,
    InternalServerError,
    StreamInterruptedError,
    ZaiClient,
)

from .conftest import SleepRecorder
from .drivers import BODY, CANARY
from .fault_server import (
    CHUNK_ID,
    DONE_FRAME,
    JSON_TYPE,
    SSE_TYPE,
    FaultServer,
    Reply,
    Send,
    _chunk,
    _head,
    chat_chunk,
    chat_completion,
    json_reply,
    raw_reply,
    sse_reply,
    stream_frames,
)

MESSAGES = [ChatMessage(role="user", content="hi")]


def _client(server: FaultServer) -> ZaiClient:
    return ZaiClient(api_key=CANARY, base_url=server.url, max_retries=0)


def _chat_zai(server: FaultServer) -> ChatZai:
    return ChatZai(model="glm-4.7", api_key=CANARY, base_url=server.url, max_retries=0)


def _zai(server: FaultServer) -> Zai:
    return Zai(model="glm-4.7", api_key=CANARY, base_url=server.url, max_retries=0)


def _with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    body = chat_completion("fine")
    change(body)
    return body


def _no_function(body: dict[str, Any]) -> None:
    body["choices"][0]["message"]["tool_calls"] = [{"id": "call_1", "type": "function"}]


PLAIN = {
    "no choices": _with(lambda b: b.update(choices=[])),
    "choice is text": _with(lambda b: b.update(choices=["x"])),
    "tool_calls of text": _with(lambda b: b["choices"][0]["message"].update(tool_calls=["x"])),
    "tool call without function": _with(_no_function),
}


def _consume_core(server: FaultServer) -> str:
    with _client(server).stream_chat(BODY) as stream:
        for _ in stream:
            pass
    return stream.accumulator.content


CLIENTS_PLAIN: dict[str, Callable[[FaultServer], Any]] = {
    "ZaiClient": lambda s: _client(s).chat(BODY),
    "ChatZai": lambda s: _chat_zai(s).invoke("hi"),
    "Zai": lambda s: _zai(s).chat(MESSAGES),
}
CLIENTS_STREAM: dict[str, Callable[[FaultServer], Any]] = {
    "ZaiClient": _consume_core,
    "ChatZai": lambda s: list(_chat_zai(s).stream("hi")),
    "Zai": lambda s: list(_zai(s).stream_complete("hi")),
}


@pytest.mark.parametrize("client", sorted(CLIENTS_PLAIN))
@pytest.mark.parametrize("case", sorted(PLAIN))
def test_plain_odd_answer_is_a_validation_error(
    server: FaultServer, case: str, client: str
) -> None:
    server.script(json_reply(200, PLAIN[case]))
    with pytest.raises(APIResponseValidationError) as caught:
        CLIENTS_PLAIN[client](server)
    assert "cannot be used" in str(caught.value)
    assert caught.value.request_id == CHUNK_ID
    if client == "ChatZai":
        assert isinstance(caught.value, ModelAPIError)


def _event(payload: Any) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


STREAMS = {
    "only [DONE]": [DONE_FRAME],
    "choice is text": [_event({"id": CHUNK_ID, "choices": ["x"]}), DONE_FRAME],
    "event is a list": [_event([1, 2]), DONE_FRAME],
    "tool_calls of text": [
        _event({"id": CHUNK_ID, "choices": [{"index": 0, "delta": {"tool_calls": ["x"]}}]}),
        DONE_FRAME,
    ],
}


@pytest.mark.parametrize("client", sorted(CLIENTS_STREAM))
@pytest.mark.parametrize("case", sorted(STREAMS))
def test_streamed_odd_answer_is_a_validation_error(
    server: FaultServer, case: str, client: str
) -> None:
    server.script(sse_reply(STREAMS[case]))
    with pytest.raises(APIResponseValidationError):
        CLIENTS_STREAM[client](server)


@pytest.mark.parametrize("client", sorted(CLIENTS_PLAIN))
def test_malformed_usage_keeps_the_answer(server: FaultServer, client: str) -> None:
    server.script(json_reply(200, _with(lambda b: b.update(usage="abc"))))
    with pytest.warns(RuntimeWarning, match="usage dropped"):
        answer = CLIENTS_PLAIN[client](server)
    text = {
        "ZaiClient": lambda a: a["choices"][0]["message"]["content"],
        "ChatZai": lambda a: a.content,
        "Zai": lambda a: a.message.content,
    }[client](answer)
    assert text == "fine"


def test_malformed_usage_in_a_stream_keeps_the_answer(server: FaultServer) -> None:
    frames = [chat_chunk("fi"), chat_chunk("ne", finish_reason="stop", usage={"a": "b"})]
    frames[1] = frames[1].replace(b'"usage": {"a": "b"}', b'"usage": {"total_tokens": "x"}')
    server.script(sse_reply([*frames, DONE_FRAME]))
    with pytest.warns(RuntimeWarning, match="usage dropped"):
        chunks = list(_chat_zai(server).stream("hi"))
    assert "".join(str(c.content) for c in chunks) == "fine"


def test_byte_order_mark_before_the_first_event(server: FaultServer) -> None:
    """Item 9: the BOM is dropped; the first chunk's text is kept."""
    frames = stream_frames(["Hel", "lo"])
    frames[0] = "\ufeff".encode() + frames[0]
    server.script(sse_reply(frames))
    assert _consume_core(server) == "Hello"
    server.script(sse_reply(frames))
    assert "".join(str(c.content) for c in _chat_zai(server).stream("hi")) == "Hello"


def test_sse_line_without_end_is_capped(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 11: one SSE line longer than the cap raises instead of growing without end."""
    monkeypatch.setattr(zai_core.sse, "MAX_SSE_LINE", 10_000)
    server.script(sse_reply([b"data: " + b"x" * 4000 for _ in range(5)], end="drop"))
    with pytest.raises(APIResponseValidationError, match="stream line of more than 10000"):
        _consume_core(server)


def test_decoded_body_is_capped(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 11: a gzip bomb stops at the decoded-size cap (here 1 MiB; default 64 MiB)."""
    monkeypatch.setattr(zai_core.limits, "MAX_BODY_BYTES", 1 << 20)
    bomb = gzip.compress(b" " * (16 << 20))
    server.script(raw_reply(200, bomb, JSON_TYPE, {"Content-Encoding": "gzip"}))
    with pytest.raises(APIResponseValidationError, match="larger than 1048576 bytes"):
        _client(server).chat(BODY)


def test_corrupt_gzip_mid_stream_keeps_the_partial(server: FaultServer) -> None:
    """Item 11: content arrived, then the gzip stream breaks: StreamInterruptedError + text."""
    squeeze = zlib.compressobj(wbits=31)
    good = b"".join(chat_chunk(w) for w in ("Hel", "lo"))
    prefix = squeeze.compress(good) + squeeze.flush(zlib.Z_SYNC_FLUSH)
    head = {"Content-Type": SSE_TYPE, "Transfer-Encoding": "chunked", "Content-Encoding": "gzip"}
    steps = (Send(_head(200, head)), Send(_chunk(prefix)), Send(_chunk(b"\x00garbage" * 8)))
    server.script(Reply((*steps, Send(b"0\r\n\r\n"))))
    with pytest.raises(StreamInterruptedError) as caught:
        _consume_core(server)
    assert caught.value.partial_text == "Hello"


def test_plain_text_error_event_is_retried_before_the_first_chunk(
    server: FaultServer, sleeps: SleepRecorder
) -> None:
    """Item 11: ``event: error`` with plain-text data is a server error, retried."""
    server.script(
        sse_reply([b"event: error\ndata: upstream overloaded\n\n"]),
        sse_reply(stream_frames(["Hel", "lo"])),
    )
    client = ZaiClient(api_key=CANARY, base_url=server.url, max_retries=1)
    with client.stream_chat(BODY) as stream:
        for _ in stream:
            pass
    assert stream.accumulator.content == "Hello"
    assert server.count("/chat/completions") == 2
    server.script(sse_reply([b"event: error\ndata: upstream overloaded\n\n"]))
    with pytest.raises(InternalServerError, match="upstream overloaded"):
        _consume_core(server)


def test_lone_surrogate_named_before_sending(server: FaultServer) -> None:
    """Item 11: a lone surrogate is a ValueError naming the message and position."""
    body = {"model": "glm-4.7", "messages": [{"role": "user", "content": "ok \ud800 no"}]}
    with pytest.raises(ValueError, match=r"messages\[0\].*position 3"):
        _client(server).chat(body)
    with pytest.raises(ValueError, match=r"messages\[0\]"):
        _chat_zai(server).invoke("ok \ud800 no")
    assert server.requests == []
