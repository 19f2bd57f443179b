"""The retry policy as tables: which failures retry, and how long the client waits."""

from __future__ import annotations

import pytest

from zai_core.retry import (
    INITIAL_RETRY_DELAY,
    MAX_RETRY_DELAY,
    parse_retry_after,
    retry_delay,
    should_retry_status,
)

NOW = 1696004797.0  # Fri, 29 Sep 2023 16:26:37 GMT
IN_20_S = "Fri, 29 Sep 2023 16:26:57 GMT"
IN_90_S = "Fri, 29 Sep 2023 16:28:07 GMT"
AGO_10_S = "Fri, 29 Sep 2023 16:26:27 GMT"


@pytest.mark.parametrize(
    ("status", "code", "headers", "expected"),
    [
        # 429 that no retry can fix: balance, daily limit, plan limits.
        pytest.param(429, "1113", {}, False, id="429-1113-arrears"),
        pytest.param(429, "1304", {}, False, id="429-1304-daily-limit"),
        pytest.param(429, "1308", {}, False, id="429-1308-plan-limit"),
        pytest.param(429, "1309", {}, False, id="429-1309-plan-expired"),
        pytest.param(429, "1310", {}, False, id="429-1310-weekly-limit"),
        pytest.param(429, "1112", {}, False, id="429-1112-locked"),
        pytest.param(429, "1121", {}, False, id="429-1121-irregular"),
        # 429 that is transient.
        pytest.param(429, "1302", {}, True, id="429-1302-concurrency"),
        pytest.param(429, "1303", {}, True, id="429-1303-frequency"),
        pytest.param(429, "1305", {}, True, id="429-1305-overloaded"),
        pytest.param(429, None, {}, True, id="429-no-code"),
        # Other retryable statuses.
        pytest.param(408, None, {}, True, id="408"),
        pytest.param(409, None, {}, True, id="409"),
        pytest.param(500, None, {}, True, id="500"),
        pytest.param(500, "500", {}, True, id="500-code-500"),
        pytest.param(500, "1234", {}, True, id="500-1234-network"),
        pytest.param(502, None, {}, True, id="502"),
        pytest.param(503, "1305", {}, True, id="503-1305"),
        pytest.param(504, None, {}, True, id="504"),
        # Never retried.
        pytest.param(400, None, {}, False, id="400"),
        pytest.param(400, "1214", {}, False, id="400-1214"),
        pytest.param(400, "1261", {}, False, id="400-1261-context"),
        pytest.param(400, "1301", {}, False, id="400-1301-filter"),
        pytest.param(401, "1002", {}, False, id="401-1002"),
        pytest.param(403, None, {}, False, id="403"),
        pytest.param(404, "1211", {}, False, id="404-1211"),
        pytest.param(500, "1301", {}, False, id="500-but-code-1301"),
        pytest.param(200, None, {}, False, id="200"),
        # The server's x-should-retry wins both ways.
        pytest.param(400, None, {"x-should-retry": "true"}, True, id="hdr-true-400"),
        pytest.param(429, "1113", {"x-should-retry": "true"}, True, id="hdr-true-1113"),
        pytest.param(500, None, {"x-should-retry": "false"}, False, id="hdr-false-500"),
        pytest.param(429, "1302", {"x-should-retry": "false"}, False, id="hdr-false-1302"),
        pytest.param(503, None, {"x-should-retry": "maybe"}, True, id="hdr-garbage-ignored"),
    ],
)
def test_should_retry_status(
    status: int, code: str | None, headers: dict[str, str], expected: bool
) -> None:
    assert should_retry_status(status, code, headers) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"retry-after-ms": "1500"}, 1.5, id="ms"),
        pytest.param({"retry-after-ms": "250.5"}, 0.2505, id="ms-float"),
        pytest.param({"retry-after-ms": "1500", "retry-after": "9"}, 1.5, id="ms-before-seconds"),
        pytest.param({"retry-after-ms": "soon", "retry-after": "3"}, 3.0, id="bad-ms-falls-back"),
        pytest.param({"retry-after": "20"}, 20.0, id="seconds-int"),
        pytest.param({"retry-after": "2.5"}, 2.5, id="seconds-float"),
        pytest.param({"retry-after": "0"}, 0.0, id="zero"),
        pytest.param({"retry-after": "-10"}, -10.0, id="negative"),
        pytest.param({"retry-after": "61"}, 61.0, id="over-60"),
        pytest.param({"retry-after": IN_20_S}, 20.0, id="http-date"),
        pytest.param({"retry-after": AGO_10_S}, -10.0, id="http-date-past"),
        pytest.param({"retry-after": "inf"}, None, id="infinite"),
        pytest.param({"retry-after": "nan"}, None, id="nan"),
        pytest.param({"retry-after": "garbage"}, None, id="garbage"),
        pytest.param({"retry-after": ""}, None, id="empty"),
        pytest.param({}, None, id="absent"),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    result = parse_retry_after(headers, now=NOW)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("retries_taken", "base"),
    [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (50, 8.0), (10**6, 8.0)],
)
@pytest.mark.parametrize(("draw", "factor"), [(0.0, 1.0), (0.5, 0.875), (1.0, 0.75)])
def test_retry_delay_backoff(retries_taken: int, base: float, draw: float, factor: float) -> None:
    assert retry_delay(retries_taken, rng=lambda: draw) == pytest.approx(base * factor)


@pytest.mark.parametrize("draw", [0.0, 0.1, 0.33, 0.77, 0.999])
@pytest.mark.parametrize("retries_taken", range(8))
def test_retry_delay_jitter_bounds(retries_taken: int, draw: float) -> None:
    base = min(INITIAL_RETRY_DELAY * 2**retries_taken, MAX_RETRY_DELAY)
    delay = retry_delay(retries_taken, {}, rng=lambda: draw)
    assert 0.75 * base <= delay <= base


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"retry-after": "20"}, 20.0, id="honoured"),
        pytest.param({"retry-after": "60"}, 60.0, id="60-honoured"),
        pytest.param({"retry-after": "0.25"}, 0.25, id="sub-second"),
        pytest.param({"retry-after-ms": "100"}, 0.1, id="ms"),
        pytest.param({"retry-after": IN_20_S}, 20.0, id="http-date"),
        pytest.param({"retry-after": "61"}, None, id="over-60-backoff"),
        pytest.param({"retry-after": IN_90_S}, None, id="date-over-60-backoff"),
        pytest.param({"retry-after": "0"}, None, id="zero-backoff"),
        pytest.param({"retry-after": "-10"}, None, id="negative-backoff"),
        pytest.param({"retry-after": AGO_10_S}, None, id="past-date-backoff"),
        pytest.param({"retry-after": "garbage"}, None, id="garbage-backoff"),
        pytest.param({"retry-after": ""}, None, id="empty-backoff"),
    ],
)
@pytest.mark.parametrize("retries_taken", [0, 2])
def test_retry_delay_honours_server(
    headers: dict[str, str], expected: float | None, retries_taken: int
) -> None:
    backoff = min(0.5 * 2**retries_taken, 8.0) * (1 - 0.25 * 0.5)
    delay = retry_delay(retries_taken, headers, rng=lambda: 0.5, now=NOW)
    assert delay == pytest.approx(backoff if expected is None else expected)
