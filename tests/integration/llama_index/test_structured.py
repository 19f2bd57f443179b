"""Structured prediction with ``Zai`` from cassettes: JSON mode, no forced tool choice."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.prompts import PromptTemplate
from llama_index.core.types import PydanticProgramMode
from pydantic import BaseModel

from llama_index.llms.zai import Zai
from tests.integration.llama_index._tools import EventRecorder, sent_bodies

pytestmark = pytest.mark.vcr


class Person(BaseModel):
    """A person."""

    name: str
    age: int
    city: str


ALICE = Person(name="Alice", age=30, city="Paris")
PROMPT = PromptTemplate(
    "Generate information about a person named '{name}' who is {age} years old and lives in {city}."
)
ARGS = {"name": "Alice", "age": 30, "city": "Paris"}


def _check_json_mode(body: dict[str, Any]) -> None:
    """Sent as JSON mode with the schema: no tools, no tool_choice."""
    assert body["response_format"] == {"type": "json_object"}
    assert "tools" not in body and "tool_choice" not in body
    system = body["messages"][0]
    assert system["role"] == "system"
    assert json.dumps(Person.model_json_schema()) in system["content"]


def test_structured_predict(vcr: Any, recorder: EventRecorder) -> None:
    assert Zai().structured_predict(Person, PROMPT, **ARGS) == ALICE
    _check_json_mode(sent_bodies(vcr)[0])
    assert recorder.starts_and_ends() == [
        "LLMStructuredPredictStartEvent",
        "LLMChatStartEvent",
        "LLMChatEndEvent",
        "LLMStructuredPredictEndEvent",
    ]


async def test_astructured_predict(vcr: Any) -> None:
    assert await Zai().astructured_predict(Person, PROMPT, **ARGS) == ALICE
    _check_json_mode(sent_bodies(vcr)[0])


def test_stream_structured_predict(vcr: Any) -> None:
    partials = list(Zai().stream_structured_predict(Person, PROMPT, **ARGS))
    assert len(partials) > 2  # one per streamed chunk
    assert partials[-1] == ALICE
    _check_json_mode(sent_bodies(vcr)[0])
    assert sent_bodies(vcr)[0]["stream"] is True


async def test_astream_structured_predict() -> None:
    stream = await Zai().astream_structured_predict(Person, PROMPT, **ARGS)
    partials = [p async for p in stream]
    assert partials[-1] == ALICE


def test_as_structured_llm_chat(vcr: Any) -> None:
    sllm = Zai(system_prompt="Be exact.").as_structured_llm(Person)
    message = ChatMessage(
        role="user", content="A person named 'Bob' who is 41 years old and lives in Rome."
    )
    response = sllm.chat([message])
    assert response.raw == Person(name="Bob", age=41, city="Rome")
    assert json.loads(response.message.content or "") == {"name": "Bob", "age": 41, "city": "Rome"}
    system = sent_bodies(vcr)[0]["messages"][0]["content"]
    assert system.startswith("Be exact.\n\nAnswer with one JSON object")


async def test_as_structured_llm_astream_chat() -> None:
    sllm = Zai().as_structured_llm(Person)
    message = ChatMessage(
        role="user", content="A person named 'Bob' who is 41 years old and lives in Rome."
    )
    chunks = [c async for c in await sllm.astream_chat([message])]
    assert chunks[-1].raw == Person(name="Bob", age=41, city="Rome")


def test_function_mode_uses_a_named_tool(vcr: Any) -> None:
    llm = Zai(pydantic_program_mode=PydanticProgramMode.FUNCTION)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert llm.structured_predict(Person, PROMPT, **ARGS) == ALICE
    # the shared rule: a named tool is warned about only when the answer did not call it
    assert not [w for w in caught if "tool_choice forced" in str(w.message)]
    body = sent_bodies(vcr)[0]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Person"}}
    assert "response_format" not in body
