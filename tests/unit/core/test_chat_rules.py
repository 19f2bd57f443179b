"""The shared wire rules (``zai_core.chat_rules``): content, tools, ``tool_choice``."""

from __future__ import annotations

from typing import Any

import pytest

from zai_core.chat_rules import (
    TEXT_JOIN,
    arguments_json,
    arguments_text,
    check_media,
    check_tools,
    join_text,
    normalize_tool,
    place_tool_media,
    resolve_tool_choice,
    text_only,
    unforced_tool_warning,
    user_content,
)


def _fn(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}}


def test_text_parts_join_with_a_newline() -> None:
    assert TEXT_JOIN == "\n"
    assert join_text(["Describe", "this"]) == "Describe\nthis"
    assert user_content([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]) == "a\nb"


IMAGE = {"type": "image_url", "image_url": {"url": "https://x/cat.png"}}
VIDEO = {"type": "video_url", "video_url": {"url": "https://x/v.mp4"}}
FILE = {"type": "file", "file": {"file_url": "https://x/a.pdf"}}


@pytest.mark.parametrize("media", [IMAGE, VIDEO], ids=["image", "video"])
def test_file_cannot_share_a_message_with_images_or_videos(media: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'file' parts together"):
        user_content([FILE, media])
    assert user_content([{"type": "text", "text": "t"}, media]) == [
        {"type": "text", "text": "t"},
        media,
    ]


def test_tool_media_follow_the_run_of_tool_messages() -> None:
    messages = [
        {"role": "tool", "content": [{"type": "text", "text": "a"}, IMAGE], "tool_call_id": "1"},
        {"role": "tool", "content": "plain", "tool_call_id": "2"},
        {"role": "tool", "content": [VIDEO], "tool_call_id": "3"},
        {"role": "user", "content": "next"},
    ]
    note = "[1 attachment(s) follow in the next user message]"
    assert place_tool_media(messages) == [
        {"role": "tool", "content": f"a\n{note}", "tool_call_id": "1"},
        {"role": "tool", "content": "plain", "tool_call_id": "2"},
        {"role": "tool", "content": note, "tool_call_id": "3"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Attachments from tool call 1:"},
                IMAGE,
                {"type": "text", "text": "Attachments from tool call 3:"},
                VIDEO,
            ],
        },
        {"role": "user", "content": "next"},
    ]
    assert messages[0]["content"] == [{"type": "text", "text": "a"}, IMAGE]  # not mutated
    with pytest.raises(ValueError, match="'file' parts together"):
        place_tool_media([{"role": "tool", "content": [FILE, IMAGE], "tool_call_id": "1"}])


def test_text_only_roles_refuse_media() -> None:
    text_only("assistant", ["text"])
    with pytest.raises(ValueError, match="a system message can only carry text"):
        text_only("system", ["text", "image_url"])


@pytest.mark.parametrize(
    ("model", "fails"),
    [("glm-4.7", True), ("glm-4.6v", False), ("glm-5.3-flash", False), ("my-model", False)],
)
def test_media_only_to_vision_models(model: str, fails: bool) -> None:
    messages = [{"role": "user", "content": [IMAGE]}]
    if fails:
        with pytest.raises(ValueError, match="takes text only"):
            check_media(model, messages)
    else:
        check_media(model, messages)
    check_media("glm-4.7", [{"role": "user", "content": "text"}])


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ({"a": 1, "b": "é"}, '{"a":1,"b":"é"}'),
        ('{"a": 1}', '{"a": 1}'),
        ("", "{}"),
        (None, "{}"),
        ({}, "{}"),
    ],
)
def test_arguments_json(given: Any, sent: str) -> None:
    assert arguments_json(given) == sent


@pytest.mark.parametrize(
    ("given", "text"), [(None, ""), ("", ""), ('{"a"', '{"a"'), ({"a": 1}, '{"a": 1}')]
)
def test_arguments_text(given: Any, text: str) -> None:
    assert arguments_text(given) == text


