"""Every kind of answer the emulator gives reads as the official ``zai-sdk``'s response type.

A field the SDK does not know fails unless ``shared/reference/zai-api.md`` says the real API
sends it (:data:`tests.conformance.sdk_types.EXTRA_FIELDS`); a field the SDK types wrongly is
checked against the reference's type (:data:`~tests.conformance.sdk_types.SDK_DEVIATIONS`).
"""

from __future__ import annotations

from typing import Any

import pytest
from zai.types.chat.chat_completion import Completion

from tests.emulator import ROUTES

from .answers import KINDS, Kind, answer, payloads
from .sdk_types import EXTRA_FIELDS, SDK_DEVIATIONS, conform

USED: set[Any] = set()


@pytest.mark.parametrize("name", list(KINDS))
def test_answer_reads_as_the_sdk_type(name: str) -> None:
    kind = KINDS[name]
    documents = payloads(kind)
    assert documents, f"{name}: no answer"
    problems = [p for d in documents for p in conform(d, kind.sdk_type, "$", USED)]
    assert not problems, f"{name} as {kind.sdk_type.__name__}:\n" + "\n".join(problems)
    if name.startswith("error"):
        assert answer(kind).status_code >= 400
    else:
        assert answer(kind).status_code == 200


def test_every_route_gives_a_checked_answer() -> None:
    checked = {
        suffix
        for suffix in ROUTES
        for kind in KINDS.values()
        if kind.path.endswith(suffix) or (suffix.endswith("/") and suffix in kind.path)
    }
    assert checked == set(ROUTES), f"routes with no conformance case: {set(ROUTES) - checked}"


def test_no_allow_list_entry_is_stale() -> None:
    """Every allowed difference from the SDK is needed by some answer (run after the cases)."""
    used: set[Any] = set()
    for kind in KINDS.values():
        for document in payloads(kind):
            conform(document, kind.sdk_type, "$", used)
    extras = {("extra", *k) for k in EXTRA_FIELDS}
    deviations = {("deviation", *k) for k in SDK_DEVIATIONS}
    assert extras | deviations == used


# ----------------------------------------------------------------------------- the checker


def _completion(**changes: Any) -> dict[str, Any]:
    message = {"role": "assistant", "content": "Hi"}
    body: dict[str, Any] = {
        "id": "x",
        "request_id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "glm-4.7",
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (_completion(usage={"prompt_tokens": 1, "completion_tokens": 1}), "total_tokens: required"),
        (_completion(created="1"), "created: expected int"),
        (_completion(choice=[]), "choice: a field Completion does not know"),
        (
            _completion(choices=[{"index": 0, "finish_reason": "stop", "mesage": {}}]),
            "mesage: a field CompletionChoice does not know",
        ),
    ],
)
def test_checker_names_each_problem(body: dict[str, Any], problem: str) -> None:
    problems = conform(body, Completion)
    assert any(problem in p for p in problems), problems


def test_checker_accepts_a_conforming_answer() -> None:
    assert conform(_completion(), Completion) == []


def test_kinds_cover_what_the_issue_lists() -> None:
    listed = [
        "chat", "stream", "chat_thinking", "chat_tool_calls", "stream_tool_stream",
        "chat_web_search", "stream_thinking_usage", "embeddings", "tokenizer", "web_search",
        "reader", "images", "video", "video_success", "transcription", "error_chat",
    ]  # fmt: skip
    assert set(listed) <= set(KINDS)
    assert all(isinstance(k, Kind) for k in KINDS.values())
