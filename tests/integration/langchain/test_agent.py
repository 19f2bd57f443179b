"""A LangChain v1 agent (``create_agent``) with two tools runs on ``ChatZai``, streaming."""

from __future__ import annotations

from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool

from langchain_zai import ChatZai

pytestmark = pytest.mark.vcr


@tool
def get_weather(city: str) -> str:
    """Current weather in a city."""
    return f"It is sunny and 22 C in {city}."


@tool
def get_population(city: str) -> str:
    """Population of a city."""
    return f"{city} has 2.1 million inhabitants."


def test_agent_with_two_tools_streams_to_a_final_answer() -> None:
    model = ChatZai(model="glm-4.7", thinking={"type": "enabled", "clear_thinking": False})
    agent = create_agent(model, tools=[get_weather, get_population])
    question = "Use get_weather and get_population for 'Paris': how is it there?"
    chunks: list[Any] = []
    for message, metadata in agent.stream(
        {"messages": [HumanMessage(question)]}, stream_mode="messages"
    ):
        chunks.append((message, metadata["langgraph_node"]))

    model_chunks = [m for m, node in chunks if node == "model"]
    tool_results = [m for m, node in chunks if isinstance(m, ToolMessage)]
    assert all(isinstance(m, AIMessageChunk) for m in model_chunks)
    assert len(model_chunks) > 5  # token by token, not one message per model call
    assert sorted(m.name for m in tool_results) == ["get_population", "get_weather"]
    assert any(m.additional_kwargs.get("reasoning_content") for m in model_chunks)

    answers: dict[str, AIMessageChunk] = {}  # one merged message per model call
    for chunk in model_chunks:
        key = str(chunk.id)
        answers[key] = answers[key] + chunk if key in answers else chunk
    first_call, *_, final = answers.values()
    assert len(answers) == 2
    assert {c["name"] for c in first_call.tool_calls} == {"get_weather", "get_population"}
    assert not final.tool_calls
    assert "sunny" in final.text and "2.1 million" in final.text
    assert final.usage_metadata is not None