def test_tools_limit_and_names() -> None:
    check_tools([_fn(f"f{i}") for i in range(128)])
    with pytest.raises(ValueError, match="at most 128 function tools, got 129"):
        check_tools([_fn(f"f{i}") for i in range(129)])
    with pytest.raises(ValueError, match=r"not accepted by Z\.ai"):
        check_tools([_fn("has space")])
    check_tools([{"type": "web_search", "web_search": {}}])


def test_normalize_tool() -> None:
    tool = {"type": "function", "function": {"name": "f", "strict": True}}
    assert normalize_tool(tool) == {
        "type": "function",
        "function": {
            "name": "f",
            "description": "",
            "parameters": {"type": "object", "properties": {}},
        },
    }
    assert tool == {"type": "function", "function": {"name": "f", "strict": True}}
    with pytest.raises(ValueError, match="function tools and the built-in"):
        normalize_tool({"type": "code_interpreter"})


def test_unforced_tool_warning() -> None:
    body = {"tool_choice": _fn("f")}
    assert unforced_tool_warning(body, called=False) is not None
    assert unforced_tool_warning(body, called=True) is None
    assert unforced_tool_warning({"tool_choice": "auto"}, called=False) is None


def _named(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}}


ONE = ["get_time"]
TWO = ["get_time", "lookup"]

CHOICES = [
    pytest.param(None, TWO, None, False, id="none-value"),
    pytest.param(False, TWO, None, False, id="false"),
    pytest.param("auto", TWO, "auto", False, id="auto"),
    pytest.param("none", TWO, "none", False, id="none-string"),
    pytest.param("any", ONE, _named("get_time"), False, id="any-one-tool-forced"),
    pytest.param("required", ONE, _named("get_time"), False, id="required-one-tool"),
    pytest.param(True, ONE, _named("get_time"), False, id="true-one-tool"),
    pytest.param("any", TWO, "auto", True, id="any-several-tools-warns"),
    pytest.param("required", TWO, "auto", True, id="required-several-warns"),
    pytest.param("any", [], "auto", True, id="any-only-builtins-warns"),
    pytest.param("lookup", TWO, _named("lookup"), False, id="name"),
    pytest.param(_named("lookup"), TWO, _named("lookup"), False, id="openai-dict"),
    pytest.param(
        {"type": "function", "name": "lookup"}, TWO, _named("lookup"), False, id="responses-dict"
    ),
    pytest.param(
        {"type": "tool", "name": "lookup"}, TWO, _named("lookup"), False, id="anthropic-tool"
    ),
    pytest.param({"type": "auto"}, TWO, "auto", False, id="anthropic-auto"),
    pytest.param({"type": "any"}, TWO, "auto", True, id="anthropic-any"),
    pytest.param({"type": "none"}, TWO, "none", False, id="none-dict"),
]


@pytest.mark.parametrize(("choice", "names", "sent", "warns"), CHOICES)
def test_resolve_tool_choice(choice: Any, names: list[str], sent: Any, warns: bool) -> None:
    out = resolve_tool_choice(choice, names)
    if sent == "none":  # no call possible: the tools are left out, no tool_choice sent
        assert (out.choice, out.keep_tools) == (None, False)
    else:
        assert (out.choice, out.keep_tools) == (sent, True)
    assert (out.warning is not None) is warns


@pytest.mark.parametrize(
    ("choice", "required", "names", "sent"),
    [
        pytest.param(None, True, ONE, _named("get_time"), id="required-one"),
        pytest.param(None, True, TWO, "auto", id="required-several"),
        pytest.param("auto", True, TWO, "auto", id="explicit-choice-wins"),
    ],
)
def test_tool_required(choice: Any, required: bool, names: list[str], sent: Any) -> None:
    assert resolve_tool_choice(choice, names, required=required).choice == sent


@pytest.mark.parametrize(
    ("choice", "match"),
    [
        ("missing_tool", "not a bound tool"),
        (_named("missing_tool"), "not a bound tool"),
        ({"type": "weird"}, "tool_choice must be"),
        (3, "tool_choice must be"),
    ],
)
def test_resolve_tool_choice_errors(choice: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        resolve_tool_choice(choice, TWO)
