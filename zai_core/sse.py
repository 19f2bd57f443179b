"""Server-sent events to JSON dicts, over httpx-sse's spec-compliant decoder.

Only CR, LF and CRLF end a line (httpx-sse >= 0.4.2), so U+2028 inside JSON is safe, and
bytes are decoded incrementally, so a multibyte character split across network chunks is
safe. Comments and empty events are skipped; ``[DONE]`` ends the stream; an error payload
raises the matching :mod:`zai_core.errors` class.
"""

from __future__ import annotations

import json
from typing import Any

from httpx_sse import ServerSentEvent

from .errors import APIResponseValidationError, make_status_error

__all__ = ["DONE", "decode_event"]

#: Returned by :func:`decode_event` for the ``[DONE]`` terminator.
DONE: Any = object()
_loads = json.loads


def decode_event(sse: ServerSentEvent, envelope: str | None = None) -> Any:
    """One SSE event to a dict, ``None`` (skip it) or :data:`DONE`.

    Raises:
        APIStatusError: the event is an error (``event: error`` or ``{"error": ...}``).
        APIResponseValidationError: the data is not JSON.
    """
    data = sse.data
    if not data:
        return None
    try:
        payload = _loads(data)
    except json.JSONDecodeError as exc:
        stripped = data.strip()
        if not stripped:
            return None
        if stripped == "[DONE]":
            return DONE
        raise APIResponseValidationError(
            f"Z.ai sent a stream event that is not JSON: {data[:200]!r}", body=data
        ) from exc
    if type(payload) is dict and "choices" in payload and sse.event != "error":
        return payload  # a chat chunk: the hot path, nothing more to check
    if envelope is not None and isinstance(payload, dict) and "choices" not in payload:
        payload = payload.get(envelope, payload)
    if sse.event == "error" or (
        isinstance(payload, dict) and "error" in payload and "choices" not in payload
    ):
        raise make_status_error(200, payload)
    return payload
