"""The adaptive concurrency limit of the async embedding calls (`zai_core.embeddings`).

At most `limit` requests in flight per event loop, fewer while Z.ai answers 429: the window
halves on a rate-limit answer (once per volley) and pauses new requests for `Retry-After`,
then widens by `1 / window` per success until it is back at `limit`.
"""

from __future__ import annotations

import asyncio
import collections
import weakref
from typing import Any

from .errors import RateLimitError, ZaiError

__all__ = ["DEFAULT_MAX_CONCURRENCY", "ConcurrencyLimiter"]

#: Requests in flight per embeddings object by default.
DEFAULT_MAX_CONCURRENCY = 8


class _LoopWindow:
    """One event loop's share of a :class:`ConcurrencyLimiter`."""

    __slots__ = ("in_flight", "last_cut", "paused_until", "waiters", "window")

    def __init__(self, limit: int) -> None:
        self.window = float(limit)
        self.in_flight = 0
        self.paused_until = 0.0
        self.last_cut = -1e9
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()


class ConcurrencyLimiter:
    """At most `limit` embedding requests in flight per event loop, fewer while Z.ai says
    429: the window adapts (additive increase, multiplicative decrease).

    One limiter per embeddings object bounds every async call made through it, including
    calls that a framework starts side by side (LlamaIndex gathers all batches at once).
    A rate-limit answer halves the window (at most once per `delay`, so a volley of 429s
    counts once) and pauses new requests for the server's `Retry-After`; each success
    then widens it by `1 / window` until it is back at `limit`.
    """

    def __init__(self, limit: int = DEFAULT_MAX_CONCURRENCY) -> None:
        if limit < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {limit}")
        self.limit = limit
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopWindow] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    def reuse(cls, current: ConcurrencyLimiter | None, limit: int) -> ConcurrencyLimiter:
        """`current` while its limit is still `limit`, else a new limiter."""
        if current is not None and current.limit == limit:
            return current
        return cls(limit)

    def _state(self) -> _LoopWindow:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _LoopWindow(self.limit)
        return state

    def window(self) -> float:
        """The running loop's current window (`limit` until a 429 arrives)."""
        return self._state().window

    async def acquire(self) -> None:
        """Wait for a free slot in the window and for any rate-limit pause to end."""
        state = self._state()
        loop = asyncio.get_running_loop()
        while True:
            pause = state.paused_until - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
                continue
            if state.in_flight < max(1, int(state.window)):
                state.in_flight += 1
                return
            waiter = loop.create_future()
            state.waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake(state)  # pass the wake-up on
                raise

    def release(self, ok: bool) -> None:
        """Free a slot; a success widens the window by `1 / window`."""
        state = self._state()
        state.in_flight -= 1
        if ok and state.window < self.limit:
            state.window = min(float(self.limit), state.window + 1.0 / state.window)
        self._wake(state)

    def rate_limited(self, delay: float) -> None:
        """Z.ai answered 429: halve the window, pause new requests for `delay` seconds."""
        state = self._state()
        now = asyncio.get_running_loop().time()
        if now - state.last_cut >= max(delay, 0.05):
            state.window = max(1.0, state.window / 2.0)
            state.last_cut = now
        state.paused_until = max(state.paused_until, now + delay)

    def on_retry(self, error: ZaiError, delay: float) -> None:
        """`ZaiClient.arequest`'s retry hook: 429s narrow the window."""
        if isinstance(error, RateLimitError):
            self.rate_limited(delay)

    @staticmethod
    def _wake(state: _LoopWindow) -> None:
        while state.waiters:
            waiter = state.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def __repr__(self) -> str:
        return f"ConcurrencyLimiter(limit={self.limit})"

    def __deepcopy__(self, memo: dict[int, Any]) -> ConcurrencyLimiter:
        return ConcurrencyLimiter(self.limit)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ConcurrencyLimiter, (self.limit,))
