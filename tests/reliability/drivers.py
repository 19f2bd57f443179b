"""The clients under test behind one interface, and the runner that judges a case.

A driver makes one plain chat call, or hands out the library's own stream object, sync or
async, against a base URL. The runner iterates streams the plainest way (a bare ``for``, no
context manager), so cleanup after an error must come from the library itself, and keeps
every text piece the consumer was handed, so after an error the test knows what arrived.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import AsyncIterable, Awaitable, Iterable
from typing import Any, Protocol

import httpx

from zai_core import APIStatusError, StreamInterruptedError, ZaiClient, ZaiError

from .cases import ANSWER, EMBED_VECTORS, Case, Expect, Kind
from .conftest import LeakGuard, SleepRecorder, observe
from .fault_server import FaultServer

MESSAGES = [{"role": "user", "content": "Say hello"}]
BODY = {"model": "glm-4.7", "messages": MESSAGES}
CANARY = "canary-0123456789abcdef.SECRETsecret"


class Driver(Protocol):
    """One client family: a plain call, and the library's own stream object."""

    name: str

    def call(self, url: str, timeout: httpx.Timeout, max_retries: int) -> Any:
        """A plain call: the answer's text (chat) or the vectors (embeddings)."""
        ...

    async def acall(self, url: str, timeout: httpx.Timeout, max_retries: int) -> Any:
        """Async :meth:`call`."""
        ...

    def stream_iter(self, url: str, timeout: httpx.Timeout, max_retries: int) -> Iterable[Any]:
        """What the library hands out for a streamed call (iterated as users do)."""
        ...

    def astream_iter(
        self, url: str, timeout: httpx.Timeout, max_retries: int
    ) -> AsyncIterable[Any] | Awaitable[AsyncIterable[Any]]:
        """Async :meth:`stream_iter` (or an awaitable of it, as LlamaIndex returns)."""
        ...

    def text(self, chunk: Any) -> str:
        """The answer text one streamed item carries."""
        ...

    def check_error(self, error: BaseException) -> None:
        """Framework-specific checks on a raised error (its extra base classes)."""
        ...


class CoreDriver:
    """``zai_core.ZaiClient`` on the shared pools."""

    name = "ZaiClient"

    @staticmethod
    def _client(url: str, timeout: httpx.Timeout, max_retries: int) -> ZaiClient:
        return ZaiClient(api_key=CANARY, base_url=url, timeout=timeout, max_retries=max_retries)

    def call(self, url: str, timeout: httpx.Timeout, max_retries: int) -> str:
        """``ZaiClient.chat``."""
        body = self._client(url, timeout, max_retries).chat(BODY)
        return str(body["choices"][0]["message"]["content"])

    async def acall(self, url: str, timeout: httpx.Timeout, max_retries: int) -> str:
        """``ZaiClient.achat``."""
        body = await self._client(url, timeout, max_retries).achat(BODY)
        return str(body["choices"][0]["message"]["content"])

    def stream_iter(self, url: str, timeout: httpx.Timeout, max_retries: int) -> Iterable[Any]:
        """``ZaiClient.stream_chat``."""
        return self._client(url, timeout, max_retries).stream_chat(BODY)

    def astream_iter(
        self, url: str, timeout: httpx.Timeout, max_retries: int
    ) -> AsyncIterable[Any]:
        """``ZaiClient.astream_chat``."""
        return self._client(url, timeout, max_retries).astream_chat(BODY)

    def text(self, chunk: Any) -> str:
        """The content delta of a chunk dict."""
        return "".join(
            (choice.get("delta") or {}).get("content") or ""
            for choice in chunk.get("choices") or []
        )

    def check_error(self, error: BaseException) -> None:
        """``zai_core`` raises its own classes."""
        assert type(error).__module__.startswith("zai_core."), type(error)


# --------------------------------------------------------------------------- the runner


