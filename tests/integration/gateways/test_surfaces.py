"""Z.ai's four surfaces reached by the preset name alone, from cassettes.

Each cassette holds one exchange; ``vcr.play_count == 1`` proves the client's request matched
it on method, host, path and body, and the stored URI shows which host and path the preset
sends to.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.gateways._cassettes import assert_exchanges
from zai_core import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    QuotaExceededError,
    ZaiClient,
    build_chat_body,
)

pytestmark = pytest.mark.vcr

KEY_ENV = "ZAI_API_KEY"
HELLO = [{"role": "user", "content": "Hello!"}]

SURFACE_URLS = {
    "international": "https://api.z.ai/api/paas/v4/chat/completions",
    "international-coding": "https://api.z.ai/api/coding/paas/v4/chat/completions",
    "mainland": "https://open.bigmodel.cn/api/paas/v4/chat/completions",
    "mainland-coding": "https://open.bigmodel.cn/api/coding/paas/v4/chat/completions",
}


@pytest.mark.parametrize("preset", list(SURFACE_URLS))
def test_chat_success(preset: str, vcr: Any) -> None:
    body = ZaiClient(base_url=preset).chat(build_chat_body("glm-4.7", HELLO))
    assert body["choices"][0]["message"]["content"].startswith("Hello")
    assert body["choices"][0]["finish_reason"] == "stop"
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == SURFACE_URLS[preset]


@pytest.mark.parametrize("preset", list(SURFACE_URLS))
async def test_stream_success(preset: str, vcr: Any) -> None:
    body = build_chat_body("glm-4.7", HELLO, stream=True)
    async with ZaiClient(base_url=preset).astream_chat(body) as stream:
        chunks = [chunk async for chunk in stream]
    assert len(chunks) > 2
    assert stream.accumulator.content.startswith("Hello")
    assert stream.accumulator.usage is not None
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == SURFACE_URLS[preset]


ERRORS = [
    # (preset, model that triggers the error, class, status, business code)
    pytest.param("international", "glm-0-missing", NotFoundError, 400, "1211", id="international"),
    pytest.param(
        "international-coding",
        "emulate-429-1113",
        QuotaExceededError,
        429,
        "1113",
        id="international-coding",
    ),
    pytest.param("mainland", "emulate-401-1002", AuthenticationError, 401, "1002", id="mainland"),
    pytest.param(
        "mainland-coding", "emulate-429-1309", QuotaExceededError, 429, "1309", id="mainland-coding"
    ),
]


@pytest.mark.parametrize(("preset", "model", "cls", "status", "code"), ERRORS)
def test_error_path(
    preset: str, model: str, cls: type[APIStatusError], status: int, code: str, vcr: Any
) -> None:
    with pytest.raises(cls) as info:
        ZaiClient(base_url=preset, max_retries=0).chat(build_chat_body(model, HELLO))
    assert info.value.status_code == status
    assert info.value.code == code
    assert_exchanges(vcr, 1)
    assert vcr.requests[0].uri == SURFACE_URLS[preset]
