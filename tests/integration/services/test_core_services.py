"""zai_core's web search, reader, image, video and transcription calls against cassettes.

Each endpoint has a success and an error cassette. Video polling sleeps through an injected
no-op, so replay is instant; the number of polls is what the server answered.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zai_core import (
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PollPolicy,
    QuotaExceededError,
    VideoProgress,
    ZaiClient,
    agenerate_image,
    agenerate_video,
    aread_url,
    atranscribe,
    aweb_search,
    generate_image,
    generate_video,
    read_url,
    transcribe,
    web_search,
)

pytestmark = pytest.mark.vcr


def _no_sleep(seconds: float) -> None:
    assert seconds >= 0


async def _ano_sleep(seconds: float) -> None:
    assert seconds >= 0


def client() -> ZaiClient:
    return ZaiClient(max_retries=0)


# --------------------------------------------------------------------------- web search


def test_web_search() -> None:
    hits = web_search(client(), "GLM-4.7 release notes", count=3, recency_filter="oneMonth")
    assert len(hits) == 3
    assert all(h.title and h.link.startswith("https://") and h.content for h in hits)
    assert all(h.publish_date for h in hits)


async def test_aweb_search_domain_filter() -> None:
    hits = await aweb_search(client(), "Zhipu GLM", count=2, domain_filter="docs.z.ai")
    assert [h.link.split("/")[2] for h in hits] == ["docs.z.ai", "docs.z.ai"]


def test_web_search_quota_error() -> None:
    with pytest.raises(QuotaExceededError) as info:
        web_search(client(), "GLM", engine="emulate-429-1113")
    assert info.value.code == "1113"


# --------------------------------------------------------------------------- reader


def test_read_url() -> None:
    page = read_url(client(), "https://docs.z.ai/guides/overview/quick-start")
    assert page.url == "https://docs.z.ai/guides/overview/quick-start"
    assert page.title and page.description
    assert page.content.startswith("# ")


async def test_aread_url_as_text_error() -> None:
    with pytest.raises(BadRequestError) as info:
        await aread_url(client(), "https://unreachable.invalid/page", return_format="text")
    assert info.value.code == "1214"
    assert "unreachable.invalid" in str(info.value)


# --------------------------------------------------------------------------- images


def test_generate_image() -> None:
    result = generate_image(client(), "A watercolor fox in the snow", size="1280x1280")
    assert len(result.urls) == 1 and result.urls[0].endswith(".png")
    assert result.content_filter


async def test_agenerate_image_unknown_model() -> None:
    with pytest.raises(NotFoundError) as info:
        await agenerate_image(client(), "A fox", model="cogview-0-missing")
    assert info.value.code == "1211"


# --------------------------------------------------------------------------- videos


def test_generate_video_polls_until_success() -> None:
    seen: list[VideoProgress] = []
    task = generate_video(
        client(),
        "A paper boat sailing down a rainy street",
        size="1920x1080",
        duration=5,
        policy=PollPolicy(interval=1),
        on_progress=seen.append,
        sleep=_no_sleep,
    )
    assert task.status == "SUCCESS"
    assert task.video_urls[0].endswith(".mp4") and task.cover_urls[0].endswith(".png")
    assert [p.task.status for p in seen] == ["PROCESSING", "PROCESSING", "SUCCESS"]
    assert [p.next_delay for p in seen] == [1.0, 1.5, 0.0]


async def test_agenerate_video_fail() -> None:
    with pytest.raises(InternalServerError, match=r"video task \S+ failed") as info:
        await agenerate_video(
            client(), "emulate-fail: a melting clock", policy=PollPolicy(), sleep=_ano_sleep
        )
    assert info.value.body["task_status"] == "FAIL"


def test_generate_video_timeout() -> None:
    ticks = iter(range(0, 1000, 100))  # each clock read moves 100 s on

    with pytest.raises(APITimeoutError, match="still PROCESSING") as info:
        generate_video(
            client(),
            "emulate-slow: a glacier moving",
            policy=PollPolicy(timeout=150),
            sleep=_no_sleep,
            clock=lambda: float(next(ticks)),
        )
    assert "wait_for_video(client, " in str(info.value)


def test_submit_video_quota_error() -> None:
    with pytest.raises(QuotaExceededError):
        generate_video(client(), "A cat", model="emulate-429-1308", sleep=_no_sleep)


# --------------------------------------------------------------------------- transcription


def test_transcribe(clip: Path) -> None:
    result = transcribe(client(), clip, hotwords=["GLM"])
    assert "0.1 second" in result.text and "GLM" in result.text
    assert result.model == "glm-asr-2512"


async def test_atranscribe_error(clip: Path) -> None:
    with pytest.raises(BadRequestError) as info:
        await atranscribe(client(), clip.read_bytes(), model="emulate-400-1214")
    assert info.value.status_code == 400
