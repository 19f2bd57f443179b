"""Leaving a stream early closes the response: the server sees the client hang up.

The server streams ~100 chunks 50 ms apart (about 5 s); a consumer leaves after three. The
server records a disconnect only when the client hangs up *before* the answer is complete,
so a client that kept reading (or kept the connection) fails the wait. The 5 s wait is a
correctness bound (the stream's own length), not a speed assertion.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .cases import TIMEOUT, WORDS
from .conftest import LeakGuard
from .drivers import BODY, CoreDriver, Driver, open_astream
from .fault_server import MAX_STALL, FaultServer, Reply, sse_reply, stream_frames
from .frameworks import ChatZaiDriver, ZaiDriver

DRIVERS: list[Driver] = [CoreDriver(), ChatZaiDriver(), ZaiDriver()]
LEAVE_AFTER = 3


def slow_stream() -> Reply:
    """About 100 text chunks, 50 ms apart."""
    return sse_reply(stream_frames(WORDS * 20), pause=0.05)


def _ids(driver: Any) -> str:
    return str(driver.name)


@pytest.mark.parametrize("driver", DRIVERS, ids=_ids)
def test_break_out_of_stream_loop(driver: Driver, server: FaultServer, leaks: LeakGuard) -> None:
    server.script(slow_stream())
    leaks.begin()
    received = []
    for chunk in driver.stream_iter(server.url, TIMEOUT, 0):
        if driver.text(chunk):
            received.append(driver.text(chunk))
        if len(received) == LEAVE_AFTER:
            break
    assert received == list(WORDS[:LEAVE_AFTER])
    assert server.wait_disconnect(1), "the response was not closed after `break`"
    leaks.check()


def test_break_inside_context_manager(server: FaultServer, leaks: LeakGuard) -> None:
    """The documented form: ``with client.stream_chat(...) as stream``."""
    server.script(slow_stream())
    leaks.begin()
    client = CoreDriver._client(server.url, TIMEOUT, 0)
    with client.stream_chat(BODY) as stream:
        for n, _chunk in enumerate(stream, 1):
            if n == LEAVE_AFTER:
                break
    assert server.wait_disconnect(1), "leaving the `with` block did not close the response"
    leaks.check()


async def _consume(
    driver: Driver, url: str, received: list[str], reached: asyncio.Event, then_idle: bool
) -> None:
    async for chunk in await open_astream(driver, url, TIMEOUT, 0):
        if driver.text(chunk):
            received.append(driver.text(chunk))
        if len(received) == LEAVE_AFTER:
            reached.set()
            if then_idle:  # cancelled in its own code, not inside the library
                await asyncio.sleep(MAX_STALL * 2)


@pytest.mark.parametrize("then_idle", [False, True], ids=["waiting_for_chunk", "busy_elsewhere"])
@pytest.mark.parametrize("driver", DRIVERS, ids=_ids)
async def test_cancel_astream_consumer(
    driver: Driver, then_idle: bool, server: FaultServer, leaks: LeakGuard
) -> None:
    server.script(slow_stream())
    leaks.begin()
    received: list[str] = []
    reached = asyncio.Event()
    task = asyncio.create_task(_consume(driver, server.url, received, reached, then_idle))
    await asyncio.wait_for(reached.wait(), MAX_STALL)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    del task
    assert received == list(WORDS[:LEAVE_AFTER])
    closed = await asyncio.to_thread(server.wait_disconnect, 1)
    assert closed, "cancelling the consumer did not close the response"
    await leaks.acheck()
