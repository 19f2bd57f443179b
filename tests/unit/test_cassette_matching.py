"""The cassette body matcher: JSON by value, tool-call ids by order, multipart by fields."""

from __future__ import annotations

import httpx
import pytest

from tests.cassette_config import _multipart_fields


def _form(model: str, audio: bytes) -> tuple[bytes, str]:
    request = httpx.Request(
        "POST",
        "https://api.z.ai/api/paas/v4/audio/transcriptions",
        data={"model": model},
        files={"file": ("a.wav", audio, "audio/wav")},
    )
    request.read()
    return request.content, request.headers["content-type"]


def test_multipart_bodies_match_on_fields_not_boundaries() -> None:
    first, second = _form("glm-asr-2512", b"RIFF1"), _form("glm-asr-2512", b"RIFF1")
    assert first[1] != second[1]  # httpx picks a new boundary per request
    assert _multipart_fields(*first) == _multipart_fields(*second)


@pytest.mark.parametrize(
    "other", [("whisper-1", b"RIFF1"), ("glm-asr-2512", b"RIFF2")], ids=["model", "file"]
)
def test_multipart_bodies_differ_when_a_field_or_file_differs(other: tuple[str, bytes]) -> None:
    assert _multipart_fields(*_form("glm-asr-2512", b"RIFF1")) != _multipart_fields(*_form(*other))
