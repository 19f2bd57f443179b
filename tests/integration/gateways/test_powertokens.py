"""PowerTokens (``seeds/004``) from cassettes: ``/v1/chat/completions`` with a Bearer token."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.gateways._cassettes import assert_exchanges, request_json
from zai_core import NotFoundError, ZaiClient, build_chat_body

pytestmark = pytest.mark.vcr

KEY_ENV = "POWERTOKENS_API_KEY"
HELLO = [{"role": "user", "content": "Describe vector databases in one sentence."}]
URL = "https://api.powertokens.ai/v1/chat/completions"


def test_chat_success(vcr: Any) -> None:
    body = ZaiClient(base_url="powertokens").chat(build_chat_body("glm-4.7-flash", HELLO))
    assert body["choices"][0]["message"]["content"]
    assert body["choices"][0]["finish_reason"] == "stop"
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == URL
    # PowerTokens streams unless told otherwise: a plain call must say so.
    assert request_json(vcr)["stream"] is False


async def test_stream_success(vcr: Any) -> None:
    body = build_chat_body("glm-4.7-flash", HELLO, stream=True)
    async with ZaiClient(base_url="powertokens").astream_chat(body) as stream:
        chunks = [chunk async for chunk in stream]
    assert len(chunks) > 2
    assert stream.accumulator.content
    assert stream.accumulator.finish_reason == "stop"
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == URL


def test_unsupported_model_error(vcr: Any) -> None:
    with pytest.raises(NotFoundError) as info:
        ZaiClient(base_url="powertokens", max_retries=0).chat(build_chat_body("glm-4.7", HELLO))
    assert info.value.status_code == 400
    assert info.value.code == "1211"
    assert "glm-4.7" in info.value.message
    assert_exchanges(vcr, 1)
