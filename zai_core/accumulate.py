"""Pure helpers over Z.ai's wire dicts: the stream accumulator and usage parsing.

Both integrations use these, so a streamed answer and a plain answer go through one
conversion: the accumulator turns a stream into the same `message` / `response` dict a
non-streamed call returns.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from .chat_rules import arguments_text
from .errors import APIResponseValidationError
from .tool_arguments import is_whole_object

__all__ = [
    "StreamAccumulator",
    "ToolCallDelta",
    "Usage",
    "completion_to_chunk",
    "drop_bad_usage",
    "parse_usage",
]

_EMPTY: dict[str, Any] = {}


@dataclass(frozen=True)
class Usage:
    """Token counts of one call, with Z.ai's cached-prompt and reasoning details."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None

    def as_dict(self) -> dict[str, int]:
        """Flat dict in the wire's names, details only when the server sent them."""
        out = {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
        }
        if self.cached_tokens is not None:
            out["cached_tokens"] = self.cached_tokens
        if self.reasoning_tokens is not None:
            out["reasoning_tokens"] = self.reasoning_tokens
        return out


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


def parse_usage(usage: dict[str, Any] | None) -> Usage | None:
    """`Usage` from a wire `usage` dict (`None` stays `None`)."""
    if not usage:
        return None
    prompt = int(usage.get("prompt_tokens") or 0)
    completion = int(usage.get("completion_tokens") or 0)
    total = int(usage.get("total_tokens") or (prompt + completion))
    prompt_details = usage.get("prompt_tokens_details") or _EMPTY
    completion_details = usage.get("completion_tokens_details") or _EMPTY
    return Usage(
        input_tokens=prompt,
        output_tokens=completion,
        total_tokens=total,
        cached_tokens=_int_or_none(prompt_details.get("cached_tokens")),
        reasoning_tokens=_int_or_none(completion_details.get("reasoning_tokens")),
    )


def _joined(parts: list[str]) -> str:
    """`"".join(parts)`, kept as the list's only item so that reading the text after every
    chunk (as LlamaIndex does) costs one copy, not a pass over every fragment so far."""
    if len(parts) > 1:
        parts[:] = ["".join(parts)]
    return parts[0] if parts else ""


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """One tool-call delta of a chunk, as `StreamAccumulator` placed it.

    `id` and `name` are set only on the delta that brought them first (`tool_stream`
    may repeat them in every fragment); `arguments` is this delta's fragment.
    """

    index: int
    type: str
    id: str | None
    name: str | None
    arguments: str


_COUNTS = ("prompt_tokens", "completion_tokens", "total_tokens")


def drop_bad_usage(answer: dict[str, Any]) -> None:
    """Remove a malformed `usage` from an answer or chunk (in place), with a warning.

    A good answer is kept when only its token counts are unreadable.
    """
    usage = answer.get("usage")
    if usage is None:
        return
    good = isinstance(usage, dict) and all(
        isinstance(usage.get(n), (int, float, type(None))) and not isinstance(usage.get(n), bool)
        for n in _COUNTS
    )
    if good:
        return
    del answer["usage"]
    warnings.warn(
        f"Z.ai sent token usage that cannot be read ({str(usage)[:100]!r}); usage dropped, "
        "the answer is kept",
        RuntimeWarning,
        stacklevel=2,
    )


