"""Bounds on one call: a total deadline across attempts, and caps on what is read.

`Deadline` is the optional `total_timeout` of a call (default: none; the per-read
`timeout` still applies to each read). The readers below are the only places a response
body is read: they stop at `MAX_BODY_BYTES` decoded bytes (a gzip bomb of 300 KB that
inflates to 300 MB stops at the cap) and at the deadline, checked between network chunks.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from .errors import APIResponseValidationError, APITimeoutError, ZaiError

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_DRAIN_BYTES",
    "NO_DEADLINE",
    "Deadline",
    "adrain",
    "aread_body",
    "check_total_timeout",
    "drain",
    "read_body",
]

#: The largest decoded (decompressed) answer body accepted, in bytes.
MAX_BODY_BYTES = 64 * 1024 * 1024
#: After ``[DONE]``, at most this much more of a stream's body is read so the connection
#: can go back to the pool; a longer tail closes the connection instead.
MAX_DRAIN_BYTES = 64 * 1024


def check_total_timeout(value: float | None) -> float | None:
    """`value` if it is `None` or a finite positive number of seconds, else `ValueError`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"total_timeout must be a number of seconds or None, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"total_timeout must be a finite number of seconds > 0, got {value!r}")
    return float(value)


class Deadline:
    """The wall-clock end of one call (`seconds=None`: no end), across every attempt."""

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or `None` without a deadline."""
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    def expired_error(self, during: str = "") -> APITimeoutError:
        """The error for a call past its deadline."""
        where = f" {during}" if during else ""
        return APITimeoutError(
            f"the call to Z.ai passed its total_timeout of {self.seconds} s{where}"
        )

    def check(self) -> None:
        """Raise `APITimeoutError` when the deadline has passed."""
        if self.at is not None and time.monotonic() >= self.at:
            raise self.expired_error()

    def clip(self, timeout: httpx.Timeout) -> httpx.Timeout:
        """`timeout` with every phase cut to the time left (a stall ends at the deadline)."""
        left = self.remaining()
        if left is None:
            return timeout
        if left <= 0:
            raise self.expired_error()

        def cut(phase: float | None) -> float:
            return left if phase is None else min(phase, left)

        return httpx.Timeout(
            connect=cut(timeout.connect),
            read=cut(timeout.read),
            write=cut(timeout.write),
            pool=cut(timeout.pool),
        )

    def check_wait(self, delay: float, error: ZaiError) -> None:
        """Raise (from `error`) when waiting `delay` s before a retry would pass the end."""
        left = self.remaining()
        if left is None or delay < left:
            return
        if left == 0 and isinstance(error, APITimeoutError):  # the deadline ended the attempt
            raise self.expired_error() from error
        raise self.expired_error(f"before the retry it needed ({error.message})") from error


#: The deadline of a call with no `total_timeout`.
NO_DEADLINE = Deadline(None)


def _too_big() -> APIResponseValidationError:
    return APIResponseValidationError(
        f"Z.ai's answer is larger than {MAX_BODY_BYTES} bytes once decoded; not read further"
    )


def read_body(response: httpx.Response, deadline: Deadline) -> bytes:
    """The decoded body of a streamed `response`, within the cap and the deadline."""
    parts: list[bytes] = []
    size = 0
    for part in response.iter_bytes():
        size += len(part)
        if size > MAX_BODY_BYTES:
            raise _too_big()
        parts.append(part)
        deadline.check()
    return b"".join(parts)


async def aread_body(response: httpx.Response, deadline: Deadline) -> bytes:
    """Async `read_body`."""
    parts: list[bytes] = []
    size = 0
    async for part in response.aiter_bytes():
        size += len(part)
        if size > MAX_BODY_BYTES:
            raise _too_big()
        parts.append(part)
        deadline.check()
    return b"".join(parts)


def drain(chunks: Iterator[str], deadline: Deadline) -> None:
    """Read what is left of a stream after `[DONE]` (bounded) so its connection is reused."""
    size = 0
    for text in chunks:
        size += len(text)
        if size > MAX_DRAIN_BYTES or deadline.remaining() == 0:
            return


async def adrain(chunks: AsyncIterator[str], deadline: Deadline) -> None:
    """Async `drain`."""
    size = 0
    async for text in chunks:
        size += len(text)
        if size > MAX_DRAIN_BYTES or deadline.remaining() == 0:
            return
