"""LlamaIndex readers and the Z.ai tool spec inside a FunctionAgent, against cassettes.

The agent's LLM is LlamaIndex's ``MockFunctionCallingLLM`` with a scripted turn (call the Z.ai
tools, then answer with what they returned), so this test is about the tools; their HTTP calls
replay from the cassette.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult
from llama_index.core.base.llms.types import ChatMessage, MessageRole, ToolCallBlock
from llama_index.core.llms import MockFunctionCallingLLM

from llama_index_zai import ZaiToolSpec, ZaiTranscriptionReader, ZaiWebReader
from zai_core import BadRequestError, QuotaExceededError

pytestmark = pytest.mark.vcr

URL = "https://docs.z.ai/guides/overview/quick-start"


def test_web_reader() -> None:
    docs = ZaiWebReader(max_retries=0).load_data([URL])
    assert docs[0].id_ == URL
    assert docs[0].metadata["title"] and docs[0].metadata["description"]
    assert docs[0].text.startswith("# ")


async def test_web_reader_error() -> None:
    with pytest.raises(BadRequestError, match="1214"):
        await ZaiWebReader(max_retries=0).aload_data("https://unreachable.invalid/x")


async def test_transcription_reader(clip: Path) -> None:
    docs = await ZaiTranscriptionReader(hotwords=["GLM"], max_retries=0).aload_data(clip)
    assert docs[0].metadata["file_name"] == "clip.wav"
    assert "GLM" in docs[0].text


def test_tool_spec_error() -> None:
    spec = ZaiToolSpec(search_engine="emulate-429-1113", max_retries=0)
    with pytest.raises(QuotaExceededError):
        spec.web_search("GLM")


def _scripted_turns(clip: Path) -> Any:
    """First turn: call every Z.ai tool; second turn: answer from the tool results."""

    def respond(messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
        results = [m for m in messages if m.role == MessageRole.TOOL]
        if results:
            return ChatMessage(
                role=MessageRole.ASSISTANT,
                content="\n---\n".join(str(m.content) for m in results),
            )
        calls = {
            "web_search": {"query": "GLM-4.7 release notes", "count": 2},
            "read_url": {"url": URL},
            "generate_image": {"prompt": "A watercolor fox", "size": "1280x1280"},
            "generate_video": {"prompt": "A lighthouse at dusk"},
            "transcribe": {"file_path": str(clip)},
        }
        return ChatMessage(
            role=MessageRole.ASSISTANT,
            blocks=[
                ToolCallBlock(tool_call_id=f"call-{name}", tool_name=name, tool_kwargs=args)
                for name, args in calls.items()
            ],
        )

    return respond


async def test_tool_spec_in_a_function_agent(clip: Path) -> None:
    spec = ZaiToolSpec(video_poll_interval=0, hotwords=["GLM"], max_retries=0)
    agent = FunctionAgent(
        tools=spec.to_tool_list(),
        llm=MockFunctionCallingLLM(response_generator=_scripted_turns(clip)),
        system_prompt="Use the Z.ai tools.",
    )
    handler = agent.run("Search, read, draw, film and transcribe.")
    results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    answer = str(await handler)

    assert sorted(r.tool_name for r in results) == [
        "generate_image",
        "generate_video",
        "read_url",
        "transcribe",
        "web_search",
    ]
    assert not any(r.tool_output.is_error for r in results)
    outputs = {r.tool_name: r.tool_output for r in results}
    assert len(outputs["web_search"].raw_output) == 2
    assert outputs["web_search"].raw_output[0].metadata["url"].startswith("https://")
    assert outputs["read_url"].raw_output.metadata["url"] == URL
    assert outputs["generate_image"].content.endswith(".png")
    assert ".mp4" in outputs["generate_video"].content
    assert "GLM" in outputs["transcribe"].content
    for output in outputs.values():  # the agent's answer quotes every tool's result
        assert output.content.splitlines()[0] in answer