class StreamAccumulator:
    """Folds `chat.completion.chunk` dicts into one answer.

    Content and reasoning are concatenated; tool calls are merged by `index` (a delta with
    no index continues the call with the same id, starts a new call for an id not seen yet,
    else continues the last call), tolerating repeated or missing `id` / `name` and
    `null` argument fragments, as `tool_stream` sends them. `tool_deltas` holds how
    the tool-call deltas of the last chunk that had any were placed, so a framework that
    emits per-chunk tool-call fragments reads them here instead of keeping its own state.
    """

    __slots__ = (
        "_calls",
        "_content",
        "_reasoning",
        "created",
        "finish_reason",
        "id",
        "model",
        "request_id",
        "tool_deltas",
        "usage",
        "web_search",
    )

    def __init__(self) -> None:
        self._content: list[str] = []
        self._reasoning: list[str] = []
        # Each call's arguments are a list of fragments, joined when read (linear in length).
        self._calls: dict[int, dict[str, Any]] = {}
        self.tool_deltas: list[ToolCallDelta] = []
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None
        self.id: str | None = None
        self.model: str | None = None
        self.created: int | None = None
        self.request_id: str | None = None
        self.web_search: list[dict[str, Any]] | None = None

    def add(self, chunk: dict[str, Any]) -> dict[str, Any]:
        """Fold one chunk in; return its choice's `delta` (`{}` when it has none)."""
        if self.id is None:
            self.id = chunk.get("id")
            self.model = chunk.get("model")
            self.created = chunk.get("created")
            self.request_id = chunk.get("request_id", self.id)
        usage = chunk.get("usage")
        if usage is not None:
            drop_bad_usage(chunk)
            self.usage = chunk.get("usage") or self.usage
        web_search = chunk.get("web_search")
        if web_search:
            self.web_search = web_search
        choices = chunk.get("choices")
        if not choices:
            return _EMPTY
        choice = choices[0]
        if type(choice) is not dict:
            raise self._bad(f"choices[0] is not an object: {str(choice)[:100]!r}")
        delta = choice.get("delta") or _EMPTY
        if type(delta) is not dict:
            raise self._bad(f"choices[0].delta is not an object: {str(delta)[:100]!r}")
        content = delta.get("content")
        if content:
            self._content.append(content)
        reasoning = delta.get("reasoning_content")
        if reasoning:
            self._reasoning.append(reasoning)
        calls = delta.get("tool_calls")
        if calls:
            if type(calls) is not list or not all(type(c) is dict for c in calls):
                raise self._bad(f"tool_calls is not a list of objects: {str(calls)[:100]!r}")
            self.tool_deltas = [self._add_tool_call(call) for call in calls]
        finish = choice.get("finish_reason")
        if finish:
            self.finish_reason = finish
        return delta

    def _tool_index(self, call: dict[str, Any]) -> int:
        """A delta's call: its `index`; else the call with its id, a new call for an id
        not seen yet, or the last call."""
        index = call.get("index")
        if index is not None:
            return int(index)
        call_id = call.get("id")
        if call_id:
            known = next((i for i, c in self._calls.items() if c["id"] == call_id), None)
            if known is not None and not self._second_whole_call(known, call):
                return known
            if self._calls:
                return max(self._calls) + 1
        return max(self._calls, default=0)

    def _bad(self, what: str) -> APIResponseValidationError:
        return APIResponseValidationError(
            f"Z.ai sent a stream chunk that cannot be used: {what}", request_id=self.request_id
        )

    def _second_whole_call(self, known: int, call: dict[str, Any]) -> bool:
        """A whole call (name and complete arguments) under the id of a call that came whole
        too: a second call reusing the id, not a continuation of the first."""
        function = call.get("function") or _EMPTY
        fragment = function.get("arguments")
        if not function.get("name") or not isinstance(fragment, str):
            return False
        return is_whole_object(fragment) and is_whole_object(
            _joined(self._calls[known]["arguments"])
        )

    def _add_tool_call(self, call: dict[str, Any]) -> ToolCallDelta:
        index = self._tool_index(call)
        call_id = call.get("id") or None
        function = call.get("function") or _EMPTY
        name = function.get("name") or None
        fragment = arguments_text(function.get("arguments"))
        current = self._calls.get(index)
        if current is None:
            kind = call.get("type") or "function"
            self._calls[index] = {
                "id": call_id or "",
                "type": kind,
                "name": name or "",
                "arguments": [fragment],  # parts, joined when read: linear in their length
            }
            return ToolCallDelta(index, kind, call_id, name, fragment)
        new_id = call_id if call_id and not current["id"] else None
        if new_id:
            current["id"] = new_id
        new_name = name if name and not current["name"] else None
        if new_name:
            current["name"] = new_name
        if fragment:
            current["arguments"].append(fragment)
        return ToolCallDelta(index, current["type"], new_id, new_name, fragment)

    @property
    def tool_calls(self) -> dict[int, dict[str, Any]]:
        """Tool calls so far by index: `id`, `type`, `name` and the `arguments` text."""
        return {i: {**c, "arguments": _joined(c["arguments"])} for i, c in self._calls.items()}

    @property
    def has_tool_calls(self) -> bool:
        """Whether any tool call has started (without joining any arguments)."""
        return bool(self._calls)

    @property
    def content(self) -> str:
        """Text received so far."""
        return _joined(self._content)

    @property
    def reasoning(self) -> str:
        """Reasoning received so far."""
        return _joined(self._reasoning)

    def wire_tool_calls(self) -> list[dict[str, Any]]:
        """Tool calls so far, in index order, in the non-streamed wire shape.

        Each call's arguments are kept as a list of fragments and joined here (the join is
        kept, so reading after every chunk copies the text once, never re-adds the parts).
        """
        return [
            {
                "id": c["id"],
                "index": i,
                "type": c["type"],
                "function": {"name": c["name"], "arguments": _joined(c["arguments"])},
            }
            for i, c in sorted(self._calls.items())
        ]

    def message(self) -> dict[str, Any]:
        """The assistant message so far, shaped like a non-streamed `choices[0].message`."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self._reasoning:
            message["reasoning_content"] = self.reasoning
        if self._calls:
            message["tool_calls"] = self.wire_tool_calls()
        return message

    def response(self) -> dict[str, Any]:
        """The whole answer so far, shaped like a non-streamed `chat.completion` body."""
        body: dict[str, Any] = {
            "id": self.id,
            "request_id": self.request_id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [
                {"index": 0, "finish_reason": self.finish_reason, "message": self.message()}
            ],
        }
        if self.usage is not None:
            body["usage"] = self.usage
        if self.web_search is not None:
            body["web_search"] = self.web_search
        return body


def completion_to_chunk(body: dict[str, Any]) -> dict[str, Any]:
    """A whole `chat.completion` body as one `chat.completion.chunk`; other dicts as given.

    For answers that arrive whole where a stream was asked for: a gateway that buffers the
    stream (LowCodeAPI may), or one that has no stream at all (the xpay MCP tool). The chunk
    carries the whole message as its `delta`, the `finish_reason` and the usage, so a
    `StreamAccumulator` folds it into the same answer. Never mutates `body`.
    """
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices:
        return body
    if not all(isinstance(c, dict) and "message" in c for c in choices):
        return body
    chunk: dict[str, Any] = {k: v for k, v in body.items() if k != "choices"}
    chunk["object"] = "chat.completion.chunk"
    chunk["choices"] = [_choice_to_delta(i, c) for i, c in enumerate(choices)]
    return chunk


def _choice_to_delta(position: int, choice: dict[str, Any]) -> dict[str, Any]:
    message = choice.get("message") or _EMPTY
    delta = {k: v for k, v in message.items() if v is not None and k != "tool_calls"}
    calls = message.get("tool_calls")
    if calls:
        delta["tool_calls"] = [
            {**call, "index": call.get("index", i)} if isinstance(call, dict) else call
            for i, call in enumerate(calls)
        ]
    out = {k: v for k, v in choice.items() if k != "message"}
    out.setdefault("index", position)
    out["delta"] = delta
    return out
