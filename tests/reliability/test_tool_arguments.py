"""Tool calls whose whole arguments cannot be used are never handed out as calls to run.

Issue 14 item 3 (and the same-id case of item 11), over a real loopback socket: arguments
that are not JSON, a JSON list, or JSON cut off by ``finish_reason: "length"``, streamed
(split over several chunks) or not. LangChain lists them in ``invalid_tool_calls`` (the
streamed message as the plain one); LlamaIndex raises an error naming them instead of
returning a ``ToolSelection``.
"""

from __future__ import annotations

import json
from functools import reduce
from typing import Any

import pytest
from llama_index.core.llms import ChatMessage

from langchain_zai import ChatZai
from llama_index_zai import Zai
from zai_core import ZaiClient

from .drivers import BODY, CANARY
from .fault_server import (
    CHUNK_ID,
    DONE_FRAME,
    USAGE,
    FaultServer,
    chat_completion,
    json_reply,
    sse_reply,
)

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
BAD = [
    ("{bad", "tool_calls", "not valid JSON"),
    ('{"city": "Par', "length", "cut off"),
    ("[1, 2]", "tool_calls", "not a JSON object"),
]


def _event(delta: dict[str, Any], finish: str | None = None) -> bytes:
    choice: dict[str, Any] = {"index": 0, "delta": {"role": "assistant", **delta}}
    if finish:
        choice["finish_reason"] = finish
    body: dict[str, Any] = {"id": CHUNK_ID, "model": "glm-4.7", "choices": [choice]}
    if finish:
        body["usage"] = USAGE
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def streamed_call(arguments: str, finish: str) -> list[bytes]:
    """One call whose arguments arrive in 3 fragments, then the finish chunk."""
    cut = [arguments[: len(arguments) // 3], arguments[len(arguments) // 3 :]]
    first = {"id": "call_1", "index": 0, "type": "function"}
    frames = [
        _event({"tool_calls": [{**first, "function": {"name": "get_weather", "arguments": ""}}]})
    ]
    frames += [
        _event({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}) for part in cut
    ]
    return [*frames, _event({"content": ""}, finish), DONE_FRAME]


def whole_call(arguments: str, finish: str) -> dict[str, Any]:
    """A non-streamed answer with one call."""
    body = chat_completion("", finish_reason=finish)
    body["choices"][0]["message"]["tool_calls"] = [
        {
            "id": "call_1",
            "index": 0,
            "type": "function",
            "function": {"name": "get_weather", "arguments": arguments},
        }
    ]
    return body


def _llm(server: FaultServer) -> Any:
    return ChatZai(model="glm-4.7", api_key=CANARY, base_url=server.url).bind_tools([TOOL])


@pytest.mark.parametrize(("arguments", "finish", "why"), BAD)
def test_langchain_streamed_and_plain_report_invalid(
    server: FaultServer, arguments: str, finish: str, why: str
) -> None:
    server.script(json_reply(200, whole_call(arguments, finish)))
    plain = _llm(server).invoke("weather?")
    server.script(sse_reply(streamed_call(arguments, finish)))
    streamed = reduce(lambda a, b: a + b, _llm(server).stream("weather?"))
    for message in (plain, streamed):
        assert message.tool_calls == [], message.tool_calls
        assert [c["name"] for c in message.invalid_tool_calls] == ["get_weather"]
        assert [c["id"] for c in message.invalid_tool_calls] == ["call_1"]
        assert message.invalid_tool_calls[0]["args"].startswith(arguments)
    assert why in (plain.invalid_tool_calls[0]["error"] or "")


async def test_langchain_async_stream_reports_invalid(server: FaultServer) -> None:
    server.script(sse_reply(streamed_call('{"city": "Par', "length")))
    chunks = [c async for c in _llm(server).astream("weather?")]
    message = reduce(lambda a, b: a + b, chunks)
    assert message.tool_calls == []
    assert len(message.invalid_tool_calls) == 1


def test_langchain_valid_streamed_call_still_parses(server: FaultServer) -> None:
    """The seal only touches unusable calls: a good call streams and aggregates as before."""
    server.script(sse_reply(streamed_call('{"city": "Paris"}', "tool_calls")))
    chunks = list(_llm(server).stream("weather?"))
    message = reduce(lambda a, b: a + b, chunks)
    assert message.tool_calls[0]["args"] == {"city": "Paris"}
    assert message.invalid_tool_calls == []
    partial = reduce(lambda a, b: a + b, chunks[:2])  # partial parsing while streaming
    assert partial.tool_calls[0]["name"] == "get_weather"


@pytest.mark.parametrize(("arguments", "finish", "why"), BAD)
def test_llama_index_never_hands_out_the_call(
    server: FaultServer, arguments: str, finish: str, why: str
) -> None:
    llm = Zai(model="glm-4.7", api_key=CANARY, base_url=server.url)
    messages = [ChatMessage(role="user", content="weather?")]
    server.script(json_reply(200, whole_call(arguments, finish)))
    plain = llm.chat_with_tools([], chat_history=messages)
    with pytest.raises(ValueError, match=why):
        llm.get_tool_calls_from_response(plain, error_on_no_tool_call=False)
    server.script(sse_reply(streamed_call(arguments, finish)))
    responses = list(llm.stream_chat(messages))
    # chunks before the end: partial parsing, never an error
    llm.get_tool_calls_from_response(responses[1], error_on_no_tool_call=False)
    with pytest.raises(ValueError, match=why):
        llm.get_tool_calls_from_response(responses[-1], error_on_no_tool_call=False)


def test_same_id_whole_calls_without_index_stay_two(server: FaultServer) -> None:
    """Item 11: two whole calls sharing an id, no index: two calls, in every client."""
    call = {"id": "call_x", "type": "function"}
    deltas = [
        {**call, "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}},
        {**call, "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'}},
    ]
    frames = [_event({"tool_calls": deltas}), _event({"content": ""}, "tool_calls"), DONE_FRAME]
    server.script(sse_reply(frames))
    client = ZaiClient(api_key=CANARY, base_url=server.url)
    with client.stream_chat(BODY) as stream:
        for _ in stream:
            pass
    calls = stream.accumulator.wire_tool_calls()
    assert [json.loads(c["function"]["arguments"])["city"] for c in calls] == ["Paris", "Rome"]
    message = reduce(lambda a, b: a + b, _llm(server).stream("weather?"))
    assert [c["args"]["city"] for c in message.tool_calls] == ["Paris", "Rome"]
