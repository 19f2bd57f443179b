"""zai_core.video: bodies, task parsing, the polling decision, and the two polling loops."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.unit.services.fakes import (
    VIDEO_DONE,
    VIDEO_FAILED,
    VIDEO_RUNNING,
    VIDEO_SUBMIT,
    FakeZai,
)
from zai_core import (
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    PollPolicy,
    PollStep,
    VideoProgress,
    VideoTask,
    agenerate_video,
    aget_video_task,
    await_video,
    build_video_body,
    generate_video,
    get_video_task,
    next_poll_step,
    parse_video_task,
    submit_video,
    wait_for_video,
)

# --------------------------------------------------------------------------- bodies


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (("a cat",), {}, {"model": "cogvideox-3", "prompt": "a cat"}),
        (
            ("a cat",),
            {"size": "1920x1080", "fps": 60, "duration": 10, "quality": "speed"},
            {
                "model": "cogvideox-3",
                "prompt": "a cat",
                "size": "1920x1080",
                "fps": 60,
                "duration": 10,
                "quality": "speed",
            },
        ),
        (
            (None,),
            {"image_url": "https://x/cat.png", "with_audio": True},
            {"model": "cogvideox-3", "image_url": "https://x/cat.png", "with_audio": True},
        ),
        (
            ("morph",),
            {"image_url": ["https://x/a.png", "https://x/b.png"]},
            {
                "model": "cogvideox-3",
                "prompt": "morph",
                "image_url": ["https://x/a.png", "https://x/b.png"],
            },
        ),
        (  # other models: only the shape of size / positivity of fps and duration
            ("a cat",),
            {"model": "viduq1-text", "size": "1280x960", "duration": 4, "fps": 24},
            {
                "model": "viduq1-text",
                "prompt": "a cat",
                "size": "1280x960",
                "duration": 4,
                "fps": 24,
            },
        ),
        (("x" * 512,), {}, {"model": "cogvideox-3", "prompt": "x" * 512}),
    ],
)
def test_video_body(args: tuple[Any, ...], kwargs: dict[str, Any], expected: dict) -> None:
    assert build_video_body(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "needs a prompt, an image_url, or both"),
        (("",), {}, "prompt must be a non-empty string"),
        (("x" * 513,), {}, "at most 512 characters"),
        (("a cat",), {"size": "1920*1080"}, "size must look like"),
        (("a cat",), {"size": "1280x960"}, "size must be one of 1280x720"),
        (("a cat",), {"fps": 24}, "fps must be one of 30, 60"),
        (("a cat",), {"fps": "30"}, "fps must be a positive integer"),
        (("a cat",), {"duration": 7}, "duration must be one of 5, 10"),
        (("a cat",), {"model": "viduq1-text", "duration": 0}, "duration must be a positive"),
        (("a cat",), {"quality": "best"}, "quality must be 'speed' or 'quality'"),
        (("a cat",), {"image_url": ["a", "b", "c"]}, "one image or \\[first, last\\]"),
        (("a cat",), {"image_url": []}, "one image or"),
        (("a cat",), {"image_url": ""}, "image_url must be a non-empty string"),
    ],
)
def test_video_body_rejects(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_video_body(*args, **kwargs)


# --------------------------------------------------------------------------- task parsing


@pytest.mark.parametrize(
    ("answer", "task_id", "expected"),
    [
        (VIDEO_SUBMIT, None, VideoTask("task-1", "PROCESSING", "cogvideox-3", "r1")),
        (VIDEO_RUNNING, "task-1", VideoTask("task-1", "PROCESSING", "cogvideox-3", "r2")),
        (
            VIDEO_DONE,
            "task-1",
            VideoTask(
                "task-1",
                "SUCCESS",
                "cogvideox-3",
                "r3",
                ("https://files.example.com/v_0.mp4",),
                ("https://files.example.com/v_0.png",),
            ),
        ),
        (VIDEO_FAILED, "task-1", VideoTask("task-1", "FAIL", "cogvideox-3", "r4")),
        ({"id": "t", "task_status": "failed"}, None, VideoTask("t", "FAIL")),
        (
            {"id": "t", "task_status": "success", "video_result": [{}]},
            None,
            VideoTask("t", "SUCCESS"),
        ),
    ],
)
def test_parse_video_task(answer: dict, task_id: str | None, expected: VideoTask) -> None:
    assert parse_video_task(answer, task_id=task_id) == expected


@pytest.mark.parametrize("answer", [None, {}, {"id": "t"}, {"task_status": "PROCESSING"}])
def test_parse_video_task_rejects(answer: Any) -> None:
    with pytest.raises(APIResponseValidationError):
        parse_video_task(answer)


# --------------------------------------------------------------------------- the decision

RUNNING = VideoTask("t", "PROCESSING")
POLICY = PollPolicy(timeout=60, interval=2, max_interval=10, backoff=2)


@pytest.mark.parametrize(
    ("task", "attempt", "elapsed", "expected"),
    [
        (VideoTask("t", "SUCCESS"), 0, 0.0, PollStep("done")),
        (VideoTask("t", "FAIL"), 3, 10.0, PollStep("failed")),
        (RUNNING, 0, 0.0, PollStep("wait", 2.0)),
        (RUNNING, 1, 2.0, PollStep("wait", 4.0)),
        (RUNNING, 2, 6.0, PollStep("wait", 8.0)),
        (RUNNING, 3, 14.0, PollStep("wait", 10.0)),  # capped at max_interval
        (RUNNING, 9, 57.0, PollStep("wait", 3.0)),  # never sleeps past the deadline
        (RUNNING, 9, 60.0, PollStep("timeout")),
        (VideoTask("t", "SUCCESS"), 9, 99.0, PollStep("done")),  # a late success still counts
    ],
)
def test_next_poll_step(task: VideoTask, attempt: int, elapsed: float, expected: PollStep) -> None:
    assert next_poll_step(task, attempt=attempt, elapsed=elapsed, policy=POLICY) == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": 0}, "timeout must be positive"),
        ({"interval": -1}, "0 <= interval <= max_interval"),
        ({"interval": 20, "max_interval": 10}, "0 <= interval <= max_interval"),
        ({"backoff": 0.5}, "backoff must be >= 1"),
    ],
)
def test_poll_policy_rejects(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PollPolicy(**kwargs)


# --------------------------------------------------------------------------- the loops


class FakeTime:
    """A clock that only moves when the loop sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _video_fake(*polls: dict) -> FakeZai:
    return FakeZai({"/videos/generations": VIDEO_SUBMIT, "/async-result/": list(polls)})


