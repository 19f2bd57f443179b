"""Whether a finished tool call's arguments can be used: one rule for both integrations.

A call is usable only when its arguments, once the answer is complete, are a JSON object
(or empty / `null`, meaning no arguments). Anything else -- text that is not JSON, a JSON
list or number, or arguments cut off by `finish_reason: "length"` -- is reported as an
invalid call (LangChain `invalid_tool_calls`; a LlamaIndex error), never handed out as
arguments to run a tool with. Partial parsing is only for chunks shown while streaming.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["is_whole_object", "parse_tool_arguments", "seal_invalid_arguments"]


def parse_tool_arguments(
    arguments: Any, finish_reason: str | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """`(arguments as a dict, None)` when usable, else `(None, why not)`.

    `arguments` is the wire value: a JSON string, or an object some gateways send as is.
    """
    if isinstance(arguments, dict):
        return arguments, None
    if arguments is None:
        return {}, None
    if not isinstance(arguments, str):
        return None, f"arguments are a {type(arguments).__name__}, not a JSON object"
    if arguments.strip() in ("", "null"):
        return {}, None
    try:
        parsed = json.loads(arguments, strict=False)
    except json.JSONDecodeError as exc:
        if finish_reason == "length":
            return None, (
                "arguments were cut off by the token limit (finish_reason=length) and are "
                f"not whole JSON: {exc}"
            )
        return None, f"arguments are not valid JSON: {exc}"
    if not isinstance(parsed, dict):
        return None, f"arguments are not a JSON object (got a {type(parsed).__name__})"
    return parsed, None


def is_whole_object(arguments: str) -> bool:
    """Whether a streamed fragment is by itself a whole JSON object (a call sent whole)."""
    text = arguments.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return False
    try:
        return isinstance(json.loads(text, strict=False), dict)
    except json.JSONDecodeError:
        return False


def seal_invalid_arguments(text: str) -> str:
    """A fragment that, appended to `text`, makes any partial-JSON parser reject it.

    LangChain re-parses the concatenated argument fragments of a stream with a forgiving
    partial parser (`{"city": "Par` becomes `{'city': 'Par'}`, `{bad` becomes `{}`).
    Closing an open string and then a bracket that does not match marks the call as invalid
    in the aggregated message, as the non-streamed answer reports it.
    """
    stack: list[str] = []
    inside = escaped = False
    for char in text:
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack and stack[-1] == char:
            stack.pop()
    seal = ("x" if escaped else "") + ('"' if inside else "")
    return seal + ("]" if stack and stack[-1] == "}" else "}")
