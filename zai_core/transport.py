"""What every Z.ai client is: a small transport protocol, and chat built once on top of it.

Two transports implement `Transport`: `zai_core.ZaiClient` (Z.ai's REST API and
the HTTP gateways, over httpx) and `zai_core.xpay.XpayClient` (the xpay MCP gateway,
which serves `POST /chat/completions` through a tool and answers
`zai_core.xpay.GatewayNotSupportedError` for any other path, as a server answers an
unknown route). `ChatMethods` writes `chat` / `achat` / `stream_chat` /
`astream_chat` once over any transport, so neither client refuses a method of the other.

The endpoint helpers (`zai_core.web`, `zai_core.media`, ...) take a
`Transport`; the integration classes hold a `ChatTransport` made by
`zai_core.create_client`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Protocol

from .accumulate import StreamAccumulator
from .config import TimeoutLike, ZaiConfig
from .errors import ZaiError
from .streams import AsyncChatStream, ChatStream, validate_chat_body

__all__ = ["CHAT_PATH", "ChatMethods", "ChatTransport", "Transport"]

#: The chat completion endpoint, the one path every transport serves.
CHAT_PATH = "/chat/completions"


class Transport(Protocol):
    """Requests to Z.ai endpoints: one JSON answer, or a stream of JSON events, with retries.

    `total_timeout` (else the configuration's) bounds one call, every attempt and retry
    wait included.

    Attributes:
        config: the resolved configuration (key, surface, timeout, retries, headers).
    """

    config: ZaiConfig

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
        """The parsed JSON answer of `method path` (`decode` turns its bytes into the
        answer, default `zai_core._json.loads`); `validate` runs on it."""
        ...

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
        """Async `request`; `on_retry(error, delay)` hears of each retry."""
        ...

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
        """The JSON events of a streamed answer; nothing is sent until it is iterated."""
        ...

    def astream_events(
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
        ...

    def close(self) -> None:
        """Release what this transport owns."""
        ...

    async def aclose(self) -> None:
        """Async `close`."""
        ...


class ChatTransport(Transport, Protocol):
    """A `Transport` with the chat methods of `ChatMethods`."""

    def chat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> dict[str, Any]:
        """A whole chat completion."""
        ...

    async def achat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> dict[str, Any]:
        """Async `chat`."""
        ...

    def stream_chat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> ChatStream:
        """A streamed chat completion."""
        ...

    def astream_chat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> AsyncChatStream:
        """Async `stream_chat`."""
        ...


class ChatMethods:
    """`POST /chat/completions` over the transport methods of the class it is mixed into."""

    # The transport methods this mixin calls (given by the class it is mixed into).
    request: Callable[..., Any]
    arequest: Callable[..., Awaitable[Any]]
    stream_events: Callable[..., Iterator[dict[str, Any]]]
    astream_events: Callable[..., AsyncIterator[dict[str, Any]]]

    def chat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> dict[str, Any]:
        """`POST /chat/completions` without streaming; raises on a failing finish reason."""
        return self.request(  # type: ignore[no-any-return]
            "POST",
            CHAT_PATH,
            json={**body, "stream": False},
            timeout=timeout,
            total_timeout=total_timeout,
            validate=validate_chat_body,
        )

    async def achat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> dict[str, Any]:
        """Async `chat`."""
        return await self.arequest(  # type: ignore[no-any-return]
            "POST",
            CHAT_PATH,
            json={**body, "stream": False},
            timeout=timeout,
            total_timeout=total_timeout,
            validate=validate_chat_body,
        )

    def stream_chat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> ChatStream:
        """`POST /chat/completions` streamed: a `ChatStream` of chunk dicts."""
        accumulator = StreamAccumulator()
        events = self.stream_events(
            "POST",
            CHAT_PATH,
            json={**body, "stream": True},
            timeout=timeout,
            total_timeout=total_timeout,
            finished=lambda: accumulator.finish_reason is not None,
        )
        return ChatStream(events, accumulator)

    def astream_chat(
        self,
        body: Mapping[str, Any],
        *,
        timeout: TimeoutLike = None,
        total_timeout: float | None = None,
    ) -> AsyncChatStream:
        """Async `stream_chat`: an `AsyncChatStream` of chunk dicts."""
        accumulator = StreamAccumulator()
        events = self.astream_events(
            "POST",
            CHAT_PATH,
            json={**body, "stream": True},
            timeout=timeout,
            total_timeout=total_timeout,
            finished=lambda: accumulator.finish_reason is not None,
        )
        return AsyncChatStream(events, accumulator)
