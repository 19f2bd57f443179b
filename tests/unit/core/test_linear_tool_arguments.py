"""Tool-call arguments streamed in many fragments cost work linear in their length.

Operation counts, not timings (speed is measured in benchmarks/, see the
``tool-call parts N`` rows): the accumulator appends fragments and joins them only when read,
and Zai's stream conversion parses the arguments only when they could be a whole object.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from zai_core import accumulate
from zai_core.accumulate import StreamAccumulator

PARTS = ['{"items": ['] + ['"x",'] * 500 + ['"end"]}']


def _chunk(piece: str, first: bool) -> dict[str, Any]:
    call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
    if first:
        call.update({"id": "call_1", "type": "function"})
        call["function"]["name"] = "record"
    return {"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}


def _finish() -> dict[str, Any]:
    return {"id": "c1", "choices": [{"index": 0, "finish_reason": "tool_calls", "delta": {}}]}


def test_fragments_are_appended_and_joined_once_per_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    joins: list[int] = []
    original = accumulate._joined

    def counting(parts: list[str]) -> str:
        joins.append(len(parts))
        return original(parts)

    monkeypatch.setattr(accumulate, "_joined", counting)
    acc = StreamAccumulator()
    for i, piece in enumerate(PARTS):
        acc.add(_chunk(piece, i == 0))
    assert joins == []  # nothing joined while nobody reads
    (call,) = acc.wire_tool_calls()
    assert json.loads(call["function"]["arguments"])["items"][-1] == "end"
    assert joins[-1] == len(PARTS)
    acc.wire_tool_calls()
    assert joins[-1] == 1  # the join was kept: a second read copies nothing more


def test_zai_stream_parses_arguments_only_when_they_can_be_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("llama_index.core")
    from llama_index_zai import _convert

    parsed: list[str] = []
    real_loads = json.loads

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(text)
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(_convert.json, "loads", counting)
    acc = StreamAccumulator()
    state = _convert._START
    response = None
    for i, piece in enumerate(PARTS):
        chunk = _chunk(piece, i == 0)
        acc.add(chunk)
        response, state = _convert._convert_chunk_to_chat_response(chunk, acc, state)
    assert response is not None
    (block,) = [b for b in response.message.blocks if b.block_type == "tool_call"]
    assert block.tool_kwargs["items"][-1] == "end"  # the last fragment closed the object
    # One parse (the closing fragment), not one per fragment.
    assert [len(text) for text in parsed] == [len("".join(PARTS))]
    acc.add(_finish())
    final, _ = _convert._convert_chunk_to_chat_response(_finish(), acc, state)
    (block,) = [b for b in final.message.blocks if b.block_type == "tool_call"]
    assert block.tool_kwargs["items"][:2] == ["x", "x"]
