"""``Zai`` against recorded cassettes: the 8 entry points, thinking, tools, vision, errors."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CitationBlock,
    ImageBlock,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)

from llama_index.llms.zai import Zai
from tests.integration.llama_index._tools import (
    ADD,
    MUL,
    WEB_SEARCH,
    EventRecorder,
    sent_bodies,
)
from zai_core import ContentFilterError, NotFoundError, QuotaExceededError

pytestmark = pytest.mark.vcr

HELLO = [ChatMessage(role="user", content="Hello!")]
PARALLEL = "Use add for 2 and 3, and mul for 4 and 5."
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def _check_answer(response: ChatResponse) -> None:
    """A finished thinking answer: blocks, usage with details, finish reason."""
    blocks = response.message.blocks
    assert isinstance(blocks[0], ThinkingBlock) and blocks[0].content
    assert isinstance(blocks[1], TextBlock)
    assert response.message.content == "Hello! How can I help you today?"
    usage = response.additional_kwargs
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["reasoning_tokens"] > 0
    assert "cached_tokens" in usage
    assert usage["finish_reason"] == "stop"


def _check_stream(chunks: list[ChatResponse]) -> None:
    """Every chunk kept: reasoning deltas first (the first one too), then text deltas."""
    thinking = [c.additional_kwargs.get("thinking_delta") or "" for c in chunks]
    assert thinking[0]  # the reasoning-only first chunk is there
    assert "".join(thinking) == chunks[-1].message.blocks[0].content
    assert "".join(c.delta or "" for c in chunks) == chunks[-1].message.content
    assert all("prompt_tokens" not in c.additional_kwargs for c in chunks[:-1])
    _check_answer(chunks[-1])


# --------------------------------------------------------------------- the 8 entry points


def test_chat(recorder: EventRecorder) -> None:
    _check_answer(Zai().chat(HELLO))
    assert recorder.starts_and_ends() == ["LLMChatStartEvent", "LLMChatEndEvent"]


async def test_achat(recorder: EventRecorder) -> None:
    _check_answer(await Zai().achat(HELLO))
    assert recorder.starts_and_ends() == ["LLMChatStartEvent", "LLMChatEndEvent"]


def test_stream_chat(recorder: EventRecorder) -> None:
    chunks = list(Zai().stream_chat(HELLO))
    _check_stream(chunks)
    assert recorder.starts_and_ends() == ["LLMChatStartEvent", "LLMChatEndEvent"]
    assert recorder.events.count("LLMChatInProgressEvent") == len(chunks)


async def test_astream_chat(recorder: EventRecorder) -> None:
    chunks = [c async for c in await Zai().astream_chat(HELLO)]
    _check_stream(chunks)
    assert recorder.starts_and_ends() == ["LLMChatStartEvent", "LLMChatEndEvent"]


def test_complete(recorder: EventRecorder) -> None:
    response = Zai().complete("Hello!")
    assert response.text == "Hello! How can I help you today?"
    assert response.additional_kwargs["reasoning_tokens"] > 0
    assert recorder.starts_and_ends() == ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]


async def test_acomplete(recorder: EventRecorder) -> None:
    response = await Zai().acomplete("Hello!")
    assert response.text == "Hello! How can I help you today?"
    assert recorder.starts_and_ends() == ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]


def test_stream_complete(recorder: EventRecorder) -> None:
    chunks = list(Zai().stream_complete("Hello!"))
    assert "".join(c.delta or "" for c in chunks) == chunks[-1].text
    assert chunks[-1].text == "Hello! How can I help you today?"
    assert chunks[0].additional_kwargs["thinking_delta"]
    assert recorder.starts_and_ends() == ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]


async def test_astream_complete(recorder: EventRecorder) -> None:
    chunks = [c async for c in await Zai().astream_complete("Hello!")]
    assert chunks[-1].text == "Hello! How can I help you today?"
    assert chunks[-1].additional_kwargs["total_tokens"] > 0
    assert recorder.starts_and_ends() == ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]


# --------------------------------------------------------------------- thinking in and out

PRESERVED = {"type": "enabled", "clear_thinking": False}


def test_reasoning_sent_back(vcr: Any) -> None:
    llm = Zai(thinking=PRESERVED)
    first = llm.chat([ChatMessage(role="user", content="What is 17 * 19?")])
    reasoning = first.message.blocks[0].content
    history = [
        ChatMessage(role="user", content="What is 17 * 19?"),
        first.message,
        ChatMessage(role="user", content="Now multiply 323 by 2."),
    ]
    second = llm.chat(history)
    assert second.message.content == "323 * 2 = 646."
    assistant = sent_bodies(vcr)[1]["messages"][1]
    assert assistant == {
        "role": "assistant",
        "content": "17 * 19 = 323.",
        "reasoning_content": reasoning,
    }
    assert sent_bodies(vcr)[1]["thinking"] == PRESERVED


async def test_reasoning_sent_back_after_astream(vcr: Any) -> None:
    llm = Zai(thinking=PRESERVED)
    question = ChatMessage(role="user", content="What is 17 * 19?")
    chunks = [c async for c in await llm.astream_chat([question])]
    follow_up = ChatMessage(role="user", content="Now multiply 323 by 2.")
    second = await llm.achat([question, chunks[-1].message, follow_up])
    assert second.message.content == "323 * 2 = 646."
    assistant = sent_bodies(vcr)[1]["messages"][1]
    assert assistant["reasoning_content"] == chunks[-1].message.blocks[0].content
    assert assistant["reasoning_content"].startswith("The user asks")


def test_thinking_disabled() -> None:
    response = Zai(model="glm-4.6", thinking=False).chat(HELLO)
    assert not any(isinstance(b, ThinkingBlock) for b in response.message.blocks)
    assert response.additional_kwargs["reasoning_tokens"] == 0


# --------------------------------------------------------------------- tools


def _names_and_args(llm: Zai, response: ChatResponse) -> list[tuple[str, set[str]]]:
    calls = llm.get_tool_calls_from_response(response)
    assert all(isinstance(v, int) for c in calls for v in c.tool_kwargs.values())
    return [(c.tool_name, set(c.tool_kwargs)) for c in calls]


PARALLEL_CALLS = [("add", {"a", "b"}), ("mul", {"a", "b"})]


def test_chat_with_tools_parallel() -> None:
    llm = Zai()
    response = llm.chat_with_tools([ADD, MUL], user_msg=PARALLEL, allow_parallel_tool_calls=True)
    assert _names_and_args(llm, response) == PARALLEL_CALLS
    assert response.additional_kwargs["finish_reason"] == "tool_calls"
    single = llm.chat_with_tools([ADD, MUL], user_msg=PARALLEL)  # parallel not allowed
    assert _names_and_args(llm, single) == PARALLEL_CALLS[:1]


async def test_achat_with_tools_and_results() -> None:
    llm = Zai()
    first = await llm.achat_with_tools([ADD], user_msg="What is 2 + 3? Use add.")
    calls = llm.get_tool_calls_from_response(first)
    assert [(c.tool_name, c.tool_kwargs) for c in calls] == [("add", {"a": 2, "b": 3})]
    result = ChatMessage(
        role="tool",
        content=str(ADD(**calls[0].tool_kwargs)),
        additional_kwargs={"tool_call_id": calls[0].tool_id},
    )
    history = [ChatMessage(role="user", content="What is 2 + 3? Use add."), first.message, result]
    answer = await llm.achat_with_tools([ADD], chat_history=history)
    assert answer.message.content == "Based on the tool results: 5."
    assert llm.get_tool_calls_from_response(answer, error_on_no_tool_call=False) == []


@pytest.mark.parametrize("tool_stream", [False, True], ids=["whole-calls", "tool-stream"])
def test_stream_chat_with_tools_parallel(tool_stream: bool, vcr: Any) -> None:
    llm = Zai(tool_stream=tool_stream)
    chunks = list(
        llm.stream_chat_with_tools([ADD, MUL], user_msg=PARALLEL, allow_parallel_tool_calls=True)
    )
    seen = [llm.get_tool_calls_from_response(c, error_on_no_tool_call=False) for c in chunks]
    assert seen[0] == []  # reasoning first, no calls yet, and no error
    assert _names_and_args(llm, chunks[-1]) == PARALLEL_CALLS
    blocks = [b for b in chunks[-1].message.blocks if isinstance(b, ToolCallBlock)]
    assert [b.tool_name for b in blocks] == ["add", "mul"]
    partial = [s for s in seen if s and any(set(c.tool_kwargs) != {"a", "b"} for c in s)]
    assert bool(partial) is tool_stream  # fragments only arrive with tool_stream
    assert sent_bodies(vcr)[0].get("tool_stream", False) is tool_stream


async def test_astream_chat_with_tools_parallel() -> None:
    llm = Zai(tool_stream=True)
    stream = await llm.astream_chat_with_tools(
        [ADD, MUL], user_msg=PARALLEL, allow_parallel_tool_calls=True
    )
    chunks = [c async for c in stream]
    for c in chunks:
        llm.get_tool_calls_from_response(c, error_on_no_tool_call=False)
    assert _names_and_args(llm, chunks[-1]) == PARALLEL_CALLS
    assert chunks[-1].additional_kwargs["finish_reason"] == "tool_calls"


def test_web_search_built_in_tool(vcr: Any) -> None:
    llm = Zai()
    response = llm.chat(
        [ChatMessage(role="user", content="What is new in GLM?")], tools=[WEB_SEARCH]
    )
    results = response.additional_kwargs["web_search"]
    assert results and results[0]["link"].startswith("https://")
    assert sent_bodies(vcr)[0]["tools"] == [WEB_SEARCH]
    citations = [b for b in response.message.blocks if isinstance(b, CitationBlock)]
    assert [c.source for c in citations] == [r["link"] for r in results]
    text = response.message.content or ""
    for citation in citations:
        where = citation.additional_location_info
        assert text[where["start_char_index"] : where["end_char_index"]]


async def test_web_search_with_function_tool_streamed(vcr: Any) -> None:
    llm = Zai()
    stream = await llm.astream_chat_with_tools([ADD, WEB_SEARCH], user_msg="Use add on 1 and 2.")  # type: ignore[list-item]
    chunks = [c async for c in stream]
    assert chunks[-1].additional_kwargs["web_search"]
    assert [c.tool_name for c in llm.get_tool_calls_from_response(chunks[-1])] == ["add"]
    assert [t["type"] for t in sent_bodies(vcr)[0]["tools"]] == ["function", "web_search"]


# --------------------------------------------------------------------- vision


def test_image_blocks_url_path_bytes(tmp_path: Path, vcr: Any) -> None:
    path = tmp_path / "dot.png"
    path.write_bytes(PNG)
    message = ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="Describe these images."),
            ImageBlock(url="https://example.com/dot.png"),
            ImageBlock(path=path),
            ImageBlock(image=PNG),
        ],
    )
    response = Zai(model="glm-4.6v").chat([message])
    assert response.message.content == "The image shows a small red square on a white background."
    parts = sent_bodies(vcr)[0]["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url", "image_url", "image_url"]
    assert parts[1]["image_url"]["url"] == "https://example.com/dot.png"
    inline = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert parts[2]["image_url"]["url"] == parts[3]["image_url"]["url"] == inline


# --------------------------------------------------------------------- errors


def test_quota_error() -> None:
    with pytest.raises(QuotaExceededError) as info:
        Zai(model="emulate-429-1113").chat(HELLO)
    assert info.value.code == "1113"


async def test_unknown_model_async() -> None:
    with pytest.raises(NotFoundError):
        await Zai(model="glm-0-missing").achat(HELLO)


def test_content_filter_mid_stream() -> None:
    stream = Zai(model="emulate-finish-sensitive").stream_chat(HELLO)
    seen: list[ChatResponse] = []
    with pytest.raises(ContentFilterError):
        for c in stream:
            seen.append(c)
    assert seen  # what streamed before the stop was handed out


async def test_content_filter_async_complete() -> None:
    with pytest.raises(ContentFilterError):
        await Zai(model="emulate-finish-sensitive").acomplete("Hello!")
