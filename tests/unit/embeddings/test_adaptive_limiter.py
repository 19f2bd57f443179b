"""The embeddings' concurrency adapts to 429s: it backs off, pauses, then recovers.

The window logic is driven directly; the end-to-end check embeds against the benchmark's
rate-limited loopback server (a child process on 127.0.0.1), where every 429 must be
absorbed: all vectors back, no error surfaced.
"""

from __future__ import annotations

import asyncio

import pytest

from zai_core import ZaiClient
from zai_core.embeddings import ConcurrencyLimiter, aembed_texts, embed_texts
from zai_core.errors import BadRequestError, RateLimitError


async def test_a_429_halves_the_window_once_per_volley_and_successes_restore_it() -> None:
    limiter = ConcurrencyLimiter(8)
    assert limiter.window() == 8
    limiter.rate_limited(0.01)
    limiter.rate_limited(0.01)  # the same volley: counted once
    assert limiter.window() == 4
    await asyncio.sleep(0.06)
    limiter.rate_limited(0.0)
    assert limiter.window() == 2
    for _ in range(40):
        await limiter.acquire()
        limiter.release(ok=True)
    assert limiter.window() == 8  # recovered, and never above the limit


async def test_new_requests_wait_out_the_pause_and_stay_within_the_window() -> None:
    limiter = ConcurrencyLimiter(6)
    limiter.rate_limited(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await limiter.acquire()
    assert loop.time() - started >= 0.04  # the Retry-After pause was honoured
    limiter.release(ok=False)
    in_flight, peak = 0, 0

    async def one() -> None:
        nonlocal in_flight, peak
        await limiter.acquire()
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        limiter.release(ok=False)

    await asyncio.gather(*(one() for _ in range(30)))
    assert peak == 3  # the halved window, not the limit


def test_only_rate_limit_retries_narrow_the_window() -> None:
    async def run() -> list[float]:
        limiter = ConcurrencyLimiter(8)
        limiter.on_retry(BadRequestError("bad", status_code=400), 0.0)
        before = limiter.window()
        limiter.on_retry(RateLimitError("slow down", status_code=429, code="1303"), 0.0)
        return [before, limiter.window()]

    assert asyncio.run(run()) == [8, 4]


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
@pytest.mark.network_loopback
def test_a_rate_limited_server_loses_nothing_and_surfaces_no_429() -> None:
    from benchmarks.server import BenchServer

    texts = [f"text {i}" for i in range(64 * 24)]
    with BenchServer() as server:
        client = ZaiClient(api_key="k", base_url=server.base_url(rate=8))
        result = asyncio.run(aembed_texts(client, texts, limiter=ConcurrencyLimiter(8)))
        stats = server.stats()
        assert len(result.embeddings) == len(texts)
        assert stats["embeddings"] == 24  # each batch accepted exactly once
        assert stats["rate_limited"] >= 1  # the server did push back
        server.reset()
        sync = embed_texts(client, texts[: 64 * 12])
        assert len(sync.embeddings) == 64 * 12
        assert server.stats()["embeddings"] == 12
