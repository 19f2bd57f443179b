"""Tables for the pure wire conversion in ``langchain_zai._convert``."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from langchain_zai._convert import (
    _convert_chunk_to_message_chunk,
    _convert_dict_to_message,
    _convert_message_to_dict,
    _convert_messages_to_dicts,
    _create_chat_result,
    _create_usage_metadata,
    translate_content,
    translate_content_chunk,
)
from tests.unit.langchain.fakes import USAGE, chunk, completion, final
from zai_core import StreamAccumulator


def _convert_one(event: dict[str, Any], **kwargs: Any) -> AIMessageChunk | None:
    """One chunk, folded into a fresh accumulator first (as ``ChatStream`` does)."""
    accumulator = StreamAccumulator()
    accumulator.add(event)
    return _convert_chunk_to_message_chunk(event, accumulator, **kwargs)


B64 = "iVBORw0KGgo="
CALL = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}
WIRE_CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "add", "arguments": '{"a":1,"b":2}'},
}


def _image(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


# --------------------------------------------------------------------------- messages -> dicts

OUTBOUND = [
    pytest.param(HumanMessage("hi"), {"role": "user", "content": "hi"}, id="human-str"),
    pytest.param(
        HumanMessage([{"type": "text", "text": "a"}, "b", {"type": "text-plain", "text": "c"}]),
        {"role": "user", "content": "a\nb\nc"},  # the shared rule: parts join with "\n"
        id="human-text-blocks-flattened",
    ),
    pytest.param(
        HumanMessage([{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}]),
        {"role": "user", "content": "x"},
        id="human-text-extras-dropped",
    ),
    pytest.param(
        HumanMessage([{"type": "text", "text": "see"}, _image("https://e.x/a.png")]),
        {"role": "user", "content": [{"type": "text", "text": "see"}, _image("https://e.x/a.png")]},
        id="human-openai-image_url",
    ),
    pytest.param(
        HumanMessage([{"type": "image_url", "image_url": "https://e.x/a.png"}]),
        {"role": "user", "content": [_image("https://e.x/a.png")]},
        id="human-openai-image_url-string",
    ),
    pytest.param(
        HumanMessage([{"type": "image", "base64": B64, "mime_type": "image/png"}]),
        {"role": "user", "content": [_image(f"data:image/png;base64,{B64}")]},
        id="human-standard-image-base64",
    ),
    pytest.param(
        HumanMessage([{"type": "image", "url": "https://e.x/a.jpg"}]),
        {"role": "user", "content": [_image("https://e.x/a.jpg")]},
        id="human-standard-image-url",
    ),
    pytest.param(
        HumanMessage(
            [{"type": "image", "source_type": "base64", "data": B64, "mime_type": "image/jpeg"}]
        ),
        {"role": "user", "content": [_image(f"data:image/jpeg;base64,{B64}")]},
        id="human-legacy-v0-image",
    ),
    pytest.param(
        HumanMessage(
            [
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": B64},
                }
            ]
        ),
        {"role": "user", "content": [_image(f"data:image/png;base64,{B64}")]},
        id="human-anthropic-image",
    ),
    pytest.param(
        HumanMessage([{"type": "video", "url": "https://e.x/v.mp4"}]),
        {
            "role": "user",
            "content": [{"type": "video_url", "video_url": {"url": "https://e.x/v.mp4"}}],
        },
        id="human-standard-video-url",
    ),
    pytest.param(
        HumanMessage([{"type": "video_url", "video_url": {"url": "https://e.x/v.mp4"}}]),
        {
            "role": "user",
            "content": [{"type": "video_url", "video_url": {"url": "https://e.x/v.mp4"}}],
        },
        id="human-video_url-part",
    ),
    pytest.param(
        HumanMessage(
            [
                {
                    "type": "file",
                    "base64": B64,
                    "mime_type": "application/pdf",
                    "extras": {"filename": "a.pdf"},
                }
            ]
        ),
        {
            "role": "user",
            "content": [
                {
                    "type": "file",
                    "file": {
                        "file_data": f"data:application/pdf;base64,{B64}",
                        "filename": "a.pdf",
                    },
                }
            ],
        },
        id="human-standard-file-base64",
    ),
    pytest.param(
        HumanMessage([{"type": "file", "url": "https://e.x/a.pdf"}]),
        {"role": "user", "content": [{"type": "file", "file": {"file_url": "https://e.x/a.pdf"}}]},
        id="human-standard-file-url",
    ),
    pytest.param(
        HumanMessage([{"type": "file", "file_id": "file-1"}]),
        {"role": "user", "content": [{"type": "file", "file": {"file_id": "file-1"}}]},
        id="human-standard-file-id",
    ),
    pytest.param(
        HumanMessage(
            [{"type": "file", "file": {"filename": "a.pdf", "file_data": "data:x", "other": 1}}]
        ),
        {
            "role": "user",
            "content": [{"type": "file", "file": {"file_data": "data:x", "filename": "a.pdf"}}],
        },
        id="human-openai-file",
    ),
    pytest.param(
        HumanMessage("hello", name="example_user"),
        {"role": "user", "content": "hello"},
        id="human-name-dropped",
    ),
    pytest.param(
        SystemMessage([{"type": "text", "text": "be"}, {"type": "text", "text": "brief"}]),
        {"role": "system", "content": "be\nbrief"},
        id="system-list-flattened",
    ),
    pytest.param(
        AIMessage("", tool_calls=[CALL], additional_kwargs={"reasoning_content": "think"}),
        {
            "role": "assistant",
            "content": "",
            "reasoning_content": "think",
            "tool_calls": [WIRE_CALL],
        },
        id="ai-tool-calls-and-reasoning-sent-back",
    ),
    pytest.param(
        AIMessage(
            [
                {"type": "text", "text": "some text"},
                {"type": "tool_use", "id": "call_1", "name": "add", "input": {"a": 1, "b": 2}},
            ],
            tool_calls=[CALL],
        ),
        {"role": "assistant", "content": "some text", "tool_calls": [WIRE_CALL]},
        id="ai-list-content-flattened",
    ),
    pytest.param(
        AIMessage(
            [
                {"type": "reasoning", "reasoning": "step 1"},
                {"type": "text", "text": "answer"},
                {"type": "tool_call", "id": "call_1", "name": "add", "args": {}},
            ]
        ),
        {"role": "assistant", "content": "answer", "reasoning_content": "step 1"},
        id="ai-v1-reasoning-block-sent-back",
    ),
    pytest.param(
        AIMessage([{"type": "thinking", "thinking": "hmm", "signature": "s"}, "ok"]),
        {"role": "assistant", "content": "ok", "reasoning_content": "hmm"},
        id="ai-anthropic-thinking-sent-back",
    ),
    pytest.param(
        AIMessage(
            "",
            invalid_tool_calls=[
                {
                    "type": "invalid_tool_call",
                    "id": "c9",
                    "name": "add",
                    "args": "{bad",
                    "error": None,
                }
            ],
        ),
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "c9", "type": "function", "function": {"name": "add", "arguments": "{bad"}}
            ],
        },
        id="ai-invalid-tool-call-sent-as-is",
    ),
    pytest.param(
        AIMessage("", tool_calls=[{**CALL, "args": {"name": "你好"}}]),
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {**WIRE_CALL, "function": {"name": "add", "arguments": '{"name":"你好"}'}}
            ],
        },
        id="ai-unicode-args-not-escaped",
    ),
    pytest.param(
        ToolMessage("3", tool_call_id="call_1"),
        {"role": "tool", "content": "3", "tool_call_id": "call_1"},
        id="tool-str",
    ),
    pytest.param(
        ToolMessage([{"type": "text", "text": "result:"}, {"value": 3}], tool_call_id="call_1"),
        {"role": "tool", "content": 'result:\n{"value": 3}', "tool_call_id": "call_1"},
        id="tool-list-flattened",
    ),
    pytest.param(
        ChatMessage(content="hi", role="user"), {"role": "user", "content": "hi"}, id="chat-user"
    ),
    pytest.param(
        ChatMessage(content="sys", role="system"),
        {"role": "system", "content": "sys"},
        id="chat-system",
    ),
]


@pytest.mark.parametrize(("message", "expected"), OUTBOUND)
def test_convert_message_to_dict(message: BaseMessage, expected: dict[str, Any]) -> None:
    before = copy.deepcopy(message)
    assert _convert_message_to_dict(message) == expected
    assert message == before  # inputs are never mutated


OUTBOUND_ERRORS = [
    pytest.param(
        HumanMessage([{"type": "audio", "base64": B64, "mime_type": "audio/wav"}]),
        "no audio input",
        id="audio",
    ),
    pytest.param(
        HumanMessage([{"type": "input_audio", "input_audio": {"data": B64, "format": "wav"}}]),
        "no audio input",
        id="input_audio",
    ),
    pytest.param(HumanMessage([{"type": "tool_use", "id": "x"}]), "tool_use", id="unknown-type"),
    pytest.param(
        HumanMessage([{"type": "image", "file_id": "f1"}]), "file ids", id="image-file-id"
    ),
    pytest.param(HumanMessage([{"type": "image", "base64": B64}]), "mime_type", id="image-no-mime"),
    pytest.param(
        HumanMessage([_image("https://e.x/a.png"), {"type": "file", "url": "https://e.x/a.pdf"}]),
        "together with images",
        id="file-mixed-with-image",
    ),
    pytest.param(ChatMessage(content="x", role="critic"), "no message role", id="chat-role"),
    pytest.param(FunctionMessage(content="x", name="f"), "FunctionMessage", id="function"),
]


@pytest.mark.parametrize(("message", "match"), OUTBOUND_ERRORS)
def test_convert_message_to_dict_errors(message: BaseMessage, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _convert_message_to_dict(message)


def test_tool_media_go_in_a_user_message_after_the_tool_results() -> None:
    image = {"type": "image", "base64": B64, "mime_type": "image/png"}
    messages = [
        HumanMessage("describe both"),
        AIMessage("", tool_calls=[CALL, {**CALL, "id": "call_2"}]),
        ToolMessage([{"type": "text", "text": "first"}, image], tool_call_id="call_1"),
        ToolMessage([image], tool_call_id="call_2"),
        HumanMessage("thanks"),
    ]
    before = copy.deepcopy(messages)
    out = _convert_messages_to_dicts(messages)
    assert messages == before
    assert [m["role"] for m in out] == ["user", "assistant", "tool", "tool", "user", "user"]
    assert out[2]["content"] == "first\n[1 attachment(s) follow in the next user message]"
    assert out[3]["content"] == "[1 attachment(s) follow in the next user message]"
    assert out[4]["content"] == [
        {"type": "text", "text": "Attachments from tool call call_1:"},
        _image(f"data:image/png;base64,{B64}"),
        {"type": "text", "text": "Attachments from tool call call_2:"},
        _image(f"data:image/png;base64,{B64}"),
    ]
    assert out[5] == {"role": "user", "content": "thanks"}


def test_tool_media_at_the_end_of_the_history() -> None:
    out = _convert_messages_to_dicts(
        [
            HumanMessage("get a pdf"),
            AIMessage("", tool_calls=[CALL]),
            ToolMessage([{"type": "file", "url": "https://e.x/a.pdf"}], tool_call_id="call_1"),
        ]
    )
    assert out[-1]["role"] == "user"
    assert out[-1]["content"][-1] == {"type": "file", "file": {"file_url": "https://e.x/a.pdf"}}


# --------------------------------------------------------------------------- dicts -> messages

INBOUND = [
    pytest.param(
        {"role": "assistant", "content": "hi"},
        {"content": "hi", "tool_calls": [], "invalid": [], "kwargs": {}},
        id="plain",
    ),
    pytest.param(
        {"role": "assistant", "content": None, "reasoning_content": "think"},
        {"content": "", "tool_calls": [], "invalid": [], "kwargs": {"reasoning_content": "think"}},
        id="reasoning-content-none",
    ),
    pytest.param(
        {"role": "assistant", "content": "", "tool_calls": [{**WIRE_CALL, "index": 0}]},
        {
            "content": "",
            "tool_calls": [("add", {"a": 1, "b": 2}, "call_1")],
            "invalid": [],
            "kwargs": {},
        },
        id="tool-call",
    ),
    pytest.param(
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{bad"}}
            ],
        },
        {"content": "", "tool_calls": [], "invalid": [("f", "{bad", "c")], "kwargs": {}},
        id="bad-json-is-invalid-not-raised",
    ),
    pytest.param(
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "[1]"}}
            ],
        },
        {"content": "", "tool_calls": [], "invalid": [("f", "[1]", "c")], "kwargs": {}},
        id="non-object-args-invalid",
    ),
    pytest.param(
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "a", "function": {"name": "f", "arguments": "null"}},
                {"id": "b", "function": {"name": "g", "arguments": ""}},
                {"id": "c", "function": {"name": "h", "arguments": {"x": 1}}},
            ],
        },
        {
            "content": "",
            "tool_calls": [("f", {}, "a"), ("g", {}, "b"), ("h", {"x": 1}, "c")],
            "invalid": [],
            "kwargs": {},
        },
        id="null-empty-and-dict-args",
    ),
    pytest.param(
        {
            "role": "assistant",
            "content": "found",
            "tool_calls": [{"id": "w", "type": "web_search", "web_search": {"query": "q"}}],
        },
        {
            "content": "found",
            "tool_calls": [],
            "invalid": [],
            "kwargs": {
                "server_tool_calls": [
                    {"id": "w", "type": "web_search", "web_search": {"query": "q"}}
                ]
            },
        },
        id="built-in-tool-call-kept-aside",
    ),
]


@pytest.mark.parametrize(("wire", "expected"), INBOUND)
def test_convert_dict_to_message(wire: dict[str, Any], expected: dict[str, Any]) -> None:
    before = copy.deepcopy(wire)
    message = _convert_dict_to_message(wire)
    assert wire == before
    assert message.content == expected["content"]
    assert message.additional_kwargs == expected["kwargs"]
    assert [(c["name"], c["args"], c["id"]) for c in message.tool_calls] == expected["tool_calls"]
    assert [(c["name"], c["args"], c["id"]) for c in message.invalid_tool_calls] == expected[
        "invalid"
    ]
    assert all(c["error"] for c in message.invalid_tool_calls)


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        pytest.param(
            USAGE,
            {
                "input_tokens": 20,
                "output_tokens": 30,
                "total_tokens": 50,
                "input_token_details": {"cache_read": 5},
                "output_token_details": {"reasoning": 12},
            },
            id="with-details",
        ),
        pytest.param(
            {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
            {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
            id="non-thinking-model-no-details",
        ),
        pytest.param(
            {"prompt_tokens": 3, "completion_tokens": 4},
            {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
            id="total-computed",
        ),
        pytest.param({}, {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}, id="empty"),
    ],
)
def test_create_usage_metadata(usage: dict[str, Any], expected: dict[str, Any]) -> None:
    assert _create_usage_metadata(usage) == expected


@pytest.mark.parametrize("finish", ["stop", "length", "tool_calls", "sensitive"])
def test_create_chat_result_metadata(finish: str) -> None:
    results = [{"title": "t", "link": "https://e.x"}]
    body = completion(
        {"role": "assistant", "content": "hi", "reasoning_content": "r"},
        finish=finish,
        web_search=results,
    )
    result = _create_chat_result(body)
    message = result.generations[0].message
    assert message.response_metadata == {
        "model_provider": "zai",
        "model_name": "glm-4.7",
        "finish_reason": finish,  # Z.ai's own word, never renamed
        "id": body["id"],
        "web_search": results,
    }
    assert isinstance(message, AIMessage)
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_token_details"] == {"cache_read": 5}
    assert result.generations[0].generation_info == {"finish_reason": finish}
    assert result.llm_output is not None and result.llm_output["token_usage"] == USAGE


def test_create_chat_result_without_usage_and_other_request_id() -> None:
    body = completion({"role": "assistant", "content": "x"})
    del body["usage"]
    body["request_id"] = "client-request-1"
    message = _create_chat_result(body).generations[0].message
    assert isinstance(message, AIMessage)
    assert message.usage_metadata is None
    assert message.response_metadata["request_id"] == "client-request-1"


# --------------------------------------------------------------------------- stream chunks

TC_HEAD = {
    "id": "call_a",
    "index": 0,
    "type": "function",
    "function": {"name": "add", "arguments": ""},
}

CHUNKS = [
    pytest.param(
        chunk({"role": "assistant", "reasoning_content": "hmm"}),
        {"content": "", "kwargs": {"reasoning_content": "hmm"}, "calls": [], "usage": None},
        id="reasoning-only",
    ),
    pytest.param(
        chunk({"role": "assistant", "content": "Hi"}),
        {"content": "Hi", "kwargs": {}, "calls": [], "usage": None},
        id="text",
    ),
    pytest.param(
        chunk({"tool_calls": [{**WIRE_CALL, "index": 0}]}),
        {
            "content": "",
            "kwargs": {},
            "calls": [{"name": "add", "args": '{"a":1,"b":2}', "id": "call_1", "index": 0}],
            "usage": None,
        },
        id="whole-tool-call",
    ),
    pytest.param(
        chunk({"tool_calls": [{"index": 1, "function": {"arguments": None}}]}),
        {
            "content": "",
            "kwargs": {},
            "calls": [{"name": None, "args": "", "id": None, "index": 1}],
            "usage": None,
        },
        id="null-argument-fragment",
    ),
    pytest.param(
        chunk({"tool_calls": [{"id": "w", "type": "web_search", "index": 0}]}),
        {
            "content": "",
            "kwargs": {"server_tool_calls": [{"id": "w", "type": "web_search"}]},
            "calls": [],
            "usage": None,
        },
        id="built-in-tool-delta",
    ),
    pytest.param(
        {"id": "x", "model": "glm-4.7", "choices": [], "usage": USAGE},
        {"content": "", "kwargs": {}, "calls": [], "usage": 50},
        id="usage-only-chunk-no-choices",
    ),
]


@pytest.mark.parametrize(("wire", "expected"), CHUNKS)
def test_convert_chunk_to_message_chunk(wire: dict[str, Any], expected: dict[str, Any]) -> None:
    before = copy.deepcopy(wire)
    message = _convert_one(wire)
    assert wire == before
    assert message is not None
    assert message.content == expected["content"]
    assert message.additional_kwargs == expected["kwargs"]
    assert [
        {k: c[k] for k in ("name", "args", "id", "index")} for c in message.tool_call_chunks
    ] == expected["calls"]
    total = message.usage_metadata["total_tokens"] if message.usage_metadata else None
    assert total == expected["usage"]
    assert message.response_metadata["model_provider"] == "zai"


def test_finish_chunk_carries_metadata_and_usage_once() -> None:
    message = _convert_one(final("tool_calls", web_search=[{"title": "t"}]))
    assert message is not None
    assert message.response_metadata == {
        "model_provider": "zai",
        "model_name": "glm-4.7",
        "finish_reason": "tool_calls",
        "id": "2026112300000000abc",
        "web_search": [{"title": "t"}],
    }
    assert message.usage_metadata == _create_usage_metadata(USAGE)


def test_usage_dropped_when_stream_usage_is_off() -> None:
    message = _convert_one(final(), stream_usage=False)
    assert message is not None and message.usage_metadata is None
    assert _convert_one({"choices": [], "usage": USAGE}, stream_usage=False) is None


def test_chunk_without_choices_or_usage_is_skipped() -> None:
    assert _convert_one({"id": "x", "choices": []}) is None


def _merge(events: list[dict[str, Any]]) -> AIMessageChunk:
    accumulator = StreamAccumulator()
    full: AIMessageChunk | None = None
    for event in events:
        accumulator.add(event)
        message = _convert_chunk_to_message_chunk(event, accumulator)
        if message is not None:
            full = message if full is None else full + message
    assert full is not None
    return full


def _fragments(index: int, args: str, *, repeat_head: bool) -> list[dict[str, Any]]:
    head = {
        **TC_HEAD,
        "id": f"call_{index}",
        "index": index,
        "function": {"name": f"f{index}", "arguments": ""},
    }
    out = [chunk({"tool_calls": [head]})]
    for i in range(0, len(args), 3):
        piece: dict[str, Any] = {"index": index, "function": {"arguments": args[i : i + 3]}}
        if repeat_head:  # tool_stream may repeat id and name in every fragment
            piece = {**head, "function": {"name": f"f{index}", "arguments": args[i : i + 3]}}
        out.append(chunk({"tool_calls": [piece]}))
    return out


@pytest.mark.parametrize("repeat_head", [False, True], ids=["bare-fragments", "repeated-id-name"])
def test_tool_stream_fragments_merge_into_parallel_calls(repeat_head: bool) -> None:
    events = [
        chunk({"role": "assistant", "reasoning_content": "two calls"}),
        *_fragments(0, '{"city": "Paris"}', repeat_head=repeat_head),
        *_fragments(1, '{"city": "Rome", "days": 2}', repeat_head=repeat_head),
        final("tool_calls"),
    ]
    full = _merge(events)
    assert [(c["name"], c["args"], c["id"]) for c in full.tool_calls] == [
        ("f0", {"city": "Paris"}, "call_0"),
        ("f1", {"city": "Rome", "days": 2}, "call_1"),
    ]
    assert full.additional_kwargs["reasoning_content"] == "two calls"
    assert full.usage_metadata is not None and full.usage_metadata["total_tokens"] == 50


def test_deltas_without_index_follow_their_id() -> None:
    def delta(call_id: str | None, name: str | None, args: str) -> dict[str, Any]:
        call: dict[str, Any] = {"function": {"arguments": args}}
        if call_id:
            call["id"] = call_id
        if name:
            call["function"]["name"] = name
        return chunk({"tool_calls": [call]})

    full = _merge(
        [
            delta("a", "f", '{"x"'),
            delta(None, None, ": 1}"),
            delta("b", "g", "{}"),
            delta("a", None, ""),
            final("tool_calls"),
        ]
    )
    assert [(c["name"], c["args"], c["id"]) for c in full.tool_calls] == [
        ("f", {"x": 1}, "a"),
        ("g", {}, "b"),
    ]


def test_streamed_bad_json_becomes_invalid_tool_call() -> None:
    full = _merge(
        [
            chunk(
                {"tool_calls": [{**TC_HEAD, "function": {"name": "add", "arguments": "not json"}}]}
            ),
            final(),
        ]
    )
    full = full + AIMessageChunk(content="", chunk_position="last")
    assert full.tool_calls == []
    # the finish chunk seals the text (a closer that no partial parser accepts), so the
    # aggregated message reports the call as invalid (zai_core.tool_arguments)
    assert [c["args"] for c in full.invalid_tool_calls] == ["not json}"]


# --------------------------------------------------------------------------- v1 content blocks


def test_translate_content_gives_reasoning_text_and_tool_calls() -> None:
    message = AIMessage(
        "answer",
        additional_kwargs={"reasoning_content": "why"},
        tool_calls=[CALL],
        invalid_tool_calls=[
            {"type": "invalid_tool_call", "id": "z", "name": "f", "args": "{", "error": "e"}
        ],
        response_metadata={"model_provider": "zai"},
    )
    assert [b["type"] for b in translate_content(message)] == [
        "reasoning",
        "text",
        "tool_call",
        "invalid_tool_call",
    ]
    assert [b["type"] for b in message.content_blocks] == [
        "reasoning",
        "text",
        "tool_call",
        "invalid_tool_call",
    ]


def test_translate_content_chunk_uses_stable_string_indices() -> None:
    message = _convert_one(
        chunk(
            {
                "role": "assistant",
                "reasoning_content": "r",
                "content": "t",
                "tool_calls": [{**TC_HEAD, "index": 3}],
            }
        )
    )
    assert message is not None
    blocks = translate_content_chunk(message)
    assert [(b["type"], b.get("index")) for b in blocks] == [
        ("reasoning", "lc_rs_0"),
        ("text", "lc_txt_0"),
        ("tool_call_chunk", "lc_tc_3"),
    ]


def test_translate_list_content_falls_back_to_langchain() -> None:
    with pytest.raises(NotImplementedError):
        translate_content(AIMessage([{"type": "text", "text": "x"}]))
    assert AIMessage(
        [{"type": "text", "text": "x"}], response_metadata={"model_provider": "zai"}
    ).content_blocks == [{"type": "text", "text": "x"}]
