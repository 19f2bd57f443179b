"""Server-sent events to JSON dicts, over httpx-sse's spec-compliant decoder.

Only CR, LF and CRLF end a line (httpx-sse >= 0.4.2), so U+2028 inside JSON is safe, and
bytes are decoded incrementally, so a multibyte character split across network chunks is
safe. Comments and empty events are skipped; `[DONE]` ends the stream; an error payload
raises the matching `zai_core.errors` class.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from httpx_sse import ServerSentEvent

from . import _json
from .errors import APIResponseValidationError, InternalServerError, make_status_error

__all__ = ["DONE", "MAX_SSE_LINE", "SSEParser", "aiter_events", "decode_event", "iter_events"]

#: The longest SSE line accepted (characters); a longer one raises
#: :class:`APIResponseValidationError` instead of being buffered without end.
MAX_SSE_LINE = 8 * 1024 * 1024
_BOM = "\ufeff"


class SSEParser:
    """Text pieces in, `ServerSentEvent` objects out (the WHATWG event-stream rules).

    Only CR, LF and CRLF end a line; a UTF-8 byte-order mark before the first line is
    dropped (the spec says so; it used to hide the first event); a line longer than
    `max_line` characters raises `APIResponseValidationError`.
    """

    def __init__(self, max_line: int | None = None) -> None:
        self._max_line = MAX_SSE_LINE if max_line is None else max_line
        self._partial: list[str] = []
        self._partial_len = 0
        self._trailing_cr = False
        self._started = False
        self._event = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[ServerSentEvent]:
        """The events completed by `text`."""
        if not self._started and text:
            self._started = True
            text = text.removeprefix(_BOM)
        if self._trailing_cr:
            text = "\r" + text
            self._trailing_cr = False
        if text.endswith("\r"):
            self._trailing_cr = True
            text = text[:-1]
        if not text:
            return []
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        rest = lines.pop()  # "" when the text ended with a newline
        if not lines:
            self._keep(rest)
            return []
        if self._partial:
            lines[0] = "".join(self._partial) + lines[0]
            self._partial, self._partial_len = [], 0
        self._keep(rest)
        events = []
        for line in lines:
            if len(line) > self._max_line:
                self._too_long(len(line))
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _keep(self, rest: str) -> None:
        if rest:
            self._partial.append(rest)
            self._partial_len += len(rest)
            if self._partial_len > self._max_line:
                self._too_long(self._partial_len)

    def _too_long(self, length: int) -> None:
        raise APIResponseValidationError(
            f"Z.ai sent a stream line of more than {self._max_line} characters "
            f"({length} so far) without a line end"
        )

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            if not self._data and not self._event:
                return None
            event = ServerSentEvent(event=self._event, data="\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line[0] == ":":
            return None
        name, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None


#: Returned by :func:`decode_event` for the ``[DONE]`` terminator.
DONE: Any = object()
_loads = _json.loads  # msgspec; exactly what json.loads returns (zai_core/_json.py)


def decode_event(sse: ServerSentEvent, envelope: str | None = None) -> Any:
    """One SSE event to a dict, `None` (skip it) or `DONE`.

    Raises:
        APIStatusError: the event is an error (`event: error` or `{"error": ...}`).
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
        if sse.event == "error":  # a server error in plain text: transient, retried
            raise InternalServerError(
                f"Z.ai sent an error event: {stripped[:200]}", status_code=200, body=stripped
            ) from exc
        raise APIResponseValidationError(
            f"Z.ai sent a stream event that is not JSON: {data[:200]!r}", body=data
        ) from exc
    if type(payload) is dict and "choices" in payload and sse.event != "error":
        return payload  # a chat chunk: the hot path, nothing more to check
    if envelope is not None and isinstance(payload, dict) and "choices" not in payload:
        payload = payload.get(envelope, payload)
    if not isinstance(payload, dict):
        raise APIResponseValidationError(
            f"Z.ai sent a stream event that is not a JSON object: {data[:200]!r}", body=data
        )
    if sse.event == "error" or ("error" in payload and "choices" not in payload):
        raise make_status_error(200, payload)
    return payload


def iter_events(
    texts: Iterable[str], envelope: str | None, check: Callable[[], None]
) -> Iterator[Any]:
    """The decoded events (dicts, then `DONE`) of a stream's text pieces.

    `check` runs before each piece is parsed (the call's deadline). An event the stream
    ends in without its blank line is incomplete and dropped, as the SSE rules say.
    """
    parser = SSEParser()
    for text in texts:
        check()
        for sse in parser.feed(text):
            event = decode_event(sse, envelope)
            if event is not None:
                yield event


async def aiter_events(
    texts: AsyncIterator[str], envelope: str | None, check: Callable[[], None]
) -> AsyncIterator[Any]:
    """Async `iter_events`."""
    parser = SSEParser()
    async for text in texts:
        check()
        for sse in parser.feed(text):
            event = decode_event(sse, envelope)
            if event is not None:
                yield event
