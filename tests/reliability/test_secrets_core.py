"""A canary key never shows: repr, str, exceptions, DEBUG logs, cassettes (``zai_core``).

Every test first proves the key really travelled (the server saw it in the header or the
query), then looks for it everywhere a user or a log collector could see it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import vcr

from tests.cassette_config import VCR_CONFIG, register
from tests.conftest import PLACEHOLDER_KEY
from zai_core import (
    APIConnectionError,
    AuthenticationError,
    Surface,
    ZaiClient,
    ZaiConfig,
    ZaiError,
)

from .cases import ANSWER, WORDS
from .conftest import LeakGuard, SleepRecorder
from .drivers import BODY, CANARY
from .fault_server import (
    FaultServer,
    chat_completion,
    error_reply,
    json_reply,
    sse_reply,
    stream_frames,
)

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = httpx.Timeout(2.0, connect=2.0)
LOGGERS = ("", "httpx", "httpcore", "zai_core")


def bearer_client(url: str) -> ZaiClient:
    """A client that sends the canary as ``Authorization: Bearer``."""
    return ZaiClient(api_key=CANARY, base_url=url, timeout=TIMEOUT, max_retries=1)


def query_client(url: str) -> ZaiClient:
    """A client that sends the canary as the ``api_token`` query parameter (LowCodeAPI)."""
    surface = Surface("loopback-query", url, auth="query", query_param="api_token")
    config = ZaiConfig(api_key=CANARY, surface=surface, timeout=TIMEOUT, max_retries=1)
    return ZaiClient(config=config)


CLIENTS = {"bearer": bearer_client, "query": query_client}


def key_seen_by_server(server: FaultServer) -> bool:
    """The canary reached the server (so the absence checks below mean something)."""
    return any(
        r.headers.get("authorization") == f"Bearer {CANARY}" or r.query.get("api_token") == CANARY
        for r in server.requests
    )


def chain_text(error: BaseException) -> str:
    """What a traceback or a log shows: the whole chain's ``str`` / ``repr``, and our fields.

    (On a query-auth surface the key is part of the URL by the gateway's design, so the
    ``httpx.Request`` object kept on the chained httpx exception holds it; it is not shown
    in any message.)
    """
    parts = [repr(getattr(error, "_fields", dict)())]
    seen: BaseException | None = error
    while seen is not None:
        parts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    parts.append("".join(traceback.format_exception(error)))
    return "\n".join(parts)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at DEBUG by the root logger, httpx, httpcore and zai_core."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def test_repr_and_str_of_client_and_config() -> None:
    client = bearer_client("http://127.0.0.1:9/api/paas/v4")
    for text in (repr(client), str(client), repr(client.config), str(client.config)):
        assert CANARY not in text
    query = query_client("http://127.0.0.1:9/api/paas/v4")
    assert CANARY not in repr(query) + repr(query.config) + repr(query.config.surface)


@pytest.mark.parametrize("auth", sorted(CLIENTS))
def test_debug_logs_of_full_exchanges(
    auth: str,
    server: FaultServer,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    """Plain call after a retried 429, a stream, and a 401: no log line carries the key."""
    server.script(
        error_reply(429, "1302", "High concurrency", {"retry-after-ms": "10"}),
        json_reply(200, chat_completion(ANSWER)),
        sse_reply(stream_frames(WORDS)),
        error_reply(401, "1002", "Authorization Token invalid"),
    )
    leaks.begin()
    client = CLIENTS[auth](server.url)
    assert client.chat(BODY)["choices"][0]["message"]["content"] == ANSWER
    with client.stream_chat(BODY) as stream:
        assert "".join(c["choices"][0]["delta"].get("content", "") for c in stream) == ANSWER
    with pytest.raises(AuthenticationError) as caught:
        client.chat(BODY)
    leaks.check()

    assert key_seen_by_server(server)
    assert server.count() == 4
    assert CANARY not in chain_text(caught.value)
    assert debug_logs.records, "nothing was logged at DEBUG"
    assert any(r.name.startswith("httpcore") for r in debug_logs.records)
    for record in debug_logs.records:
        assert CANARY not in record.getMessage(), record.getMessage()
    assert CANARY not in debug_logs.text


@pytest.mark.parametrize("auth", sorted(CLIENTS))
async def test_async_debug_logs_and_errors(
    auth: str,
    server: FaultServer,
    sleeps: SleepRecorder,
    leaks: LeakGuard,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    server.script(
        json_reply(200, chat_completion(ANSWER)),
        error_reply(401, "1002", "Authorization Token invalid"),
    )
    leaks.begin()
    client = CLIENTS[auth](server.url)
    assert (await client.achat(BODY))["choices"][0]["message"]["content"] == ANSWER
    with pytest.raises(AuthenticationError) as caught:
        async with client.astream_chat(BODY) as stream:
            async for _chunk in stream:
                pass
    await leaks.acheck()
    assert key_seen_by_server(server)
    assert CANARY not in chain_text(caught.value)
    assert CANARY not in debug_logs.text


@pytest.mark.parametrize("auth", sorted(CLIENTS))
def test_connection_errors_do_not_show_the_key(
    auth: str,
    refused_url: str,
    sleeps: SleepRecorder,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(APIConnectionError) as caught:
        CLIENTS[auth](refused_url).chat(BODY)
    assert CANARY not in chain_text(caught.value)
    assert CANARY not in debug_logs.text


@pytest.mark.parametrize("auth", sorted(CLIENTS))
def test_server_echoing_the_key_in_an_error(
    auth: str, server: FaultServer, sleeps: SleepRecorder, leaks: LeakGuard
) -> None:
    """A gateway that quotes the bad token back: the error still never shows it."""
    server.handler(
        lambda request, n: error_reply(
            401,
            "1002",
            f"invalid token {request.headers.get('authorization')} "
            f"api_token={request.query.get('api_token')} raw {CANARY}",
        )
    )
    leaks.begin()
    with pytest.raises(ZaiError) as caught:
        CLIENTS[auth](server.url).chat(BODY)
    leaks.check()
    assert key_seen_by_server(server)
    assert CANARY not in chain_text(caught.value)


@pytest.mark.parametrize("auth", sorted(CLIENTS))
def test_recorded_cassette_holds_no_key(
    auth: str, server: FaultServer, leaks: LeakGuard, tmp_path: Path
) -> None:
    """Recording with the project's VCR settings (tests/cassette_config.py) drops the key."""
    server.script(
        json_reply(200, chat_completion(ANSWER), {"x-echo": f"Bearer {CANARY}"}),
        sse_reply(stream_frames(WORDS)),
    )
    leaks.begin()
    settings = {k: v for k, v in VCR_CONFIG.items() if k != "allow_playback_repeats"}
    recorder = vcr.VCR(cassette_library_dir=str(tmp_path), record_mode="all", **settings)
    register(recorder)
    client = CLIENTS[auth](server.url)
    with recorder.use_cassette("secret.yaml"):
        client.chat(BODY)
        with client.stream_chat(BODY) as stream:
            assert "".join(c["choices"][0]["delta"].get("content", "") for c in stream)
    leaks.check()
    assert key_seen_by_server(server)
    text = (tmp_path / "secret.yaml").read_text()
    assert "/chat/completions" in text, "nothing was recorded"
    assert CANARY not in text


def committed_cassettes() -> list[Path]:
    """Every cassette file in the repository."""
    return [
        path
        for path in REPO.glob("**/cassettes/**/*")
        if path.is_file() and ".venv" not in path.parts
    ]


def test_committed_cassettes_hold_no_key_material() -> None:
    cassettes = committed_cassettes()
    assert cassettes, "no cassettes found: the scan would prove nothing"
    for path in cassettes:
        text = path.read_text(errors="replace")
        for needle in (CANARY, PLACEHOLDER_KEY, "Bearer ", "api_token=", "SECRETsecret"):
            assert needle not in text, f"{needle!r} in {path.relative_to(REPO)}"
