"""The xpay gateway: Z.ai chat completions through the MCP tool `zai_chat_completion`.

xpay (`seeds/000`, `seeds/001`) exposes Z.ai's chat completion as one tool of an MCP
server at `https://zai.mcp.xpay.sh/mcp?key=<XPAY_KEY>`, billed per call from an xpay
balance (no Z.ai account needed). `XpayClient` speaks to it with the official `mcp`
package (streamable HTTP) and offers the same chat interface as `ZaiClient`, so
`create_client(base_url="xpay")` (and `ChatZai(base_url="xpay")` /
`Zai(base_url="xpay")`) work by configuration alone.

How it maps:

- The chat body's fields become the tool's arguments (its 15 documented inputs; any other
  field is refused with a `ValueError` before anything is sent). `stream` is always
  sent as `false`: the tool answers with a whole completion.
- Streaming: `XpayClient.stream_chat` / `XpayClient.astream_chat` return a
  normal `ChatStream` / `AsyncChatStream` that yields the whole answer as ONE
  chunk in Z.ai's chunk shape (content, reasoning, tool calls, `finish_reason` and usage).
- Errors: a tool result flagged `isError` is parsed for a Z.ai error body (`{"error":
  {"code": "1113", ...}}`) and an HTTP status and raised as the matching
  `zai_core.errors` class; an HTTP error from the gateway itself (401 bad key, 402 no
  balance -> `QuotaExceededError`, 5xx) and JSON-RPC errors are mapped the same way;
  retries follow the shared policy.
- A transport like `ZaiClient` (`zai_core.transport.Transport`) that routes
  one path: `POST /chat/completions` through `XpayClient.request`,
  `XpayClient.stream_events` and their async twins; any other path raises
  `GatewayNotSupportedError` (tokenizer, embeddings, web search... are not offered by
  this gateway). The chat methods are the shared `zai_core.transport.ChatMethods`.
- Each call opens one MCP session (initialize, `tools/call`, close). Sync methods run the
  async client with `asyncio.run`; when the calling thread already runs an event loop they
  run it in a worker thread.
- The key is added to the URL by the innermost transport only, so it appears in no URL that
  `mcp` or `httpx2` log, in no exception and in no `repr`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx

from . import _http
from ._version import __version__
from .accumulate import completion_to_chunk
from .client import USER_AGENT, Attempt, ClientPolicy, status_error_from_response
from .config import TimeoutLike, ZaiConfig, resolve_timeout
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    QuotaExceededError,
    ZaiError,
    error_class_for,
    make_status_error,
)
from .params import xpay_parameters
from .transport import CHAT_PATH, ChatMethods

try:
    import httpx2
    from mcp import Client, Implementation, MCPError
    from mcp.client.streamable_http import streamable_http_client
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "the xpay gateway needs the official MCP SDK (mcp >= 2.3, Python >= 3.11): "
        "pip install 'zai-integrations[xpay]'"
    ) from exc

__all__ = [
    "TOOL_INPUTS",
    "TOOL_NAME",
    "GatewayNotSupportedError",
    "XpayClient",
    "build_tool_arguments",
    "error_from_mcp",
    "error_from_tool_text",
    "make_mcp_transport",
    "parse_tool_result",
]

logger = logging.getLogger("zai_core")
for _name in ("httpx2", "httpcore2", "mcp.client.streamable_http"):
    logging.getLogger(_name).addFilter(_http.RedactSecretsFilter())

#: The MCP tool xpay exposes for Z.ai chat completions.
TOOL_NAME = "zai_chat_completion"
#: The tool's documented inputs (``seeds/000``): everything else is refused before sending.
#: Its chat parameters are those ``zai_core.params`` marks ``xpay``.
TOOL_INPUTS = frozenset({"model", "messages", "tools", "tool_choice", "stream"}) | xpay_parameters()
#: Fields of a streamed chat body that mean nothing to a tool that answers whole.
_STREAM_ONLY = frozenset({"stream", "stream_options", "tool_stream"})

# JSON-RPC error codes (MCP) -> the closest HTTP status, for the error class.
_JSONRPC_STATUS = {-32700: 502, -32600: 400, -32601: 404, -32602: 400, -32603: 500}
_CONNECTION_CLOSED = -32000
_REQUEST_TIMEOUT = -32001
_STATUS_IN_TEXT = re.compile(r"\b(?:HTTP|status(?:[ _]?code)?)\D{0,4}([1-5]\d\d)\b", re.I)
_PAYMENT_PHRASES = ("insufficient balance", "insufficient credit", "payment required", "top up")
_CLIENT_INFO = Implementation(name="zai-integrations", version=__version__)

T = TypeVar("T")


class GatewayNotSupportedError(ZaiError, NotImplementedError):
    """The gateway does not offer this endpoint (xpay offers chat completions only)."""


class ToolSession(Protocol):
    """What `XpayClient` needs of an MCP session: one tool call."""

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        read_timeout_seconds: float | None = None,
    ) -> Any:
        """Call tool `name`; returns an `mcp.types.CallToolResult`."""


SessionFactory = Callable[[], AbstractAsyncContextManager[ToolSession]]


@dataclass(frozen=True)
class _HTTPFailure:
    status_code: int
    headers: httpx.Headers
    content: bytes


# --------------------------------------------------------------------------- pure helpers


def build_tool_arguments(body: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of `zai_chat_completion` for a chat body (never mutates `body`).

    `None` values are left out, `stream_options` / `tool_stream` dropped and
    `stream` sent as `false` (the tool answers whole).

    Raises:
        ValueError: `model` or `messages` is missing, or the body holds a field the tool
            does not take (named in the message).
    """
    missing = [k for k in ("model", "messages") if not body.get(k)]
    if missing:
        raise ValueError(f"the xpay tool {TOOL_NAME} needs {' and '.join(missing)}")
    unknown = sorted(k for k in body if k not in TOOL_INPUTS and k not in _STREAM_ONLY)
    if unknown:
        raise ValueError(
            f"the xpay tool {TOOL_NAME} does not take {', '.join(unknown)}; it takes "
            f"{', '.join(sorted(TOOL_INPUTS))}"
        )
    arguments = {
        k: v
        for k, v in body.items()
        if k in TOOL_INPUTS and k not in _STREAM_ONLY and v is not None
    }
    arguments["stream"] = False
    return arguments


