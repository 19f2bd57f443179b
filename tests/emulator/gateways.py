"""The gateways of the seeds, emulated in front of the Z.ai emulator (recording only).

Selected by host in :meth:`tests.emulator.ZaiEmulator.handle` (:data:`GATEWAYS`), except xpay,
which speaks MCP over ``httpx2`` and is served by :class:`XpayEmulatorTransport` (the gateway
tests route ``zai_core.xpay.make_mcp_transport`` to it while recording).

What each one does, from its seed (and what is guessed, where the seed is silent):

- LowCodeAPI (``seeds/003``): the token in the ``api_token`` query parameter (401 without it);
  chat under ``/zai/api/paas/v4`` and ``/zai/api/coding/paas/v4``, tokenizer / web search /
  reader under ``/zai/paas/v4``, image generation at ``/zai/api/paas/v4/generate/image``
  (any other path: 404); every answer and error wrapped in ``{"data": ...}`` with the
  upstream status. Streaming is not documented: this emulation buffers a streamed request
  and answers with the whole wrapped completion (a guess; the client also accepts wrapped
  SSE events).
- PowerTokens (``seeds/004``): ``POST /v1/chat/completions`` only, ``Authorization: Bearer``;
  serves ``glm-4.7-flash`` (other models: 400 / 1211, the seed's enum names only that one);
  ``stream`` defaults to ``true`` when the body leaves it out; answers and errors are Z.ai's.
- xpay (``seeds/000``, ``seeds/001``): an MCP server (the official ``mcp`` package's
  ``MCPServer``, stateless, JSON responses) with the tool ``zai_chat_completion`` taking the
  seed's 15 inputs and answering with the Z.ai completion as JSON text; an upstream error
  becomes an ``isError`` result whose text names the HTTP status and carries Z.ai's error
  body (a guess); a missing key or the key ``invalid-xpay-key`` gets HTTP 401.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import httpx2
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings

from .chat import handle_chat
from .wire import JSON_TYPE, json_response

__all__ = ["GATEWAYS", "INVALID_XPAY_KEY", "XpayEmulatorTransport", "lowcodeapi", "powertokens"]

Serve = Callable[[httpx.Request], httpx.Response]
GatewayHandler = Callable[[httpx.Request, Serve], httpx.Response]

ZAI = "https://api.z.ai/api/paas/v4"
UPSTREAM_AUTH = "Bearer gateway-upstream-key"
INVALID_XPAY_KEY = "invalid-xpay-key"

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
_LOWCODE_PREFIXES = {"/zai/api/paas/v4/async-result/": f"{ZAI}/async-result/"}


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

# ----------------------------------------------------------------------------- xpay (MCP)

_NO_DNS_CHECK = TransportSecuritySettings(enable_dns_rebinding_protection=False)


def _xpay_server() -> MCPServer:
    server = MCPServer("Z.ai API", log_level="WARNING")

    @server.tool(
        name="zai_chat_completion",
        description="Create a chat completion model that generates AI replies for given "
        "conversation messages.",
        structured_output=False,
    )
    def zai_chat_completion(
        model: str,
        messages: list[dict[str, Any]],
        max_tokens: int | None = None,
        do_sample: bool | None = None,
        thinking: dict[str, Any] | None = None,
        tools: list[dict[str, Any]] | None = None,
        tool_stream: bool | None = None,
        top_p: float | None = None,
        response_format: dict[str, Any] | None = None,
        stop: list[str] | None = None,
        stream: bool | None = None,
        user_id: str | None = None,
        temperature: float | None = None,
        tool_choice: str | None = None,
        request_id: str | None = None,
    ) -> str:
        given = {
            "model": model,
            "messages": messages,
            "max_tokens": max_tokens,
            "do_sample": do_sample,
            "thinking": thinking,
            "tools": tools,
            "tool_stream": tool_stream,
            "top_p": top_p,
            "response_format": response_format,
            "stop": stop,
            "user_id": user_id,
            "temperature": temperature,
            "tool_choice": tool_choice,
            "request_id": request_id,
        }
        body = {k: v for k, v in given.items() if v is not None}
        answer = handle_chat({**body, "stream": False})
        text = answer.content.decode()
        if answer.status_code >= 400:
            raise ToolError(f"Z.ai API request failed (HTTP {answer.status_code}): {text}")
        return text

    return server


class XpayEmulatorTransport(httpx2.AsyncBaseTransport):
    """xpay's MCP endpoint in process: a fresh stateless ``MCPServer`` per HTTP request."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer one MCP POST (or the 401 of a missing / invalid key)."""
        key = request.url.params.get("key")
        if not key or key == INVALID_XPAY_KEY:

            def unauthorized(_: httpx2.Request) -> httpx2.Response:
                return httpx2.Response(401, json={"error": "invalid or missing xpay key"})

            # through a transport VCR patches, so the 401 is recorded too
            return await httpx2.MockTransport(unauthorized).handle_async_request(request)
        server = _xpay_server()
        app = server.streamable_http_app(
            json_response=True, stateless_http=True, transport_security=_NO_DNS_CHECK
        )

        async def int_status(scope: Any, receive: Any, send: Any) -> None:
            # Starlette sends HTTPStatus members; a cassette stores plain ints.
            async def send_plain(message: Any) -> None:
                if message.get("type") == "http.response.start":
                    message = {**message, "status": int(message["status"])}
                await send(message)

            await app(scope, receive, send_plain)

        async with server.session_manager.run():
            response = await httpx2.ASGITransport(int_status).handle_async_request(request)
            content = await response.aread()
        return httpx2.Response(response.status_code, headers=response.headers, content=content)
