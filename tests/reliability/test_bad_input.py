"""Bad and awkward input: property tests for conversion and for SSE over a real socket.

- Message conversion (``langchain_zai._convert``, ``llama_index_zai._convert``): random text
  with CJK, emoji, U+2028 / U+2029 / U+0085, NUL and SSE-looking lines, and tool calls with
  random JSON arguments convert without an exception, without touching the inputs, and
  survive the round trip; a streamed answer cut at random points converts to the same
  message as the whole answer.
- SSE over loopback TCP: a whole streamed answer cut into random network chunks (so
  characters and lines are split anywhere) gives exactly the chunks of the uncut stream.
"""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)

from langchain_zai import _convert as lc
from llama_index_zai import _convert as li
from zai_core import StreamAccumulator, ZaiClient

from .conftest import LeakGuard
from .drivers import BODY, CANARY
from .fault_server import FaultServer, Send, chat_chunk, sse_reply
from .fault_server import Reply as ServerReply

SPECIALS = [
    "\u2028",
    "\u2029",
    "\x85",
    "\r\n",
    "\n\ndata: x\n\n",
    "data: [DONE]",
    ": keep-alive",
    "你好",
    "🌍👩‍👩‍👧",
    "\\",
    '"',
    "\x00",
    "{",
]
texts = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
    st.lists(st.one_of(st.sampled_from(SPECIALS), st.text(max_size=4)), max_size=6).map("".join),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
arguments = st.dictionaries(texts, json_values, max_size=4)
names = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_\-]{0,20}", fullmatch=True)
call_ids = st.from_regex(r"call_[a-z0-9]{1,12}", fullmatch=True)
calls = st.lists(st.tuples(call_ids, names, arguments), max_size=3, unique_by=lambda c: c[0])
PROPERTY = settings(max_examples=40, deadline=None, database=None)


def _json_round_trip(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


def _wire_answer(content: str, reasoning: str, tool_calls: list[Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning:
        message["reasoning_content"] = reasoning
    if tool_calls:
        message["tool_calls"] = [
            {
                "id": cid,
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)},
            }
            for cid, name, args in tool_calls
        ]
    return message


def _pieces(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points) if b > a]


def _stream_chunks(message: dict[str, Any], cuts: list[int]) -> list[dict[str, Any]]:
    """The answer as ``chat.completion.chunk`` dicts, every string cut at ``cuts``."""
    deltas: list[dict[str, Any]] = []
    deltas += [
        {"reasoning_content": p} for p in _pieces(message.get("reasoning_content", ""), cuts)
    ]
    deltas += [{"content": p} for p in _pieces(message["content"], cuts)]
    for index, call in enumerate(message.get("tool_calls", [])):
        fragments = _pieces(call["function"]["arguments"], cuts) or [""]
        for n, fragment in enumerate(fragments):
            delta: dict[str, Any] = {"index": index, "function": {"arguments": fragment}}
            if n == 0:
                delta.update(id=call["id"], type="function")
                delta["function"]["name"] = call["function"]["name"]
            deltas.append({"tool_calls": [delta]})
    chunks = [
        {"id": "c1", "model": "glm-4.7", "choices": [{"index": 0, "delta": d}]} for d in deltas
    ]
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    chunks.append(
        {
            "id": "c1",
            "model": "glm-4.7",
            "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": finish}],
        }
    )
    return chunks


# --------------------------------------------------------------------------- LangChain


@st.composite
def lc_histories(draw: st.DrawFn) -> list[BaseMessage]:
    """A history of every message kind ChatZai sends."""
    history: list[BaseMessage] = []
    for kind in draw(st.lists(st.sampled_from(["human", "system", "ai", "tool"]), max_size=6)):
        text = draw(texts)
        if kind == "human":
            history.append(HumanMessage(content=text))
        elif kind == "system":
            history.append(SystemMessage(content=text))
        elif kind == "tool":
            history.append(ToolMessage(content=text, tool_call_id=draw(call_ids)))
        else:
            reasoning = draw(texts)
            tool_calls = [
                {"name": n, "args": a, "id": i, "type": "tool_call"} for i, n, a in draw(calls)
            ]
            extra = {"reasoning_content": reasoning} if reasoning else {}
            history.append(AIMessage(content=text, tool_calls=tool_calls, additional_kwargs=extra))
    return history


