"""Z.ai's image, video and transcription endpoints as LangChain tools.

Like the search and reader tools in `langchain_zai.tools` (which re-exports these), every
tool answers in `content_and_artifact` form, validates its input before any request, runs
truly async in `ainvoke`, and raises `zai_core` errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForToolRun,
    CallbackManagerForToolRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.documents import Document
from langchain_core.tools import BaseTool
from pydantic import BaseModel, Field

from langchain_zai._config import ZaiSettings, merge_options
from langchain_zai._documents import transcription_to_document
from langchain_zai._errors import translate_errors
from zai_core import (
    ImageResult,
    PollPolicy,
    VideoProgress,
    VideoTask,
    agenerate_image,
    agenerate_video,
    atranscribe,
    generate_image,
    generate_video,
    transcribe,
)

__all__ = ["ZaiImageGenerationTool", "ZaiTranscriptionTool", "ZaiVideoGenerationTool"]

#: Name of the custom callback event the video tool sends after every poll.
VIDEO_PROGRESS_EVENT = "zai_video_progress"


class ZaiImageGenerationInput(BaseModel):
    """Arguments of `ZaiImageGenerationTool`."""

    prompt: str = Field(min_length=1, description="What the image should show.")
    size: str | None = Field(
        default=None, pattern=r"^\d+x\d+$", description="Image size 'WIDTHxHEIGHT', e.g. 1280x1280."
    )
    quality: Literal["hd", "standard"] | None = Field(
        default=None, description="'hd' (finer, slower) or 'standard'."
    )


def _image_artifact(result: ImageResult) -> dict[str, Any]:
    return {
        "urls": list(result.urls),
        "created": result.created,
        "content_filter": [dict(f) for f in result.content_filter],
    }


class ZaiImageGenerationTool(ZaiSettings, BaseTool):
    """Draw an image with Z.ai (`POST /images/generations`, `glm-image` by default).

    The model reads the image URL(s); the artifact is `{"urls", "created",
    "content_filter"}`. Z.ai keeps the files for 30 days.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiImageGenerationTool

        tool = ZaiImageGenerationTool(model="glm-image", size="1280x1280", quality="hd")
        ```

    ??? info "Invoke"

        ```python
        url = tool.invoke({"prompt": "A watercolor fox in the snow"})
        ```

    ??? info "Async"

        ```python
        url = await tool.ainvoke({"prompt": "A watercolor fox", "size": "1568x1056"})
        ```

    ??? info "Use within an agent"

        ```python
        from langchain.agents import create_agent  # pip install ".[langchain-agents]"
        from langchain_zai import ChatZai

        agent = create_agent(ChatZai(model="glm-4.7"), tools=[tool])
        agent.invoke({"messages": [("user", "Draw a watercolor fox in the snow")]})
        ```
    """

    name: str = "zai_image_generation"
    description: str = (
        "Generate an image from a text description. Input: the prompt, and optionally a size "
        "such as 1280x1280 and a quality (hd or standard). Returns the image URL."
    )
    args_schema: type[BaseModel] = ZaiImageGenerationInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model: str = "glm-image"
    """`glm-image` or `cogview-4-250304`."""
    size: str | None = None
    """Default size (model default when unset)."""
    quality: Literal["hd", "standard"] | None = None
    """Default quality."""

    def _image_options(self, **call: Any) -> dict[str, Any]:
        return merge_options(
            {"model": self.model, "size": self.size, "quality": self.quality}, **call
        )

    def _run(
        self,
        prompt: str,
        size: str | None = None,
        quality: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        options = self._image_options(size=size, quality=quality)
        with translate_errors():
            result = generate_image(self.client, prompt, **options)
        return "\n".join(result.urls), _image_artifact(result)

    async def _arun(
        self,
        prompt: str,
        size: str | None = None,
        quality: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        options = self._image_options(size=size, quality=quality)
        with translate_errors():
            result = await agenerate_image(self.client, prompt, **options)
        return "\n".join(result.urls), _image_artifact(result)


# --------------------------------------------------------------------------- videos


class ZaiVideoGenerationInput(BaseModel):
    """Arguments of `ZaiVideoGenerationTool`."""

    prompt: str = Field(min_length=1, max_length=512, description="What the video should show.")
    image_url: str | None = Field(
        default=None, description="Optional URL of an image to animate (first frame)."
    )
    size: str | None = Field(
        default=None, pattern=r"^\d+x\d+$", description="Video size, e.g. 1920x1080 or 1080x1920."
    )
    duration: int | None = Field(default=None, description="Length in seconds: 5 or 10.")


def _video_content(task: VideoTask) -> str:
    lines = [f"Video ready (task {task.id}): {url}" for url in task.video_urls]
    lines += [f"Cover image: {url}" for url in task.cover_urls]
    return "\n".join(lines) or f"Video task {task.id} finished with no video URL."


def _video_artifact(task: VideoTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "status": task.status,
        "model": task.model,
        "video_urls": list(task.video_urls),
        "cover_urls": list(task.cover_urls),
    }


def _progress_text(progress: VideoProgress) -> str:
    """One line per poll, for ``on_text`` callbacks. Pure."""
    task = progress.task
    text = f"Z.ai video task {task.id}: {task.status} after {progress.elapsed:.0f}s"
    if progress.next_delay:
        text += f"; next poll in {progress.next_delay:.1f}s"
    return text + "\n"


def _progress_data(progress: VideoProgress) -> dict[str, Any]:
    """The custom event's data. Pure."""
    return {
        "task_id": progress.task.id,
        "status": progress.task.status,
        "attempt": progress.attempt,
        "elapsed": progress.elapsed,
        "next_delay": progress.next_delay,
    }


class ZaiVideoGenerationTool(ZaiSettings, BaseTool):
    """Make a video with Z.ai (`POST /videos/generations`, then polling `/async-result`).

    The tool submits the task, then polls with backoff (`poll_interval` growing by
    `poll_backoff` up to `max_poll_interval`) until `SUCCESS`, `FAIL` or
    `poll_timeout`. Every poll is reported to the callbacks: `on_text` gets a line, and a
    custom event named `"zai_video_progress"` carries `{"task_id", "status", "attempt",
    "elapsed", "next_delay"}` (visible in `astream_events`). `FAIL` raises
    `zai_core.InternalServerError`; running out of time raises `zai_core.APITimeoutError`;
    both messages name the task id.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiVideoGenerationTool

        tool = ZaiVideoGenerationTool(
            model="cogvideox-3",
            size="1920x1080",
            fps=30,
            duration=5,
            quality="quality",  # or "speed"
            with_audio=True,
            poll_timeout=900,  # seconds to wait for the video
        )
        ```

    ??? info "Invoke"

        ```python
        print(tool.invoke({"prompt": "A paper boat on a rainy street"}))
        ```

    ??? info "Progress"

        ```python
        async for event in tool.astream_events({"prompt": "..."}, version="v2"):
            if event["event"] == "on_custom_event":
                print(event["data"]["status"], event["data"]["elapsed"])
        ```

    ??? info "Use within an agent"

        ```python
        from langchain.agents import create_agent  # pip install ".[langchain-agents]"
        from langchain_zai import ChatZai

        agent = create_agent(ChatZai(model="glm-4.7"), tools=[tool])
        agent.invoke({"messages": [("user", "A 5-second video of a paper boat on a rainy street")]})
        ```
    """

    name: str = "zai_video_generation"
    description: str = (
        "Generate a short video from a text description (and optionally an image to animate). "
        "Takes a minute or more. Returns the video URL and a cover image URL."
    )
    args_schema: type[BaseModel] = ZaiVideoGenerationInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model: str = "cogvideox-3"
    """Video model."""
    size: str | None = None
    """Default size, e.g. `1920x1080`."""
    fps: int | None = None
    """30 or 60."""
    duration: int | None = None
    """5 or 10 seconds."""
    quality: Literal["speed", "quality"] | None = None
    """Speed or quality first."""
    with_audio: bool | None = None
    """Add AI sound effects."""
    poll_timeout: float = Field(default=600.0, gt=0)
    """Seconds to wait for the video before raising `APITimeoutError`."""
    poll_interval: float = Field(default=2.0, ge=0)
    """Seconds before the second poll."""
    max_poll_interval: float = Field(default=15.0, ge=0)
    """Longest pause between polls."""
    poll_backoff: float = Field(default=1.5, ge=1)
    """Factor the pause grows by after each poll."""

    def _policy(self) -> PollPolicy:
        return PollPolicy(
            timeout=self.poll_timeout,
            interval=self.poll_interval,
            max_interval=max(self.max_poll_interval, self.poll_interval),
            backoff=self.poll_backoff,
        )

    def _video_options(self, **call: Any) -> dict[str, Any]:
        defaults = {
            "model": self.model,
            "size": self.size,
            "fps": self.fps,
            "duration": self.duration,
            "quality": self.quality,
            "with_audio": self.with_audio,
        }
        return merge_options(defaults, **call)

    def _run(
        self,
        prompt: str,
        image_url: str | None = None,
        size: str | None = None,
        duration: int | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        report: Callable[[VideoProgress], None] | None = None
        if run_manager is not None:
            manager = run_manager

            def report(progress: VideoProgress) -> None:
                manager.on_text(_progress_text(progress))
                dispatch_custom_event(
                    VIDEO_PROGRESS_EVENT,
                    _progress_data(progress),
                    config={"callbacks": manager.get_child()},
                )

        options = self._video_options(image_url=image_url, size=size, duration=duration)
        with translate_errors():
            task = generate_video(
                self.client, prompt, policy=self._policy(), on_progress=report, **options
            )
        return _video_content(task), _video_artifact(task)

    async def _arun(
        self,
        prompt: str,
        image_url: str | None = None,
        size: str | None = None,
        duration: int | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        report: Callable[[VideoProgress], Any] | None = None
        if run_manager is not None:
            manager = run_manager

            async def report(progress: VideoProgress) -> None:
                await manager.on_text(_progress_text(progress))
                await adispatch_custom_event(
                    VIDEO_PROGRESS_EVENT,
                    _progress_data(progress),
                    config={"callbacks": manager.get_child()},
                )

        options = self._video_options(image_url=image_url, size=size, duration=duration)
        with translate_errors():
            task = await agenerate_video(
                self.client, prompt, policy=self._policy(), on_progress=report, **options
            )
        return _video_content(task), _video_artifact(task)


# --------------------------------------------------------------------------- transcription


class ZaiTranscriptionInput(BaseModel):
    """Arguments of `ZaiTranscriptionTool`."""

    file_path: str = Field(
        min_length=1, description="Path of a .wav or .mp3 file (at most 25 MB and 30 seconds)."
    )
    prompt: str | None = Field(
        default=None, description="Optional earlier transcript to give context."
    )


class ZaiTranscriptionTool(ZaiSettings, BaseTool):
    """Transcribe a `.wav` / `.mp3` file with Z.ai's ASR (`POST /audio/transcriptions`).

    The model reads the transcript; the artifact is a `Document` with `source`, `model`
    and `request_id` metadata. The file is checked (exists, `.wav` / `.mp3`, <= 25 MB)
    before anything is sent.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiTranscriptionTool

        tool = ZaiTranscriptionTool(hotwords=["GLM", "Zhipu"])  # model="glm-asr-2512"
        ```

    ??? info "Invoke"

        ```python
        text = tool.invoke({"file_path": "meeting.wav"})
        ```

    ??? info "Async"

        ```python
        text = await tool.ainvoke({"file_path": "meeting.mp3"})
        ```

    ??? info "Use within an agent"

        ```python
        from langchain.agents import create_agent  # pip install ".[langchain-agents]"
        from langchain_zai import ChatZai

        agent = create_agent(ChatZai(model="glm-4.7"), tools=[tool])
        agent.invoke({"messages": [("user", "Transcribe meeting.wav and list the action items")]})
        ```
    """

    name: str = "zai_transcription"
    description: str = (
        "Transcribe speech in a local audio file (.wav or .mp3, up to 30 seconds) to text. "
        "Input: the file path. Returns the transcript."
    )
    args_schema: type[BaseModel] = ZaiTranscriptionInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model: str = "glm-asr-2512"
    """ASR model."""
    hotwords: list[str] | None = Field(default=None, max_length=100)
    """Words to favour (names, jargon), at most 100."""

    def _transcription_options(self, prompt: str | None) -> dict[str, Any]:
        return merge_options({"model": self.model, "hotwords": self.hotwords}, prompt=prompt)

    def _run(
        self,
        file_path: str,
        prompt: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, Document]:
        options = self._transcription_options(prompt)
        with translate_errors():
            result = transcribe(self.client, file_path, **options)
        return result.text, transcription_to_document(result, file_path)

    async def _arun(
        self,
        file_path: str,
        prompt: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, Document]:
        options = self._transcription_options(prompt)
        with translate_errors():
            result = await atranscribe(self.client, file_path, **options)
        return result.text, transcription_to_document(result, file_path)
