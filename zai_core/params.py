"""Settings -> request body, as one pure function both integrations call.

Every check that can be made before a request is made here, so a bad value fails with a
message naming the parameter instead of a 400 from the server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .catalog import get_model_info

__all__ = [
    "REASONING_EFFORTS",
    "build_chat_body",
    "normalize_thinking",
    "validate_messages",
]

REASONING_EFFORTS = ("max", "xhigh", "high", "medium", "low", "minimal", "none")
ThinkingLike = bool | Mapping[str, Any] | None


def normalize_thinking(thinking: ThinkingLike) -> dict[str, Any] | None:
    """``True`` -> enabled, ``False`` -> disabled, a dict is checked and passed on."""
    if thinking is None:
        return None
    if thinking is True:
        return {"type": "enabled"}
    if thinking is False:
        return {"type": "disabled"}
    if isinstance(thinking, Mapping):
        out = dict(thinking)
        kind = out.setdefault("type", "enabled")
        if kind not in ("enabled", "disabled"):
            raise ValueError(f"thinking['type'] must be 'enabled' or 'disabled', got {kind!r}")
        clear = out.get("clear_thinking")
        if clear is None:
            out.pop("clear_thinking", None)
        elif not isinstance(clear, bool):
            raise ValueError(f"thinking['clear_thinking'] must be a bool, got {clear!r}")
        return out
    raise ValueError(
        f"thinking must be True, False, None or a dict like "
        f"{{'type': 'enabled', 'clear_thinking': False}}, got {thinking!r}"
    )


def _check_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is not None and not (low <= value <= high):
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _check_length(name: str, value: str | None, low: int, high: int) -> None:
    if value is not None and not (low <= len(value) <= high):
        raise ValueError(f"{name} must be {low}-{high} characters long, got {len(value)}")


def validate_messages(messages: Sequence[Mapping[str, Any]]) -> None:
    """Reject a history Z.ai would reject: empty, or only system / assistant messages."""
    if not messages:
        raise ValueError("messages is empty: send at least one user message")
    if all(m.get("role") in ("system", "assistant") for m in messages):
        raise ValueError(
            "messages holds only system and assistant messages; Z.ai needs at least one "
            "user (or tool) message"
        )


def build_chat_body(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    *,
    stream: bool = False,
    temperature: float | None = None,
    top_p: float | None = None,
    max_tokens: int | None = None,
    stop: str | Sequence[str] | None = None,
    do_sample: bool | None = None,
    thinking: ThinkingLike = None,
    reasoning_effort: str | None = None,
    tool_stream: bool | None = None,
    response_format: Mapping[str, Any] | None = None,
    user_id: str | None = None,
    request_id: str | None = None,
    tools: Sequence[Mapping[str, Any]] | None = None,
    tool_choice: str | Mapping[str, Any] | None = None,
    stream_usage: bool = True,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body of ``POST /chat/completions``.

    Unset (``None``) settings are left out so the server's per-model defaults apply.
    ``tool_stream`` is only sent on streamed calls (the server requires ``stream``);
    ``stream_options.include_usage`` is sent on streamed calls when ``stream_usage``.
    ``extra_body`` keys are merged last and win.

    Raises:
        ValueError: a setting is out of range or malformed, or the messages cannot be sent.
    """
    if not model:
        raise ValueError("model must be a non-empty model name such as 'glm-4.7'")
    validate_messages(messages)
    _check_range("temperature", temperature, 0.0, 1.0)
    _check_range("top_p", top_p, 0.01, 1.0)
    if max_tokens is not None:
        info = get_model_info(model)
        limit = info.max_output if info.known else 131_072
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {max_tokens}")
        if max_tokens > limit:
            raise ValueError(f"max_tokens {max_tokens} exceeds {model}'s output limit {limit}")
    if reasoning_effort is not None and reasoning_effort not in REASONING_EFFORTS:
        raise ValueError(
            f"reasoning_effort must be one of {', '.join(REASONING_EFFORTS)}; "
            f"got {reasoning_effort!r}"
        )
    allowed = get_model_info(model).reasoning_efforts
    if reasoning_effort is not None and allowed and reasoning_effort not in allowed:
        raise ValueError(
            f"{model} takes reasoning_effort {', '.join(allowed)}; got {reasoning_effort!r}"
        )
    _check_length("user_id", user_id, 6, 128)
    _check_length("request_id", request_id, 6, 64)
    if response_format is not None and response_format.get("type") not in ("text", "json_object"):
        raise ValueError(
            "response_format must be {'type': 'text'} or {'type': 'json_object'}; Z.ai has "
            f"no json_schema mode (got {dict(response_format)!r})"
        )

    body: dict[str, Any] = {"model": model, "messages": list(messages), "stream": stream}
    optional: dict[str, Any] = {
        "temperature": temperature,
        "top_p": top_p,
        "max_tokens": max_tokens,
        "do_sample": do_sample,
        "thinking": normalize_thinking(thinking),
        "reasoning_effort": reasoning_effort,
        "response_format": dict(response_format) if response_format is not None else None,
        "user_id": user_id,
        "request_id": request_id,
    }
    if stop is not None:
        stops = [stop] if isinstance(stop, str) else list(stop)
        if len(stops) > 4:
            raise ValueError(f"stop takes at most 4 sequences, got {len(stops)}")
        optional["stop"] = stops or None
    if tools:
        optional["tools"] = list(tools)
        optional["tool_choice"] = tool_choice
    if stream:
        optional["tool_stream"] = tool_stream or None
        if stream_usage:
            optional["stream_options"] = {"include_usage": True}
    body.update((k, v) for k, v in optional.items() if v is not None)
    if extra_body:
        body.update(extra_body)
    return body
