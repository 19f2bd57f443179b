"""The one Z.ai client: sync and async, plain and streamed, with retries.

Every decision (headers, URLs, retry or not, how long to wait, which error) lives once in
`ClientPolicy` and the pure modules it calls; `ZaiClient` writes only the I/O
loops twice, once with `httpx.Client` and once with `httpx.AsyncClient`.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from . import _http, _json
from ._deadline import bounded_by
from ._requests import USER_AGENT, RequestBuilder
from .accumulate import completion_to_chunk
from .config import TimeoutLike, ZaiConfig
from .errors import (
    TRANSIENT_ERRORS,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    StreamInterruptedError,
    ZaiError,
    make_status_error,
)
from .limits import NO_DEADLINE, Deadline, adrain, aread_body, check_total_timeout, drain, read_body
from .retry import retry_delay, should_retry_status
from .sse import DONE, aiter_events, iter_events
from .transport import ChatMethods

__all__ = ["USER_AGENT", "Attempt", "ClientPolicy", "ZaiClient", "status_error_from_response"]

logger = logging.getLogger("zai_core")

_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


# --------------------------------------------------------------------------- pure helpers


def _is_json(content_type: str) -> bool:
    return "json" in content_type


def status_error_from_response(
    status_code: int, headers: Mapping[str, str], content: bytes
) -> APIStatusError:
    """The error for a non-2xx response, whatever its body (JSON, HTML page, nothing).

    Key-bearing text (a gateway echoing `?api_token=...` back) is redacted first.
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
    """`value` with every string occurrence of `secret` replaced; never mutates input."""
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
    except httpx.DecodingError as exc:
        if delivered():
            raise StreamInterruptedError(
                f"the stream could not be decoded further ({type(exc).__name__}: {exc})"
            ) from exc
        raise APIResponseValidationError(
            f"Z.ai's answer could not be decoded ({type(exc).__name__}: {exc})"
        ) from exc
    except TimeoutError as exc:  # asyncio.timeout() around an async attempt: the deadline
        raise APITimeoutError("the call to Z.ai passed its total_timeout") from exc
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
        text = str(exc)
        error = APIConnectionError(f"{what} ({type(exc).__name__}: {_http.redact(text)})")
        if _http.redact(text) != text:  # h11 quotes a refused header, key and all
            raise error from None
        raise error from exc


def _done_before_any_event(headers: Mapping[str, str] | None) -> APIResponseValidationError:
    return APIResponseValidationError(
        "Z.ai's stream ended ([DONE]) before any event: there is no answer",
        request_id=(headers or {}).get("x-request-id"),
    )


