"""Response builders shared by the emulator's endpoints, in Z.ai's real header shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx

from zai_core.errors import BUSINESS_CODE_MEANINGS

JSON_TYPE = "application/json; charset=UTF-8"
SSE_TYPE = "text/event-stream;charset=UTF-8"


def json_response(body: Any, status: int = 200) -> httpx.Response:
    """A JSON answer, compact like the real server's."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return httpx.Response(status, headers={"content-type": JSON_TYPE}, content=content)


def sse_response(events: list[Any]) -> httpx.Response:
    """An SSE answer: one ``data:`` frame per event, then ``data: [DONE]``."""
    frames = [
        f"data: {json.dumps(e, ensure_ascii=False, separators=(',', ':'))}\n\n" for e in events
    ]
    frames.append("data: [DONE]\n\n")
    return httpx.Response(200, headers={"content-type": SSE_TYPE}, content="".join(frames).encode())


def error_response(status: int, code: str, message: str | None = None) -> httpx.Response:
    """Z.ai's error body: ``{"error": {"code": "<string>", "message": ...}}``."""
    text = message or BUSINESS_CODE_MEANINGS.get(code, "Error")
    return json_response({"error": {"code": code, "message": text}}, status)
