"""Video generation: submit (`POST /videos/generations`), then poll (`GET /async-result/{id}`).

`submit_video` starts a task, `wait_for_video` / `await_video` poll it with
backoff until `SUCCESS`, `FAIL` or the caller's timeout, and `generate_video` /
`agenerate_video` do both. One pure function, `next_poll_step`, decides what to do
after each poll, for the sync and the async loop alike; a progress callback hears about every
poll. `FAIL` raises `zai_core.errors.InternalServerError` naming the task id;
running out of time raises `zai_core.errors.APITimeoutError` naming it too, so the
task can be polled again later.

Example:
    ```python
    from zai_core import PollPolicy, create_client, generate_video

    task = generate_video(
        create_client(),
        "A cat chasing a laser dot, cinematic",
        size="1920x1080",
        policy=PollPolicy(timeout=900),
        on_progress=lambda p: print(p.task.status, round(p.elapsed)),
    )
    print(task.video_urls[0])
    ```
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .errors import APIResponseValidationError, APITimeoutError, InternalServerError
from .transport import Transport
from .web import optional_ids, require_text

__all__ = [
    "DEFAULT_VIDEO_MODEL",
    "VIDEO_SIZES",
    "PollPolicy",
    "PollStep",
    "PolledTask",
    "VideoProgress",
    "VideoTask",
    "agenerate_video",
    "aget_video_task",
    "asubmit_video",
    "await_video",
    "build_video_body",
    "generate_video",
    "get_video_task",
    "next_poll_step",
    "normalize_task_status",
    "parse_video_task",
    "submit_video",
    "video_task_error",
    "wait_for_video",
]

_SIZE = re.compile(r"(\d+)x(\d+)")

DEFAULT_VIDEO_MODEL = "cogvideox-3"
VIDEO_SIZES = (
    "1280x720",
    "720x1280",
    "1024x1024",
    "1920x1080",
    "1080x1920",
    "2048x1080",
    "3840x2160",
)
VIDEO_FPS = (30, 60)
VIDEO_DURATIONS = (5, 10)
VIDEO_QUALITIES = ("speed", "quality")
MAX_VIDEO_PROMPT = 512


@dataclass(frozen=True)
class VideoTask:
    """A video generation task, as submitted or as polled.

    Attributes:
        id: the task id to poll (`GET /async-result/{id}`).
        status: `"PROCESSING"`, `"SUCCESS"` or `"FAIL"`.
        model: the model, when given.
        request_id: Z.ai's request id, when given.
        video_urls: the videos, once `SUCCESS`.
        cover_urls: their cover images, once `SUCCESS`.
    """

    id: str
    status: str
    model: str | None = None
    request_id: str | None = None
    video_urls: tuple[str, ...] = ()
    cover_urls: tuple[str, ...] = ()


def _check_int_choice(name: str, value: Any, allowed: tuple[int, ...], strict: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if strict and value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}; got {value}")
    return value


def _image_urls(value: str | Sequence[str]) -> str | list[str]:
    if isinstance(value, str):
        return require_text("image_url", value)
    urls = [require_text("image_url", v) for v in value]
    if not 1 <= len(urls) <= 2:
        raise ValueError(f"image_url takes one image or [first, last] frames, got {len(urls)}")
    return urls


def build_video_body(
    prompt: str | None = None,
    *,
    model: str = DEFAULT_VIDEO_MODEL,
    image_url: str | Sequence[str] | None = None,
    quality: str | None = None,
    with_audio: bool | None = None,
    size: str | None = None,
    fps: int | None = None,
    duration: int | None = None,
    request_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """The `POST /videos/generations` body; raises ValueError on a bad value.

    Args:
        prompt: what to film (at most 512 characters); required unless `image_url` is given.
        model: `"cogvideox-3"` (default) or another video model (`viduq1-text`...).
        image_url: a URL or base64 image to animate, or `[first_frame, last_frame]`.
        quality: `"speed"` or `"quality"`.
        with_audio: add AI sound effects.
        size: one of `1280x720, 720x1280, 1024x1024, 1920x1080, 1080x1920, 2048x1080,
            3840x2160` for CogVideoX (any `WxH` for other models).
        fps: 30 or 60 for CogVideoX.
        duration: 5 or 10 seconds for CogVideoX.
        request_id / user_id: your ids for the request and the end user.
    """
    name = require_text("model", model)
    strict = name.startswith("cogvideox")
    body: dict[str, Any] = {"model": name}
    if prompt is not None:
        text = require_text("prompt", prompt)
        if len(text) > MAX_VIDEO_PROMPT:
            raise ValueError(f"prompt must be at most {MAX_VIDEO_PROMPT} characters: {len(text)}")
        body["prompt"] = text
    if image_url is not None:
        body["image_url"] = _image_urls(image_url)
    if "prompt" not in body and "image_url" not in body:
        raise ValueError("a video needs a prompt, an image_url, or both")
    if quality is not None:
        if quality not in VIDEO_QUALITIES:
            raise ValueError(f"quality must be 'speed' or 'quality', got {quality!r}")
        body["quality"] = quality
    if with_audio is not None:
        body["with_audio"] = bool(with_audio)
    if size is not None:
        if not isinstance(size, str) or not _SIZE.fullmatch(size):
            raise ValueError(f"size must look like '1920x1080' (width x height), got {size!r}")
        if strict and size not in VIDEO_SIZES:
            raise ValueError(f"size must be one of {', '.join(VIDEO_SIZES)}; got {size!r}")
        body["size"] = size
    if fps is not None:
        body["fps"] = _check_int_choice("fps", fps, VIDEO_FPS, strict)
    if duration is not None:
        body["duration"] = _check_int_choice("duration", duration, VIDEO_DURATIONS, strict)
    body.update(optional_ids(request_id, user_id))
    return body


def normalize_task_status(value: Any) -> str:
    """A task status in upper case, every spelling of failure as `"FAIL"`. Pure."""
    status = str(value or "").upper()
    return "FAIL" if status in ("FAIL", "FAILED", "FAILURE", "ERROR") else status


def parse_video_task(body: Any, *, task_id: str | None = None) -> VideoTask:
    """A `VideoTask` from a submit answer or an `/async-result` answer.

    `task_id` stands in for an id the poll answer leaves out.
    """
    if not isinstance(body, Mapping) or not body.get("task_status"):
        raise APIResponseValidationError(
            f"video answer has no 'task_status': {str(body)[:200]!r}", body=body
        )
    ident = body.get("id") or task_id
    if not ident:
        raise APIResponseValidationError("video answer has no task 'id'", body=body)
    results = [r for r in body.get("video_result") or () if isinstance(r, Mapping)]
    return VideoTask(
        id=str(ident),
        status=normalize_task_status(body["task_status"]),
        model=body.get("model"),
        request_id=body.get("request_id"),
        video_urls=tuple(str(r["url"]) for r in results if r.get("url")),
        cover_urls=tuple(str(r["cover_image_url"]) for r in results if r.get("cover_image_url")),
    )


@dataclass(frozen=True)
class PollPolicy:
    """How to wait for a task: first `interval`, growing by `backoff` up to `max_interval`.

    Attributes:
        timeout: total seconds to wait for the task before giving up.
        interval: seconds before the second poll (the first poll is immediate).
        max_interval: longest pause between two polls.
        backoff: factor the pause grows by after each poll.
    """

    timeout: float = 600.0
    interval: float = 2.0
    max_interval: float = 15.0
    backoff: float = 1.5

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, got {self.timeout!r}")
        if self.interval < 0 or self.max_interval < self.interval:
            raise ValueError(
                f"need 0 <= interval <= max_interval, got {self.interval!r}, {self.max_interval!r}"
            )
        if self.backoff < 1:
            raise ValueError(f"backoff must be >= 1, got {self.backoff!r}")


@dataclass(frozen=True)
class PollStep:
    """The decision after one poll: `done`, `failed`, `timeout`, or `wait` `delay` s."""

    action: Literal["done", "failed", "timeout", "wait"]
    delay: float = 0.0


@dataclass(frozen=True)
class VideoProgress:
    """What a progress callback receives after each poll.

    Attributes:
        task: the task as just polled.
        attempt: poll number, from 0.
        elapsed: seconds since polling began.
        next_delay: seconds until the next poll (0 when this was the last).
    """

    task: VideoTask
    attempt: int
    elapsed: float
    next_delay: float


class PolledTask(Protocol):
    """Anything polled until done: a status of `SUCCESS`, `FAIL` or still running."""

    @property
    def status(self) -> str:
        """`"SUCCESS"`, `"FAIL"`, or anything else while the task runs."""
        ...


def next_poll_step(
    task: PolledTask, *, attempt: int, elapsed: float, policy: PollPolicy
) -> PollStep:
    """Decide after poll number `attempt` (from 0), `elapsed` seconds in. Pure.

    Shared by every polled task (videos, async agent results).
    """
    if task.status == "SUCCESS":
        return PollStep("done")
    if task.status == "FAIL":
        return PollStep("failed")
    remaining = policy.timeout - elapsed
    if remaining <= 0:
        return PollStep("timeout")
    delay = min(policy.interval * policy.backoff**attempt, policy.max_interval)
    return PollStep("wait", min(delay, remaining))


def video_task_error(
    task: VideoTask, step: PollStep, *, elapsed: float, policy: PollPolicy, body: Any
) -> InternalServerError | APITimeoutError:
    """The error a `failed` or `timeout` step stands for; both name the task id."""
    if step.action == "failed":
        return InternalServerError(
            f"Z.ai video task {task.id} failed (task_status=FAIL)",
            status_code=200,
            request_id=task.request_id,
            body=body,
        )
    return APITimeoutError(
        f"Z.ai video task {task.id} is still {task.status} after {elapsed:.1f}s "
        f"(timeout={policy.timeout:g}s); wait longer with wait_for_video(client, {task.id!r})"
    )


def _poll_path(task_id: str) -> str:
    return f"/async-result/{require_text('task_id', task_id)}"


def submit_video(client: Transport, prompt: str | None = None, **options: Any) -> VideoTask:
    """Start a video: `POST /videos/generations`; `options` as in `build_video_body`."""
    body = build_video_body(prompt, **options)
    return parse_video_task(client.request("POST", "/videos/generations", json=body))


async def asubmit_video(client: Transport, prompt: str | None = None, **options: Any) -> VideoTask:
    """Async `submit_video`."""
    body = build_video_body(prompt, **options)
    return parse_video_task(await client.arequest("POST", "/videos/generations", json=body))


def get_video_task(client: Transport, task_id: str) -> VideoTask:
    """Poll a task once: `GET /async-result/{task_id}`."""
    return parse_video_task(client.request("GET", _poll_path(task_id)), task_id=task_id)


async def aget_video_task(client: Transport, task_id: str) -> VideoTask:
    """Async `get_video_task`."""
    return parse_video_task(await client.arequest("GET", _poll_path(task_id)), task_id=task_id)


ProgressCallback = Callable[[VideoProgress], Any]


def wait_for_video(
    client: Transport,
    task_id: str,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> VideoTask:
    """Poll `task_id` until `SUCCESS` (returned), `FAIL` or the policy's timeout (raised).

    Args:
        client: the client.
        task_id: the id `submit_video` returned.
        policy: timeout and backoff (`PollPolicy`).
        on_progress: called with a `VideoProgress` after every poll.
        sleep / clock: injectable for tests.

    Raises:
        InternalServerError: the task ended with `FAIL` (the message names the task id).
        APITimeoutError: the task was still running when the timeout passed.
    """
    policy = policy or PollPolicy()
    path, start, attempt = _poll_path(task_id), clock(), 0
    while True:
        body = client.request("GET", path)
        task = parse_video_task(body, task_id=task_id)
        elapsed = clock() - start
        step = next_poll_step(task, attempt=attempt, elapsed=elapsed, policy=policy)
        if on_progress is not None:
            on_progress(VideoProgress(task, attempt, elapsed, step.delay))
        if step.action == "done":
            return task
        if step.action != "wait":
            raise video_task_error(task, step, elapsed=elapsed, policy=policy, body=body)
        sleep(step.delay)
        attempt += 1


async def await_video(
    client: Transport,
    task_id: str,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> VideoTask:
    """Async `wait_for_video`; `on_progress` may be a plain or an async function."""
    policy = policy or PollPolicy()
    path, start, attempt = _poll_path(task_id), clock(), 0
    while True:
        body = await client.arequest("GET", path)
        task = parse_video_task(body, task_id=task_id)
        elapsed = clock() - start
        step = next_poll_step(task, attempt=attempt, elapsed=elapsed, policy=policy)
        if on_progress is not None:
            reported = on_progress(VideoProgress(task, attempt, elapsed, step.delay))
            if inspect.isawaitable(reported):
                await reported
        if step.action == "done":
            return task
        if step.action != "wait":
            raise video_task_error(task, step, elapsed=elapsed, policy=policy, body=body)
        await sleep(step.delay)
        attempt += 1


def generate_video(
    client: Transport,
    prompt: str | None = None,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    **options: Any,
) -> VideoTask:
    """Submit a video and wait for it (`submit_video` then `wait_for_video`)."""
    task = submit_video(client, prompt, **options)
    return wait_for_video(
        client, task.id, policy=policy, on_progress=on_progress, sleep=sleep, clock=clock
    )


async def agenerate_video(
    client: Transport,
    prompt: str | None = None,
    *,
    policy: PollPolicy | None = None,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    **options: Any,
) -> VideoTask:
    """Async `generate_video`."""
    task = await asubmit_video(client, prompt, **options)
    return await await_video(
        client, task.id, policy=policy, on_progress=on_progress, sleep=sleep, clock=clock
    )
