"""Where the emulator must behave like GLM for a test to prove anything (issue 17, point 2).

Under ``tool_choice="auto"`` (the default) GLM answers a greeting, or a question no tool
serves, in text; it calls a tool when the prompt asks for what the tool gives. A forced
``tool_choice`` always calls its tool.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.chat import handle_chat


def _tool(name: str, description: str, **props: str) -> dict[str, Any]:
    properties = {k: {"type": v} for k, v in props.items()}
    parameters = {"type": "object", "properties": properties, "required": list(props)}
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


WEATHER = _tool("get_weather", "Get the weather for a city.", city="string")
MULTIPLY = _tool("multiply", "Multiply two integers.", a="integer", b="integer")
MAGIC = _tool("magic_function", "Apply a magic function to an input.", input="integer")
TOOLS = [WEATHER, MULTIPLY, MAGIC]


def _answer(prompt: str, **extra: Any) -> dict[str, Any]:
    body = {"model": "glm-4.7", "messages": [{"role": "user", "content": prompt}], **extra}
    answer = handle_chat(body)
    assert answer.status_code == 200
    return dict(answer.json()["choices"][0])


def _called(choice: dict[str, Any]) -> list[str]:
    return [c["function"]["name"] for c in choice["message"].get("tool_calls") or []]


@pytest.mark.parametrize("choice", [None, "auto"])
@pytest.mark.parametrize(
    "prompt", ["Hello!", "Hi", "Who makes the GLM models?", "Tell me a joke about cats."]
)
def test_auto_answers_in_text_when_no_tool_serves(prompt: str, choice: str | None) -> None:
    extra = {"tools": TOOLS} | ({"tool_choice": choice} if choice else {})
    answer = _answer(prompt, **extra)
    assert answer["finish_reason"] == "stop"
    assert _called(answer) == [] and answer["message"]["content"]


@pytest.mark.parametrize(
    ("prompt", "called"),
    [
        ("What is the weather in Paris?", ["get_weather"]),
        ("What is 3 * 12?", ["multiply"]),
        ("Multiply 6 by 7.", ["multiply"]),
        ("What is the value of magic_function(3)?", ["magic_function"]),
    ],
)
def test_auto_calls_the_tool_the_prompt_asks_for(prompt: str, called: list[str]) -> None:
    answer = _answer(prompt, tools=TOOLS, tool_choice="auto")
    assert answer["finish_reason"] == "tool_calls"
    assert _called(answer) == called


def test_forced_choice_calls_its_tool_even_for_a_greeting() -> None:
    forced = {"type": "function", "function": {"name": "magic_function"}}
    answer = _answer("Hello!", tools=TOOLS, tool_choice=forced)
    assert _called(answer) == ["magic_function"]


def test_a_tool_result_is_answered_in_text() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    messages = [
        {"role": "user", "content": "What is the weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "18 °C, sunny"},
    ]
    answer = handle_chat({"model": "glm-4.7", "messages": messages, "tools": TOOLS}).json()
    assert answer["choices"][0]["finish_reason"] == "stop"
    assert "18 °C" in answer["choices"][0]["message"]["content"]
