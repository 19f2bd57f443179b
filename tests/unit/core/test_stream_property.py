"""Property: however the network cuts a stream's bytes, the streamed answer is the same."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.unit.core.fakes import FakeServer, chunk, consume, raw_reply, sse_body
from zai_core import StreamAccumulator

USAGE = {
    "prompt_tokens": 173,
    "completion_tokens": 93,
    "total_tokens": 266,
    "prompt_tokens_details": {"cached_tokens": 172},
    "completion_tokens_details": {"reasoning_tokens": 65},
}

#: Reasoning, content with CJK, Cyrillic, emoji and U+2028/U+2029, then two streamed calls.
CHUNKS: list[dict[str, Any]] = [
    chunk(reasoning="用户想知道"),
    chunk(reasoning="天气\u2028and time."),
    chunk("佛罗伦萨和罗马的天气\uff1a"),
    chunk("line\u2028next\u2029para — привет 🌤"),
    chunk(
        tool_calls=[
            {
                "id": "call_3532c842716b4c72a7dd7498",
                "index": 0,
                "type": "function",
                "function": {"name": "weather", "arguments": '{"location":'},
            }
        ]
    ),
    chunk(tool_calls=[{"index": 0, "function": {"arguments": '"佛罗伦萨"}'}}]),
    chunk(
        tool_calls=[
            {
                "id": "call_3532c842716b4c72a7dd7499",
                "index": 1,
                "type": "function",
                "function": {"name": "clock", "arguments": '{"city":"Рим\u2028"}'},
            }
        ]
    ),
    chunk("", finish_reason="tool_calls", usage=USAGE),
]
BODY = sse_body(*CHUNKS)


def _reference() -> dict[str, Any]:
    acc = StreamAccumulator()
    for c in CHUNKS:
        acc.add(c)
    return acc.response()


EXPECTED = _reference()


def _pieces(cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(set(cuts)), len(BODY)]
    return [BODY[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _streamed(pieces: list[bytes], mode: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    server = FakeServer(raw_reply(200, pieces))
    chunks, acc = asyncio.run(consume(server.client(), mode))
    assert len(server.requests) == 1
    assert server.streams[0].closed
    return chunks, acc.response()


def test_reference_is_real_shaped() -> None:
    message = EXPECTED["choices"][0]["message"]
    assert message["content"].startswith("佛罗伦萨") and "\u2028" in message["content"]
    assert [c["function"]["name"] for c in message["tool_calls"]] == ["weather", "clock"]
    assert message["tool_calls"][0]["function"]["arguments"] == '{"location":"佛罗伦萨"}'
    assert "\u2028".encode() in BODY  # raw on the wire, not escaped


cut_points = st.lists(st.integers(min_value=1, max_value=len(BODY) - 1), max_size=60)


@settings(max_examples=60, deadline=None, database=None)
@given(cuts=cut_points, mode=st.sampled_from(["sync", "async"]))
@example(cuts=list(range(1, len(BODY))), mode="sync")
@example(cuts=list(range(1, len(BODY))), mode="async")
@example(cuts=[], mode="sync")
def test_any_byte_split_gives_same_answer(cuts: list[int], mode: str) -> None:
    chunks, response = _streamed(_pieces(cuts), mode)
    assert chunks == CHUNKS
    assert response == EXPECTED