def _json_in_text(text: str) -> Any:
    """The JSON value ``text`` is, or the first JSON object inside it, or ``None``."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    start = stripped.find("{")
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(stripped, start)
    except json.JSONDecodeError:
        return None
    return value


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _find_body(value: Any, depth: int = 0) -> dict[str, Any] | None:
    """A chat answer or an error body inside ``value`` (JSON text, or wrapped in a key)."""
    if depth > 3:
        return None
    if isinstance(value, str):
        return _find_body(_json_in_text(value), depth + 1)
    if not isinstance(value, dict):
        return None
    if "choices" in value or "error" in value:
        return value
    for key in ("data", "result", "response", "body", "content"):
        if key in value:
            found = _find_body(value[key], depth + 1)
            if found is not None:
                return found
    return None


def _status_of(text: str, body: Any) -> int:
    if isinstance(body, dict):
        for key in ("status", "status_code", "statusCode"):
            value = body.get(key)
            if isinstance(value, int) and 100 <= value < 600:
                return value
    match = _STATUS_IN_TEXT.search(text[:300])
    return int(match.group(1)) if match else 0


def _payment_error(error: APIStatusError, text: str) -> APIStatusError:
    """xpay bills per call: "payment required" / no balance is a quota error."""
    lowered = text.lower()
    if error.status_code == 402 or any(p in lowered for p in _PAYMENT_PHRASES):
        return QuotaExceededError(
            error.message or "xpay balance exhausted (payment required)",
            status_code=error.status_code,
            code=error.code,
            request_id=error.request_id,
            body=error.body,
        )
    return error


def error_from_tool_text(text: str, structured: Any = None) -> APIStatusError:
    """The error a tool result flagged `isError` stands for.

    Reads a Z.ai error body (`{"error": {"code", "message"}}`, possibly wrapped or inside
    prose such as `"Z.ai API request failed (HTTP 429): {...}"`) and an HTTP status when
    the text names one; plain text becomes the message of a generic error.
    """
    text = _http.redact(text)
    body: Any = _find_body(structured) or _find_body(text)
    status = _status_of(text, body)
    error = make_status_error(status, body if body is not None else text)
    if not error.message:
        error.message = text.strip()[:500] or "the xpay tool reported an error without text"
    return _payment_error(error, text)


def parse_tool_result(result: Any) -> dict[str, Any]:
    """A `chat.completion` dict from an `mcp.types.CallToolResult`.

    The answer is looked for in `structuredContent` first, then in the text content
    (JSON, possibly wrapped in `{"result": ...}` / `{"data": ...}`). Plain text that is
    not JSON becomes the assistant's message with `finish_reason="stop"`.

    Raises:
        APIStatusError: the result is flagged `isError`, or carries a Z.ai error body.
        APIResponseValidationError: the result holds no answer.
    """
    text = "".join(
        getattr(block, "text", "") or ""
        for block in getattr(result, "content", None) or []
        if getattr(block, "type", None) == "text"
    )
    structured = getattr(result, "structured_content", None)
    if getattr(result, "is_error", False):
        raise error_from_tool_text(text, structured)
    body = _find_body(structured) or _find_body(text)
    if body is None:
        if not text.strip() or _is_json(text):
            raise APIResponseValidationError(
                f"the xpay tool {TOOL_NAME} answered with no chat completion: {text[:200]!r}",
                body=structured if structured is not None else text,
            )
        return {
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": text},
                }
            ],
        }
    if "error" in body and "choices" not in body:
        error = make_status_error(_status_of(text, body), body)
        raise _payment_error(error, text)
    if not isinstance(body.get("choices"), list):
        raise APIResponseValidationError(
            f"the xpay tool's answer has no 'choices' list: {str(body)[:200]!r}", body=body
        )
    return body


def error_from_mcp(
    code: int, message: str, data: Any = None, http_failure: _HTTPFailure | None = None
) -> ZaiError:
    """The `zai_core.errors` class for a JSON-RPC error of the MCP session.

    An HTTP error answer seen on the way (401 bad key, 402 no balance, 429, 5xx) wins: it is
    mapped like any Z.ai HTTP error. Otherwise a Z.ai error body inside the message or data
    is used, then the JSON-RPC code (-32602 invalid params -> 400, -32601 unknown method ->
    404, -32603 internal -> 500, connection closed / timeout -> connection errors).
    """
    message = _http.redact(message)
    if http_failure is not None:
        text = _http.redact(http_failure.content.decode("utf-8", "replace"))
        error = status_error_from_response(
            http_failure.status_code, http_failure.headers, text.encode()
        )
        return _payment_error(error, text)
    embedded = _find_body(data) or _find_body(message)
    if embedded is not None and "error" in embedded:
        return _payment_error(make_status_error(_status_of(message, embedded), embedded), message)
    if code == _CONNECTION_CLOSED:
        return APIConnectionError(f"the xpay MCP connection closed: {message}")
    if code == _REQUEST_TIMEOUT:
        return APITimeoutError(f"the xpay MCP call timed out: {message}")
    status = _JSONRPC_STATUS.get(code, 0)
    cls = error_class_for(status, None, message)
    error = cls(
        f"xpay MCP error {code}: {message}",
        status_code=status,
        body={"code": code, "message": message, "data": data},
    )
    return _payment_error(error, message)


def _leaf(exc: BaseException) -> BaseException:
    """The first real exception inside (nested) exception groups from anyio task groups."""
    while True:
        inner = getattr(exc, "exceptions", None)
        if not inner:
            return exc
        exc = inner[0]


def _map_exception(exc: BaseException, failures: list[_HTTPFailure]) -> BaseException:
    leaf = _leaf(exc)
    if isinstance(leaf, ZaiError):
        return leaf
    if isinstance(leaf, MCPError):
        return error_from_mcp(
            leaf.code, leaf.message, leaf.data, failures[-1] if failures else None
        )
    if isinstance(leaf, (httpx2.TimeoutException, TimeoutError)):
        return APITimeoutError(f"request to xpay timed out ({type(leaf).__name__})")
    if isinstance(leaf, httpx2.TransportError):
        return APIConnectionError(
            f"could not reach xpay ({type(leaf).__name__}: {_http.redact(str(leaf))})"
        )
    return leaf


def _run_sync(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine from sync code, in a worker thread when this thread runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="zai-xpay") as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


# --------------------------------------------------------------------------- transport


def make_mcp_transport() -> httpx2.AsyncBaseTransport:
    """The network transport of the MCP client (a seam tests use to record cassettes)."""
    return httpx2.AsyncHTTPTransport()


class _KeyedTransport(httpx2.AsyncBaseTransport):
    """Adds the key query parameter just before the network, so no logged URL shows it."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, param: str, key: str) -> None:
        self._inner = inner
        self._param = param
        self._key = key

    def __repr__(self) -> str:
        return f"_KeyedTransport(param={self._param!r})"

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` with the key added to its URL."""
        keyed = httpx2.Request(
            request.method,
            request.url.copy_merge_params({self._param: self._key}),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self._inner.handle_async_request(keyed)

    async def aclose(self) -> None:
        """Close the network transport."""
        await self._inner.aclose()


# --------------------------------------------------------------------------- client


class XpayClient(ClientPolicy, ChatMethods):
    """Z.ai chat completions through xpay's MCP tool `zai_chat_completion`.

    The same chat interface as `ZaiClient` (`chat` / `achat` / `stream_chat`
    / `astream_chat`), so every integration class takes it by configuration:
    `base_url="xpay"` makes `zai_core.create_client` return one.

    ???+ info "Setup"

        Install the extra and set your xpay key (xpay.tools; no Z.ai account needed):

        ```bash
        pip install ".[xpay]"
        export XPAY_API_KEY="your-xpay-key"
        ```

    Args:
        api_key: the xpay key; else `XPAY_API_KEY` (never `ZAI_API_KEY`). Sent as the
            `key` query parameter of `https://zai.mcp.xpay.sh/mcp`, never logged.
        base_url: `"xpay"` (the default; the only surface this client speaks).
        timeout: seconds or an `httpx.Timeout` (default 600 s read, 10 s connect).
        max_retries: retries after the first attempt for connection errors, 429 and 5xx
            (default 2); a tool call is paid, so a quota or payment error is never retried.
        default_headers: extra headers on every MCP request.
        session_factory: advanced/tests: a callable returning an async context manager
            that yields an object with `call_tool(name, arguments, read_timeout_seconds)`;
            default: an `mcp.Client` over streamable HTTP.

    ??? info "Instantiate"

        ```python
        from zai_core import create_client

        client = create_client(base_url="xpay")
        ```

    ??? info "Invoke"

        ```python
        hello = [{"role": "user", "content": "Hello!"}]
        answer = client.chat({"model": "glm-4.7", "messages": hello})
        print(answer["choices"][0]["message"]["content"])
        ```

    ??? info "Stream"

        The gateway answers whole: the stream yields one chunk with the whole answer,
        its `finish_reason` and usage.

        ```python
        with client.stream_chat({"model": "glm-4.7", "messages": hello}) as stream:
            for chunk in stream:
                print(chunk["choices"][0]["delta"].get("content", ""))
        print(stream.accumulator.usage)
        ```

    ??? info "Async"

        ```python
        answer = await client.achat({"model": "glm-4.7", "messages": hello})
        async with client.astream_chat({"model": "glm-4.7", "messages": hello}) as s:
            async for chunk in s:
                ...
        ```

    ??? info "Tool calling"

        ```python
        weather = {"type": "function", "function": {"name": "get_weather", ...}}
        answer = client.chat({"model": "glm-4.7", "messages": hello, "tools": [weather]})
        calls = answer["choices"][0]["message"].get("tool_calls", [])
        ```
    """

    _transport = "mcp"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = "xpay",
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | str | None = None,
        config: ZaiConfig | None = None,
        session_factory: SessionFactory | None = None,
        total_timeout: float | None = None,
    ) -> None:
        if http_client is not None or http_async_client is not None:
            raise ValueError(
                "base_url='xpay' is reached over MCP with the mcp package's own HTTP client: "
                "http_client / http_async_client do not apply (use timeout / default_headers)"
            )
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            config=config,
            total_timeout=total_timeout,
        )
        self._session_factory = session_factory

    # ------------------------------------------------------------------ MCP session

    @asynccontextmanager
    async def _connect(
        self, failures: list[_HTTPFailure], timeout: httpx.Timeout
    ) -> AsyncIterator[ToolSession]:
        async def remember_failure(response: httpx2.Response) -> None:
            if response.status_code >= 400:
                content = await response.aread()
                failures.append(
                    _HTTPFailure(response.status_code, httpx.Headers(response.headers), content)
                )

        surface = self.config.surface
        transport = _KeyedTransport(make_mcp_transport(), surface.query_param, self.config.api_key)
        headers = {"User-Agent": USER_AGENT, **self.config.default_headers}
        async with (
            httpx2.AsyncClient(
                transport=transport,
                headers=headers,
                timeout=httpx2.Timeout(**timeout.as_dict()),
                event_hooks={"response": [remember_failure]},
            ) as http,
            Client(
                streamable_http_client(surface.base_url, http_client=http),
                mode="legacy",
                cache=None,
                client_info=_CLIENT_INFO,
                read_timeout_seconds=timeout.read,
            ) as session,
        ):
            yield session

    async def _call_once(
        self, arguments: dict[str, Any], timeout: httpx.Timeout
    ) -> tuple[dict[str, Any] | None, ZaiError | None, Mapping[str, str] | None]:
        failures: list[_HTTPFailure] = []
        if self._session_factory is not None:
            opened = self._session_factory()
        else:
            opened = self._connect(failures, timeout)
        try:
            async with opened as session:
                result = await session.call_tool(
                    TOOL_NAME, arguments, read_timeout_seconds=timeout.read
                )
        except Exception as exc:
            mapped = _map_exception(exc, failures)
            if not isinstance(mapped, ZaiError):
                if mapped is exc:
                    raise
                raise mapped from None  # the real error, not anyio's task-group wrapper
            return None, mapped, failures[-1].headers if failures else None
        try:
            return parse_tool_result(result), None, None
        except ZaiError as error:
            return None, error, None

    async def _call(
        self, arguments: dict[str, Any], timeout: TimeoutLike, total_timeout: float | None = None
    ) -> dict[str, Any]:
        """One tool call with the shared retry policy; the only I/O loop of this client."""
        deadline = self._deadline(total_timeout)
        retries = 0
        while True:
            self._log_attempt("MCP", TOOL_NAME, retries)
            resolved = deadline.clip(
                self.config.timeout if timeout is None else resolve_timeout(timeout)
            )
            try:
                async with asyncio.timeout(deadline.remaining()):
                    body, error, headers = await self._call_once(arguments, resolved)
            except TimeoutError:
                body, error, headers = None, deadline.expired_error(), None
            if error is None and body is not None:
                return body
            assert error is not None
            attempt = Attempt()
            attempt.headers = headers
            delay = self._retry_delay_or_raise(error, retries, attempt, "MCP", TOOL_NAME, deadline)
            await asyncio.sleep(delay)
            retries += 1

    # ------------------------------------------------------------------ the transport

    def _tool_arguments(
        self, method: str, path: str, body: Any, *, form: bool = False
    ) -> dict[str, Any]:
        """The tool's arguments for a request; only ``POST /chat/completions`` is routed."""
        if method.upper() != "POST" or path != CHAT_PATH or form:
            raise GatewayNotSupportedError(
                f"the xpay gateway offers only chat completions (MCP tool {TOOL_NAME}); "
                f"{method} {path} is not available there. Use a Z.ai surface "
                "(base_url='international', ...) with a Z.ai key for other endpoints."
            )
        return build_tool_arguments(body or {})

    async def arequest(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        timeout: TimeoutLike = None,
        validate: Callable[[Any], None] | None = None,
        total_timeout: float | None = None,
        decode: Callable[[bytes], Any] | None = None,
        **form: Any,
    ) -> Any:
        """`POST /chat/completions`: the tool's whole answer, a `chat.completion` dict.

        Any other path, or form fields (`params` / `files` / `data`), raise
        `GatewayNotSupportedError`; `validate` runs on the answer after the retries.
        `decode` is not used: the gateway's answer arrives decoded, in an MCP tool result.
        """
        arguments = self._tool_arguments(method, path, json, form=any(form.values()))
        answer = await self._call(arguments, timeout, total_timeout)
        if validate is not None:
            validate(answer)
        return answer

    def request(self, method: str, path: str, **options: Any) -> Any:
        """Sync `arequest` (`asyncio.run`, in a worker thread under a running loop)."""
        coroutine = self.arequest(method, path, **options)
        return _run_sync(lambda: coroutine)

    def astream_events(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
        **_: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """The whole answer as ONE chunk event (the tool does not stream); sent when iterated.

        The path and arguments are checked now: any other path than `POST
        /chat/completions` raises `GatewayNotSupportedError` at once.
        """
        arguments = self._tool_arguments(method, path, json)

        async def chunks() -> AsyncIterator[dict[str, Any]]:
            yield completion_to_chunk(await self._call(arguments, timeout, total_timeout))

        return chunks()

    def stream_events(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
        **_: Any,
    ) -> Iterator[dict[str, Any]]:
        """Sync `astream_events`."""
        arguments = self._tool_arguments(method, path, json)

        def chunks() -> Iterator[dict[str, Any]]:
            yield completion_to_chunk(
                _run_sync(lambda: self._call(arguments, timeout, total_timeout))
            )

        return chunks()

    def close(self) -> None:
        """Nothing to close: each call opens and closes its own MCP session."""

    async def aclose(self) -> None:
        """Async `close`."""
