"""The retry policy as pure functions: which failures retry, and how long to wait.

No I/O and no clock reads unless the caller leaves `now` / `rng` unset, so every
decision is table-testable. Both the sync and the async client call these.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping

from .errors import NON_RETRYABLE_CODES

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "NON_RETRYABLE_CODES",
    "parse_retry_after",
    "retry_delay",
    "should_retry_status",
]

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
#: A server-given wait longer than this is not honoured (exponential backoff is used).
MAX_RETRY_AFTER = 60.0

#: ``NON_RETRYABLE_CODES`` (re-exported): derived from ``zai_core.errors.BUSINESS_CODES``.
RETRYABLE_STATUSES = frozenset({408, 409, 429})


def should_retry_status(status_code: int, code: str | None, headers: Mapping[str, str]) -> bool:
    """Whether a response with this status, business code and headers should be retried.

    `x-should-retry: true|false` from the server wins; then non-retryable business codes
    (1113 and the other balance/plan codes, bad parameters, moderation) never retry; then
    408, 409, 429 and every 5xx retry.
    """
    override = headers.get("x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    if code is not None and code in NON_RETRYABLE_CODES:
        return False
    return status_code in RETRYABLE_STATUSES or status_code >= 500


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms`, else `retry-after` (seconds or HTTP-date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000.0
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            return value
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        parsed = email.utils.parsedate_tz(raw)
        if parsed is None:
            return None
        stamp = email.utils.mktime_tz(parsed)
        return float(stamp) - (time.time() if now is None else now)
    return value if math.isfinite(value) else None


def retry_delay(
    retries_taken: int,
    headers: Mapping[str, str] | None = None,
    *,
    rng: Callable[[], float] = random.random,
    now: float | None = None,
) -> float:
    """How long to sleep before the next attempt.

    A server's `retry-after-ms` / `retry-after` is honoured when it is in (0, 60] s;
    otherwise `min(0.5 * 2**retries_taken, 8) * (1 - 0.25 * rng())`.
    """
    if headers:
        after = parse_retry_after(headers, now)
        if after is not None and 0 < after <= MAX_RETRY_AFTER:
            return after
    base = min(INITIAL_RETRY_DELAY * 2.0 ** min(retries_taken, 1000), MAX_RETRY_DELAY)
    return base * (1.0 - 0.25 * rng())
