"""Structured output that never ends in a silent ``None``, against the emulator.

``create_agent(ChatZai(...), tools=[...], response_format=Model)`` picks the provider strategy
(the profile says ``structured_output``): the schema rides as ``json_object`` plus a system
instruction, the agent parses the JSON text. No "cannot force one of several tools" warning.
The emulator is served through an injected transport (no cassette, nothing leaves the machine).
"""

from __future__ import annotations

import json
import warnings

import httpx
import pytest
from langchain.agents import create_agent
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_zai import ChatZai
from tests.emulator import ZaiEmulator


class Weather(BaseModel):
    """The weather in a city."""

    city: str
    summary: str


@tool
def get_weather(city: str) -> str:
    """Current weather in a city."""
    return f"It is sunny and 22 C in {city}."


def _model(emulator: ZaiEmulator) -> ChatZai:
    client = httpx.Client(transport=emulator.transport())
    return ChatZai(model="glm-4.7", api_key="emulated-key", http_client=client)


def test_create_agent_with_response_format_gives_the_structured_response() -> None:
    emulator = ZaiEmulator()
    agent = create_agent(_model(emulator), tools=[get_weather], response_format=Weather)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "cannot force one of several tools" warning
        state = agent.invoke({"messages": [HumanMessage("Use get_weather for 'Paris'.")]})
    assert isinstance(state["structured_response"], Weather)
    bodies = [json.loads(r.content) for r in emulator.requests]
    assert bodies[0]["tools"][0]["function"]["name"] == "get_weather"
    assert all(b["response_format"] == {"type": "json_object"} for b in bodies)
    assert all(b["messages"][0]["role"] == "system" for b in bodies)
    assert '"summary"' in bodies[-1]["messages"][0]["content"]  # the schema is in the prompt


def test_the_unforced_tool_warning_is_given_once_per_instance() -> None:
    """An agent with ToolStrategy binds ``tool_choice="any"`` on every model call."""
    llm = _model(ZaiEmulator())
    with pytest.warns(UserWarning, match="cannot force") as caught:
        for city in ("Paris", "Rome", "Oslo"):
            bound = llm.bind_tools([get_weather, Weather], tool_choice="any")
            bound.invoke(f"Use get_weather for '{city}'.")
    assert len([w for w in caught if "cannot force" in str(w.message)]) == 1


def test_structured_output_answered_in_text_is_parsed_or_an_error() -> None:
    """``with_structured_output``: a text answer that is the JSON object is parsed; other text
    raises (or lands in ``parsing_error``), never a silent ``None``."""
    good = {"city": "Paris", "summary": "sunny"}

    def text_answer(content: str) -> httpx.MockTransport:
        body = {
            "id": "r1",
            "model": "glm-4.7",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
        }
        return httpx.MockTransport(lambda request: httpx.Response(200, json=body))

    def model(content: str) -> ChatZai:
        client = httpx.Client(transport=text_answer(content))
        return ChatZai(model="glm-4.7", api_key="k", http_client=client)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert model(json.dumps(good)).with_structured_output(Weather).invoke("x") == Weather(
            **good
        )
        with pytest.raises(OutputParserException, match="without calling the tool"):
            model("It is sunny.").with_structured_output(Weather).invoke("x")
        raw = model("It is sunny.").with_structured_output(Weather, include_raw=True).invoke("x")
    assert raw["parsed"] is None
    assert isinstance(raw["parsing_error"], OutputParserException)
