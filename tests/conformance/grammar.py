"""The event grammar of Z.ai's chat answers, as the real recordings show it.

Learnt from ``shared/reference/real-exchanges/`` (17 recorded exchanges, 9 streamed, all on
``glm-4.7``-family models) and ``zai-api.md`` 2.3 / 2.4; the rules, each checked by
:func:`check_stream` or :func:`check_completion`:

- S1 frames are ``data: <json>`` lines separated by blank lines, no ``event:`` line; the last
  frame is ``data: [DONE]`` and appears once.
- S2 every chunk has exactly ``id, created, object, model, choices`` (plus ``usage`` on the
  final one); ``object`` is ``chat.completion.chunk``; no ``request_id`` in chunks.
- S3 ``id``, ``created`` and ``model`` are the same in every chunk; ``id`` is a 14-digit
  timestamp and 16 hex digits.
- S4 each chunk has one choice, ``index`` 0, with a ``delta``.
- S5 text and reasoning deltas repeat ``"role": "assistant"`` and carry one of ``content`` /
  ``reasoning_content``; tool-call deltas carry only ``tool_calls``, no ``role``.
- S6 non-final chunks have no ``finish_reason`` key and no ``usage``; the last chunk before
  ``[DONE]`` has both, and its delta is ``{"role": "assistant", "content": ""}``.
- S7 order: reasoning deltas, then content deltas, then tool-call deltas, then the final chunk.
- S8 streamed tool calls arrive whole (``id`` = ``call_`` + 24 hex, ``index``, ``type``,
  ``function.name``, ``function.arguments`` a JSON object string). With ``tool_stream`` (no
  recording; the docs' example) the first delta of an ``index`` has ``id`` and ``name`` and the
  next ones add ``function.arguments`` fragments that join to a JSON object.
- S9 usage: ``prompt_tokens + completion_tokens == total_tokens``.
- C1 a whole answer has exactly ``id, request_id, object, created, model, choices, usage``
  (plus the documented ``web_search``), ``id == request_id``, ``object`` ``chat.completion``;
  tool calls have ``id`` = ``call_`` + a signed decimal, ``index``, arguments a JSON string.
"""

from __future__ import annotations

import json
import re
from typing import Any

ID = re.compile(r"\d{14}[0-9a-f]{16}")
STREAM_CALL_ID = re.compile(r"call_[0-9a-f]{24}")
WHOLE_CALL_ID = re.compile(r"call_-?\d+")
CHUNK_KEYS = {"id", "created", "object", "model", "choices"}
FINAL_DELTA = {"role": "assistant", "content": ""}
#: Documented, not recorded: ``web_search`` results (zai-api.md 2.3).
OPTIONAL_KEYS = {"web_search"}


def frames(body: str) -> tuple[list[str], list[str]]:
    """An SSE body -> (``data:`` payloads, S1 problems)."""
    problems: list[str] = []
    lines = body.split("\n")
    data = [line[len("data: ") :] for line in lines if line.startswith("data: ")]
    stray = [line for line in lines if line and not line.startswith("data: ")]
    if stray:
        problems.append(f"S1: lines that are not 'data: ' frames: {stray[:2]}")
    if not data or data[-1] != "[DONE]" or data.count("[DONE]") != 1:
        problems.append("S1: the stream must end with one 'data: [DONE]'")
    return data, problems


def _usage(usage: Any, where: str) -> list[str]:
    if not isinstance(usage, dict):
        return [f"S6: {where} has no usage object"]
    total = usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)
    if usage.get("total_tokens") != total:
        return [f"S9: {where} usage total is not prompt + completion"]
    return []


def _arguments_object(text: Any) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (TypeError, ValueError):
        return False


def _chunk_shape(i: int, chunk: dict[str, Any], final: bool) -> list[str]:
    problems = []
    keys = set(chunk) - OPTIONAL_KEYS
    expected = CHUNK_KEYS | ({"usage"} if final else set())
    if keys != expected:
        problems.append(f"S2/S6: chunk {i} keys {sorted(keys)} != {sorted(expected)}")
    if chunk.get("object") != "chat.completion.chunk":
        problems.append(f"S2: chunk {i} object is {chunk.get('object')!r}")
    choices = chunk.get("choices")
    if not isinstance(choices, list) or len(choices) != 1 or choices[0].get("index") != 0:
        problems.append(f"S4: chunk {i} must have one choice of index 0")
    elif "delta" not in choices[0]:
        problems.append(f"S4: chunk {i} has no delta")
    elif final != ("finish_reason" in choices[0]):
        problems.append(f"S6: finish_reason on chunk {i} (final: {final})")
    return problems