class ClientPolicy:
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
        http_async_client: httpx.AsyncClient | str | None = None,
        config: ZaiConfig | None = None,
        total_timeout: float | None = None,
    ) -> None:
        self.config = config or ZaiConfig.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            total_timeout=total_timeout,
        )
        self._http_client = http_client
        self._http_async_client = http_async_client
        if isinstance(http_async_client, str):  # a transport word, checked before any request
            _http.check_async_transport(http_async_client)
        if self.config.surface.transport != self._transport:
            raise ValueError(
                f"base_url {self.config.surface.name!r} is reached over "
                f"{self.config.surface.transport.upper()}, not by {type(self).__name__}: "
                "build the client with zai_core.create_client(...)"
            )
        self._requests = RequestBuilder(self.config)

    def __repr__(self) -> str:
        c = self.config
        return (
            f"{type(self).__name__}(base_url={c.surface.base_url!r}, max_retries={c.max_retries})"
        )

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt."""
        return self.config.max_retries

    def _deadline(self, total_timeout: float | None) -> Deadline:
        """The deadline of one call: `total_timeout` given to the call, else the config's."""
        if total_timeout is None:
            return Deadline(self.config.total_timeout)
        return Deadline(check_total_timeout(total_timeout))

    def _retry_after(
        self, error: ZaiError, retries_taken: int, headers: Mapping[str, str] | None
    ) -> float | None:
        """Seconds to wait before retrying after `error`, or `None` to raise it."""
        if retries_taken >= self.config.max_retries:
            return None
        if isinstance(error, APIStatusError):
            retry = should_retry_status(error.status_code, error.code, headers or {})
            # An error that arrives inside a 200 (an error event before the first chunk, a
            # network_error finish) is retried by its class: transient ones only.
            in_band = error.status_code == 200 and isinstance(error, TRANSIENT_ERRORS)
            if not (retry or in_band):
                return None
        elif not isinstance(error, APIConnectionError):
            return None
        return retry_delay(retries_taken, headers)

    def _decode_json(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        try:
            # msgspec; exactly what json.loads returns
            body = (decode or _json.loads)(content.removeprefix(codecs.BOM_UTF8))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            text = content.decode("utf-8", errors="replace")
            raise APIResponseValidationError(
                f"Z.ai answered {status_code} with a body that is not JSON "
                f"({headers.get('content-type', 'no content-type')}): {text[:200]!r}",
                body=text,
                request_id=headers.get("x-request-id"),
            ) from exc
        envelope = self.config.surface.envelope
        if envelope and isinstance(body, dict) and envelope in body:
            body = body[envelope]
        if isinstance(body, dict) and "error" in body and "choices" not in body:
            raise make_status_error(status_code, body)
        return body

    # ------------------------------------------------------------------ decisions of the loops
    # Each I/O loop of :class:`ZaiClient` (sync and async) calls these; it only sends, reads
    # and sleeps.

    def _log_attempt(self, method: str, path: str, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s (attempt %d)", method, path, attempt + 1)

    def _next_attempt(
        self,
        client: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        retries: int,
        **build: Any,
    ) -> tuple[Attempt, httpx.Request]:
        """A fresh :class:`Attempt` and its request (logged at debug level)."""
        self._log_attempt(method, path, retries)
        return Attempt(), self._requests.build(client, method, path, **build)

    def _answer(
        self,
        response: httpx.Response,
        content: bytes,
        validate: Callable[[Any], None] | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """The parsed, validated body of a read response; raises its error when it failed."""
        status, headers = response.status_code, response.headers
        if status >= 400:
            raise status_error_from_response(status, headers, content)
        body = self._decode_json(status, headers, content, decode)
        if validate is not None:
            try:
                validate(body)
            except APIResponseValidationError as error:
                error.request_id = error.request_id or headers.get("x-request-id")
                raise
        return body

    @staticmethod
    def _reads_whole(response: httpx.Response) -> bool:
        """`True` when a streamed request's answer is read whole, not as events: an error
        status, or a 2xx JSON answer (a gateway that buffers).

        Raises:
            APIResponseValidationError: a 2xx answer that is neither JSON nor events.
        """
        content_type = response.headers.get("content-type", "")
        if response.status_code >= 400 or _is_json(content_type):
            return True
        if "text/event-stream" not in content_type.partition(";")[0]:
            raise APIResponseValidationError(
                "expected an event stream: Expected response header Content-Type to contain "
                f"'text/event-stream', got {content_type.partition(';')[0]!r}"
            )
        return False

    def _whole_answer_chunk(self, response: httpx.Response, content: bytes) -> dict[str, Any]:
        """The one chunk a streamed request's whole (read) answer stands for, or its error."""
        return completion_to_chunk(self._answer(response, content))

    @staticmethod
    def _check_finished(finished: Callable[[], bool] | None) -> None:
        """A stream that ended without `[DONE]` is complete only if `finished()` says so."""
        if finished is None or not finished():
            raise StreamInterruptedError("the stream ended before [DONE]")

    def _retry_delay_or_raise(
        self,
        error: ZaiError,
        retries: int,
        attempt: Attempt,
        method: str,
        path: str,
        deadline: Deadline = NO_DEADLINE,
    ) -> float:
        """Seconds to wait before the next attempt after `error`; raises it when none.

        The key is taken out of the error first; an error after the first delivered event
        is never retried (the caller has seen part of the answer; the total deadline passed
        mid-stream is a :class:`StreamInterruptedError`, so the partial answer rides on it).
        A wait that would pass the deadline raises :class:`APITimeoutError` instead.
        """
        self._hide_key(error)
        if attempt.delivered:
            if isinstance(error, APITimeoutError):
                raise StreamInterruptedError(f"{error.message} mid-stream") from error
            raise error
        delay = self._retry_after(error, retries, attempt.headers)
        if delay is None:
            raise error
        deadline.check_wait(delay, error)
        logger.info("retrying %s %s in %.2fs", method, path, delay)
        return delay

    def _hide_key(self, error: ZaiError) -> None:
        """Take this client's key out of an error built from server text (gateways echo it)."""
        key = self.config.api_key
        if key and key in error.message:
            error.message = error.message.replace(key, "[redacted]")
        error.args = tuple(_without_secret(a, key) for a in error.args)
        if hasattr(error, "body"):
            error.body = _without_secret(error.body, key)
        cause = error.__cause__ or error.__context__
        if key and cause is not None and key in f"{cause!s} {cause!r}":
            error.__cause__, error.__suppress_context__ = None, True


class Attempt:
    """What one attempt has seen: the answer's headers, and whether an event was handed out."""

    __slots__ = ("delivered", "headers")

    def __init__(self) -> None:
        self.delivered = False
        self.headers: Mapping[str, str] | None = None

    def was_delivered(self) -> bool:
        return self.delivered


class ZaiClient(ClientPolicy, ChatMethods):
    """Sync and async access to every Z.ai endpoint, with retries and typed errors.

    Args:
        api_key: the key; else `ZAI_API_KEY`, else `ZHIPUAI_API_KEY`.
        base_url: a URL, or a preset name from `zai_core.SURFACES`
            (`"international"`, `"international-coding"`, `"mainland"`,
            `"mainland-coding"`, `"powertokens"`, `"lowcodeapi"`...); else
            `ZAI_BASE_URL`, else `https://api.z.ai/api/paas/v4`.
        timeout: seconds or an `httpx.Timeout`; default 600 s read (idle time between
            stream chunks) and 10 s connect.
        max_retries: retries after the first attempt (default 2).
        default_headers: extra headers on every request.
        total_timeout: seconds one call may take in all, every attempt and retry wait
            included (default `None`: no bound beyond `timeout` per read); past it,
            `APITimeoutError` (`StreamInterruptedError` once a stream began).
        http_client / http_async_client: your own httpx clients (their pools, proxies and
            limits are used as they are); default: process-wide pooled clients. Through
            your own sync client, headers that drip in are bounded by `timeout` per read
            only, not by `total_timeout`. `http_async_client="aiohttp"` makes async calls
            through the shared pool over aiohttp (the `aiohttp` extra; less CPU per request
            at high concurrency), `"httpx"` is the default pool.

    Example:
        ```python
        client = ZaiClient()
        hello = [{"role": "user", "content": "Hi"}]
        body = client.chat({"model": "glm-4.7", "messages": hello})
        with client.stream_chat({...}) as stream:
            for chunk in stream:
                ...
        print(stream.accumulator.content)
        ```
    """

    # ------------------------------------------------------------------ clients

    def _sync(self) -> httpx.Client:
        return self._http_client or _http.shared_sync_client()

    def _async(self) -> httpx.AsyncClient:
        own = self._http_async_client
        if own is None or isinstance(own, str):
            return _http.shared_async_client(own or "httpx")
        return own

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
        total_timeout: float | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """Send a request and return its parsed JSON body, retrying per the policy.

        `validate` runs on the parsed body inside the retry loop; an error it raises is
        retried like a server error when the policy says so. `total_timeout` (else the
        client's) bounds the whole call, retries and waits included. `decode` turns a 2xx
        body's bytes into the answer (default `zai_core._json.loads`; it raises
        `json.JSONDecodeError` on a body that is not JSON).
        """
        client = self._sync()
        deadline = self._deadline(total_timeout)
        retries = 0
        while True:
            attempt, request = self._next_attempt(
                client, method, path, retries, json_body=json, params=params, files=files,
                data=data, timeout=timeout, deadline=deadline,
            )  # fmt: skip
            try:
                with _map_httpx_errors(), bounded_by(deadline.at):  # dripped headers too
                    response = client.send(request, stream=True)
                    attempt.headers = response.headers
                    try:
                        content = read_body(response, deadline)
                    finally:
                        response.close()
                return self._answer(response, content, validate, decode)
            except ZaiError as error:
                delay = self._retry_delay_or_raise(error, retries, attempt, method, path, deadline)
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
        total_timeout: float | None = None,
        decode: Callable[[bytes], Any] | None = None,
        on_retry: Callable[[ZaiError, float], None] | None = None,
    ) -> Any:
        """Async `request`; `on_retry(error, delay)` hears of each retry before its sleep
        (an adaptive limiter backs off on it)."""
        client = self._async()
        deadline = self._deadline(total_timeout)
        retries = 0
        while True:
            attempt, request = self._next_attempt(
                client, method, path, retries, json_body=json, params=params, files=files,
                data=data, timeout=timeout, deadline=deadline,
            )  # fmt: skip
            try:
                with _map_httpx_errors():
                    async with asyncio.timeout(deadline.remaining()):  # dripped headers too
                        response = await client.send(request, stream=True)
                        attempt.headers = response.headers
                        try:
                            content = await aread_body(response, deadline)
                        finally:
                            await response.aclose()
                return self._answer(response, content, validate, decode)
            except ZaiError as error:
                delay = self._retry_delay_or_raise(error, retries, attempt, method, path, deadline)
                if on_retry is not None:
                    on_retry(error, delay)
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
        total_timeout: float | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield the JSON events of an SSE endpoint; closes the response however it ends.

        Retries only until the first event is handed out. A stream that ends with no
        `[DONE]` raises `StreamInterruptedError` unless `finished()` says the
        answer was complete. After `[DONE]` the rest of the body is read (bounded) so the
        connection goes back to the pool.
        """
        client = self._sync()
        envelope = self.config.surface.envelope
        deadline = self._deadline(total_timeout)
        retries = 0
        while True:
            attempt, request = self._next_attempt(
                client, method, path, retries, json_body=json, stream=True, timeout=timeout,
                deadline=deadline,
            )  # fmt: skip
            try:
                with _map_httpx_errors(attempt.was_delivered):
                    with bounded_by(deadline.at):  # dripped headers (the body: between chunks)
                        response = client.send(request, stream=True)
                    attempt.headers = response.headers
                    try:
                        if self._reads_whole(response):
                            yield self._whole_answer_chunk(response, read_body(response, deadline))
                            return
                        chunks = response.iter_text()
                        for event in iter_events(chunks, envelope, deadline.check):
                            if event is DONE:
                                drain(chunks, deadline)
                                if not attempt.delivered:
                                    raise _done_before_any_event(attempt.headers)
                                return
                            attempt.delivered = True
                            yield event
                    finally:
                        response.close()
                self._check_finished(finished)
                return
            except ZaiError as error:
                delay = self._retry_delay_or_raise(error, retries, attempt, method, path, deadline)
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
        total_timeout: float | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Async `stream_events`."""
        client = self._async()
        envelope = self.config.surface.envelope
        deadline = self._deadline(total_timeout)
        retries = 0
        while True:
            attempt, request = self._next_attempt(
                client, method, path, retries, json_body=json, stream=True, timeout=timeout,
                deadline=deadline,
            )  # fmt: skip
            try:
                with _map_httpx_errors(attempt.was_delivered):
                    async with asyncio.timeout(deadline.remaining()):  # dripped headers
                        response = await client.send(request, stream=True)
                    attempt.headers = response.headers
                    try:
                        if self._reads_whole(response):
                            content = await aread_body(response, deadline)
                            yield self._whole_answer_chunk(response, content)
                            return
                        chunks = response.aiter_text()
                        async for event in aiter_events(chunks, envelope, deadline.check):
                            if event is DONE:
                                await adrain(chunks, deadline)
                                if not attempt.delivered:
                                    raise _done_before_any_event(attempt.headers)
                                return
                            attempt.delivered = True
                            yield event
                    finally:
                        await response.aclose()
                self._check_finished(finished)
                return
            except ZaiError as error:
                delay = self._retry_delay_or_raise(error, retries, attempt, method, path, deadline)
            await asyncio.sleep(delay)
            retries += 1

    def close(self) -> None:
        """Close injected clients (the shared pools stay open for other clients)."""
        if self._http_client is not None:
            self._http_client.close()

    async def aclose(self) -> None:
        """Async `close`."""
        if self._http_async_client is not None and not isinstance(self._http_async_client, str):
            await self._http_async_client.aclose()
