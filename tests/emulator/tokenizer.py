"""``POST /tokenizer`` of the emulator: counts only, like the real endpoint."""

from __future__ import annotations

import json
from typing import Any

import httpx

from .chat import CREATED, _text_of, _tokens
from .wire import error_response, json_response, response_id


def handle_tokenizer(request: httpx.Request, body: Any) -> httpx.Response:
    """Count roughly four characters per token over messages and tools, plus per-message cost."""
    if not isinstance(body, dict) or not body.get("messages"):
        return error_response(400, "1214", "messages cannot be empty")
    text_tokens = sum(_tokens(_text_of(m.get("content")) or " ") + 4 for m in body["messages"])
    tool_tokens = sum(_tokens(json.dumps(t, sort_keys=True)) for t in body.get("tools") or [])
    total = text_tokens + tool_tokens
    rid = response_id(body)
    return json_response(
        {
            "id": rid,
            "created": CREATED,
            "request_id": rid,
            "usage": {
                "prompt_tokens": total,
                "image_tokens": 0,
                "video_tokens": 0,
                "total_tokens": total,
            },
        }
    )
