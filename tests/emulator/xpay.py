"""xpay's MCP endpoint (``seeds/000``, ``seeds/001``), emulated in process (recording only).

An MCP server built with the official ``mcp`` package (``MCPServer``, stateless, JSON
responses) with the tool ``zai_chat_completion`` taking the seed's 15 inputs and answering
with the Z.ai emulator's completion as JSON text. What the seeds leave open is guessed: an
upstream error becomes an ``isError`` result whose text names the HTTP status and carries
Z.ai's error body; a missing key, or the key :data:`INVALID_XPAY_KEY`, gets HTTP 401.

The gateway tests route ``zai_core.xpay.make_mcp_transport`` to :class:`XpayEmulatorTransport`
while recording; VCR records what ``httpx2``'s ASGI / mock transports answer.
"""

from __future__ import annotations

from typing import Any

import httpx2
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings

from .chat import handle_chat

__all__ = ["INVALID_XPAY_KEY", "XpayEmulatorTransport"]

INVALID_XPAY_KEY = "invalid-xpay-key"

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