def _delta_kind(i: int, delta: dict[str, Any]) -> tuple[int, list[str]]:
    """The delta's place in S7's order (0 reasoning, 1 content, 2 tools) and its S5 problems."""
    if "tool_calls" in delta:
        bad = set(delta) != {"tool_calls"}
        return 2, [f"S5: tool-call delta {i} carries {sorted(delta)}"] if bad else []
    for place, key in enumerate(("reasoning_content", "content")):
        if key in delta:
            ok = delta.get("role") == "assistant" and set(delta) == {"role", key}
            return place, [] if ok else [f"S5: delta {i} must be role + {key}: {sorted(delta)}"]
    return 0, [f"S5: delta {i} carries nothing: {delta}"]


def _tool_deltas(calls: list[dict[str, Any]], tool_stream: bool) -> list[str]:
    problems: list[str] = []
    seen: dict[int, str] = {}
    for call in calls:
        index = call.get("index")
        function = call.get("function") or {}
        if not isinstance(index, int):
            problems.append(f"S8: tool-call delta without an index: {call}")
            continue
        first = index not in seen
        if first or not tool_stream:
            if not STREAM_CALL_ID.fullmatch(str(call.get("id"))) or not function.get("name"):
                problems.append(f"S8: tool call {index} lacks a call_<24 hex> id or a name")
            if call.get("type") != "function":
                problems.append(f"S8: tool call {index} type is {call.get('type')!r}")
        seen[index] = seen.get(index, "") + (function.get("arguments") or "")
    problems += [
        f"S8: arguments of tool call {i} do not make a JSON object: {text!r}"
        for i, text in seen.items()
        if not _arguments_object(text)
    ]
    return problems


def check_stream(body: str, *, tool_stream: bool = False) -> list[str]:
    """Every rule S1-S9 the streamed ``body`` breaks (an empty list when it follows them)."""
    data, problems = frames(body)
    chunks = [json.loads(d) for d in data if d != "[DONE]"]
    if not chunks:
        return [*problems, "S6: no chunk before [DONE]"]
    for key in ("id", "created", "model"):
        if len({json.dumps(c.get(key)) for c in chunks}) != 1:
            problems.append(f"S3: {key} differs between chunks")
    if not ID.fullmatch(str(chunks[0].get("id"))):
        problems.append(f"S3: id {chunks[0].get('id')!r} is not 14 digits + 16 hex")
    last_place, calls = 0, []
    for i, chunk in enumerate(chunks):
        final = i == len(chunks) - 1
        problems += _chunk_shape(i, chunk, final)
        if not final and "usage" in chunk:
            problems.append(f"S6: usage on non-final chunk {i}")
        delta = (chunk.get("choices") or [{}])[0].get("delta") or {}
        if final:
            problems += _usage(chunk.get("usage"), "the final chunk")
            if delta != FINAL_DELTA:
                problems.append(f"S6: the final delta is {delta}, not {FINAL_DELTA}")
            continue
        place, found = _delta_kind(i, delta)
        problems += found
        if place < last_place:
            problems.append(f"S7: chunk {i} comes after a later kind of delta")
        last_place = max(last_place, place)
        calls += delta.get("tool_calls") or []
    return problems + _tool_deltas(calls, tool_stream)


def check_completion(body: dict[str, Any]) -> list[str]:
    """Every rule C1 the whole (non-streamed) chat answer ``body`` breaks."""
    problems = []
    expected = CHUNK_KEYS | {"request_id", "usage"}
    if set(body) - OPTIONAL_KEYS != expected:
        problems.append(f"C1: keys {sorted(body)} != {sorted(expected)}")
    if body.get("id") != body.get("request_id") or not ID.fullmatch(str(body.get("id"))):
        problems.append("C1: id must equal request_id, 14 digits + 16 hex")
    if body.get("object") != "chat.completion":
        problems.append(f"C1: object is {body.get('object')!r}")
    problems += _usage(body.get("usage"), "the answer")
    for choice in body.get("choices") or []:
        for call in (choice.get("message") or {}).get("tool_calls") or []:
            whole = WHOLE_CALL_ID.fullmatch(str(call.get("id"))) and "index" in call
            if not whole or not _arguments_object(call.get("function", {}).get("arguments")):
                problems.append(f"C1: tool call {call.get('id')!r} is not whole")
    return problems
