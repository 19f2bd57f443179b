"""A LlamaIndex ``FunctionAgent`` with two tools on ``Zai``, from a cassette."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.agent.workflow import (
    AgentOutput,
    AgentStream,
    FunctionAgent,
    ToolCallResult,
)

from llama_index.llms.zai import Zai
from tests.integration.llama_index._tools import ADD, MUL, sent_bodies

pytestmark = pytest.mark.vcr

QUESTION = "Use add for 2 and 3, and mul for 4 and 5."


async def _run(agent: FunctionAgent) -> tuple[list[Any], Any]:
    handler = agent.run(QUESTION)
    events = [event async for event in handler.stream_events()]
    return events, await handler


async def test_function_agent_streaming_with_thinking(vcr: Any) -> None:
    agent = FunctionAgent(
        tools=[ADD, MUL],
        llm=Zai(model="glm-4.7", thinking=True, tool_stream=True),
        system_prompt="You are a calculator. Use the tools.",
    )
    assert agent.streaming
    events, result = await _run(agent)

    streams = [e for e in events if isinstance(e, AgentStream)]
    thinking = "".join(e.thinking_delta or "" for e in streams)
    assert thinking.startswith("The user asks: Use add")  # reasoning reached the agent
    results = {e.tool_name: e.tool_output.content for e in events if isinstance(e, ToolCallResult)}
    assert set(results) == {"add", "mul"}
    assert results["add"] == "5"
    assert str(result) == f"Based on the tool results: {results['add']}; {results['mul']}."
    assert "".join(e.delta for e in streams).endswith(str(result))

    first, second = sent_bodies(vcr)
    assert first["thinking"] == {"type": "enabled"} and first["tool_stream"] is True
    assistant, *tool_results = second["messages"][-3:]
    # the tool-call turn went back with its reasoning (interleaved thinking) and its calls
    assert assistant["role"] == "assistant"
    assert assistant["reasoning_content"].startswith("The user asks: Use add")
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == ["add", "mul"]
    assert [m["tool_call_id"] for m in tool_results] == [c["id"] for c in assistant["tool_calls"]]


async def test_function_agent_not_streaming() -> None:
    agent = FunctionAgent(tools=[ADD, MUL], llm=Zai(model="glm-4.7"), streaming=False)
    events, result = await _run(agent)
    outputs = [e for e in events if isinstance(e, AgentOutput)]
    assert len(outputs) == 2
    assert [c.tool_name for c in outputs[0].tool_calls] == ["add", "mul"]
    assert str(result).startswith("Based on the tool results: 5;")
