"""The event grammar of the real recordings (:mod:`tests.conformance.grammar`), checked three ways.

1. Over fixtures written for this suite from what the recordings teach (``fixtures/``: own
   texts, own ids): each follows the grammar, and each way of breaking a rule is caught.
2. Over every streamed and whole chat answer the emulator gives (:data:`answers.KINDS`).
3. Over every streamed chat answer stored in a cassette (tests/ and cookbooks/).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .answers import KINDS, answer
from .grammar import check_completion, check_stream

FIXTURES = Path(__file__).parent / "fixtures"
STREAMS = sorted(FIXTURES.glob("*.sse"))


def _tool_stream(path: Path) -> bool:
    return "tool_stream" in path.stem


@pytest.mark.parametrize("path", STREAMS, ids=[p.stem for p in STREAMS])
def test_fixture_follows_the_grammar(path: Path) -> None:
    assert check_stream(path.read_text(), tool_stream=_tool_stream(path)) == []


def test_whole_answer_fixture_follows_the_grammar() -> None:
    assert check_completion(json.loads((FIXTURES / "whole_tool_call.json").read_text())) == []


# ----------------------------------------------------------------------------- broken streams


def _edit(body: str, edit: Callable[[list[dict[str, Any]]], None]) -> str:
    chunks = [json.loads(line[6:]) for line in body.split("\n") if line.startswith("data: {")]
    edit(chunks)
    frames = [f"data: {json.dumps(c, separators=(',', ':'))}\n\n" for c in chunks]
    return "".join(frames) + "data: [DONE]\n\n"


def _drop_role(chunks: list[dict[str, Any]]) -> None:
    del chunks[0]["choices"][0]["delta"]["role"]


def _usage_early(chunks: list[dict[str, Any]]) -> None:
    chunks[0]["usage"] = chunks[-1]["usage"]


def _finish_early(chunks: list[dict[str, Any]]) -> None:
    chunks[0]["choices"][0]["finish_reason"] = None  # the docs show null; the wire has no key


def _no_final_usage(chunks: list[dict[str, Any]]) -> None:
    del chunks[-1]["usage"]


def _new_id(chunks: list[dict[str, Any]]) -> None:
    chunks[1]["id"] = chunks[1]["id"][:-1] + "0"


def _request_id(chunks: list[dict[str, Any]]) -> None:
    chunks[0]["request_id"] = chunks[0]["id"]


def _content_first(chunks: list[dict[str, Any]]) -> None:
    chunks.insert(
        0, {**chunks[0], "choices": [{"index": 0, "delta": {"role": "assistant", "content": "x"}}]}
    )


def _openai_usage_chunk(chunks: list[dict[str, Any]]) -> None:
    usage = chunks[-1].pop("usage")
    chunks.append({**chunks[-1], "choices": [], "usage": usage})


def _object(chunks: list[dict[str, Any]]) -> None:
    chunks[2]["object"] = "chat.completion"


BROKEN = {
    "S1 no [DONE]": ("thinking_then_text", lambda body: body.replace("data: [DONE]\n\n", "")),
    "S1 event line": ("thinking_then_text", lambda body: "event: message\n" + body),
    "S2 request_id in a chunk": ("thinking_then_text", lambda b: _edit(b, _request_id)),
    "S2 object": ("thinking_then_text", lambda b: _edit(b, _object)),
    "S3 id changes": ("thinking_then_text", lambda b: _edit(b, _new_id)),
    "S5 role missing": ("thinking_then_text", lambda b: _edit(b, _drop_role)),
    "S6 usage early": ("thinking_then_text", lambda b: _edit(b, _usage_early)),
    "S6 finish_reason null early": ("thinking_then_text", lambda b: _edit(b, _finish_early)),
    "S6 no usage at the end": ("thinking_then_text", lambda b: _edit(b, _no_final_usage)),
    "S6 OpenAI usage chunk": ("thinking_then_text", lambda b: _edit(b, _openai_usage_chunk)),
    "S7 content before reasoning": ("thinking_then_text", lambda b: _edit(b, _content_first)),
    "S8 fragmented without tool_stream": ("tool_stream_fragments", lambda b: b),
    "S8 bad call id": (
        "parallel_tool_calls",
        lambda b: b.replace("call_0123456789abcdef01234567", "call_1"),
    ),
}


@pytest.mark.parametrize("rule", list(BROKEN))
def test_each_broken_rule_is_caught(rule: str) -> None:
    name, breaking = BROKEN[rule]
    problems = check_stream(breaking((FIXTURES / f"{name}.sse").read_text()))
    assert any(p.startswith(rule.split()[0]) for p in problems), problems


def test_a_broken_whole_answer_is_caught() -> None:
    body = json.loads((FIXTURES / "whole_tool_call.json").read_text())
    body["request_id"] = "20270102030408000000000000000f"
    call = body["choices"][0]["message"]["tool_calls"][0]
    call["id"] = "call_0123456789abcdef01234567"  # a streamed id in a whole answer
    problems = check_completion(body)
    assert [p[:2] for p in problems] == ["C1", "C1"], problems


# ----------------------------------------------------------------------------- the emulator

CHAT = {n: k for n, k in KINDS.items() if k.path == "/chat/completions" and "error" not in n}


@pytest.mark.parametrize("name", list(CHAT))
def test_emulator_chat_answer_follows_the_grammar(name: str) -> None:
    kind = CHAT[name]
    response = answer(kind)
    if kind.stream:
        assert re.match(r"text/event-stream", response.headers["content-type"])
        problems = check_stream(
            response.read().decode(), tool_stream=bool(kind.body.get("tool_stream"))
        )
    else:
        problems = check_completion(response.json())
    assert problems == []


# ----------------------------------------------------------------------------- the cassettes

ROOT = Path(__file__).resolve().parents[2]


def _streamed_chat_bodies() -> list[tuple[str, str, bool]]:
    """(where, SSE body, tool_stream asked) of every streamed chat answer in a cassette."""
    import yaml

    from tests.emulator.shapes import cassettes

    found = []
    for path in cassettes([ROOT / "tests", ROOT / "cookbooks"]):
        for i, interaction in enumerate(yaml.safe_load(path.read_text())["interactions"]):
            request, response = interaction["request"], interaction["response"]
            body = response["body"]["string"]
            body = body.decode() if isinstance(body, bytes) else body
            if request["uri"].endswith("/chat/completions") and body.startswith("data: "):
                asked = json.loads(request["body"] or "{}").get("tool_stream", False)
                found.append((f"{path.relative_to(ROOT)}#{i}", body, bool(asked)))
    return found


def test_every_streamed_answer_in_the_cassettes_follows_the_grammar() -> None:
    bodies = _streamed_chat_bodies()
    assert len(bodies) > 50
    broken = {where: p for where, body, ts in bodies if (p := check_stream(body, tool_stream=ts))}
    assert not broken, broken
