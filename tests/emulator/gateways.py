"""The gateways of the seeds, emulated in front of the Z.ai emulator (recording only).

Selected by host in :meth:`tests.emulator.ZaiEmulator.handle` (:data:`GATEWAYS`). xpay speaks
MCP over ``httpx2`` instead; its emulation lives in :mod:`tests.emulator.xpay` (kept apart so
the HTTP emulator never needs the ``mcp`` package).

What each one does, from its seed (and what is guessed, where the seed is silent):

- LowCodeAPI (``seeds/003``): the token in the ``api_token`` query parameter (401 without it);
  chat under ``/zai/api/paas/v4`` and ``/zai/api/coding/paas/v4``, tokenizer / web search /
  reader under ``/zai/paas/v4``, image generation at ``/zai/api/paas/v4/generate/image``,
  the agents under ``/zai/api/v1/agents`` (any other path: 404); every answer and error
  wrapped in ``{"data": ...}`` with the upstream status. Streaming is not documented: this
  emulation buffers a streamed request and answers with the whole wrapped completion (a
  guess; the client also accepts wrapped SSE events).
- PowerTokens (``seeds/004``): ``POST /v1/chat/completions`` only, ``Authorization: Bearer``;
  serves ``glm-4.7-flash`` (other models: 400 / 1211, the seed's enum names only that one);
  ``stream`` defaults to ``true`` when the body leaves it out; answers and errors are Z.ai's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from .wire import JSON_TYPE, json_response

__all__ = ["GATEWAYS", "lowcodeapi", "powertokens"]

Serve = Callable[[httpx.Request], httpx.Response]
GatewayHandler = Callable[[httpx.Request, Serve], httpx.Response]

ZAI = "https://api.z.ai/api/paas/v4"
UPSTREAM_AUTH = "Bearer gateway-upstream-key"

# ----------------------------------------------------------------------------- LowCodeAPI

#: LowCodeAPI path -> the Z.ai URL it proxies (seeds/003 "Common Endpoints").
_LOWCODE_PATHS = {
    "/zai/api/paas/v4/chat/completions": f"{ZAI}/chat/completions",
    "/zai/api/coding/paas/v4/chat/completions": "https://api.z.ai/api/coding/paas/v4/chat/completions",
    "/zai/api/paas/v4/generate/image": f"{ZAI}/images/generations",
    "/zai/api/paas/v4/videos/generations": f"{ZAI}/videos/generations",
    "/zai/api/paas/v4/audio/transcriptions": f"{ZAI}/audio/transcriptions",
    "/zai/paas/v4/tokenizer": f"{ZAI}/tokenizer",
    "/zai/paas/v4/web_search": f"{ZAI}/web_search",
    "/zai/paas/v4/reader": f"{ZAI}/reader",
}
_LOWCODE_PREFIXES = {
    "/zai/api/paas/v4/async-result/": f"{ZAI}/async-result/",
    # "Agent Chat" at /zai/api/v1/agents (seeds/003); its async-result and conversation
    # siblings are guessed to sit beside it (the seed names them without a path).
    "/zai/api/v1/agents": "https://api.z.ai/api/v1/agents",
}


def _wrapped(body: Any, status: int = 200) -> httpx.Response:
    return json_response({"data": body}, status)


def _lowcode_target(path: str) -> str | None:
    if path in _LOWCODE_PATHS:
        return _LOWCODE_PATHS[path]
    for prefix, target in _LOWCODE_PREFIXES.items():
        if path.startswith(prefix):
            return target + path[len(prefix) :]
    return None


def lowcodeapi(request: httpx.Request, serve: Serve) -> httpx.Response:
    """LowCodeAPI: ``api_token`` query auth, its own paths, answers wrapped in ``data``."""
    if not request.url.params.get("api_token"):
        error = {"message": "Invalid or missing API token", "code": "UNAUTHORIZED"}
        return _wrapped({"error": error}, 401)
    target = _lowcode_target(request.url.path)
    if target is None:
        error = {"message": f"Endpoint not found: {request.url.path}", "code": "NOT_FOUND"}
        return _wrapped({"error": error}, 404)
    content = request.content
    content_type = request.headers.get("content-type", "")
    if "json" in content_type and content:
        body = json.loads(content)
        if isinstance(body, dict) and body.get("stream"):
            content = json.dumps({**body, "stream": False}).encode()  # buffered, see module doc
    upstream = serve(
        httpx.Request(
            request.method,
            target,
            headers={"authorization": UPSTREAM_AUTH, "content-type": content_type},
            content=content,
        )
    )
    upstream.read()
    if "json" not in upstream.headers.get("content-type", ""):
        return upstream
    return _wrapped(upstream.json(), upstream.status_code)


# ----------------------------------------------------------------------------- PowerTokens

POWERTOKENS_MODELS = frozenset({"glm-4.7-flash"})


def powertokens(request: httpx.Request, serve: Serve) -> httpx.Response:
    """PowerTokens: Bearer auth, ``/v1/chat/completions`` only, ``stream`` true by default."""
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer ") or len(auth) <= len("Bearer "):
        error = {"message": "Missing or invalid Authorization header", "code": "1001"}
        return json_response({"error": error}, 401)
    if request.method != "POST" or request.url.path != "/v1/chat/completions":
        error = {"message": f"API does not exist: {request.url.path}", "code": "1222"}
        return json_response({"error": error}, 404)
    body = json.loads(request.content or b"{}")
    model = str(body.get("model", ""))
    if model not in POWERTOKENS_MODELS and not model.startswith("emulate-"):
        error = {"message": f"Model not supported: {model}", "code": "1211"}
        return json_response({"error": error}, 400)
    body.setdefault("stream", True)
    return serve(
        httpx.Request(
            "POST",
            f"{ZAI}/chat/completions",
            headers={"authorization": UPSTREAM_AUTH, "content-type": JSON_TYPE},
            content=json.dumps(body).encode(),
        )
    )


#: Host -> gateway handler wrapping the Z.ai emulator.
GATEWAYS: dict[str, GatewayHandler] = {
    "api.lowcodeapi.com": lowcodeapi,
    "api.powertokens.ai": powertokens,
}
