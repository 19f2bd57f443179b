"""Tables for every pure conversion in ``llama_index_zai._convert``."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    AudioBlock,
    CacheControl,
    CachePoint,
    ChatMessage,
    ChatResponse,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.llms.llm import ToolSelection
from pydantic import BaseModel

from llama_index_zai._convert import (
    _START,
    _add_json_instruction,
    _convert_chunk_to_chat_response,
    _convert_dict_to_message,
    _convert_message_to_dict,
    _convert_response_to_chat_response,
    _convert_tool_to_dict,
    _keep_first_tool_call,
    _parse_structured,
    _tool_selections_from_message,
)
from tests.unit.core.fakes import chunk, completion
from zai_core import StreamAccumulator

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
ADD_CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "add", "arguments": '{"a":2}'},
}


def _user(*blocks: Any) -> ChatMessage:
    return ChatMessage(role=MessageRole.USER, blocks=list(blocks))


# --------------------------------------------------------------------- ChatMessage -> wire

MESSAGE_CASES = [
    pytest.param(
        ChatMessage(role="system", content="Be brief."),
        {"role": "system", "content": "Be brief."},
        id="system",
    ),
    pytest.param(
        ChatMessage(role="developer", content="Be brief."),
        {"role": "system", "content": "Be brief."},
        id="developer-as-system",
    ),
    pytest.param(
        ChatMessage(role="user", content="Hi"), {"role": "user", "content": "Hi"}, id="user-text"
    ),
    pytest.param(
        _user(TextBlock(text="a"), TextBlock(text="b")),
        {"role": "user", "content": "a\nb"},
        id="user-two-texts-joined",
    ),
    pytest.param(
        _user(TextBlock(text="What is this?"), ImageBlock(url="https://example.com/cat.png")),
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
            ],
        },
        id="user-image-url",
    ),
    pytest.param(
        _user(ImageBlock(image=PNG)),
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": PNG_URL}}]},
        id="user-image-bytes",
    ),
    pytest.param(
        _user(TextBlock(text="x"), CachePoint(cache_control=CacheControl(type="ephemeral"))),
        {"role": "user", "content": "x"},
        id="cache-point-ignored",
    ),
    pytest.param(
        ChatMessage(role="assistant", content="Hello"),
        {"role": "assistant", "content": "Hello"},
        id="assistant-text",
    ),
    pytest.param(
        ChatMessage(
            role="assistant",
            blocks=[ThinkingBlock(content="Let me think."), TextBlock(text="323")],
        ),
        {"role": "assistant", "content": "323", "reasoning_content": "Let me think."},
        id="assistant-thinking-sent-back",
    ),
    pytest.param(
        ChatMessage(
            role="assistant",
            content="323",
            additional_kwargs={"reasoning_content": "legacy reasoning"},
        ),
        {"role": "assistant", "content": "323", "reasoning_content": "legacy reasoning"},
        id="assistant-legacy-reasoning",
    ),
    pytest.param(
        ChatMessage(
            role="assistant",
            blocks=[
                ThinkingBlock(content="Need add."),
                TextBlock(text=""),
                ToolCallBlock(tool_call_id="call_1", tool_name="add", tool_kwargs={"a": 2}),
                ToolCallBlock(tool_call_id="call_2", tool_name="mul", tool_kwargs='{"b":3}'),
            ],
            # our own responses carry both: the blocks win, nothing is sent twice
            additional_kwargs={"tool_calls": [ADD_CALL]},
        ),
        {
            "role": "assistant",
            "content": "",
            "reasoning_content": "Need add.",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "add", "arguments": '{"a":2}'},
                },
                {
                    "id": "call_2",
                    "type": "function",
                    "function": {"name": "mul", "arguments": '{"b":3}'},
                },
            ],
        },
        id="assistant-tool-call-blocks",
    ),
    pytest.param(
        ChatMessage(role="assistant", content="", additional_kwargs={"tool_calls": [ADD_CALL]}),
        {"role": "assistant", "content": "", "tool_calls": [ADD_CALL]},
        id="assistant-legacy-tool-calls-dict",
    ),
    pytest.param(
        ChatMessage(
            role="assistant",
            content="",
            additional_kwargs={
                "tool_calls": [
                    SimpleNamespace(
                        id="call_9",
                        type="function",
                        function=SimpleNamespace(name="add", arguments='{"a":1}'),
                    )
                ]
            },
        ),
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "call_9",
                    "type": "function",
                    "function": {"name": "add", "arguments": '{"a":1}'},
                }
            ],
        },
        id="assistant-legacy-tool-calls-sdk-object",
    ),
    pytest.param(
        ChatMessage(role="tool", content="5", additional_kwargs={"tool_call_id": "call_1"}),
        {"role": "tool", "content": "5", "tool_call_id": "call_1"},
        id="tool-result",
    ),
    pytest.param(
        ChatMessage(
            role="tool",
            blocks=[TextBlock(text="a"), TextBlock(text="b")],
            additional_kwargs={"tool_call_id": "c"},
        ),
        {"role": "tool", "content": "a\nb", "tool_call_id": "c"},
        id="tool-result-flattened",
    ),
    pytest.param(
        ChatMessage(role="chatbot", content="hi"),
        {"role": "assistant", "content": "hi"},
        id="chatbot-as-assistant",
    ),
]


@pytest.mark.parametrize(("message", "expected"), MESSAGE_CASES)
def test_convert_message_to_dict(message: ChatMessage, expected: dict[str, Any]) -> None:
    before = message.model_copy(deep=True)
    assert _convert_message_to_dict(message) == expected
    assert message == before  # inputs are never mutated


def test_convert_image_path(tmp_path: Path) -> None:
    path = tmp_path / "dot.png"
    path.write_bytes(PNG)
    out = _convert_message_to_dict(_user(TextBlock(text="see"), ImageBlock(path=path)))
    assert out["content"][1] == {"type": "image_url", "image_url": {"url": PNG_URL}}


ERROR_CASES = [
    pytest.param(ChatMessage(role="function", content="x"), "no 'function' role", id="function"),
    pytest.param(ChatMessage(role="tool", content="5"), "tool_call_id", id="tool-without-id"),
    pytest.param(_user(AudioBlock(audio=b"RIFF0000")), "no audio input", id="audio"),
    pytest.param(
        ChatMessage(role="system", blocks=[ImageBlock(url="https://e.com/a.png")]),
        "system message can only carry text",
        id="image-in-system",
    ),
]


@pytest.mark.parametrize(("message", "match"), ERROR_CASES)
def test_convert_message_errors(message: ChatMessage, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _convert_message_to_dict(message)


# --------------------------------------------------------------------- wire -> ChatMessage

DICT_CASES = [
    pytest.param(
        {"role": "assistant", "content": "Hi"},
        [TextBlock(text="Hi")],
        {},
        id="text",
    ),
    pytest.param(
        {"role": "assistant", "content": None},
        [TextBlock(text="")],
        {},
        id="null-content",
    ),
    pytest.param(
        {"role": "assistant", "content": "4", "reasoning_content": "2+2"},
        [ThinkingBlock(content="2+2", num_tokens=7), TextBlock(text="4")],
        {},
        id="reasoning",
    ),
    pytest.param(
        {"role": "assistant", "content": "", "tool_calls": [ADD_CALL]},
        [
            TextBlock(text=""),
            ToolCallBlock(tool_call_id="call_1", tool_name="add", tool_kwargs={"a": 2}),
        ],
        {"tool_calls": [ADD_CALL]},
        id="tool-call-parsed",
    ),
    pytest.param(
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "null"}}
            ],
        },
        [TextBlock(text=""), ToolCallBlock(tool_call_id="c", tool_name="f", tool_kwargs={})],
        {
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "null"}}
            ]
        },
        id="null-arguments",
    ),
    pytest.param(
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"a": 1'}}
            ],
        },
        [TextBlock(text=""), ToolCallBlock(tool_call_id="c", tool_name="f", tool_kwargs='{"a": 1')],
        {
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"a": 1'}}
            ]
        },
        id="partial-arguments-kept-as-text",
    ),
    pytest.param(
        {
            "role": "assistant",
            "content": "Found it.",
            "tool_calls": [
                {"id": "w", "type": "web_search", "function": {"name": "", "arguments": ""}}
            ],
        },
        [TextBlock(text="Found it.")],
        {
            "tool_calls": [
                {"id": "w", "type": "web_search", "function": {"name": "", "arguments": ""}}
            ]
        },
        id="built-in-call-not-a-block",
    ),
]


@pytest.mark.parametrize(("wire", "blocks", "kwargs"), DICT_CASES)
def test_convert_dict_to_message(
    wire: dict[str, Any], blocks: list[Any], kwargs: dict[str, Any]
) -> None:
    before = copy.deepcopy(wire)
    message = _convert_dict_to_message(wire, reasoning_tokens=7)
    assert message.role == MessageRole.ASSISTANT
    assert message.blocks == blocks
    assert message.additional_kwargs == kwargs
    assert wire == before


def test_round_trip_sends_reasoning_and_calls_back() -> None:
    wire = {"role": "assistant", "content": "", "reasoning_content": "r", "tool_calls": [ADD_CALL]}
    back = _convert_message_to_dict(_convert_dict_to_message(wire))
    assert back == {
        "role": "assistant",
        "content": "",
        "reasoning_content": "r",
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "add", "arguments": '{"a":2}'},
            }
        ],
    }


USAGE_FULL = {
    "prompt_tokens": 279,
    "completion_tokens": 131,
    "total_tokens": 410,
    "prompt_tokens_details": {"cached_tokens": 43},
    "completion_tokens_details": {"reasoning_tokens": 82},
}


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        pytest.param(
            USAGE_FULL,
            {
                "prompt_tokens": 279,
                "completion_tokens": 131,
                "total_tokens": 410,
                "cached_tokens": 43,
                "reasoning_tokens": 82,
            },
            id="cached-and-reasoning",
        ),
        pytest.param(
            {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
            {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
            id="no-details",
        ),
        pytest.param(None, {}, id="no-usage"),
    ],
)
def test_convert_response_usage(usage: dict[str, Any] | None, expected: dict[str, Any]) -> None:
    body = completion("Hi!")
    if usage is None:
        del body["usage"]
    else:
        body["usage"] = usage
    response = _convert_response_to_chat_response(body)
    assert response.additional_kwargs == {**expected, "finish_reason": "stop"}
    assert response.raw is body
    assert response.message.content == "Hi!"


def test_convert_response_web_search_and_reasoning_tokens() -> None:
    body = completion("Answer")
    body["choices"][0]["message"]["reasoning_content"] = "why"
    body["usage"] = USAGE_FULL
    body["web_search"] = [{"title": "t", "link": "https://e.com"}]
    response = _convert_response_to_chat_response(body)
    assert response.additional_kwargs["web_search"] == body["web_search"]
    assert response.message.blocks[0] == ThinkingBlock(content="why", num_tokens=82)


# --------------------------------------------------------------------- streamed chunks


def _run(chunks: list[dict[str, Any]]) -> list[ChatResponse]:
    accumulator, state, out = StreamAccumulator(), _START, []
    for c in chunks:
        accumulator.add(c)
        response, state = _convert_chunk_to_chat_response(c, accumulator, state)
        out.append(response)
    return out


USAGE_CHUNK = {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15}
CALL_A = {
    "id": "call_a",
    "index": 0,
    "type": "function",
    "function": {"name": "add", "arguments": '{"a":2,"b":3}'},
}
CALL_B = {
    "id": "call_b",
    "index": 1,
    "type": "function",
    "function": {"name": "mul", "arguments": '{"a":4,"b":5}'},
}


def test_stream_reasoning_then_text() -> None:
    chunks = [
        chunk(reasoning="Let me"),  # a reasoning-only first chunk is not dropped
        chunk(reasoning=" think."),
        chunk("Hel"),
        chunk("lo"),
        chunk("", finish_reason="stop", usage=USAGE_FULL),
    ]
    out = _run(chunks)
    assert len(out) == len(chunks)
    assert [r.additional_kwargs.get("thinking_delta") for r in out] == [
        "Let me",
        " think.",
        None,
        None,
        None,
    ]
    assert [r.delta for r in out] == ["", "", "Hel", "lo", ""]
    assert out[0].message.blocks == [ThinkingBlock(content="Let me"), TextBlock(text="")]
    assert out[3].message.blocks == [
        ThinkingBlock(content="Let me think."),
        TextBlock(text="Hello"),
    ]
    assert out[3].message.content == "Hello"
    assert all(r.raw is c for r, c in zip(out, chunks, strict=True))
    assert "prompt_tokens" not in out[3].additional_kwargs  # usage only where it arrives
    assert out[-1].additional_kwargs["reasoning_tokens"] == 82
    assert out[-1].additional_kwargs["cached_tokens"] == 43
    assert out[-1].additional_kwargs["finish_reason"] == "stop"


def test_stream_final_equals_non_stream_conversion() -> None:
    chunks = [
        chunk(reasoning="r"),
        chunk("4"),
        chunk(tool_calls=[CALL_A]),
        chunk("", finish_reason="tool_calls", usage=USAGE_FULL),
    ]
    final = _run(chunks)[-1]
    accumulator = StreamAccumulator()
    for c in chunks:
        accumulator.add(c)
    whole = _convert_response_to_chat_response(accumulator.response())
    assert final.message == whole.message
    assert final.additional_kwargs == whole.additional_kwargs


def test_stream_parallel_tool_calls_whole() -> None:
    out = _run(
        [
            chunk(reasoning="two calls"),
            chunk(tool_calls=[CALL_A]),
            chunk(tool_calls=[CALL_B]),
            chunk("", finish_reason="tool_calls", usage=USAGE_CHUNK),
        ]
    )
    assert _tool_selections_from_message(out[0].message) == []
    assert [s.tool_name for s in _tool_selections_from_message(out[1].message)] == ["add"]
    final = _tool_selections_from_message(out[-1].message)
    assert final == [
        ToolSelection(tool_id="call_a", tool_name="add", tool_kwargs={"a": 2, "b": 3}),
        ToolSelection(tool_id="call_b", tool_name="mul", tool_kwargs={"a": 4, "b": 5}),
    ]
    assert [c["id"] for c in out[-1].message.additional_kwargs["tool_calls"]] == [
        "call_a",
        "call_b",
    ]


def test_stream_several_calls_in_one_delta() -> None:
    out = _run([chunk(tool_calls=[CALL_A, CALL_B]), chunk("", finish_reason="tool_calls")])
    assert [s.tool_name for s in _tool_selections_from_message(out[0].message)] == ["add", "mul"]


def test_stream_fragmented_tool_stream_arguments() -> None:
    head_a = {**CALL_A, "function": {"name": "add", "arguments": ""}}
    head_b = {**CALL_B, "function": {"name": "mul", "arguments": ""}}
    pieces = [
        chunk(tool_calls=[head_a]),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"a":2,'}}]),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '"b":3}'}}]),
        chunk(tool_calls=[head_b]),
        chunk(tool_calls=[{"index": 1, "function": {"arguments": None}}]),
        chunk(tool_calls=[{"index": 1, "function": {"arguments": '{"a":4,"b":5}'}}]),
        chunk("", finish_reason="tool_calls"),
    ]
    out = _run(pieces)
    partial = _tool_selections_from_message(out[1].message)
    assert partial == [ToolSelection(tool_id="call_a", tool_name="add", tool_kwargs={"a": 2})]
    assert out[1].message.blocks[-1].tool_kwargs == '{"a":2,'
    assert _tool_selections_from_message(out[-1].message) == [
        ToolSelection(tool_id="call_a", tool_name="add", tool_kwargs={"a": 2, "b": 3}),
        ToolSelection(tool_id="call_b", tool_name="mul", tool_kwargs={"a": 4, "b": 5}),
    ]


def test_stream_usage_chunk_after_finish_keeps_the_answer() -> None:
    usage_only = {"id": "x", "object": "chat.completion.chunk", "choices": [], "usage": USAGE_CHUNK}
    out = _run([chunk("Hi"), chunk("!", finish_reason="stop"), usage_only])
    assert out[1].message.content == "Hi!"
    assert out[2].message.content == "Hi!"
    assert out[2].additional_kwargs["total_tokens"] == 15
    assert out[2].delta == ""


def test_stream_messages_never_share_additional_kwargs() -> None:
    out = _run([chunk(reasoning="r"), chunk("a"), chunk(tool_calls=[CALL_A]), chunk("b")])
    dicts = [r.message.additional_kwargs for r in out] + [r.additional_kwargs for r in out]
    assert len({id(d) for d in dicts}) == len(dicts)
    # what llama_index's stream_chat_to_completion does to each chunk leaves the others alone
    out[2].message.additional_kwargs.update(out[2].additional_kwargs)
    assert "thinking_delta" not in out[3].message.additional_kwargs


# --------------------------------------------------------------------- tool calls out


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(ChatMessage(role="assistant", content="no calls"), [], id="none"),
        pytest.param(
            ChatMessage(
                role="assistant",
                blocks=[
                    ToolCallBlock(tool_call_id="c", tool_name="f", tool_kwargs='{"a": 2, "b": 3')
                ],
            ),
            [ToolSelection(tool_id="c", tool_name="f", tool_kwargs={"a": 2, "b": 3})],
            id="partial-json",
        ),
        pytest.param(
            ChatMessage(
                role="assistant",
                blocks=[ToolCallBlock(tool_call_id="c", tool_name="f", tool_kwargs="{")],
            ),
            [ToolSelection(tool_id="c", tool_name="f", tool_kwargs={})],
            id="only-a-brace",
        ),
        pytest.param(
            ChatMessage(
                role="assistant",
                blocks=[ToolCallBlock(tool_call_id="c", tool_name="f", tool_kwargs='{"a": 2, "b"')],
            ),
            [ToolSelection(tool_id="c", tool_name="f", tool_kwargs={})],
            id="key-without-value-yet",
        ),
        pytest.param(
            ChatMessage(
                role="assistant",
                blocks=[ToolCallBlock(tool_call_id="c", tool_name="f", tool_kwargs="[1, 2]")],
            ),
            [ToolSelection(tool_id="c", tool_name="f", tool_kwargs={})],
            id="not-an-object",
        ),
        pytest.param(
            ChatMessage(
                role="assistant",
                blocks=[ToolCallBlock(tool_call_id="c", tool_name="", tool_kwargs="")],
            ),
            [],
            id="name-not-arrived-yet",
        ),
        pytest.param(
            ChatMessage(role="assistant", content="", additional_kwargs={"tool_calls": [ADD_CALL]}),
            [ToolSelection(tool_id="call_1", tool_name="add", tool_kwargs={"a": 2})],
            id="legacy",
        ),
        pytest.param(
            ChatMessage(
                role="assistant",
                content="",
                additional_kwargs={"tool_calls": [{"id": "w", "type": "web_search"}]},
            ),
            [],
            id="legacy-built-in-skipped",
        ),
    ],
)
def test_tool_selections(message: ChatMessage, expected: list[ToolSelection]) -> None:
    assert _tool_selections_from_message(message) == expected


def test_keep_first_tool_call_copies() -> None:
    response = _convert_response_to_chat_response(
        {
            "choices": [
                {
                    "finish_reason": "tool_calls",
                    "message": {"role": "assistant", "content": "", "tool_calls": [CALL_A, CALL_B]},
                }
            ]
        }
    )
    single = _keep_first_tool_call(response)
    assert [s.tool_name for s in _tool_selections_from_message(single.message)] == ["add"]
    assert [c["id"] for c in single.message.additional_kwargs["tool_calls"]] == ["call_a"]
    assert len(_tool_selections_from_message(response.message)) == 2  # input untouched


# --------------------------------------------------------------------- tool specs and choice

FN_TOOLS = [
    {"type": "function", "function": {"name": "add", "parameters": {}}},
    {"type": "function", "function": {"name": "mul", "parameters": {}}},
]
WEB = {"type": "web_search", "web_search": {"search_result": True}}


# The tool_choice mapping is shared: tests/unit/core/test_chat_rules.py.


def test_convert_tool_to_dict() -> None:
    from llama_index.core.tools import FunctionTool

    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    spec = _convert_tool_to_dict(FunctionTool.from_defaults(fn=add))
    assert spec["type"] == "function"
    assert spec["function"]["name"] == "add"
    assert set(spec["function"]["parameters"]["properties"]) == {"a", "b"}
    assert "strict" not in spec["function"]
    assert _convert_tool_to_dict(WEB) == WEB and _convert_tool_to_dict(WEB) is not WEB


# --------------------------------------------------------------------- structured output


class Person(BaseModel):
    name: str
    age: int


SCHEMA = Person.model_json_schema()


def test_add_json_instruction_new_system_message() -> None:
    messages = [ChatMessage(role="user", content="Alice, 30")]
    out = _add_json_instruction(messages, SCHEMA)
    assert [m.role for m in out] == [MessageRole.SYSTEM, MessageRole.USER]
    assert json.dumps(SCHEMA) in (out[0].content or "")
    assert len(messages) == 1


def test_add_json_instruction_extends_system_message() -> None:
    messages = [
        ChatMessage(role="system", content="Be exact."),
        ChatMessage(role="user", content="x"),
    ]
    out = _add_json_instruction(messages, SCHEMA)
    assert len(out) == 2
    assert (out[0].content or "").startswith("Be exact.\n\nAnswer with one JSON object")
    assert messages[0].content == "Be exact."


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "Alice", "age": 30}',
        '```json\n{"name": "Alice", "age": 30}\n```',
        'Here it is: {"name": "Alice", "age": 30} Done.',
    ],
)
def test_parse_structured(text: str) -> None:
    assert _parse_structured(text, Person) == Person(name="Alice", age=30)


@pytest.mark.parametrize("text", ['{"name": "Alice"}', "no json here", None])
def test_parse_structured_errors(text: str | None) -> None:
    with pytest.raises(ValueError, match="not a valid Person"):
        _parse_structured(text, Person)


def test_fast_path_matches_validated_objects() -> None:
    """The streaming fast path builds exactly what the validated constructors build."""
    from llama_index.core.base.llms.types import ChatResponse as _Response
    from llama_index.core.base.llms.types import TextBlock as _Text

    from llama_index_zai._convert import (
        _FAST_MESSAGE,
        _FAST_RESPONSE,
        _chat_response,
        _new_assistant_message,
    )

    assert _FAST_MESSAGE and _FAST_RESPONSE, "LlamaIndex's fields changed: fast path fell back"
    blocks = [_Text(text="hi")]
    kwargs = {"tool_calls": [{"id": "c1"}]}
    fast = _new_assistant_message(list(blocks), dict(kwargs))
    slow = ChatMessage(role=MessageRole.ASSISTANT, blocks=list(blocks), additional_kwargs=kwargs)
    assert fast == slow
    assert fast.model_dump() == slow.model_dump()
    assert fast.content == "hi"
    assert fast.model_copy(update={"additional_kwargs": {}}).additional_kwargs == {}
    raw = {"id": "x"}
    fast_response = _chat_response(fast, raw, "hi", {"thinking_delta": "t"})
    slow_response = _Response(
        message=slow, raw=raw, delta="hi", additional_kwargs={"thinking_delta": "t"}
    )
    assert fast_response == slow_response
    assert fast_response.model_dump() == slow_response.model_dump()
    assert str(fast_response) == str(slow_response)
