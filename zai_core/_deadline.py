"""The deadline of the current call, for the shared sync pool's transport (`_bounded`).

Kept apart from `_bounded` so that setting a deadline (every call does) does not import
httpcore: httpx imports it only when a transport is first made, and `import zai_core`
stays cheap.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["bounded_by", "cut_to_deadline"]

#: The `time.monotonic()` at which the current call must end (`None`: no deadline).
_END: ContextVar[float | None] = ContextVar("zai_core_deadline", default=None)


@contextlib.contextmanager
def bounded_by(end: float | None) -> Iterator[None]:
    """Within the block, reads and writes on `DeadlineTransport` end at `end`."""
    token = _END.set(end)
    try:
        yield
    finally:
        _END.reset(token)


def cut_to_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    """`timeout` cut to the time left before the current deadline; `expired` once past."""
    end = _END.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("the call's total_timeout has passed")
    return left if timeout is None else min(timeout, left)
