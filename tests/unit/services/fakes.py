"""A small fake Z.ai for the services tests: canned JSON answers by path, over MockTransport.

``FakeZai({"/web_search": {...}})`` answers every ``/web_search`` with that body; a list of
bodies is answered in turn (the last one repeats); a ``(status, body)`` tuple sets the status.
Every request is kept in ``requests`` so tests can check what was sent, or that nothing was.
"""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Mapping
from typing import Any

import httpx

from zai_core import ZaiClient, create_client

#: A key that must never show up in a repr, a dump or an error.
CANARY = "fedcba9876543210fedcba9876543210.ServicesCanary42"

Answer = Any


def wav_bytes(seconds: float = 0.1, rate: int = 8000) -> bytes:
    """A tiny silent mono WAV clip, made with the stdlib."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(rate)
        clip.writeframes(b"\x00\x00" * int(rate * seconds))
    return buffer.getvalue()


class FakeZai:
    """Answers requests by path suffix with canned bodies; records every request."""

    def __init__(self, routes: Mapping[str, Answer] | None = None) -> None:
        self.routes = dict(routes or {})
        self.requests: list[httpx.Request] = []
        self._served: dict[str, int] = {}

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        for suffix, answer in self.routes.items():
            if request.url.path.endswith(suffix) or (
                suffix.endswith("/") and suffix in request.url.path
            ):
                if isinstance(answer, list):
                    index = self._served.get(suffix, 0)
                    self._served[suffix] = index + 1
                    answer = answer[min(index, len(answer) - 1)]
                status, body = answer if isinstance(answer, tuple) else (200, answer)
                return httpx.Response(status, json=body)
        return httpx.Response(404, json={"error": {"code": "1222", "message": "no route"}})

    def client(self, **config: Any) -> ZaiClient:
        """A client wired to this fake (no retries unless asked)."""
        return create_client(**self.config(**config))

    def config(self, **config: Any) -> dict[str, Any]:
        """The configuration words that wire any Zai class to this fake."""
        transport = httpx.MockTransport(self.handle)
        return {
            "api_key": CANARY,
            "max_retries": 0,
            "http_client": httpx.Client(transport=transport),
            "http_async_client": httpx.AsyncClient(transport=transport),
            **config,
        }

    def bodies(self, suffix: str) -> list[Any]:
        """JSON bodies sent to paths ending in ``suffix``."""
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith(suffix)]


SEARCH_ANSWER = {
    "id": "20261123abc",
    "created": 1782862773,
    "request_id": "20261123abc",
    "search_result": [
        {
            "title": "GLM-4.7 released",
            "content": "Zhipu released GLM-4.7.",
            "link": "https://news.example.org/glm-4-7",
            "media": "Example News",
            "icon": "https://news.example.org/favicon.ico",
            "refer": "ref_1",
            "publish_date": "2026-11-20",
        },
        {"title": "Second", "content": "More.", "link": "https://b.example.com/2"},
    ],
}

READER_ANSWER = {
    "id": "20261123def",
    "created": 1782862773,
    "request_id": "20261123def",
    "model": "reader",
    "reader_result": {
        "content": "# Quick start\n\nInstall the SDK.",
        "description": "How to start with Z.ai",
        "title": "Quick start | Z.ai",
        "url": "https://docs.z.ai/quick-start",
        "external": {"stylesheet": {}},
        "metadata": {"og:type": "article"},
        "publishedTime": "2026-10-01",
    },
}

IMAGE_ANSWER = {
    "created": 1782862773,
    "data": [{"url": "https://files.example.com/image_0.png"}],
    "content_filter": [{"role": "assistant", "level": 3}],
}

VIDEO_SUBMIT = {
    "model": "cogvideox-3",
    "id": "task-1",
    "request_id": "r1",
    "task_status": "PROCESSING",
}
VIDEO_RUNNING = {"model": "cogvideox-3", "task_status": "PROCESSING", "request_id": "r2"}
VIDEO_DONE = {
    "model": "cogvideox-3",
    "task_status": "SUCCESS",
    "request_id": "r3",
    "video_result": [
        {
            "url": "https://files.example.com/v_0.mp4",
            "cover_image_url": "https://files.example.com/v_0.png",
        }
    ],
}
VIDEO_FAILED = {"model": "cogvideox-3", "task_status": "FAIL", "request_id": "r4"}

TRANSCRIPTION_ANSWER = {
    "id": "20261123ghi",
    "created": 1782862773,
    "request_id": "20261123ghi",
    "model": "glm-asr-2512",
    "text": "Hello from the clip.",
}
