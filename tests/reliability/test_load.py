"""1,000 concurrent async streamed calls against the loopback server.

Asserts correctness only: every call gets its own whole answer (the server echoes the call
number), no request is lost or repeated, open file descriptors stay within what the pool
limit allows and return to the baseline. Peak RSS growth and peak fds are measured and
recorded (``ZAI_RELIABILITY_REPORT``), never asserted against a clock.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import threading
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psutil

from langchain_zai import ChatZai
from zai_core import ZaiClient
from zai_core._http import _LIMITS

from .conftest import LeakGuard, observe
from .drivers import CANARY
from .fault_server import FaultServer, RecordedRequest, Reply, sse_reply, stream_frames

CALLS = 1000
WORDS = tuple(f"w{i} " for i in range(19))
#: Generous: slow CI, two cores, both ends in one process. Not a speed bound.
LOAD_TIMEOUT = httpx.Timeout(60.0, connect=30.0)
#: fds beyond the pooled sockets: the event loop, psutil, logging, threads.
FD_SLACK = 64


def _answer(request: RecordedRequest, n: int) -> Reply:
    call = request.json()["messages"][0]["content"]
    return sse_reply(stream_frames((f"{call}: ", *WORDS)))


def expected(i: int) -> str:
    """The answer call ``i`` must get."""
    return f"call {i}: " + "".join(WORDS)


def _raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


@dataclass
class Peaks:
    """Peak fds and RSS seen by the sampler."""

    fds: int = 0
    rss: int = 0


class Sampler:
    """Samples the process's open fds and RSS every 20 ms in a thread."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peaks = Peaks(self.process.num_fds(), self.process.memory_info().rss)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peaks.fds = max(self.peaks.fds, self.process.num_fds())
            self.peaks.rss = max(self.peaks.rss, self.process.memory_info().rss)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def run_load(
    server: FaultServer,
    leaks: LeakGuard,
    label: str,
    stream: Callable[[int], AsyncIterable[Any]],
    text: Callable[[Any], str],
) -> None:
    """Start :data:`CALLS` streams at once, check every answer, record the measurements."""
    _raise_fd_limit(4 * CALLS + 1024)
    server.handler(_answer)
    leaks.begin()
    gc.collect()
    rss_before = psutil.Process().memory_info().rss

    async def one(i: int) -> str:
        return "".join([text(chunk) async for chunk in stream(i)])

    loop = asyncio.get_running_loop()
    started = loop.time()
    with Sampler() as sampler:
        answers = await asyncio.gather(*(one(i) for i in range(CALLS)))
    elapsed = loop.time() - started

    assert answers == [expected(i) for i in range(CALLS)]
    assert server.count("/chat/completions") == CALLS
    assert server.stats.accepted <= (_LIMITS.max_connections or CALLS)
    # Each pooled connection is two fds here (client and server end, one process).
    bound = leaks.baseline + 2 * min(CALLS, _LIMITS.max_connections or CALLS) + FD_SLACK
    assert sampler.peaks.fds <= bound, f"peak fds {sampler.peaks.fds} > {bound}"
    await leaks.acheck()
    observe(
        kind="load",
        client=label,
        calls=CALLS,
        chunks_per_call=len(WORDS) + 3,
        connections_opened=server.stats.accepted,
        server_peak_open=server.stats.peak_open,
        baseline_fds=leaks.baseline,
        peak_fds=sampler.peaks.fds,
        final_fds=psutil.Process().num_fds(),
        rss_growth_mb=round((sampler.peaks.rss - rss_before) / 2**20, 1),
        elapsed_s=round(elapsed, 2),
    )


async def test_thousand_concurrent_core_streams(server: FaultServer, leaks: LeakGuard) -> None:
    client = ZaiClient(api_key=CANARY, base_url=server.url, timeout=LOAD_TIMEOUT, max_retries=0)

    async def stream(i: int) -> AsyncIterable[dict[str, Any]]:
        body = {"model": "glm-4.7", "messages": [{"role": "user", "content": f"call {i}"}]}
        async with client.astream_chat(body) as chunks:
            async for chunk in chunks:
                yield chunk

    def text(chunk: dict[str, Any]) -> str:
        return str(chunk["choices"][0]["delta"].get("content") or "")

    await run_load(server, leaks, "ZaiClient.astream_chat", stream, text)


async def test_thousand_concurrent_chatzai_astreams(server: FaultServer, leaks: LeakGuard) -> None:
    llm = ChatZai(api_key=CANARY, base_url=server.url, timeout=LOAD_TIMEOUT, max_retries=0)

    def stream(i: int) -> AsyncIterable[Any]:
        return llm.astream(f"call {i}")

    def text(chunk: Any) -> str:
        return chunk.content if isinstance(chunk.content, str) else ""

    await run_load(server, leaks, "ChatZai.astream", stream, text)
