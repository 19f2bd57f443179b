"""Configuration: key and base URL resolution, surface presets, auth placement, timeouts."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.unit.core.fakes import CANARY, CHAT_BODY, FakeServer, completion, json_reply
from zai_core import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    SURFACES,
    MissingAPIKeyError,
    ZaiClient,
    ZaiConfig,
)
from zai_core.config import resolve_surface, resolve_timeout
from zai_core.tokenizer import count_tokens


def test_key_from_zai_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "zai-key")
    monkeypatch.setenv("ZHIPUAI_API_KEY", "zhipu-key")
    assert ZaiConfig.resolve().api_key == "zai-key"


def test_key_falls_back_to_zhipuai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY")
    monkeypatch.setenv("ZHIPUAI_API_KEY", "zhipu-key")
    assert ZaiConfig.resolve().api_key == "zhipu-key"


def test_explicit_key_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "env-key")
    assert ZaiConfig.resolve(api_key="given").api_key == "given"


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_key_fails_before_any_request(
    monkeypatch: pytest.MonkeyPatch, empty: str | None
) -> None:
    monkeypatch.delenv("ZAI_API_KEY")
    if empty is not None:
        monkeypatch.setenv("ZAI_API_KEY", empty)
    server = FakeServer(json_reply(200, completion()))
    with pytest.raises(MissingAPIKeyError, match="ZAI_API_KEY") as info:
        server.client(api_key=None).chat(CHAT_BODY)
    assert isinstance(info.value, ValueError)
    assert server.requests == []


def test_base_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_BASE_URL", "https://proxy.example.com/v4/")
    server = FakeServer(json_reply(200, completion()))
    server.client().chat(CHAT_BODY)
    assert str(server.requests[0].url) == "https://proxy.example.com/v4/chat/completions"


def test_base_url_preset_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_BASE_URL", "mainland-coding")
    assert resolve_surface(None) is SURFACES["mainland-coding"]


def test_default_base_url() -> None:
    assert resolve_surface(None).base_url == DEFAULT_BASE_URL == "https://api.z.ai/api/paas/v4"


ZAI_INTL = "https://api.z.ai/api/paas/v4"
ZAI_CODING = "https://api.z.ai/api/coding/paas/v4"
BIGMODEL = "https://open.bigmodel.cn/api/paas/v4"
BIGMODEL_CODING = "https://open.bigmodel.cn/api/coding/paas/v4"
LOWCODE = "https://api.lowcodeapi.com/zai/api/paas/v4"
LOWCODE_CODING = "https://api.lowcodeapi.com/zai/api/coding/paas/v4"
LOWCODE_TOOLS = "https://api.lowcodeapi.com/zai/paas/v4"

# preset: (chat base, base of other endpoints, base of tokenizer/web_search/reader)
PRESETS = {
    "international": (ZAI_INTL, ZAI_INTL, ZAI_INTL),
    "zai": (ZAI_INTL, ZAI_INTL, ZAI_INTL),
    "international-coding": (ZAI_CODING, ZAI_CODING, ZAI_CODING),
    "coding": (ZAI_CODING, ZAI_CODING, ZAI_CODING),
    "mainland": (BIGMODEL, BIGMODEL, BIGMODEL),
    "bigmodel": (BIGMODEL, BIGMODEL, BIGMODEL),
    "mainland-coding": (BIGMODEL_CODING, BIGMODEL_CODING, BIGMODEL_CODING),
    "powertokens": ("https://api.powertokens.ai/v1",) * 3,
    "lowcodeapi": (LOWCODE, LOWCODE, LOWCODE_TOOLS),
    # Only chat has a coding-plan path on LowCodeAPI.
    "lowcodeapi-coding": (LOWCODE_CODING, LOWCODE, LOWCODE_TOOLS),
}
QUERY_AUTH = ("lowcodeapi", "lowcodeapi-coding")
ROWS = [(name, *bases) for name, bases in PRESETS.items()]


def test_presets_table_covers_every_http_surface() -> None:
    http = {name for name, surface in SURFACES.items() if surface.transport == "http"}
    assert set(PRESETS) == http


def test_xpay_preset_is_an_mcp_surface() -> None:
    surface = resolve_surface("xpay")
    assert (surface.transport, surface.auth, surface.query_param) == ("mcp", "query", "key")
    assert surface.base_url == "https://zai.mcp.xpay.sh/mcp"


@pytest.mark.parametrize("name", ["lowcodeapi", "powertokens"])
def test_gateway_never_gets_the_zai_key_from_env(name: str) -> None:
    """ZAI_API_KEY is set (tests/conftest.py), but a third-party gateway does not read it."""
    with pytest.raises(MissingAPIKeyError):
        ZaiConfig.resolve(base_url=name)


@pytest.mark.parametrize(("name", "chat", "base", "tools"), ROWS)
def test_preset_urls(name: str, chat: str, base: str, tools: str) -> None:
    surface = resolve_surface(name)
    assert surface is SURFACES[name]
    assert surface.auth == ("query" if name in QUERY_AUTH else "bearer")
    assert surface.url_for("/chat/completions") == f"{chat}/chat/completions"
    assert surface.url_for("embeddings") == f"{base}/embeddings"
    for path in ("/tokenizer", "/web_search", "/reader"):
        assert surface.url_for(path) == f"{tools}{path}"
    images = "/generate/image" if name in QUERY_AUTH else "/images/generations"
    assert surface.url_for("/images/generations") == f"{base}{images}"
    # The preset's own URL resolves to a surface with the same auth style.
    assert resolve_surface(base + "/").auth == surface.auth


@pytest.mark.parametrize(("name", "chat", "base", "tools"), ROWS)
def test_preset_auth_on_the_wire(name: str, chat: str, base: str, tools: str) -> None:
    query_auth = name in QUERY_AUTH
    usage = {"usage": {"prompt_tokens": 9}}
    server = FakeServer(
        json_reply(200, {"data": completion("wrapped")} if query_auth else completion()),
        json_reply(200, {"data": usage} if query_auth else usage),
    )
    client = server.client(base_url=name)
    answer = client.chat(CHAT_BODY)
    assert count_tokens(client, "glm-4.6", CHAT_BODY["messages"]) == 9
    chat_request, tokenizer_request = server.requests
    assert chat_request.url.copy_with(query=None) == httpx.URL(f"{chat}/chat/completions")
    assert tokenizer_request.url.copy_with(query=None) == httpx.URL(f"{tools}/tokenizer")
    for request in (chat_request, tokenizer_request):
        if query_auth:  # LowCodeAPI: key in the query, no Authorization header
            assert request.url.params["api_token"] == CANARY
            assert "authorization" not in request.headers
        else:
            assert request.headers["authorization"] == f"Bearer {CANARY}"
            assert "api_token" not in request.url.params
    # LowCodeAPI's {"data": ...} envelope is unwrapped.
    assert answer["choices"][0]["message"]["content"] == ("wrapped" if query_auth else "Hi!")


def test_custom_url_is_bearer() -> None:
    surface = resolve_surface("http://localhost:8080/api/paas/v4/")
    assert (surface.name, surface.base_url, surface.auth) == (
        "custom",
        "http://localhost:8080/api/paas/v4",
        "bearer",
    )


@pytest.mark.parametrize("value", ["internationl", "api.z.ai/api/paas/v4", "ftp://x"])
def test_unknown_preset_names_the_presets(value: str) -> None:
    with pytest.raises(ValueError, match="preset") as info:
        ZaiClient(base_url=value)
    for name in ("international", "mainland-coding", "lowcodeapi"):
        assert name in str(info.value)


def test_default_headers_sent_and_request_headers() -> None:
    server = FakeServer(json_reply(200, completion()))
    server.client(default_headers={"X-Trace": "t1"}).chat(CHAT_BODY)
    request = server.requests[0]
    assert request.headers["x-trace"] == "t1"
    assert request.headers["accept"] == "application/json"
    assert request.headers["accept-language"] == "en-US,en"
    assert json.loads(request.content) == {**CHAT_BODY, "stream": False}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, DEFAULT_TIMEOUT),
        (30, httpx.Timeout(30.0)),
        (2.5, httpx.Timeout(2.5)),
        (httpx.Timeout(5.0, read=99.0), httpx.Timeout(5.0, read=99.0)),
    ],
)
def test_timeout(given: float | httpx.Timeout | None, expected: httpx.Timeout) -> None:
    assert resolve_timeout(given) == expected
    server = FakeServer(json_reply(200, completion()))
    server.client(timeout=given).chat(CHAT_BODY)
    assert server.requests[0].extensions["timeout"] == expected.as_dict()


def test_default_timeout_values() -> None:
    assert DEFAULT_TIMEOUT.read == 600.0
    assert DEFAULT_TIMEOUT.connect == 10.0


def test_per_call_timeout_overrides() -> None:
    server = FakeServer(json_reply(200, completion()))
    server.client(timeout=30).chat(CHAT_BODY, timeout=3)
    assert server.requests[0].extensions["timeout"]["read"] == 3.0


@pytest.mark.parametrize("bad", [0, -1])
def test_timeout_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        ZaiClient(timeout=bad)


def test_max_retries_validation() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        ZaiClient(max_retries=-1)
    assert ZaiClient().max_retries == 2
    assert ZaiClient(max_retries=0).max_retries == 0


def test_config_repr_hides_key() -> None:
    config = ZaiConfig.resolve(api_key=CANARY, base_url="lowcodeapi")
    assert CANARY not in repr(config)
    assert CANARY not in repr(ZaiClient(api_key=CANARY))


def test_client_for_reads_the_configuration_words() -> None:
    """Every integration class builds its client from its attributes through client_for."""
    from types import SimpleNamespace

    from pydantic import SecretStr

    from zai_core import client_for

    settings = SimpleNamespace(
        api_key=SecretStr("id.secret"),
        base_url="mainland",
        timeout=7,
        max_retries=1,
        default_headers={"X-A": "1"},
    )
    client = client_for(settings)
    assert client.config.api_key == "id.secret"
    assert client.config.surface.name == "mainland"
    assert client.config.timeout.read == 7 and client.config.max_retries == 1
    assert dict(client.config.default_headers) == {"X-A": "1"}
    assert client_for(SimpleNamespace(api_key="plain"), max_retries=0).config.max_retries == 0
