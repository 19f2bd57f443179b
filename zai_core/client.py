"""The one Z.ai client: sync and async, plain and streamed, with retries.

Every decision (headers, URLs, retry or not, how long to wait, which error) lives once in
:class:`_ClientPolicy` and the pure modules it calls; :class:`ZaiClient` writes only the I/O
loops twice, once with ``httpx.Client`` and once with ``httpx.AsyncClient``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import httpx
from httpx_sse import EventSource, SSEError

from . import _http
from ._version import __version__
from .accumulate import StreamAccumulator, completion_to_chunk
from .config import TimeoutLike, ZaiConfig, resolve_timeout
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    StreamInterruptedError,
    ZaiError,
    make_status_error,
)
from .retry import retry_delay, should_retry_status
from .sse import DONE, decode_event
from .streams import AsyncChatStream, ChatStream, finish_reason_error, validate_chat_body

__all__ = [
    "CONFIG_WORDS",
    "AsyncChatStream",
    "ChatStream",
    "ClientCache",
    "ZaiClient",
    "cached_client",
    "client_for",
    "create_client",
    "finish_reason_error",
]

logger = logging.getLogger("zai_core")

USER_AGENT = f"zai-integrations/{__version__} (python; httpx)"
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


# --------------------------------------------------------------------------- pure helpers


def _is_json(content_type: str) -> bool:
    return "json" in content_type


def status_error_from_response(
    status_code: int, headers: Mapping[str, str], content: bytes
) -> APIStatusError:
    """The error for a non-2xx response, whatever its body (JSON, HTML page, nothing).

    Key-bearing text (a gateway echoing ``?api_token=...`` back) is redacted first.
    """
    text = _http.redact(content.decode("utf-8", errors="replace"))
    body: Any = text
    content_type = headers.get("content-type", "")
    try:
        body = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        if "html" in content_type or text.lstrip().startswith("<"):
            title = _TITLE.search(text)
            body = "HTML error page" + (f": {title.group(1).strip()}" if title else "")
    error = make_status_error(status_code, body, request_id=headers.get("x-request-id"))
    if not error.message:
        error.message = f"empty {status_code} response"
    return error


def _without_secret(value: Any, secret: str) -> Any:
    """``value`` with every string occurrence of ``secret`` replaced; never mutates input."""
    if not secret:
        return value
    if isinstance(value, str):
        return value.replace(secret, "[redacted]") if secret in value else value
    if isinstance(value, dict):
        return {k: _without_secret(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secret(v, secret) for v in value]
    return value


@contextmanager
def _map_httpx_errors(delivered: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """The one seam where httpx exceptions become :mod:`zai_core.errors` classes."""
    try:
        yield
    except SSEError as exc:
        raise APIResponseValidationError(f"expected an event stream: {exc}") from exc
    except httpx.DecodingError as exc:
        raise APIResponseValidationError(
            f"Z.ai's answer could not be decoded ({type(exc).__name__}: {exc})"
        ) from exc
    except httpx.TimeoutException as exc:
        if delivered():
            raise StreamInterruptedError(
                f"the stream stalled past the read timeout ({type(exc).__name__})"
            ) from exc
        raise APITimeoutError(f"request to Z.ai timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        if delivered():
            raise StreamInterruptedError(
                f"the connection dropped mid-stream "
                f"({type(exc).__name__}: {_http.redact(str(exc))})"
            ) from exc
        what = (
            "could not reach Z.ai"
            if isinstance(exc, httpx.ConnectError)
            else "the connection to Z.ai failed before the answer was complete"
        )
        raise APIConnectionError(
            f"{what} ({type(exc).__name__}: {_http.redact(str(exc))})"
        ) from exc


class _ClientPolicy:
    """Everything both I/O loops share: configuration, request building, decisions."""

    #: The :attr:`Surface.transport` this client speaks.
    _transport = "http"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        config: ZaiConfig | None = None,
    ) -> None:
        self.config = config or ZaiConfig.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._http_client = http_client
        self._http_async_client = http_async_client
        if self.config.surface.transport != self._transport:
            raise ValueError(
                f"base_url {self.config.surface.name!r} is reached over "
                f"{self.config.surface.transport.upper()}, not by {type(self).__name__}: "
                "build the client with zai_core.create_client(...)"
            )
        surface = self.config.surface
        headers = {"User-Agent": USER_AGENT, "Accept-Language": "en-US,en"}
        if surface.auth == "bearer":
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        headers.update(self.config.default_headers)
        self._headers = headers
        self._params = (
            {surface.query_param: self.config.api_key} if surface.auth == "query" else None
        )
        self._urls: dict[str, httpx.URL] = {}

    def __repr__(self) -> str:
        c = self.config
        return (
            f"{type(self).__name__}(base_url={c.surface.base_url!r}, max_retries={c.max_retries})"
        )

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt."""
        return self.config.max_retries

    def _build_request(
        self,
        client: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        stream: bool = False,
        timeout: TimeoutLike = None,
    ) -> httpx.Request:
        headers = dict(self._headers)
        headers["Accept"] = "text/event-stream" if stream else "application/json"
        query = dict(params or {})
        if self._params:
            query.update(self._params)
        return client.build_request(
            method,
            self._url(path),
            json=json_body,
            params=query or None,
            files=files,
            data=data,
            headers=headers,
            timeout=self.config.timeout if timeout is None else resolve_timeout(timeout),
        )

    def _url(self, path: str) -> httpx.URL:
        """The parsed URL of ``path``, parsed once (parsing costs ~5% of a call)."""
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self.config.surface.url_for(path))
            if len(self._urls) < 64:  # paths with ids (/async-result/<id>) are not kept
                self._urls[path] = url
        return url

    def _retry_after(
        self, error: ZaiError, retries_taken: int, headers: Mapping[str, str] | None
    ) -> float | None:
        """Seconds to wait before retrying after ``error``, or ``None`` to raise it."""
        if retries_taken >= self.config.max_retries:
            return None
        if isinstance(error, APIStatusError):
            retry = should_retry_status(error.status_code, error.code, headers or {})
            # An error that arrives inside a 200 (an error event before the first chunk, a
            # network_error finish) is retried by its class: transient ones only.
            in_band = error.status_code == 200 and isinstance(
                error, (InternalServerError, RateLimitError)
            )
            if not (retry or in_band):
                return None
        elif not isinstance(error, APIConnectionError):
            return None
        return retry_delay(retries_taken, headers)

    def _decode_json(self, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise APIResponseValidationError(
                f"Z.ai answered {response.status_code} with a body that is not JSON "
                f"({response.headers.get('content-type', 'no content-type')}): "
                f"{response.text[:200]!r}",
                body=response.text,
            ) from exc
        envelope = self.config.surface.envelope
        if envelope and isinstance(body, dict) and envelope in body:
            body = body[envelope]
        if isinstance(body, dict) and "error" in body and "choices" not in body:
            raise make_status_error(response.status_code, body)
        return body

    def _check_stream_headers(self, response: httpx.Response) -> bool:
        """``True`` when a 2xx stream answered with JSON instead of events (read it whole)."""
        return _is_json(response.headers.get("content-type", ""))

    def _log_attempt(self, method: str, path: str, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s (attempt %d)", method, path, attempt + 1)

    def _hide_key(self, error: ZaiError) -> None:
        """Take this client's key out of an error built from server text (gateways echo it)."""
        key = self.config.api_key
        if key and key in error.message:
            error.message = error.message.replace(key, "[redacted]")
        error.args = tuple(_without_secret(a, key) for a in error.args)
        if hasattr(error, "body"):
            error.body = _without_secret(error.body, key)


class ZaiClient(_ClientPolicy):
    """Sync and async access to every Z.ai endpoint, with retries and typed errors.

    Args:
        api_key: the key; else ``ZAI_API_KEY``, else ``ZHIPUAI_API_KEY``.
        base_url: a URL, or a preset name from :data:`zai_core.SURFACES`
            (``"international"``, ``"international-coding"``, ``"mainland"``,
            ``"mainland-coding"``, ``"powertokens"``, ``"lowcodeapi"``...); else
            ``ZAI_BASE_URL``, else ``https://api.z.ai/api/paas/v4``.
        timeout: seconds or an ``httpx.Timeout``; default 600 s read (idle time between
            stream chunks) and 10 s connect.
        max_retries: retries after the first attempt (default 2).
        default_headers: extra headers on every request.
        http_client / http_async_client: your own httpx clients (their pools, proxies and
            limits are used as they are); default: process-wide pooled clients.

    Example:
        .. code-block:: python

            client = ZaiClient()
            hello = [{"role": "user", "content": "Hi"}]
            body = client.chat({"model": "glm-4.7", "messages": hello})
            with client.stream_chat({...}) as stream:
                for chunk in stream:
                    ...
            print(stream.accumulator.content)
    """

    # ------------------------------------------------------------------ clients

    def _sync(self) -> httpx.Client:
        return self._http_client or _http.shared_sync_client()

    def _async(self) -> httpx.AsyncClient:
        return self._http_async_client or _http.shared_async_client()

    # ------------------------------------------------------------------ plain requests

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        timeout: TimeoutLike = None,
        validate: Callable[[Any], None] | None = None,
    ) -> Any:
        """Send a request and return its parsed JSON body, retrying per the policy.

        ``validate`` runs on the parsed body inside the retry loop; an error it raises is
        retried like a server error when the policy says so.
        """
        client = self._sync()
        retries = 0
        while True:
            self._log_attempt(method, path, retries)
            request = self._build_request(
                client,
                method,
                path,
                json_body=json,
                params=params,
                files=files,
                data=data,
                timeout=timeout,
            )
            headers: Mapping[str, str] | None = None
            try:
                with _map_httpx_errors():
                    response = client.send(request)
                    headers = response.headers
                    if response.status_code >= 400:
                        raise status_error_from_response(
                            response.status_code, headers, response.content
                        )
                body = self._decode_json(response)
                if validate is not None:
                    validate(body)
                return body
            except ZaiError as error:
                self._hide_key(error)
                delay = self._retry_after(error, retries, headers)
                if delay is None:
                    raise
            logger.info("retrying %s %s in %.2fs", method, path, delay)
            time.sleep(delay)
            retries += 1

    async def arequest(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        timeout: TimeoutLike = None,
        validate: Callable[[Any], None] | None = None,
    ) -> Any:
        """Async :meth:`request`."""
        client = self._async()
        retries = 0
        while True:
            self._log_attempt(method, path, retries)
            request = self._build_request(
                client,
                method,
                path,
                json_body=json,
                params=params,
                files=files,
                data=data,
                timeout=timeout,
            )
            headers: Mapping[str, str] | None = None
            try:
                with _map_httpx_errors():
                    response = await client.send(request)
                    headers = response.headers
                    if response.status_code >= 400:
                        raise status_error_from_response(
                            response.status_code, headers, response.content
                        )
                body = self._decode_json(response)
                if validate is not None:
                    validate(body)
                return body
            except ZaiError as error:
                self._hide_key(error)
                delay = self._retry_after(error, retries, headers)
                if delay is None:
                    raise
            logger.info("retrying %s %s in %.2fs", method, path, delay)
            await asyncio.sleep(delay)
            retries += 1

    # ------------------------------------------------------------------ streamed requests

    def stream_events(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        timeout: TimeoutLike = None,
        finished: Callable[[], bool] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield the JSON events of an SSE endpoint; closes the response however it ends.

        Retries only until the first event is handed out. A stream that ends with no
        ``[DONE]`` raises :class:`StreamInterruptedError` unless ``finished()`` says the
        answer was complete.
        """
        client = self._sync()
        envelope = self.config.surface.envelope
        retries = 0
        while True:
            delivered = False
            headers: Mapping[str, str] | None = None
            self._log_attempt(method, path, retries)
            request = self._build_request(
                client, method, path, json_body=json, stream=True, timeout=timeout
            )
            try:
                with _map_httpx_errors(lambda: delivered):  # noqa: B023 (read now, not later)
                    response = client.send(request, stream=True)
                    try:
                        headers = response.headers
                        if response.status_code >= 400:
                            raise status_error_from_response(
                                response.status_code, headers, response.read()
                            )
                        if self._check_stream_headers(response):
                            response.read()
                            # a whole answer (a gateway that buffers): one chunk
                            yield completion_to_chunk(self._decode_json(response))
                            return
                        for sse in EventSource(response).iter_sse():
                            event = decode_event(sse, envelope)
                            if event is None:
                                continue
                            if event is DONE:
                                return
                            delivered = True
                            yield event
                    finally:
                        response.close()
                if finished is None or not finished():
                    raise StreamInterruptedError("the stream ended before [DONE]")
                return
            except ZaiError as error:
                self._hide_key(error)
                if delivered:
                    raise
                delay = self._retry_after(error, retries, headers)
                if delay is None:
                    raise
            logger.info("retrying %s %s in %.2fs", method, path, delay)
            time.sleep(delay)
            retries += 1

    async def astream_events(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        timeout: TimeoutLike = None,
        finished: Callable[[], bool] | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Async :meth:`stream_events`."""
        client = self._async()
        envelope = self.config.surface.envelope
        retries = 0
        while True:
            delivered = False
            headers: Mapping[str, str] | None = None
            self._log_attempt(method, path, retries)
            request = self._build_request(
                client, method, path, json_body=json, stream=True, timeout=timeout
            )
            try:
                with _map_httpx_errors(lambda: delivered):  # noqa: B023 (read now, not later)
                    response = await client.send(request, stream=True)
                    try:
                        headers = response.headers
                        if response.status_code >= 400:
                            raise status_error_from_response(
                                response.status_code, headers, await response.aread()
                            )
                        if self._check_stream_headers(response):
                            await response.aread()
                            # a whole answer (a gateway that buffers): one chunk
                            yield completion_to_chunk(self._decode_json(response))
                            return
                        async for sse in EventSource(response).aiter_sse():
                            event = decode_event(sse, envelope)
                            if event is None:
                                continue
                            if event is DONE:
                                return
                            delivered = True
                            yield event
                    finally:
                        await response.aclose()
                if finished is None or not finished():
                    raise StreamInterruptedError("the stream ended before [DONE]")
                return
            except ZaiError as error:
                self._hide_key(error)
                if delivered:
                    raise
                delay = self._retry_after(error, retries, headers)
                if delay is None:
                    raise
            logger.info("retrying %s %s in %.2fs", method, path, delay)
            await asyncio.sleep(delay)
            retries += 1

    # ------------------------------------------------------------------ chat

    def chat(self, body: Mapping[str, Any], *, timeout: TimeoutLike = None) -> dict[str, Any]:
        """``POST /chat/completions`` without streaming; raises on a failing finish reason."""
        return self.request(  # type: ignore[no-any-return]
            "POST",
            "/chat/completions",
            json={**body, "stream": False},
            timeout=timeout,
            validate=validate_chat_body,
        )

    async def achat(
        self, body: Mapping[str, Any], *, timeout: TimeoutLike = None
    ) -> dict[str, Any]:
        """Async :meth:`chat`."""
        return await self.arequest(  # type: ignore[no-any-return]
            "POST",
            "/chat/completions",
            json={**body, "stream": False},
            timeout=timeout,
            validate=validate_chat_body,
        )

    def stream_chat(self, body: Mapping[str, Any], *, timeout: TimeoutLike = None) -> ChatStream:
        """``POST /chat/completions`` streamed: a :class:`ChatStream` of chunk dicts."""
        accumulator = StreamAccumulator()
        events = self.stream_events(
            "POST",
            "/chat/completions",
            json={**body, "stream": True},
            timeout=timeout,
            finished=lambda: accumulator.finish_reason is not None,
        )
        return ChatStream(events, accumulator)

    def astream_chat(
        self, body: Mapping[str, Any], *, timeout: TimeoutLike = None
    ) -> AsyncChatStream:
        """Async :meth:`stream_chat`: an :class:`AsyncChatStream` of chunk dicts."""
        accumulator = StreamAccumulator()
        events = self.astream_events(
            "POST",
            "/chat/completions",
            json={**body, "stream": True},
            timeout=timeout,
            finished=lambda: accumulator.finish_reason is not None,
        )
        return AsyncChatStream(events, accumulator)

    def close(self) -> None:
        """Close injected clients (the shared pools stay open for other clients)."""
        if self._http_client is not None:
            self._http_client.close()

    async def aclose(self) -> None:
        """Async :meth:`close`."""
        if self._http_async_client is not None:
            await self._http_async_client.aclose()


def create_client(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: TimeoutLike = None,
    max_retries: int | None = None,
    default_headers: Mapping[str, str] | None = None,
    http_client: httpx.Client | None = None,
    http_async_client: httpx.AsyncClient | None = None,
) -> ZaiClient:
    """The client for a configuration; every integration class builds its client here.

    Takes the shared configuration words; which kind of client serves them is decided here,
    once, from the surface's ``transport``: Z.ai's REST API and the HTTP gateways
    (LowCodeAPI, PowerTokens) get a :class:`ZaiClient`; ``base_url="xpay"`` gets a
    :class:`zai_core.xpay.XpayClient` (chat only, through the MCP tool
    ``zai_chat_completion``; needs the ``xpay`` extra).

    Example:
        .. code-block:: python

            client = create_client(base_url="xpay")  # key from XPAY_API_KEY
            answer = client.chat({"model": "glm-4.7", "messages": hello})
    """
    config = ZaiConfig.resolve(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        max_retries=max_retries,
        default_headers=default_headers,
    )
    if config.surface.transport == "mcp":
        from .xpay import XpayClient

        return XpayClient(
            config=config, http_client=http_client, http_async_client=http_async_client
        )
    return ZaiClient(config=config, http_client=http_client, http_async_client=http_async_client)


#: The configuration words every integration class carries, read by :func:`client_for`.
CONFIG_WORDS = (
    "api_key",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "http_client",
    "http_async_client",
)


class ClientCache(NamedTuple):
    """A client and the configuration words it was made from (see :func:`cached_client`)."""

    client: ZaiClient
    words: tuple[Any, ...]


def cached_client(settings: Any, cached: ClientCache | None, **overrides: Any) -> ClientCache:
    """``cached`` while ``settings``' configuration words are unchanged, else a new client.

    Integration classes keep the result in a private attribute: a copy made with other words
    (``model_copy(update={"base_url": ...})``) or a changed attribute gets its own client
    instead of sending the old key to the old URL.
    """
    words = tuple(getattr(settings, name, None) for name in CONFIG_WORDS) + tuple(
        overrides.values()
    )
    if cached is not None and cached.words == words:
        return cached
    return ClientCache(client_for(settings, **overrides), words)


def client_for(settings: Any, **overrides: Any) -> ZaiClient:
    """The client for an object that carries the configuration words as attributes.

    Every class of both integrations has ``api_key`` (a plain string, or a secret with
    ``get_secret_value()`` such as pydantic's ``SecretStr``), ``base_url``, ``timeout``,
    ``max_retries``, ``default_headers``, ``http_client`` and ``http_async_client``; missing
    attributes count as unset. ``overrides`` win (for words an object keeps elsewhere).
    """
    words = {name: getattr(settings, name, None) for name in CONFIG_WORDS}
    key = words["api_key"]
    if key is not None and hasattr(key, "get_secret_value"):
        words["api_key"] = key.get_secret_value()
    words.update(overrides)
    return create_client(**words)