@PROPERTY
@given(history=lc_histories())
def test_langchain_history_to_wire(history: list[BaseMessage]) -> None:
    before = copy.deepcopy([m.model_dump() for m in history])
    wire = lc._convert_messages_to_dicts(history)
    assert [m.model_dump() for m in history] == before, "conversion mutated its input"
    assert _json_round_trip(wire) == wire
    assert len(wire) == len(history)
    for message, out in zip(history, wire, strict=True):
        assert out["content"] == message.content
        if isinstance(message, AIMessage):
            assert out["role"] == "assistant"
            assert out.get("reasoning_content") == (
                message.additional_kwargs.get("reasoning_content") or None
            )
            sent = [
                (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
                for c in out.get("tool_calls", [])
            ]
            assert sent == [(c["id"], c["name"], c["args"]) for c in message.tool_calls]
        elif isinstance(message, ToolMessage):
            assert out == {
                "role": "tool",
                "content": message.content,
                "tool_call_id": message.tool_call_id,
            }


@PROPERTY
@given(content=texts, reasoning=texts, tool_calls=calls)
def test_langchain_wire_round_trip(content: str, reasoning: str, tool_calls: list[Any]) -> None:
    wire = _wire_answer(content, reasoning, tool_calls)
    frozen = copy.deepcopy(wire)
    message = lc._convert_dict_to_message(wire)
    assert wire == frozen, "conversion mutated its input"
    assert message.content == content
    assert [(c["id"], c["name"], c["args"]) for c in message.tool_calls] == [
        (i, n, a) for i, n, a in tool_calls
    ]
    assert not message.invalid_tool_calls
    back = lc._convert_message_to_dict(message)
    assert back["content"] == content
    assert back.get("reasoning_content") == (reasoning or None)
    assert [
        (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
        for c in back.get("tool_calls", [])
    ] == [(i, n, a) for i, n, a in tool_calls]


@PROPERTY
@given(
    content=texts,
    reasoning=texts,
    tool_calls=calls,
    cuts=st.lists(st.integers(0, 10_000), max_size=6),
)
def test_langchain_stream_cut_anywhere_equals_whole(
    content: str, reasoning: str, tool_calls: list[Any], cuts: list[int]
) -> None:
    wire = _wire_answer(content, reasoning, tool_calls)
    whole = lc._convert_dict_to_message(wire)
    merged: AIMessageChunk | None = None
    accumulator = StreamAccumulator()
    for chunk in _stream_chunks(wire, cuts):
        accumulator.add(chunk)
        part = lc._convert_chunk_to_message_chunk(chunk, accumulator)
        if part is not None:
            merged = part if merged is None else merged + part
    assert merged is not None
    assert merged.content == whole.content
    assert merged.additional_kwargs.get("reasoning_content") == whole.additional_kwargs.get(
        "reasoning_content"
    )
    assert [(c["id"], c["name"], c["args"]) for c in merged.tool_calls] == [
        (c["id"], c["name"], c["args"]) for c in whole.tool_calls
    ]


# --------------------------------------------------------------------------- LlamaIndex


@st.composite
def li_histories(draw: st.DrawFn) -> list[ChatMessage]:
    """A history of every message kind Zai sends."""
    history: list[ChatMessage] = []
    for kind in draw(
        st.lists(st.sampled_from(["user", "system", "assistant", "tool"]), max_size=6)
    ):
        text = draw(texts)
        if kind in ("user", "system"):
            history.append(ChatMessage(role=kind, content=text))
        elif kind == "tool":
            history.append(
                ChatMessage(
                    role=MessageRole.TOOL,
                    content=text,
                    additional_kwargs={"tool_call_id": draw(call_ids)},
                )
            )
        else:
            reasoning = draw(texts)
            blocks: list[Any] = [ThinkingBlock(content=reasoning)] if reasoning else []
            blocks.append(TextBlock(text=text))
            blocks += [
                ToolCallBlock(tool_call_id=i, tool_name=n, tool_kwargs=a) for i, n, a in draw(calls)
            ]
            history.append(ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks))
    return history


@PROPERTY
@given(history=li_histories())
def test_llama_index_history_to_wire(history: list[ChatMessage]) -> None:
    before = copy.deepcopy([m.model_dump() for m in history])
    wire = li._convert_messages_to_dicts(history)
    assert [m.model_dump() for m in history] == before, "conversion mutated its input"
    assert _json_round_trip(wire) == wire
    for message, out in zip(history, wire, strict=True):
        text = "".join(b.text for b in message.blocks if isinstance(b, TextBlock))
        assert out["content"] == text
        if message.role == MessageRole.ASSISTANT:
            reasoning = "".join(
                b.content or "" for b in message.blocks if isinstance(b, ThinkingBlock)
            )
            assert out.get("reasoning_content") == (reasoning or None)
            sent = [
                (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
                for c in out.get("tool_calls", [])
            ]
            expected = [
                (b.tool_call_id, b.tool_name, b.tool_kwargs)
                for b in message.blocks
                if isinstance(b, ToolCallBlock)
            ]
            assert sent == expected
        elif message.role == MessageRole.TOOL:
            assert out["tool_call_id"] == message.additional_kwargs["tool_call_id"]


def _li_calls(message: ChatMessage) -> list[tuple[Any, ...]]:
    return [
        (b.tool_call_id, b.tool_name, b.tool_kwargs)
        for b in message.blocks
        if isinstance(b, ToolCallBlock)
    ]


@PROPERTY
@given(
    content=texts,
    reasoning=texts,
    tool_calls=calls,
    cuts=st.lists(st.integers(0, 10_000), max_size=6),
)
def test_llama_index_stream_cut_anywhere_equals_whole(
    content: str, reasoning: str, tool_calls: list[Any], cuts: list[int]
) -> None:
    wire = _wire_answer(content, reasoning, tool_calls)
    frozen = copy.deepcopy(wire)
    whole = li._convert_dict_to_message(wire)
    assert wire == frozen, "conversion mutated its input"
    assert whole.content == content
    assert _li_calls(whole) == [(i, n, a) for i, n, a in tool_calls]
    accumulator = StreamAccumulator()
    state = li._START
    last = None
    for chunk in _stream_chunks(wire, cuts):
        accumulator.add(chunk)
        last, state = li._convert_chunk_to_chat_response(chunk, accumulator, state)
    assert last is not None
    assert last.message.content == whole.content
    assert _li_calls(last.message) == _li_calls(whole)
    back = li._convert_message_to_dict(last.message)
    assert back.get("reasoning_content") == (reasoning or None)
    assert back["content"] == content


# --------------------------------------------------------------------------- SSE over TCP


def _split_reply(frames: list[bytes], cuts: list[int]) -> ServerReply:
    """The frames as one body cut into network chunks at ``cuts`` (bytes, so UTF-8 splits)."""
    body = b"".join(frames)
    points = sorted({c % (len(body) + 1) for c in cuts} | {0, len(body)})
    pieces = [body[a:b] for a, b in itertools.pairwise(points) if b > a]
    whole = sse_reply([])  # the status line and headers
    head = whole.steps[0]
    assert isinstance(head, Send)
    steps = [head, *(Send(f"{len(p):x}\r\n".encode() + p + b"\r\n") for p in pieces)]
    return ServerReply((*steps, Send(b"0\r\n\r\n")))


def test_sse_cut_into_random_network_chunks(server: FaultServer, leaks: LeakGuard) -> None:
    leaks.begin()
    client = ZaiClient(api_key=CANARY, base_url=server.url, timeout=5.0, max_retries=0)

    @settings(max_examples=40, deadline=None, database=None)
    @given(
        words=st.lists(texts, min_size=1, max_size=5),
        cuts=st.lists(st.integers(0, 100_000), max_size=12),
        comments=st.booleans(),
    )
    def check(words: list[str], cuts: list[int], comments: bool) -> None:
        frames = [chat_chunk(w) for w in words]
        if comments:
            frames = [f for frame in frames for f in (b": keep-alive\n\n", frame)]
        frames += [chat_chunk("", finish_reason="stop"), b"data: [DONE]\n\n"]
        expected = [json.loads(f[6:]) for f in frames if f.startswith(b"data: {")]
        server.script(_split_reply(frames, cuts))
        with client.stream_chat(BODY) as stream:
            received = list(stream)
        assert received == expected
        assert stream.accumulator.content == "".join(words)

    check()
    leaks.check()
