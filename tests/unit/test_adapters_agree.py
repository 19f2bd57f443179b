"""LangChain and LlamaIndex build the same request from the same input, and fail the same way.

Each case states one logical input (messages, tools and ``tool_choice``, or parameters)
once per framework, runs it through each adapter's own request path (LangChain:
``bind_tools`` then ``_get_request_payload``; LlamaIndex: ``_prepare_chat_with_tools`` then
``_build_body``) and asserts the two wire bodies are equal, or that both raise the same
``ValueError``. Where the two frameworks disagreed before the rules moved to
``zai_core.chat_rules`` (text joining, media guards, ``tool_choice``), these rows pin the
one rule both now follow.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from llama_index.core.base.llms.types import (
    ChatMessage,
    DocumentBlock,
    ImageBlock,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)

from langchain_zai import ChatZai
from llama_index_zai import Zai
from zai_core import CHAT_PARAMETERS

KEY = "0123456789abcdef0123456789abcdef.AgreeTestKey"
URL = "https://example.com/cat.png"
PDF = "https://example.com/a.pdf"


def _tool(name: str) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": f"the {name} tool",
            "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}},
        },
    }


WEB = {"type": "web_search", "web_search": {"search_result": True}}


@dataclass
class Case:
    """One input, written once for LangChain and once for LlamaIndex."""

    lc: list[BaseMessage]
    li: list[ChatMessage]
    model: str = "glm-4.7"
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = None
    settings: dict[str, Any] = field(default_factory=dict)
    stream: bool = False


def _li(role: str, *blocks: Any, **kwargs: Any) -> ChatMessage:
    return ChatMessage(role=role, blocks=list(blocks), **kwargs)


HI = Case([HumanMessage("hi")], [ChatMessage(role="user", content="hi")])

MESSAGE_CASES = [
    pytest.param(HI, id="user-text"),
    pytest.param(
        Case(
            [HumanMessage([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}])],
            [_li("user", TextBlock(text="a"), TextBlock(text="b"))],
        ),
        id="text-parts-join-with-newline",
    ),
    pytest.param(
        Case(
            [
                HumanMessage(
                    [
                        {"type": "text", "text": "what?"},
                        {"type": "image_url", "image_url": {"url": URL}},
                    ]
                )
            ],
            [_li("user", TextBlock(text="what?"), ImageBlock(url=URL))],
            model="glm-4.6v",
        ),
        id="user-image-to-vision-model",
    ),
    pytest.param(
        Case(
            [
                SystemMessage([{"type": "text", "text": "be"}, {"type": "text", "text": "brief"}]),
                HumanMessage("hi"),
            ],
            [
                _li("system", TextBlock(text="be"), TextBlock(text="brief")),
                ChatMessage(role="user", content="hi"),
            ],
        ),
        id="system-parts-joined",
    ),
    pytest.param(
        Case(
            [
                HumanMessage("add 1"),
                AIMessage(
                    content="",
                    additional_kwargs={"reasoning_content": "think"},
                    tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}],
                ),
                ToolMessage("2", tool_call_id="c1"),
            ],
            [
                ChatMessage(role="user", content="add 1"),
                _li(
                    "assistant",
                    ThinkingBlock(content="think"),
                    TextBlock(text=""),
                    ToolCallBlock(tool_call_id="c1", tool_name="add", tool_kwargs={"a": 1}),
                ),
                ChatMessage(role="tool", content="2", additional_kwargs={"tool_call_id": "c1"}),
            ],
        ),
        id="tool-loop-with-reasoning",
    ),
    pytest.param(
        Case(
            [
                HumanMessage("look"),
                AIMessage(content="", tool_calls=[{"name": "shot", "args": {}, "id": "c1"}]),
                ToolMessage(
                    [
                        {"type": "text", "text": "see"},
                        {"type": "image_url", "image_url": {"url": URL}},
                    ],
                    tool_call_id="c1",
                ),
            ],
            [
                ChatMessage(role="user", content="look"),
                _li(
                    "assistant", ToolCallBlock(tool_call_id="c1", tool_name="shot", tool_kwargs={})
                ),
                _li(
                    "tool",
                    TextBlock(text="see"),
                    ImageBlock(url=URL),
                    additional_kwargs={"tool_call_id": "c1"},
                ),
            ],
            model="glm-4.6v",
        ),
        id="tool-result-media-follow-in-a-user-message",
    ),
]

BAD_MESSAGE_CASES = [
    pytest.param(
        Case(
            [
                HumanMessage(
                    [{"type": "file", "url": PDF}, {"type": "image_url", "image_url": {"url": URL}}]
                )
            ],
            [_li("user", DocumentBlock(url=PDF), ImageBlock(url=URL))],
            model="glm-4.6v",
        ),
        "'file' parts together",
        id="file-with-image",
    ),
    pytest.param(
        Case(
            [HumanMessage([{"type": "image_url", "image_url": {"url": URL}}])],
            [_li("user", ImageBlock(url=URL))],
        ),
        "takes text only",
        id="image-to-text-model",
    ),
    pytest.param(
        Case(
            [SystemMessage([{"type": "image_url", "image_url": {"url": URL}}]), HumanMessage("hi")],
            [_li("system", ImageBlock(url=URL)), ChatMessage(role="user", content="hi")],
            model="glm-4.6v",
        ),
        "system message can only carry text",
        id="image-in-system-message",
    ),
    pytest.param(
        Case(
            [HumanMessage("hi"), AIMessage([{"type": "image_url", "image_url": {"url": URL}}])],
            [ChatMessage(role="user", content="hi"), _li("assistant", ImageBlock(url=URL))],
            model="glm-4.6v",
        ),
        "assistant message can only carry text",
        id="image-in-assistant-message",
    ),
    pytest.param(
        Case([AIMessage("only me")], [ChatMessage(role="assistant", content="only me")]),
        "only system and assistant",
        id="no-user-message",
    ),
]


def _with(**changes: Any) -> Case:
    return Case(HI.lc, HI.li, **changes)


TOOL_CASES = [
    pytest.param(_with(tools=[_tool("add")]), id="tools-no-choice"),
    pytest.param(_with(tools=[_tool("add"), WEB], tool_choice="auto"), id="auto-with-built-in"),
    pytest.param(_with(tools=[_tool("add")], tool_choice="none"), id="none-drops-tools"),
    pytest.param(_with(tools=[_tool("add")], tool_choice="required"), id="required-one-named"),
    pytest.param(_with(tools=[_tool("add"), _tool("mul")], tool_choice="mul"), id="by-name"),
    pytest.param(
        _with(tools=[{**_tool("add"), "function": {**_tool("add")["function"], "strict": True}}]),
        id="strict-dropped",
    ),
]

BAD_TOOL_CASES = [
    pytest.param(
        _with(tools=[_tool("add")], tool_choice="div"), "not a bound tool", id="unknown-name"
    ),
    pytest.param(_with(tools=[_tool("has space")]), "not accepted by Z.ai", id="bad-name"),
    pytest.param(
        _with(tools=[_tool(f"f{i}") for i in range(129)]), "at most 128 function tools", id="129"
    ),
]

PARAMETER_CASES = [
    pytest.param(
        _with(settings={"temperature": 0.2, "top_p": 0.5, "max_tokens": 64}), id="sampling"
    ),
    pytest.param(_with(settings={"stop": "END", "do_sample": False}), id="stop-string"),
    pytest.param(_with(settings={"thinking": True, "user_id": "user-1"}), id="thinking"),
    pytest.param(
        _with(model="glm-5.2", settings={"reasoning_effort": "low", "request_id": "req-123"}),
        id="effort",
    ),
    pytest.param(_with(settings={"response_format": {"type": "json_object"}}), id="json"),
    pytest.param(_with(settings={"tool_stream": True}, stream=True), id="stream-tool-stream"),
    pytest.param(_with(settings={"stream_usage": False}, stream=True), id="stream-no-usage"),
    pytest.param(_with(stream=True), id="stream-defaults"),
]

BAD_PARAMETERS = [
    pytest.param({"temperature": 1.5}, "temperature must be between", id="temperature"),
    pytest.param({"top_p": 0.0}, "top_p must be between", id="top_p"),
    pytest.param({"max_tokens": 10**7}, "output limit", id="max_tokens"),
    pytest.param({"stop": ["a", "b", "c", "d", "e"]}, "at most 4", id="stop"),
    pytest.param({"reasoning_effort": "extreme"}, "reasoning_effort must be", id="effort"),
    pytest.param({"user_id": "u"}, "user_id must be", id="user_id"),
    pytest.param({"response_format": {"type": "json_schema"}}, "no json_schema", id="json_schema"),
    pytest.param({"thinking": {"type": "maybe"}}, "thinking", id="thinking"),
]


def langchain_body(case: Case) -> dict[str, Any]:
    llm = ChatZai(model=case.model, api_key=KEY, **case.settings)
    kwargs: dict[str, Any] = {}
    if case.tools:
        kwargs = dict(llm.bind_tools(case.tools, tool_choice=case.tool_choice).kwargs)  # type: ignore[attr-defined]
    return llm._get_request_payload(case.lc, stream=case.stream, **kwargs)


def llama_index_body(case: Case) -> dict[str, Any]:
    llm = Zai(model=case.model, api_key=KEY, **case.settings)
    kwargs: dict[str, Any] = {}
    if case.tools:
        kwargs = llm._prepare_chat_with_tools(case.tools, tool_choice=case.tool_choice)  # type: ignore[arg-type]
        kwargs.pop("messages")
    return llm._build_body(case.li, case.stream, kwargs)


BUILDERS: list[Callable[[Case], dict[str, Any]]] = [langchain_body, llama_index_body]


def _bodies(case: Case) -> list[dict[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [build(case) for build in BUILDERS]


@pytest.mark.parametrize("case", MESSAGE_CASES + TOOL_CASES + PARAMETER_CASES)
def test_same_input_same_body(case: Case) -> None:
    lc, li = _bodies(case)
    assert lc == li


def test_the_rows_pin_the_shared_rules() -> None:
    """A few of the agreed bodies, spelled out (so agreeing on a wrong body fails too)."""
    joined = _bodies(MESSAGE_CASES[1].values[0])[0]
    assert joined["messages"] == [{"role": "user", "content": "a\nb"}]
    none = _bodies(TOOL_CASES[2].values[0])[0]
    assert "tools" not in none and "tool_choice" not in none
    named = _bodies(TOOL_CASES[3].values[0])[0]
    assert named["tool_choice"] == {"type": "function", "function": {"name": "add"}}
    plain = _bodies(TOOL_CASES[0].values[0])[0]
    assert "tool_choice" not in plain
    attachments = _bodies(MESSAGE_CASES[5].values[0])[0]["messages"][2:]
    assert attachments == [
        {
            "role": "tool",
            "content": "see\n[1 attachment(s) follow in the next user message]",
            "tool_call_id": "c1",
        },
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Attachments from tool call c1:"},
                {"type": "image_url", "image_url": {"url": URL}},
            ],
        },
    ]
    streamed = _bodies(PARAMETER_CASES[-1].values[0])[0]
    assert streamed["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(("case", "match"), BAD_MESSAGE_CASES + BAD_TOOL_CASES)
def test_same_bad_input_same_error(case: Case, match: str) -> None:
    errors = []
    for build in BUILDERS:
        with pytest.raises(ValueError, match=match) as caught:
            build(case)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize(("settings", "match"), BAD_PARAMETERS)
def test_same_bad_parameter_same_error_at_construction(
    settings: dict[str, Any], match: str
) -> None:
    for cls in (ChatZai, Zai):
        with pytest.raises(ValueError, match=match):
            cls(model="glm-5.2", api_key=KEY, **settings)


def test_same_warning_when_several_tools_cannot_be_forced() -> None:
    case = _with(tools=[_tool("add"), _tool("mul")], tool_choice="required")
    messages = []
    for build in BUILDERS:
        with pytest.warns(UserWarning, match="cannot force a call to one of several") as caught:
            body = build(case)
        assert body["tool_choice"] == "auto"
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_both_frameworks_take_every_parameter() -> None:
    for cls in (ChatZai, Zai):
        assert set(CHAT_PARAMETERS) <= set(cls.model_fields), cls.__name__
