"""LowCodeAPI (``seeds/003``) from cassettes: ``api_token`` query auth, ``{"data": ...}``.

The cassettes store the gateway's wrapped bodies, so each success test also proves the
client unwrapped them, and each URI shows LowCodeAPI's path for the endpoint (the token is
scrubbed from every stored URL).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.gateways._cassettes import assert_exchanges, request_json, response_text
from zai_core import QuotaExceededError, ZaiClient, build_chat_body
from zai_core.tokenizer import count_tokens

pytestmark = pytest.mark.vcr

KEY_ENV = "LOWCODEAPI_API_KEY"
HELLO = [{"role": "user", "content": "Hello!"}]
CHAT_URL = "https://api.lowcodeapi.com/zai/api/paas/v4/chat/completions"


def test_chat_success(vcr: Any) -> None:
    body = ZaiClient(base_url="lowcodeapi").chat(build_chat_body("glm-4.7", HELLO))
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"].startswith("Hello")
    assert body["usage"]["total_tokens"] > 0
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == CHAT_URL
    assert response_text(vcr).startswith('{"data":{')


async def test_coding_chat_success(vcr: Any) -> None:
    body = await ZaiClient(base_url="lowcodeapi-coding").achat(build_chat_body("glm-4.7", HELLO))
    assert body["choices"][0]["finish_reason"] == "stop"
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == (
        "https://api.lowcodeapi.com/zai/api/coding/paas/v4/chat/completions"
    )


def test_stream_answered_whole(vcr: Any) -> None:
    """The emulated gateway buffers a stream: one wrapped JSON answer becomes one chunk."""
    body = build_chat_body("glm-4.7", HELLO, stream=True)
    with ZaiClient(base_url="lowcodeapi").stream_chat(body) as stream:
        chunks = list(stream)
    assert len(chunks) == 1
    assert chunks[0]["object"] == "chat.completion.chunk"
    assert stream.accumulator.content.startswith("Hello")
    assert stream.accumulator.reasoning
    assert stream.accumulator.finish_reason == "stop"
    assert stream.accumulator.usage is not None
    assert request_json(vcr)["stream"] is True
    assert vcr.requests[0].uri == CHAT_URL


def test_error_unwrapped(vcr: Any) -> None:
    with pytest.raises(QuotaExceededError) as info:
        ZaiClient(base_url="lowcodeapi", max_retries=0).chat(
            build_chat_body("emulate-429-1113", HELLO)
        )
    assert info.value.status_code == 429
    assert info.value.code == "1113"
    assert "no balance" in str(info.value)
    assert response_text(vcr).startswith('{"data":{"error":')
    assert_exchanges(vcr, 1)


def test_tokenizer_under_paas_v4(vcr: Any) -> None:
    """LowCodeAPI serves the tokenizer under ``/zai/paas/v4`` (no ``/api``)."""
    total = count_tokens(ZaiClient(base_url="lowcodeapi"), "glm-4.7", HELLO)
    assert total > 0
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == "https://api.lowcodeapi.com/zai/paas/v4/tokenizer"


def test_agent_chat_under_api_v1(vcr: Any) -> None:
    """Agents sit beside ``/paas/v4``: LowCodeAPI's "Agent Chat" is ``/zai/api/v1/agents``."""
    from zai_core import agent_chat, build_translation_variables

    variables = build_translation_variables("en", source_lang="de")
    answer = agent_chat(
        ZaiClient(base_url="lowcodeapi"),
        "general_translation",
        "Guten Morgen",
        custom_variables=variables,
    )
    assert answer.text == "Good morning"
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == "https://api.lowcodeapi.com/zai/api/v1/agents"
    assert response_text(vcr).startswith('{"data":{')
