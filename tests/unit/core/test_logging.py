"""With every logger turned up to DEBUG, the API key never reaches a log record."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.unit.core.fakes import (
    CANARY,
    FakeServer,
    call_chat,
    chunk,
    completion,
    consume,
    json_reply,
    raw_reply,
    sse_body,
)
from zai_core._http import RedactSecretsFilter, redact

LOGGERS = ("httpx", "httpcore", "zai_core")


def _all_logged(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.msg), repr(record.args)]
    return "\n".join(parts)


@pytest.mark.parametrize("base_url", ["international", "lowcodeapi"])
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_debug_logs_never_show_the_key(
    caplog: pytest.LogCaptureFixture, base_url: str, mode: str
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    wrap = (lambda b: {"data": b}) if base_url == "lowcodeapi" else (lambda b: b)
    stream = raw_reply(200, [sse_body(chunk("Hi", finish_reason="stop"))])
    server = FakeServer(json_reply(503, None), json_reply(200, wrap(completion())), stream)
    client = server.client(base_url=base_url)
    await call_chat(client, mode)
    await consume(client, mode)
    # The key was really on the wire (header or URL), so the logs had a chance to leak it.
    sent = server.requests[0]
    assert CANARY in (str(sent.url) + sent.headers.get("authorization", ""))
    logged = _all_logged(caplog)
    assert "HTTP Request" in logged  # httpx logged each request...
    assert "retrying" in logged  # ...and zai_core its retry
    assert "/chat/completions" in logged
    assert CANARY not in logged
    if base_url == "lowcodeapi":
        assert "api_token=[redacted]" in logged


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Authorization: Bearer {CANARY}", "Authorization: Bearer [redacted]"),
        (f"authorization: bearer {CANARY}", "authorization: bearer [redacted]"),
        (
            f"GET https://x/v4/a?api_token={CANARY}&b=1",
            "GET https://x/v4/a?api_token=[redacted]&b=1",
        ),
        (f"url=https://x/mcp?key={CANARY}", "url=https://x/mcp?key=[redacted]"),
        (f"'api_key={CANARY}'", "'api_key=[redacted]'"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_filter_rewrites_records_with_args() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: %s %s "%s"',
        ("POST", httpx.URL(f"https://h/p?api_token={CANARY}"), "HTTP/1.1 200 OK"),
        None,
    )
    assert RedactSecretsFilter().filter(record) is True
    assert CANARY not in record.getMessage()
    assert "api_token=[redacted]" in record.getMessage()


def test_filter_keeps_clean_records_untouched() -> None:
    args = ("POST", "https://h/p")
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "%s %s", args, None)
    assert RedactSecretsFilter().filter(record) is True
    assert record.args == args


@pytest.mark.parametrize("name", ["httpx", "httpcore", "zai_core"])
def test_filter_installed_on_loggers(name: str) -> None:
    assert any(isinstance(f, RedactSecretsFilter) for f in logging.getLogger(name).filters)
