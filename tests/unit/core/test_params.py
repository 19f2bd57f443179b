"""``build_chat_body``: settings to the request body, and every check made before sending."""

from __future__ import annotations

from typing import Any

import pytest

from zai_core import build_chat_body, normalize_thinking, validate_messages

USER = [{"role": "user", "content": "Hi"}]
ABSENT = object()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, {"stream": False, "temperature": ABSENT, "thinking": ABSENT}, id="bare"),
        pytest.param({"thinking": True}, {"thinking": {"type": "enabled"}}, id="thinking-true"),
        pytest.param({"thinking": False}, {"thinking": {"type": "disabled"}}, id="thinking-false"),
        pytest.param({"thinking": None}, {"thinking": ABSENT}, id="thinking-none"),
        pytest.param(
            {"thinking": {"type": "enabled", "clear_thinking": False}},
            {"thinking": {"type": "enabled", "clear_thinking": False}},
            id="thinking-dict-preserved",
        ),
        pytest.param(
            {"thinking": {"clear_thinking": True}},
            {"thinking": {"type": "enabled", "clear_thinking": True}},
            id="thinking-dict-default-type",
        ),
        pytest.param({"reasoning_effort": "high"}, {"reasoning_effort": "high"}, id="effort-high"),
        pytest.param(
            {"reasoning_effort": "none"}, {"reasoning_effort": "none"}, id="effort-none-string"
        ),
        pytest.param(
            {"tool_stream": True},
            {"tool_stream": ABSENT, "stream_options": ABSENT},
            id="tool-stream-dropped-without-stream",
        ),
        pytest.param(
            {"stream": True, "tool_stream": True},
            {"stream": True, "tool_stream": True, "stream_options": {"include_usage": True}},
            id="tool-stream-with-stream",
        ),
        pytest.param(
            {"stream": True, "tool_stream": False},
            {"tool_stream": ABSENT},
            id="tool-stream-false-omitted",
        ),
        pytest.param(
            {"stream": True, "stream_usage": False},
            {"stream_options": ABSENT},
            id="no-stream-usage",
        ),
        pytest.param({"stop": "END"}, {"stop": ["END"]}, id="stop-str"),
        pytest.param({"stop": ("a", "b", "c", "d")}, {"stop": ["a", "b", "c", "d"]}, id="stop-4"),
        pytest.param({"stop": []}, {"stop": ABSENT}, id="stop-empty"),
        pytest.param(
            {"temperature": 0.0, "top_p": 1.0}, {"temperature": 0.0, "top_p": 1.0}, id="edges"
        ),
        pytest.param({"temperature": 1.0, "top_p": 0.01}, {"top_p": 0.01}, id="other-edges"),
        pytest.param({"do_sample": False}, {"do_sample": False}, id="do-sample"),
        pytest.param({"max_tokens": 131_072}, {"max_tokens": 131_072}, id="max-tokens-limit"),
        pytest.param({"user_id": "u" * 6}, {"user_id": "uuuuuu"}, id="user-id-6"),
        pytest.param({"user_id": "u" * 128}, {"user_id": "u" * 128}, id="user-id-128"),
        pytest.param({"request_id": "r" * 64}, {"request_id": "r" * 64}, id="request-id-64"),
        pytest.param(
            {"response_format": {"type": "json_object"}},
            {"response_format": {"type": "json_object"}},
            id="json-object",
        ),
        pytest.param(
            {"tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "auto"},
            {"tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "auto"},
            id="tools",
        ),
        pytest.param(
            {"tools": [], "tool_choice": "auto"},
            {"tools": ABSENT, "tool_choice": ABSENT},
            id="no-tools-no-choice",
        ),
        pytest.param(
            {"temperature": 0.5, "extra_body": {"temperature": 0.3, "seed": 7}},
            {"temperature": 0.3, "seed": 7},
            id="extra-body-wins",
        ),
        pytest.param(
            {"thinking": True, "extra_body": {"thinking": {"type": "disabled"}}},
            {"thinking": {"type": "disabled"}},
            id="extra-body-wins-thinking",
        ),
    ],
)
def test_build_chat_body(kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    body = build_chat_body("glm-4.7", USER, **kwargs)
    assert body["model"] == "glm-4.7"
    assert body["messages"] == USER
    for key, value in expected.items():
        if value is ABSENT:
            assert key not in body, key
        else:
            assert body[key] == value, key
    assert None not in body.values()


@pytest.mark.parametrize(
    ("model", "messages", "kwargs", "match"),
    [
        pytest.param("", USER, {}, "model", id="empty-model"),
        pytest.param("glm-4.7", [], {}, "messages is empty", id="empty-messages"),
        pytest.param(
            "glm-4.7",
            [{"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}],
            {},
            "only system and assistant",
            id="only-system-assistant",
        ),
        pytest.param(
            "glm-4.7",
            [{"role": "system", "content": "s"}],
            {},
            "only system",
            id="only-system",
        ),
        pytest.param("glm-4.7", USER, {"temperature": 1.5}, "temperature", id="temp-high"),
        pytest.param("glm-4.7", USER, {"temperature": -0.1}, "temperature", id="temp-low"),
        pytest.param("glm-4.7", USER, {"top_p": 0.0}, "top_p", id="top-p-low"),
        pytest.param("glm-4.7", USER, {"top_p": 1.01}, "top_p", id="top-p-high"),
        pytest.param("glm-4.7", USER, {"max_tokens": 0}, "max_tokens", id="max-tokens-0"),
        pytest.param(
            "glm-4.7", USER, {"max_tokens": 131_073}, "output limit", id="max-tokens-over"
        ),
        pytest.param(
            "glm-4.7", USER, {"stop": ["a", "b", "c", "d", "e"]}, "at most 4", id="stop-5"
        ),
        pytest.param(
            "glm-5.2", USER, {"reasoning_effort": "extreme"}, "reasoning_effort", id="effort"
        ),
        pytest.param("glm-4.7", USER, {"user_id": "u" * 5}, "user_id", id="user-id-5"),
        pytest.param("glm-4.7", USER, {"user_id": "u" * 129}, "user_id", id="user-id-129"),
        pytest.param("glm-4.7", USER, {"request_id": "r" * 5}, "request_id", id="req-id-5"),
        pytest.param("glm-4.7", USER, {"request_id": "r" * 65}, "request_id", id="req-id-65"),
        pytest.param(
            "glm-4.7",
            USER,
            {"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}},
            "no json_schema mode",
            id="json-schema",
        ),
        pytest.param("glm-4.7", USER, {"thinking": "yes"}, "thinking must be", id="thinking"),
        pytest.param(
            "glm-4.7",
            USER,
            {"thinking": {"type": "enabled", "clear_thinking": "no"}},
            "clear_thinking",
            id="clear-thinking-not-bool",
        ),
    ],
)
def test_build_chat_body_rejects(
    model: str, messages: list[dict[str, Any]], kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        build_chat_body(model, messages, **kwargs)


def test_build_chat_body_does_not_mutate_inputs() -> None:
    messages = [{"role": "user", "content": "Hi"}]
    thinking = {"clear_thinking": False}
    extra = {"seed": 1}
    body = build_chat_body("glm-4.7", messages, thinking=thinking, extra_body=extra)
    assert thinking == {"clear_thinking": False}
    assert body["messages"] is not messages
    body["messages"].append({"role": "user", "content": "more"})
    assert len(messages) == 1


@pytest.mark.parametrize(
    ("value", "match"),
    [
        pytest.param("enabled", "thinking must be", id="string"),
        pytest.param(1, "thinking must be", id="int"),
        pytest.param({"type": "auto"}, "thinking\\['type'\\]", id="bad-type"),
        pytest.param({"type": True}, "thinking\\['type'\\]", id="type-bool"),
        pytest.param({"clear_thinking": 1}, "clear_thinking", id="clear-int"),
    ],
)
def test_normalize_thinking_errors(value: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        normalize_thinking(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, {"type": "enabled"}),
        (False, {"type": "disabled"}),
        ({}, {"type": "enabled"}),
        (
            {"type": "disabled", "clear_thinking": None},
            {"type": "disabled"},
        ),
    ],
)
def test_normalize_thinking(value: Any, expected: dict[str, Any] | None) -> None:
    assert normalize_thinking(value) == expected


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "user", "content": "x"}],
        [{"role": "system", "content": "s"}, {"role": "user", "content": "x"}],
        [{"role": "assistant", "content": "a"}, {"role": "tool", "content": "r"}],
    ],
)
def test_validate_messages_accepts(messages: list[dict[str, Any]]) -> None:
    validate_messages(messages)


def test_reasoning_effort_is_checked_against_the_model() -> None:
    """GLM-5.3 takes only low / high / max (zai-api.md 2.1); other models are not narrowed."""
    user = [{"role": "user", "content": "hi"}]
    with pytest.raises(ValueError, match=r"glm-5\.3 takes reasoning_effort low, high, max"):
        build_chat_body("glm-5.3", user, reasoning_effort="medium")
    assert build_chat_body("glm-5.3", user, reasoning_effort="high")["reasoning_effort"] == "high"
    assert build_chat_body("glm-5.2", user, reasoning_effort="medium")["reasoning_effort"]
    assert build_chat_body("glm-9-new", user, reasoning_effort="xhigh")["reasoning_effort"]
