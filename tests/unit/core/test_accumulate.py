"""``StreamAccumulator`` and ``parse_usage`` on chunk shapes taken from real Z.ai streams.

The literal chunks below keep the exact shape of the recorded glm-4.7-flash exchanges in
``reference/real-exchanges`` (fantasy ``multi_tool``, ``tool_streaming`` and
``thinking-streaming``): every text delta repeats ``"role": "assistant"``, tool-call deltas
carry no role, non-final chunks have no ``finish_reason`` key, and the final chunk carries
``finish_reason`` and ``usage`` together.
"""

from __future__ import annotations

from typing import Any

import pytest

from zai_core import StreamAccumulator, Usage, parse_usage

ID = "202603130505331e1698c2b13a4e98"
HEAD: dict[str, Any] = {
    "id": ID,
    "created": 1773349533,
    "object": "chat.completion.chunk",
    "model": "glm-4.7-flash",
}
USAGE = {
    "prompt_tokens": 173,
    "completion_tokens": 87,
    "total_tokens": 260,
    "prompt_tokens_details": {"cached_tokens": 172},
    "completion_tokens_details": {"reasoning_tokens": 63},
}


def _c(delta: dict[str, Any], **choice: Any) -> dict[str, Any]:
    return {**HEAD, "choices": [{"index": 0, **choice, "delta": delta}]}


def _text(kind: str, text: str) -> dict[str, Any]:
    return _c({"role": "assistant", kind: text})


def _finish(reason: str, usage: dict[str, Any] | None = USAGE) -> dict[str, Any]:
    out = _c({"role": "assistant", "content": ""}, finish_reason=reason)
    if usage is not None:
        out["usage"] = usage
    return out


def _calls(*calls: dict[str, Any]) -> dict[str, Any]:
    return _c({"tool_calls": list(calls)})


# thinking-streaming.yaml: reasoning deltas, then content deltas, then one whole tool call.
THINKING_STREAM = [
    _text("reasoning_content", "The"),
    _text("reasoning_content", " user is asking"),
    _text("reasoning_content", " about Florence."),
    _text("content", "I"),
    _text("content", "'ll check the weather."),
    _calls(
        {
            "id": "call_330c741a86144cb7a385bc6d",
            "index": 0,
            "type": "function",
            "function": {"name": "weather", "arguments": '{"location":"Florence"}'},
        }
    ),
    _finish("tool_calls"),
]

# multi_tool.yaml, streamed: two parallel calls, each whole in its own delta.
MULTI_TOOL_STREAM = [
    _text("reasoning_content", "Call both at the same time."),
    _text("content", "I'll add and multiply 2 and 3 at the same time as requested."),
    _calls(
        {
            "id": "call_4f8cb52342424eb9bbc1b20e",
            "index": 0,
            "type": "function",
            "function": {"name": "add", "arguments": '{"a":2,"b":3}'},
        }
    ),
    _calls(
        {
            "id": "call_4f8cb52342424eb9bbc1b20f",
            "index": 1,
            "type": "function",
            "function": {"name": "multiply", "arguments": '{"a":2,"b":3}'},
        }
    ),
    _finish("tool_calls"),
]

# multi_tool.yaml's non-streamed message for the same answer (ids as streamed above).
MULTI_TOOL_MESSAGE = {
    "role": "assistant",
    "content": "I'll add and multiply 2 and 3 at the same time as requested.",
    "reasoning_content": "Call both at the same time.",
    "tool_calls": [
        {
            "id": "call_4f8cb52342424eb9bbc1b20e",
            "index": 0,
            "type": "function",
            "function": {"name": "add", "arguments": '{"a":2,"b":3}'},
        },
        {
            "id": "call_4f8cb52342424eb9bbc1b20f",
            "index": 1,
            "type": "function",
            "function": {"name": "multiply", "arguments": '{"a":2,"b":3}'},
        },
    ],
}

# tool_stream=True: first delta has id + name, later ones only index + argument fragments.
TOOL_STREAM = [
    _text("reasoning_content", "Weather for two cities."),
    _calls(
        {
            "id": "call_a",
            "index": 0,
            "type": "function",
            "function": {"name": "weather", "arguments": ""},
        }
    ),
    _calls({"index": 0, "function": {"arguments": '{"loca'}}),
    _calls({"index": 0, "function": {"arguments": None}}),
    _calls({"index": 0, "function": {"arguments": 'tion":"Flor'}}),
    # Repeated id / name / type on a continuation: not duplicated.
    _calls(
        {
            "id": "call_a",
            "index": 0,
            "type": "function",
            "function": {"name": "weather", "arguments": 'ence"}'},
        }
    ),
    _calls(
        {
            "id": "call_b",
            "index": 1,
            "type": "function",
            "function": {"name": "weather", "arguments": None},
        }
    ),
    _calls({"index": 1, "function": {}}),
    _calls({"index": 1, "function": {"arguments": '{"location":'}}),
    # No index: continues the last call.
    _calls({"function": {"arguments": '"Rome"}'}}),
    _finish("tool_calls"),
]


def fold(chunks: list[dict[str, Any]]) -> StreamAccumulator:
    acc = StreamAccumulator()
    for c in chunks:
        acc.add(c)
    return acc


