"""Connections go back where they belong: per ``asyncio.run()`` pools close, streams reuse.

Issue 14 items 1 and 8, over a real loopback socket: open file descriptors return to the
baseline after every ``asyncio.run()``, and 20 streamed calls in a row ride one connection.
"""

from __future__ import annotations

import asyncio
import gc
import ssl

import psutil

from langchain_zai import ChatZai
from zai_core import ZaiClient, _http

from .drivers import BODY, CANARY
from .fault_server import (
    FaultServer,
    chat_completion,
    json_reply,
    sse_reply,
    stream_frames,
)

RUNS = 10


def test_asyncio_run_gives_its_connections_back(server: FaultServer) -> None:
    """Item 1: 10 x ``asyncio.run()`` of 10 ``ainvoke`` each; fds back to baseline every time."""
    server.script(json_reply(200, chat_completion("ok")))
    _http.reset_shared_clients()
    llm = ChatZai(model="glm-4.7", api_key=CANARY, base_url=server.url)

    async def calls() -> None:
        for _ in range(10):
            assert (await llm.ainvoke("hi")).content == "ok"

    process = psutil.Process()
    gc.collect()
    baseline = process.num_fds()
    for _ in range(RUNS):
        asyncio.run(calls())
        assert server.wait_until(lambda: server.stats.open_connections == 0)
        assert process.num_fds() <= baseline, (process.num_fds(), baseline)
    assert server.count("/chat/completions") == 10 * RUNS
    assert server.stats.accepted == RUNS  # one connection per run, reused within it
    assert not _http._async_clients  # every loop's pool forgotten


def test_every_asyncio_run_reuses_one_tls_context() -> None:
    """The CA bundle is loaded once per process, not with the pool of each ``asyncio.run()``
    (20-40 ms each time): the pools of two runs hold the same verifying context."""

    async def context() -> ssl.SSLContext:
        pool = _http.shared_async_client()._transport._pool  # type: ignore[attr-defined]
        return pool._ssl_context  # type: ignore[no-any-return]

    first, second = asyncio.run(context()), asyncio.run(context())
    assert first is second
    assert first.verify_mode == ssl.CERT_REQUIRED and first.check_hostname


def test_closed_loop_without_shutdown_is_forgotten(server: FaultServer) -> None:
    """A loop closed without ``shutdown_asyncgens`` is dropped on the next call; gc frees it."""
    server.script(json_reply(200, chat_completion("ok")))
    _http.reset_shared_clients()
    client = ZaiClient(api_key=CANARY, base_url=server.url)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(client.achat(BODY))
    loop.close()
    assert _http._async_clients.get(loop) is not None
    asyncio.run(client.achat(BODY))
    assert loop not in _http._async_clients
    del loop
    gc.collect()
    assert server.wait_until(lambda: server.stats.open_connections == 0)


def test_twenty_streams_use_one_connection(server: FaultServer) -> None:
    """Item 8: the body after ``[DONE]`` is read, so the connection goes back to the pool."""
    server.script(sse_reply(stream_frames(["Hel", "lo"])))
    _http.reset_shared_clients()
    client = ZaiClient(api_key=CANARY, base_url=server.url)
    for _ in range(20):
        with client.stream_chat(BODY) as stream:
            for _chunk in stream:
                pass
        assert stream.accumulator.content == "Hello"
    assert server.count("/chat/completions") == 20
    assert server.stats.accepted == 1
    _http.reset_shared_clients()


async def test_twenty_async_streams_use_one_connection(server: FaultServer) -> None:
    """Item 8, async."""
    server.script(sse_reply(stream_frames(["Hel", "lo"])))
    _http.reset_shared_clients()
    client = ZaiClient(api_key=CANARY, base_url=server.url)
    for _ in range(20):
        async with client.astream_chat(BODY) as stream:
            async for _chunk in stream:
                pass
        assert stream.accumulator.content == "Hello"
    assert server.stats.accepted == 1
