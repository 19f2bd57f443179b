"""xpay (``seeds/000``, ``seeds/001``) from cassettes: the MCP tool ``zai_chat_completion``.

Each call is one MCP session over streamable HTTP: ``initialize``, the ``initialized``
notification, ``tools/call`` and the ``tools/list`` the ``mcp`` client sends to check the
result against the tool's output schema. The cassettes store those JSON-RPC exchanges with
the key scrubbed from the URL.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.xpay import INVALID_XPAY_KEY
from tests.integration.gateways._cassettes import request_json
from zai_core import AuthenticationError, QuotaExceededError, build_chat_body, create_client
from zai_core.xpay import TOOL_NAME, XpayClient, build_tool_arguments

pytestmark = pytest.mark.vcr

KEY_ENV = "XPAY_API_KEY"
HELLO = [{"role": "user", "content": "Hello!"}]
ENDPOINT = "https://zai.mcp.xpay.sh/mcp"


def _methods(cassette: Any) -> list[str]:
    return [request_json(cassette, i)["method"] for i in range(len(cassette.requests))]


def _tool_call(cassette: Any) -> dict[str, Any]:
    calls = [
        request_json(cassette, i)
        for i in range(len(cassette.requests))
        if request_json(cassette, i)["method"] == "tools/call"
    ]
    assert len(calls) == 1
    return calls[0]


def _assert_played(cassette: Any) -> None:
    if cassette.record_mode == "none":
        assert cassette.play_count == len(cassette.requests)


def test_chat_success(vcr: Any) -> None:
    client = create_client(base_url="xpay")
    assert isinstance(client, XpayClient)
    body = build_chat_body("glm-4.7", HELLO, temperature=0.5)
    answer = client.chat(body)
    assert answer["choices"][0]["message"]["content"].startswith("Hello")
    assert answer["choices"][0]["message"]["reasoning_content"]
    assert answer["usage"]["total_tokens"] > 0
    assert _methods(vcr) == ["initialize", "notifications/initialized", "tools/call", "tools/list"]
    assert {r.uri for r in vcr.requests} == {ENDPOINT}
    call = _tool_call(vcr)
    assert call["params"]["name"] == TOOL_NAME
    assert call["params"]["arguments"] == build_tool_arguments(body)
    _assert_played(vcr)


async def test_astream_one_chunk(vcr: Any) -> None:
    body = build_chat_body("glm-4.7", HELLO, stream=True)
    async with create_client(base_url="xpay").astream_chat(body) as stream:
        chunks = [chunk async for chunk in stream]
    assert len(chunks) == 1
    assert chunks[0]["choices"][0]["finish_reason"] == "stop"
    assert stream.accumulator.content.startswith("Hello")
    assert stream.accumulator.usage is not None
    # the tool answers whole: the stream-only fields are not sent
    arguments = _tool_call(vcr)["params"]["arguments"]
    assert arguments["stream"] is False
    assert "stream_options" not in arguments
    _assert_played(vcr)


def test_tool_calling(vcr: Any) -> None:
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather of a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    messages = [{"role": "user", "content": "What is the weather in Paris?"}]
    answer = create_client(base_url="xpay").chat(
        build_chat_body("glm-4.7", messages, tools=[weather], tool_choice="auto")
    )
    choice = answer["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    call = choice["message"]["tool_calls"][0]["function"]
    assert call["name"] == "get_weather"
    assert "Paris" in call["arguments"]
    _assert_played(vcr)


def test_tool_error_mapped(vcr: Any) -> None:
    """Z.ai's 429 / 1113 behind the tool comes back as an isError result: QuotaExceeded."""
    client = create_client(base_url="xpay", max_retries=0)
    with pytest.raises(QuotaExceededError) as info:
        client.chat(build_chat_body("emulate-429-1113", HELLO))
    assert info.value.status_code == 429
    assert info.value.code == "1113"
    assert _methods(vcr)[-1] == "tools/call"  # no tools/list after an error result
    _assert_played(vcr)


async def test_invalid_key_http_error(vcr: Any) -> None:
    """xpay refuses the key at the HTTP level: the 401 beats the JSON-RPC stand-in error."""
    client = create_client(base_url="xpay", api_key=INVALID_XPAY_KEY, max_retries=0)
    with pytest.raises(AuthenticationError) as info:
        await client.achat(build_chat_body("glm-4.7", HELLO))
    assert info.value.status_code == 401
    assert INVALID_XPAY_KEY not in str(info.value)
    assert _methods(vcr) == ["initialize"]
    _assert_played(vcr)
