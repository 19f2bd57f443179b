"""A Z.ai emulator that speaks the real wire format, used to record cassettes offline.

``ZaiEmulator().handle`` is an ``httpx.MockTransport`` handler: tests route the shared
transport to it while recording (``make record`` without ``ZAI_API_KEY``), VCR records what it
answers, and replay never touches it. Endpoints register in :data:`ROUTES` by path suffix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from .agents import (
    handle_agent_result,
    handle_agents,
    handle_conversation,
    handle_files,
    handle_layout_parsing,
)
from .chat import handle_chat
from .embeddings import handle_embeddings
from .gateways import GATEWAYS
from .services import (
    handle_async_result,
    handle_images,
    handle_reader,
    handle_transcriptions,
    handle_videos,
    handle_web_search,
)
from .tokenizer import handle_tokenizer
from .wire import error_response

Handler = Callable[[httpx.Request, Any], httpx.Response]

#: Path suffix (after the surface's base URL) -> handler(request, parsed JSON body or None).
ROUTES: dict[str, Handler] = {
    "/chat/completions": lambda request, body: handle_chat(body),
    "/tokenizer": handle_tokenizer,
    "/web_search": handle_web_search,
    "/reader": handle_reader,
    "/images/generations": handle_images,
    "/videos/generations": handle_videos,
    "/async-result/": handle_async_result,
    "/audio/transcriptions": handle_transcriptions,
    "/embeddings": handle_embeddings,
    # Documented, not recorded (zai-api.md 4.10 / 4.11; see tests/emulator/agents.py).
    "/v1/agents": handle_agents,
    "/v1/agents/async-result": handle_agent_result,
    "/v1/agents/conversation": handle_conversation,
    "/files": handle_files,
    "/layout_parsing": handle_layout_parsing,
}


def _parse(request: httpx.Request) -> Any:
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        return json.loads(request.content or b"null")
    return None


class ZaiEmulator:
    """Routes requests to the registered endpoint handlers; checks auth like Z.ai does."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The ``httpx.MockTransport`` handler."""
        request.read()
        self.requests.append(request)
        gateway = GATEWAYS.get(request.url.host)  # a gateway host wraps the Z.ai emulator
        if gateway is not None:
            return gateway(request, self.serve)
        return self.serve(request)

    def serve(self, request: httpx.Request) -> httpx.Response:
        """Answer as Z.ai itself: check auth, route by path suffix."""
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") and "api_token" not in request.url.params:
            return error_response(401, "1001")
        path = request.url.path
        for suffix, handler in ROUTES.items():
            if path.endswith(suffix) or (suffix.endswith("/") and suffix in path):
                return handler(request, _parse(request))
        return error_response(404, "1222", f"API does not exist: {path}")

    def transport(self) -> httpx.MockTransport:
        """A transport serving both sync and async clients."""
        return httpx.MockTransport(self.handle)