def test_thinking_stream() -> None:
    acc = fold(THINKING_STREAM)
    assert acc.reasoning == "The user is asking about Florence."
    assert acc.content == "I'll check the weather."
    assert acc.finish_reason == "tool_calls"
    assert acc.usage == USAGE
    assert (acc.id, acc.model, acc.created, acc.request_id) == (ID, "glm-4.7-flash", 1773349533, ID)
    assert acc.wire_tool_calls() == [
        {
            "id": "call_330c741a86144cb7a385bc6d",
            "index": 0,
            "type": "function",
            "function": {"name": "weather", "arguments": '{"location":"Florence"}'},
        }
    ]


def test_parallel_tool_calls_match_non_streamed_message() -> None:
    acc = fold(MULTI_TOOL_STREAM)
    assert acc.message() == MULTI_TOOL_MESSAGE
    response = acc.response()
    assert response["object"] == "chat.completion"
    assert response["choices"] == [
        {"index": 0, "finish_reason": "tool_calls", "message": MULTI_TOOL_MESSAGE}
    ]
    assert response["usage"] == USAGE


def test_tool_stream_fragments() -> None:
    acc = fold(TOOL_STREAM)
    calls = acc.wire_tool_calls()
    assert [(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("call_a", "weather", '{"location":"Florence"}'),
        ("call_b", "weather", '{"location":"Rome"}'),
    ]
    assert [c["index"] for c in calls] == [0, 1]
    assert acc.content == ""
    assert acc.message()["content"] == ""


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        pytest.param(
            [
                {"id": "x", "type": "function", "function": {"name": "a", "arguments": "{"}},
                {"id": "x", "function": {"arguments": "}"}},
            ],
            [("x", "a", "{}")],
            id="no-index-same-id",
        ),
        pytest.param(
            [
                {"id": "x", "function": {"name": "a", "arguments": "{}"}},
                {"id": "y", "function": {"name": "b", "arguments": "{}"}},
            ],
            [("x", "a", "{}"), ("y", "b", "{}")],
            id="no-index-new-id",
        ),
        pytest.param(
            [{"function": {"name": "a", "arguments": '{"k":'}}, {"function": {"arguments": "1}"}}],
            [("", "a", '{"k":1}')],
            id="no-index-no-id",
        ),
        pytest.param(
            [
                {"index": 0, "function": {"name": "a", "arguments": ""}},
                {"index": 0, "id": "late", "function": {"arguments": "{}"}},
            ],
            [("late", "a", "{}")],
            id="id-arrives-late",
        ),
        pytest.param(
            [{"index": 0, "id": "d", "function": {"name": "a", "arguments": {"k": "é"}}}],
            [("d", "a", '{"k": "é"}')],
            id="arguments-as-dict",
        ),
        pytest.param(
            [
                {"index": 1, "id": "second", "function": {"name": "b", "arguments": "{}"}},
                {"index": 0, "id": "first", "function": {"name": "a", "arguments": "{}"}},
            ],
            [("first", "a", "{}"), ("second", "b", "{}")],
            id="out-of-order-indexes",
        ),
    ],
)
def test_tool_call_merging(calls: list[dict[str, Any]], expected: list[tuple[str, ...]]) -> None:
    acc = fold([_calls(c) for c in calls])
    got = [
        (c["id"], c["function"]["name"], c["function"]["arguments"]) for c in acc.wire_tool_calls()
    ]
    assert got == expected


def test_chunks_without_choices_and_usage_only_chunk() -> None:
    acc = fold([_text("content", "Hi"), {**HEAD, "choices": [], "usage": USAGE}])
    assert acc.content == "Hi"
    assert acc.usage == USAGE
    assert acc.finish_reason is None


def test_add_returns_delta_and_does_not_mutate() -> None:
    chunk = _text("content", "Hi")
    snapshot = repr(chunk)
    acc = StreamAccumulator()
    assert acc.add(chunk) == {"role": "assistant", "content": "Hi"}
    assert acc.add({**HEAD, "choices": []}) == {}
    assert repr(chunk) == snapshot


def test_message_without_reasoning_or_tools() -> None:
    acc = fold([_text("content", "Hi"), _finish("stop", usage=None)])
    assert acc.message() == {"role": "assistant", "content": "Hi"}
    assert "usage" not in acc.response()


def test_web_search_kept() -> None:
    results = [{"title": "t", "link": "https://example.com", "content": "c"}]
    acc = fold([{**_text("content", "x"), "web_search": results}])
    assert acc.response()["web_search"] == results


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        pytest.param(
            USAGE,
            Usage(173, 87, 260, cached_tokens=172, reasoning_tokens=63),
            id="with-details",
        ),
        pytest.param(
            {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21},
            Usage(9, 12, 21),
            id="no-details",
        ),
        pytest.param(
            {"prompt_tokens": 4, "completion_tokens": 6},
            Usage(4, 6, 10),
            id="total-missing",
        ),
        pytest.param(
            {
                "prompt_tokens": 4,
                "completion_tokens": 6,
                "total_tokens": 10,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": None,
            },
            Usage(4, 6, 10, cached_tokens=0),
            id="zero-cache-null-details",
        ),
        pytest.param(None, None, id="none"),
        pytest.param({}, None, id="empty"),
    ],
)
def test_parse_usage(usage: dict[str, Any] | None, expected: Usage | None) -> None:
    assert parse_usage(usage) == expected


def test_usage_as_dict() -> None:
    assert Usage(1, 2, 3).as_dict() == {
        "prompt_tokens": 1,
        "completion_tokens": 2,
        "total_tokens": 3,
    }
    assert Usage(1, 2, 3, cached_tokens=0, reasoning_tokens=5).as_dict()["cached_tokens"] == 0
