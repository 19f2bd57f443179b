"""zai_core's chat calls against recorded cassettes."""

from __future__ import annotations

import pytest

from zai_core import NotFoundError, QuotaExceededError, ZaiClient, build_chat_body

pytestmark = pytest.mark.vcr

HELLO = [{"role": "user", "content": "Hello!"}]


def test_chat_plain() -> None:
    body = ZaiClient().chat(build_chat_body("glm-4.7", HELLO))
    message = body["choices"][0]["message"]
    assert message["content"]
    assert message["reasoning_content"]
    assert body["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


def test_chat_stream() -> None:
    with ZaiClient().stream_chat(build_chat_body("glm-4.7", HELLO, stream=True)) as stream:
        chunks = list(stream)
    assert len(chunks) > 3
    assert stream.accumulator.content.startswith("Hello")
    assert stream.accumulator.finish_reason == "stop"
    assert stream.accumulator.usage is not None


async def test_achat_unknown_model() -> None:
    with pytest.raises(NotFoundError) as info:
        await ZaiClient(max_retries=0).achat(build_chat_body("glm-0-missing", HELLO))
    assert info.value.code == "1211"


def test_quota_error_not_retried() -> None:
    with pytest.raises(QuotaExceededError) as info:
        ZaiClient().chat(build_chat_body("emulate-429-1113", HELLO))
    assert info.value.status_code == 429
    assert "1113" in str(info.value)
