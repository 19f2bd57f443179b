"""The key never leaks, whatever the server or the configuration does (issue 14 items 2, 5, 10).

Over a real loopback socket: the xpay gateway quoting the key in a 401 body; a key read from
a file with a trailing newline; credentials in ``base_url`` and in ``default_headers``; a
``base_url`` with a query string.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import vcr
from langchain_core.load import dumps
from llama_index.core.llms import ChatMessage

from langchain_zai import ChatZai
from llama_index_zai import Zai
from tests.cassette_config import VCR_CONFIG, register
from zai_core import Surface, ZaiClient, ZaiConfig, ZaiError
from zai_core.xpay import XpayClient

from .drivers import BODY, CANARY
from .fault_server import FaultServer, chat_completion, error_reply, json_reply
from .test_secrets_core import chain_text, committed_cassettes


def test_xpay_gateway_echoing_the_key_is_redacted(server: FaultServer) -> None:
    """Item 2: the MCP endpoint answers 401 quoting the key; no message shows it."""
    server.handler(
        lambda request, n: error_reply(401, "1002", f"bad key {request.query.get('key')}")
    )
    surface = Surface("loopback-mcp", server.url, auth="query", query_param="key", transport="mcp")
    client = XpayClient(config=ZaiConfig(api_key=CANARY, surface=surface, max_retries=0))
    with pytest.raises(ZaiError) as caught:
        client.chat(BODY)
    assert any(r.query.get("key") == CANARY for r in server.requests), "key never sent"
    assert CANARY not in chain_text(caught.value)
    assert "[redacted]" in str(caught.value) or "bad key" in str(caught.value)


@pytest.mark.parametrize("key", [f"{CANARY}\n", f"  {CANARY} ", f"{CANARY}\r\n"])
def test_key_with_surrounding_whitespace_is_stripped(server: FaultServer, key: str) -> None:
    """Item 5: a key read from a file works; the server sees the clean key once."""
    server.script(json_reply(200, chat_completion("ok")))
    client = ZaiClient(api_key=key, base_url=server.url, max_retries=2)
    assert client.chat(BODY)["choices"][0]["message"]["content"] == "ok"
    assert [r.headers["authorization"] for r in server.requests] == [f"Bearer {CANARY}"]
    llm = ChatZai(api_key=key, base_url=server.url)
    assert llm.invoke("hi").content == "ok"


@pytest.mark.parametrize("bad", [f"{CANARY[:5]}\n{CANARY[5:]}", f"{CANARY}\x00", "a b"])
def test_key_with_control_characters_refused_before_sending(server: FaultServer, bad: str) -> None:
    with pytest.raises(ValueError, match="cannot be sent") as caught:
        ZaiClient(api_key=bad, base_url=server.url)
    assert CANARY not in chain_text(caught.value)
    with pytest.raises(ValueError, match="cannot be sent"):
        ChatZai(api_key=bad, base_url=server.url)
    assert server.requests == []


@pytest.mark.parametrize(
    "query",
    ["access_token=", "auth=", "apikey=", "api-key=", "api_key=", "token=", "X-Api-Key="],
)
def test_credentials_in_base_url_query_refused(server: FaultServer, query: str) -> None:
    """Item 10: every key-like parameter, not only api_key/api_token/key/token."""
    url = f"{server.url}?{query}{CANARY}"
    for build in (
        lambda: ZaiClient(api_key="k", base_url=url),
        lambda: ChatZai(api_key="k", base_url=url),
        lambda: Zai(api_key="k", base_url=url),
    ):
        with pytest.raises(ValueError, match="credential") as caught:
            build()
        assert CANARY not in str(caught.value)


def test_credentials_in_base_url_userinfo_refused(server: FaultServer) -> None:
    url = server.url.replace("http://", f"http://user:{CANARY}@")
    with pytest.raises(ValueError, match="user:password@") as caught:
        ZaiClient(api_key="k", base_url=url)
    assert CANARY not in str(caught.value)


def test_base_url_query_string_stays_at_the_end(server: FaultServer) -> None:
    """Item 10: ``.../v4?api-version=2`` posts to ``.../v4/chat/completions?api-version=2``."""
    server.script(json_reply(200, chat_completion("ok")))
    ZaiClient(api_key=CANARY, base_url=f"{server.url}?api-version=2").chat(BODY)
    (request,) = server.requests
    assert request.path == "/api/paas/v4/chat/completions"
    assert request.query == {"api-version": "2"}


def test_credential_headers_masked_in_repr_and_dumps(server: FaultServer) -> None:
    """Item 10: header values that are credentials are sent, but never shown."""
    server.script(json_reply(200, chat_completion("ok")))
    headers = {"X-Api-Key": CANARY, "Authorization-Extra": CANARY, "X-Trace": "visible"}
    llm = ChatZai(api_key="k", base_url=server.url, default_headers=headers)
    llm.invoke("hi")
    assert server.requests[0].headers["x-api-key"] == CANARY
    zai = Zai(api_key="k", base_url=server.url, default_headers=headers)
    zai.chat([ChatMessage(role="user", content="hi")])
    assert server.requests[1].headers["x-api-key"] == CANARY
    for shown in (
        repr(llm),
        str(llm),
        dumps(llm),
        str(llm.model_dump()),
        repr(zai),
        zai.to_json(),
        str(zai.model_dump()),
    ):
        assert CANARY not in shown
    assert "visible" in repr(llm)
    assert "visible" in zai.to_json()


def test_record_mode_scrubs_a_key_echoed_in_bodies(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 6: a live key quoted back in a response body (and sent in a request body) never
    reaches the cassette."""
    monkeypatch.setenv("ZAI_API_KEY", CANARY)
    server.handler(
        lambda request, n: json_reply(200, chat_completion(f"your key is {CANARY}, fine"))
    )
    settings = {k: v for k, v in VCR_CONFIG.items() if k != "allow_playback_repeats"}
    recorder = vcr.VCR(cassette_library_dir=str(tmp_path), record_mode="all", **settings)
    register(recorder)
    body = {**BODY, "messages": [{"role": "user", "content": f"remember {CANARY}"}]}
    with recorder.use_cassette("echo.yaml"):
        ZaiClient(api_key=CANARY, base_url=server.url).chat(body)
    assert CANARY in server.requests[0].body.decode()  # the key really travelled in a body
    text = (tmp_path / "echo.yaml").read_text()
    assert "/chat/completions" in text
    assert CANARY not in text


#: The shapes of real keys: Z.ai's ``<32 hex>.<16 alphanumerics>``, and ``sk-`` style tokens.
KEY_SHAPES = (
    re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9]{16}"),
    re.compile(r"\bsk-[A-Za-z0-9_\-]{20,}"),
)


def test_committed_cassettes_hold_no_key_shaped_text() -> None:
    """Item 6: the committed-cassette scan also looks for the shapes of real keys."""
    cassettes = committed_cassettes()
    assert cassettes, "no cassettes found: the scan would prove nothing"
    for path in cassettes:
        text = path.read_text(errors="replace")
        for shape in KEY_SHAPES:
            found = shape.search(text)
            assert found is None, f"key-shaped text in {path.name}: {found.group()[:6]}..."
    made_up = "0123456789abcdef0123456789abcdef.AbCdEfGhIjKlMnOp"  # the scan can find one
    assert KEY_SHAPES[0].search(made_up)
