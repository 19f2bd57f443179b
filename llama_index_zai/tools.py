"""Z.ai's web search, web reader, image, video and transcription endpoints as a LlamaIndex
tool spec.

`ZaiToolSpec` gives an agent five tools, each with a sync and a native async function:
`web_search`, `read_url`, `generate_image`, `generate_video` and `transcribe`. Video
polling reports every poll as a `ZaiVideoProgressEvent` through LlamaIndex's
instrumentation dispatcher (and to `on_video_progress` when given).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.schema import Document
from llama_index.core.tools.tool_spec.base import BaseToolSpec

from llama_index_zai._config import ZaiSettings
from llama_index_zai.readers import _search_result_to_document, _web_page_to_document
from zai_core import (
    ChatTransport,
    ImageResult,
    PollPolicy,
    VideoProgress,
    VideoTask,
    agenerate_image,
    agenerate_video,
    aread_url,
    atranscribe,
    aweb_search,
    build_image_body,
    build_reader_body,
    build_transcription_fields,
    build_video_body,
    build_web_search_body,
    generate_image,
    generate_video,
    read_url,
    transcribe,
    web_search,
)

__all__ = ["ZaiToolSpec", "ZaiVideoProgressEvent"]

dispatcher = get_dispatcher(__name__)


class ZaiVideoProgressEvent(BaseEvent):
    """Sent through LlamaIndex instrumentation after every poll of a video task.

    Attributes:
        task_id: the Z.ai task id.
        status: `PROCESSING`, `SUCCESS` or `FAIL`.
        attempt: poll number, from 0.
        elapsed: seconds since polling began.
        next_delay: seconds until the next poll (0 after the last).
    """

    task_id: str
    status: str
    attempt: int
    elapsed: float
    next_delay: float

    @classmethod
    def class_name(cls) -> str:
        """Event name."""
        return "ZaiVideoProgressEvent"


def _progress_event(progress: VideoProgress) -> ZaiVideoProgressEvent:
    """The instrumentation event for one poll. Pure."""
    return ZaiVideoProgressEvent(
        task_id=progress.task.id,
        status=progress.task.status,
        attempt=progress.attempt,
        elapsed=progress.elapsed,
        next_delay=progress.next_delay,
    )


def _image_text(result: ImageResult) -> str:
    return "\n".join(result.urls)


def _video_text(task: VideoTask) -> str:
    lines = [f"Video ready (task {task.id}): {url}" for url in task.video_urls]
    lines += [f"Cover image: {url}" for url in task.cover_urls]
    return "\n".join(lines) or f"Video task {task.id} finished with no video URL."


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class ZaiToolSpec(BaseToolSpec):
    """Z.ai web search, web reader, image and video generation, and transcription tools.

    Args:
        search_engine: web search engine, default `"search-prime"` (mainland: `search_std`,
            `search_pro`...).
        search_count: default number of search results (1-50; server default 10).
        search_recency_filter: default recency filter (`"oneDay"`, `"oneWeek"`, `"oneMonth"`,
            `"oneYear"`, `"noLimit"`).
        search_domain_filter: default domain filter, e.g. `"www.example.com"`.
        reader_format: `"markdown"` (default) or `"text"` for `read_url`.
        image_model: `"glm-image"` (default) or `"cogview-4-250304"`.
        image_size: default image size (model default when unset).
        image_quality: default image quality.
        video_model: video model, default `"cogvideox-3"`.
        video_size: default video size, e.g. `"1920x1080"`.
        video_poll_timeout: seconds to wait for a video before raising `APITimeoutError`.
        video_poll_interval: seconds before the second poll.
        video_max_poll_interval: longest pause between polls.
        video_poll_backoff: factor the pause grows by after each poll.
        on_video_progress: called with each poll's `VideoProgress` (a
            `ZaiVideoProgressEvent` is also sent to LlamaIndex instrumentation).
        transcription_model: ASR model, default `"glm-asr-2512"`.
        hotwords: up to 100 words the transcription should favour.

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `Zai` (the key comes from `ZAI_API_KEY` by default and is never serialized).

    Examples:
        Setup:

        ```bash
        pip install ".[llama-index]"
        export ZAI_API_KEY="your-key"
        ```

        Instantiate:

        ```python
        from llama_index_zai import ZaiToolSpec

        spec = ZaiToolSpec(
            search_count=5,
            # search_engine="search-prime", search_recency_filter="oneWeek",
            # image_model="glm-image", video_model="cogvideox-3",
            # video_poll_timeout=900, on_video_progress=print,
            # api_key="...", base_url="international", timeout=60, max_retries=2,
        )
        tools = spec.to_tool_list()  # sync + async function per tool
        ```

        Call directly:

        ```python
        hits = spec.web_search("GLM-4.7 release")  # list[Document]
        page = spec.read_url("https://docs.z.ai/guides/overview/quick-start")
        url = spec.generate_image("A watercolor fox")
        text = spec.transcribe("meeting.wav")
        ```

        Async:

        ```python
        hits = await spec.aweb_search("GLM-4.7 release")
        ```

        In an agent:

        ```python
        from llama_index.core.agent.workflow import FunctionAgent
        from llama_index_zai import Zai

        agent = FunctionAgent(tools=spec.to_tool_list(), llm=Zai(model="glm-4.7"))
        answer = await agent.run("What's new in GLM-4.7? Search the web.")
        ```

        Video progress:

        ```python
        from llama_index.core.instrumentation import get_dispatcher
        from llama_index.core.instrumentation.event_handlers import BaseEventHandler

        class Progress(BaseEventHandler):
            def handle(self, event, **kwargs):
                if event.class_name() == "ZaiVideoProgressEvent":
                    print(event.status, event.elapsed)

        get_dispatcher().add_event_handler(Progress())
        ```
    """

    spec_functions = [
        ("web_search", "aweb_search"),
        ("read_url", "aread_url"),
        ("generate_image", "agenerate_image"),
        ("generate_video", "agenerate_video"),
        ("transcribe", "atranscribe"),
    ]

    def __init__(
        self,
        *,
        search_engine: str = "search-prime",
        search_count: int | None = None,
        search_recency_filter: str | None = None,
        search_domain_filter: str | None = None,
        reader_format: str = "markdown",
        image_model: str = "glm-image",
        image_size: str | None = None,
        image_quality: str | None = None,
        video_model: str = "cogvideox-3",
        video_size: str | None = None,
        video_poll_timeout: float = 600.0,
        video_poll_interval: float = 2.0,
        video_max_poll_interval: float = 15.0,
        video_poll_backoff: float = 1.5,
        on_video_progress: Callable[[VideoProgress], Any] | None = None,
        transcription_model: str = "glm-asr-2512",
        hotwords: list[str] | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: Any | None = None,
        http_async_client: Any | None = None,
        total_timeout: float | None = None,
    ) -> None:
        self.search_options = _drop_none(
            {
                "engine": search_engine,
                "count": search_count,
                "recency_filter": search_recency_filter,
                "domain_filter": search_domain_filter,
            }
        )
        self.reader_options: dict[str, Any] = {"return_format": reader_format}
        self.image_options = _drop_none(
            {"model": image_model, "size": image_size, "quality": image_quality}
        )
        self.video_options = _drop_none({"model": video_model, "size": video_size})
        self.video_policy = PollPolicy(
            timeout=video_poll_timeout,
            interval=video_poll_interval,
            max_interval=max(video_max_poll_interval, video_poll_interval),
            backoff=video_poll_backoff,
        )
        self.on_video_progress = on_video_progress
        self.transcription_options = _drop_none(
            {"model": transcription_model, "hotwords": hotwords}
        )
        words: dict[str, Any] = {"api_key": api_key, "base_url": base_url, "timeout": timeout}
        words |= {"max_retries": max_retries, "default_headers": default_headers}
        words |= {"http_client": http_client, "http_async_client": http_async_client}
        words |= {"total_timeout": total_timeout}
        #: The configuration words, checked now (pickles without the key or the client).
        self.settings = ZaiSettings.model_validate(words)
        self._check_options()

    def _check_options(self) -> None:
        """Every option is checked when the spec is made, before any request."""
        build_web_search_body("check", **self.search_options)
        build_reader_body("https://example.com", **self.reader_options)
        build_image_body("check", **self.image_options)
        build_video_body("check", **self.video_options)
        build_transcription_fields(**self.transcription_options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.settings.base_url!r})"

    @property
    def client(self) -> ChatTransport:
        """The Z.ai client, made on first use (`MissingAPIKeyError` when there is no key)."""
        return self.settings.client

    # ------------------------------------------------------------------ web search

    def web_search(self, query: str, count: int | None = None) -> list[Document]:
        """Search the web for current information.

        Returns one document per result, with its title, link, publish date and a snippet.

        Args:
            query (str): what to search for.
            count (int, optional): number of results, 1 to 50 (optional).
        """
        options = {**self.search_options, **_drop_none({"count": count})}
        return [_search_result_to_document(r) for r in web_search(self.client, query, **options)]

    async def aweb_search(self, query: str, count: int | None = None) -> list[Document]:
        """Search the web for current information.

        Returns one document per result, with its title, link, publish date and a snippet.

        Args:
            query (str): what to search for.
            count (int, optional): number of results, 1 to 50 (optional).
        """
        options = {**self.search_options, **_drop_none({"count": count})}
        results = await aweb_search(self.client, query, **options)
        return [_search_result_to_document(r) for r in results]

    # ------------------------------------------------------------------ web reader

    def read_url(self, url: str) -> Document:
        """Read a web page and return its content as markdown.

        Args:
            url (str): the absolute http(s) URL of the page.
        """
        return _web_page_to_document(read_url(self.client, url, **self.reader_options))

    async def aread_url(self, url: str) -> Document:
        """Read a web page and return its content as markdown.

        Args:
            url (str): the absolute http(s) URL of the page.
        """
        return _web_page_to_document(await aread_url(self.client, url, **self.reader_options))

    # ------------------------------------------------------------------ images

    def generate_image(self, prompt: str, size: str | None = None) -> str:
        """Generate an image from a description and return its URL.

        Args:
            prompt (str): what the image should show.
            size (str, optional): optional size 'WIDTHxHEIGHT', such as 1280x1280.
        """
        options = {**self.image_options, **_drop_none({"size": size})}
        return _image_text(generate_image(self.client, prompt, **options))

    async def agenerate_image(self, prompt: str, size: str | None = None) -> str:
        """Generate an image from a description and return its URL.

        Args:
            prompt (str): what the image should show.
            size (str, optional): optional size 'WIDTHxHEIGHT', such as 1280x1280.
        """
        options = {**self.image_options, **_drop_none({"size": size})}
        return _image_text(await agenerate_image(self.client, prompt, **options))

    # ------------------------------------------------------------------ videos

    def _report(self, progress: VideoProgress) -> Any:
        dispatcher.event(_progress_event(progress))
        if self.on_video_progress is not None:
            return self.on_video_progress(progress)
        return None

    async def _areport(self, progress: VideoProgress) -> None:
        reported = self._report(progress)
        if inspect.isawaitable(reported):
            await reported

    def generate_video(self, prompt: str, image_url: str | None = None) -> str:
        """Generate a short video from a description (takes a minute or more).

        Returns the video URL and a cover image URL.

        Args:
            prompt (str): what the video should show (at most 512 characters).
            image_url (str, optional): optional URL of an image to animate.
        """
        options = {**self.video_options, **_drop_none({"image_url": image_url})}
        task = generate_video(
            self.client, prompt, policy=self.video_policy, on_progress=self._report, **options
        )
        return _video_text(task)

    async def agenerate_video(self, prompt: str, image_url: str | None = None) -> str:
        """Generate a short video from a description (takes a minute or more).

        Returns the video URL and a cover image URL.

        Args:
            prompt (str): what the video should show (at most 512 characters).
            image_url (str, optional): optional URL of an image to animate.
        """
        options = {**self.video_options, **_drop_none({"image_url": image_url})}
        task = await agenerate_video(
            self.client, prompt, policy=self.video_policy, on_progress=self._areport, **options
        )
        return _video_text(task)

    # ------------------------------------------------------------------ transcription

    def transcribe(self, file_path: str) -> str:
        """Transcribe speech in a local .wav or .mp3 file (up to 30 seconds) to text.

        Args:
            file_path (str): path of the audio file.
        """
        return transcribe(self.client, file_path, **self.transcription_options).text

    async def atranscribe(self, file_path: str) -> str:
        """Transcribe speech in a local .wav or .mp3 file (up to 30 seconds) to text.

        Args:
            file_path (str): path of the audio file.
        """
        result = await atranscribe(self.client, file_path, **self.transcription_options)
        return result.text