async def open_astream(
    driver: Driver, url: str, timeout: httpx.Timeout, max_retries: int
) -> AsyncIterable[Any]:
    """The library's async stream object, awaited first where the API is a coroutine."""
    opened = driver.astream_iter(url, timeout, max_retries)
    if inspect.isawaitable(opened):
        return await opened
    return opened


def _url(case: Case, server: FaultServer, refused_url: str) -> str:
    return refused_url if case.refused else server.url


def run_sync(
    driver: Driver,
    case: Case,
    kind: Kind,
    server: FaultServer,
    refused_url: str,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
) -> None:
    """Run one case through a sync driver and judge it."""
    server.script(*case.replies[kind]())
    leaks.begin()
    sink: list[str] = []
    result: Any = None
    error: BaseException | None = None
    started = time.monotonic()
    try:
        if kind != "stream":
            result = driver.call(_url(case, server, refused_url), case.timeout, case.max_retries)
        else:
            url = _url(case, server, refused_url)
            for chunk in driver.stream_iter(url, case.timeout, case.max_retries):
                sink.append(driver.text(chunk))
            result = "".join(sink)
    except ZaiError as exc:
        error = exc
    elapsed = time.monotonic() - started
    leaks.check()
    judge(driver, "sync", case, kind, result, error, sink, server, sleeps, elapsed)


async def run_async(
    driver: Driver,
    case: Case,
    kind: Kind,
    server: FaultServer,
    refused_url: str,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
) -> None:
    """Run one case through an async driver and judge it."""
    server.script(*case.replies[kind]())
    leaks.begin()
    sink: list[str] = []
    result: Any = None
    error: BaseException | None = None
    started = time.monotonic()
    url = _url(case, server, refused_url)
    try:
        if kind != "stream":
            result = await driver.acall(url, case.timeout, case.max_retries)
        else:
            async for chunk in await open_astream(driver, url, case.timeout, case.max_retries):
                sink.append(driver.text(chunk))
            result = "".join(sink)
    except ZaiError as exc:
        error = exc
    elapsed = time.monotonic() - started
    await leaks.acheck()
    judge(driver, "async", case, kind, result, error, sink, server, sleeps, elapsed)


def judge(
    driver: Driver,
    mode: str,
    case: Case,
    kind: Kind,
    result: Any,
    error: BaseException | None,
    sink: list[str],
    server: FaultServer,
    sleeps: SleepRecorder,
    elapsed: float,
) -> None:
    """Assert the outcome matches the case's :class:`Expect`; record the observation."""
    expect: Expect = case.expect[kind]
    attempts = len(sleeps.requested) + 1 if case.refused else server.count()
    observe(
        client=driver.name,
        mode=mode,
        case=case.name,
        kind=kind,
        error=type(error).__name__ if error is not None else None,
        error_mro=[c.__name__ for c in type(error).__mro__] if error is not None else [],
        message=str(error) if error is not None else None,
        requests=attempts,
        waits=sleeps.requested,
        received="".join(sink),
        result=result,
        elapsed=round(elapsed, 3),
    )
    if expect.error is None:
        assert error is None, f"unexpected {type(error).__name__}: {error}"
        assert result == (EMBED_VECTORS if kind == "embed" else ANSWER)
    else:
        assert isinstance(error, expect.error), f"expected {expect.error.__name__}, got {error!r}"
        driver.check_error(error)
        assert result is None, "a failed call must not return a result"
        assert expect.message in str(error), str(error)
        if expect.status is not None:
            assert isinstance(error, APIStatusError)
            assert error.status_code == expect.status
        if expect.code is not None:
            assert getattr(error, "code", None) == expect.code
        if isinstance(error, StreamInterruptedError):
            assert error.partial_text == (expect.partial or "")
    if kind == "stream" and expect.partial is not None:
        assert "".join(sink) == expect.partial
    assert attempts == expect.requests, f"{attempts} requests, expected {expect.requests}"
    assert len(sleeps.requested) == expect.requests - 1
    if expect.waits is not None:
        assert sleeps.requested == list(expect.waits)
    assert CANARY not in repr(error) and CANARY not in str(error)