def test_generate_video_polls_with_backoff_and_reports_progress() -> None:
    fake = _video_fake(VIDEO_RUNNING, VIDEO_RUNNING, VIDEO_RUNNING, VIDEO_DONE)
    time = FakeTime()
    seen: list[VideoProgress] = []
    task = generate_video(
        fake.client(),
        "a cat",
        size="1920x1080",
        policy=POLICY,
        on_progress=seen.append,
        sleep=time.sleep,
        clock=time.clock,
    )
    assert task.video_urls == ("https://files.example.com/v_0.mp4",)
    assert time.sleeps == [2.0, 4.0, 8.0]
    assert [(p.attempt, p.task.status, p.elapsed, p.next_delay) for p in seen] == [
        (0, "PROCESSING", 0.0, 2.0),
        (1, "PROCESSING", 2.0, 4.0),
        (2, "PROCESSING", 6.0, 8.0),
        (3, "SUCCESS", 14.0, 0.0),
    ]
    assert [r.url.path for r in fake.requests][1:] == ["/api/paas/v4/async-result/task-1"] * 4
    assert all(r.method == "GET" for r in fake.requests[1:])
    assert fake.bodies("/videos/generations") == [
        {"model": "cogvideox-3", "prompt": "a cat", "size": "1920x1080"}
    ]


async def test_async_loop_makes_the_same_decisions() -> None:
    polls = (VIDEO_RUNNING, VIDEO_RUNNING, VIDEO_RUNNING, VIDEO_DONE)
    sync_time, async_time = FakeTime(), FakeTime()
    sync_seen: list[VideoProgress] = []
    async_seen: list[VideoProgress] = []

    async def report(progress: VideoProgress) -> None:  # async callbacks are awaited
        await asyncio.sleep(0)
        async_seen.append(progress)

    sync_task = generate_video(
        _video_fake(*polls).client(),
        "a cat",
        policy=POLICY,
        on_progress=sync_seen.append,
        sleep=sync_time.sleep,
        clock=sync_time.clock,
    )
    async_task = await agenerate_video(
        _video_fake(*polls).client(),
        "a cat",
        policy=POLICY,
        on_progress=report,
        sleep=async_time.asleep,
        clock=async_time.clock,
    )
    assert async_task == sync_task
    assert async_time.sleeps == sync_time.sleeps
    assert async_seen == sync_seen


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_fail_raises_an_error_naming_the_task(mode: str) -> None:
    fake, time = _video_fake(VIDEO_RUNNING, VIDEO_FAILED), FakeTime()
    client = fake.client()
    with pytest.raises(InternalServerError, match="video task task-1 failed") as info:
        if mode == "sync":
            wait_for_video(client, "task-1", sleep=time.sleep, clock=time.clock)
        else:
            await await_video(client, "task-1", sleep=time.asleep, clock=time.clock)
    assert info.value.body == VIDEO_FAILED
    assert info.value.request_id == "r4"
    assert len(fake.requests) == 2


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_timeout_raises_an_error_naming_the_task(mode: str) -> None:
    fake, time = _video_fake(VIDEO_RUNNING), FakeTime()
    policy = PollPolicy(timeout=10, interval=3, max_interval=3)
    client = fake.client()
    with pytest.raises(APITimeoutError, match=r"task-1 is still PROCESSING after 10\.0s") as info:
        if mode == "sync":
            wait_for_video(client, "task-1", policy=policy, sleep=time.sleep, clock=time.clock)
        else:
            await await_video(client, "task-1", policy=policy, sleep=time.asleep, clock=time.clock)
    assert "wait_for_video(client, 'task-1')" in str(info.value)
    assert time.sleeps == [3.0, 3.0, 3.0, 1.0]
    assert len(fake.requests) == 5


async def test_single_polls_and_submit() -> None:
    fake = _video_fake(VIDEO_DONE)
    client = fake.client()
    assert submit_video(client, "a cat").id == "task-1"
    assert get_video_task(client, "task-1").status == "SUCCESS"
    assert (await aget_video_task(client, "task-1")).video_urls
    with pytest.raises(ValueError, match="task_id must be a non-empty string"):
        get_video_task(client, "")


def test_bad_values_send_nothing() -> None:
    fake = _video_fake(VIDEO_DONE)
    with pytest.raises(ValueError, match="fps"):
        generate_video(fake.client(), "a cat", fps=24)
    assert fake.requests == []


def _never_called(*_: Any) -> Callable[..., Any]:
    raise AssertionError("sleep must not be called")


def test_success_on_the_first_poll_never_sleeps() -> None:
    fake = _video_fake(VIDEO_DONE)
    task = wait_for_video(fake.client(), "task-1", sleep=_never_called)
    assert task.status == "SUCCESS"
