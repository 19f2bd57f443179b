"""Response builders shared by the emulator's endpoints, in Z.ai's real header shapes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from zai_core.errors import BUSINESS_CODE_MEANINGS

JSON_TYPE = "application/json; charset=UTF-8"
SSE_TYPE = "text/event-stream;charset=UTF-8"


#: The emulator's fixed answer time, as the 14-digit prefix of every response id.
ID_TIME = "20261123051933"


def response_id(seed: Any) -> str:
    """A response id in Z.ai's form: a 14-digit timestamp then 16 hex digits (30 characters).

    The same seed (a request body, a task id) always gives the same id.
    """
    text = json.dumps(seed, sort_keys=True, default=str)
    return ID_TIME + hashlib.sha256(text.encode()).hexdigest()[:16]


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
