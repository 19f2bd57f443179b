"""Z.ai's web reader and audio transcription as LangChain document loaders and a blob parser.

- `ZaiWebReaderLoader` reads web pages with `POST /reader` (markdown or text).
- `ZaiTranscriptionLoader` transcribes `.wav` / `.mp3` files with
  `POST /audio/transcriptions`; `ZaiAudioParser` does the same for any `Blob`, so it
  composes with LangChain's blob loaders (`GenericLoader`).

The pure conversions of `zai_core` results into `Document` objects live in
`langchain_zai._documents` (the tools and the retriever use them too).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.document_loaders import BaseBlobParser, BaseLoader
from langchain_core.documents.base import Blob, Document

from langchain_zai._config import ZaiSettings
from langchain_zai._documents import transcription_to_document, web_page_to_document
from langchain_zai._errors import translate_errors
from zai_core import (
    ChatTransport,
    ZaiError,
    aread_url,
    atranscribe,
    build_reader_body,
    build_transcription_fields,
    read_url,
    transcribe,
)

__all__ = ["ZaiAudioParser", "ZaiTranscriptionLoader", "ZaiWebReaderLoader"]

logger = logging.getLogger(__name__)

_MIME_SUFFIX = {
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
}


# --------------------------------------------------------------------------- conversions


def _blob_audio(blob: Blob) -> tuple[str | os.PathLike[str] | bytes, str | None]:
    """What to hand :func:`zai_core.transcribe` for a blob: a path, or bytes and a file name."""
    if blob.data is None and blob.path:
        return os.fspath(blob.path), None
    name = Path(blob.path).name if blob.path else None
    if name is None and blob.mimetype in _MIME_SUFFIX:
        name = "audio" + _MIME_SUFFIX[blob.mimetype]
    return blob.as_bytes(), name


# --------------------------------------------------------------------------- configuration


class _ZaiClientHolder:
    """Holds the configuration words (a :class:`ZaiSettings`, checked when the object is made)
    and the client made from them; the words read as attributes (``loader.base_url``).

    Pickles without secrets through :class:`ZaiSettings`.
    """

    def __init__(self, **words: Any) -> None:
        self.settings = ZaiSettings(**words)

    def __getattr__(self, name: str) -> Any:
        if name != "settings" and name in ZaiSettings.model_fields:
            return getattr(self.settings, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def client(self) -> ChatTransport:
        """The client (made on first use, again when a configuration word changes)."""
        return self.settings.client

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.settings.base_url!r})"


# --------------------------------------------------------------------------- web reader


class ZaiWebReaderLoader(_ZaiClientHolder, BaseLoader):
    """Load web pages as `Document` objects with Z.ai's web reader (`POST /reader`).

    Each URL becomes one `Document`: the page as markdown (or text) in `page_content`;
    `source`, `url`, `title` and `description` in `metadata` (plus
    `published_time`, the reader's `page_metadata`, and image / link summaries when
    asked for).

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiWebReaderLoader

        loader = ZaiWebReaderLoader(
            ["https://docs.z.ai/guides/overview/quick-start"],
            return_format="markdown",  # or "text"
            # retain_images=False, no_cache=True, page_timeout=20,
            # with_images_summary=True, with_links_summary=True,
            # continue_on_failure=True,  # log and skip pages that fail
            # api_key="...", base_url="international", timeout=60, max_retries=2,
        )
        ```

    ??? info "Load"

        ```python
        docs = loader.load()
        print(docs[0].metadata["title"], docs[0].page_content[:200])
        ```

    ??? info "Lazy load"

        ```python
        for doc in loader.lazy_load():
            ...
        ```

    ??? info "Async"

        ```python
        docs = await loader.aload()
        async for doc in loader.alazy_load():
            ...
        ```

    Args:
        urls: one URL or several (absolute http(s) URLs; checked when the loader is made).
        return_format: `"markdown"` (default) or `"text"`.
        retain_images, no_cache, page_timeout, no_gfm, keep_img_data_url,
            with_images_summary, with_links_summary: reader options, see
            `zai_core.build_reader_body`.
        continue_on_failure: log and skip a page that fails instead of raising.

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `ChatZai`.
    """

    def __init__(
        self,
        urls: str | Sequence[str],
        *,
        return_format: str = "markdown",
        retain_images: bool | None = None,
        no_cache: bool | None = None,
        page_timeout: int | None = None,
        no_gfm: bool | None = None,
        keep_img_data_url: bool | None = None,
        with_images_summary: bool | None = None,
        with_links_summary: bool | None = None,
        continue_on_failure: bool = False,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self.urls = [urls] if isinstance(urls, str) else list(urls)
        if not self.urls:
            raise ValueError("ZaiWebReaderLoader needs at least one URL")
        self.reader_options: dict[str, Any] = {
            "return_format": return_format,
            "retain_images": retain_images,
            "no_cache": no_cache,
            "page_timeout": page_timeout,
            "no_gfm": no_gfm,
            "keep_img_data_url": keep_img_data_url,
            "with_images_summary": with_images_summary,
            "with_links_summary": with_links_summary,
        }
        for url in self.urls:  # every value is checked now, before any request
            build_reader_body(url, **self.reader_options)
        self.continue_on_failure = continue_on_failure

    def _failed(self, url: str, error: ZaiError) -> None:
        if not self.continue_on_failure:
            raise error
        logger.warning("Z.ai reader could not read %s: %s", url, error)

    def lazy_load(self) -> Iterator[Document]:
        """Read the pages one by one."""
        for url in self.urls:
            try:
                with translate_errors():
                    page = read_url(self.client, url, **self.reader_options)
            except ZaiError as error:
                self._failed(url, error)
                continue
            yield web_page_to_document(page)

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Read the pages one by one, asynchronously."""
        for url in self.urls:
            try:
                with translate_errors():
                    page = await aread_url(self.client, url, **self.reader_options)
            except ZaiError as error:
                self._failed(url, error)
                continue
            yield web_page_to_document(page)


# --------------------------------------------------------------------------- transcription


class ZaiAudioParser(_ZaiClientHolder, BaseBlobParser):
    """Transcribe an audio `Blob` (`.wav` / `.mp3`, <= 25 MB, <= 30 s) with Z.ai's ASR.

    One `Document` per blob: the transcript in `page_content`; `source` (the blob's
    path), `model` and `request_id` in `metadata`. A blob without a path needs a
    `mimetype` (`audio/wav`, `audio/mpeg`) or recognisable WAV / MP3 bytes.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_core.documents import Blob
        from langchain_zai import ZaiAudioParser

        parser = ZaiAudioParser(hotwords=["GLM", "Zhipu"])  # model="glm-asr-2512"
        ```

    ??? info "Parse"

        ```python
        docs = parser.parse(Blob.from_path("meeting.wav"))
        docs = parser.parse(Blob.from_data(wav_bytes, mime_type="audio/wav"))
        ```

    ??? info "With a blob loader"

        ```python
        from langchain_community.document_loaders.generic import GenericLoader

        loader = GenericLoader.from_filesystem("recordings/", glob="*.mp3", parser=parser)
        ```

    ??? info "Async"

        ```python
        docs = [doc async for doc in parser.alazy_parse(blob)]
        ```

    Args:
        model: `"glm-asr-2512"` (default).
        prompt: earlier transcript as context (under 8000 characters).
        hotwords: up to 100 words to favour.

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `ChatZai`.
    """

    def __init__(
        self,
        *,
        model: str = "glm-asr-2512",
        prompt: str | None = None,
        hotwords: Sequence[str] | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self.transcription_options: dict[str, Any] = {
            "model": model,
            "prompt": prompt,
            "hotwords": list(hotwords) if hotwords is not None else None,
        }
        build_transcription_fields(**self.options)  # checked now, before any request

    @property
    def options(self) -> dict[str, Any]:
        """The transcription options that are set."""
        return {k: v for k, v in self.transcription_options.items() if v is not None}

    def lazy_parse(self, blob: Blob) -> Iterator[Document]:
        """Transcribe the blob: one `Document`."""
        source, name = _blob_audio(blob)
        with translate_errors():
            result = transcribe(self.client, source, filename=name, **self.options)
        yield transcription_to_document(result, blob.source)

    async def alazy_parse(self, blob: Blob) -> AsyncIterator[Document]:
        """Async `lazy_parse`."""
        source, name = _blob_audio(blob)
        with translate_errors():
            result = await atranscribe(self.client, source, filename=name, **self.options)
        yield transcription_to_document(result, blob.source)


class ZaiTranscriptionLoader(BaseLoader):
    """Load `.wav` / `.mp3` files as transcripts with Z.ai's ASR (`glm-asr-2512`).

    One `Document` per file, from `ZaiAudioParser`: the transcript as
    `page_content`, the file path as `metadata["source"]`.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiTranscriptionLoader

        loader = ZaiTranscriptionLoader(
            ["call-1.wav", "call-2.mp3"],  # each <= 25 MB and <= 30 s
            hotwords=["GLM"],
            # prompt="earlier transcript...", api_key="...", base_url="mainland",
        )
        ```

    ??? info "Load"

        ```python
        docs = loader.load()
        print(docs[0].page_content, docs[0].metadata["source"])
        ```

    ??? info "Async"

        ```python
        docs = await loader.aload()
        ```

    Args:
        file_path: one path or several.
        model, prompt, hotwords: as in `ZaiAudioParser`.

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `ChatZai`.
    """

    def __init__(
        self,
        file_path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        *,
        model: str = "glm-asr-2512",
        prompt: str | None = None,
        hotwords: Sequence[str] | None = None,
        **config: Any,
    ) -> None:
        paths = [file_path] if isinstance(file_path, (str, os.PathLike)) else list(file_path)
        if not paths:
            raise ValueError("ZaiTranscriptionLoader needs at least one file path")
        self.file_paths = [Path(os.fspath(p)) for p in paths]
        self.parser = ZaiAudioParser(model=model, prompt=prompt, hotwords=hotwords, **config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(file_paths={[str(p) for p in self.file_paths]!r})"

    def lazy_load(self) -> Iterator[Document]:
        """Transcribe the files one by one (each is checked before it is sent)."""
        for path in self.file_paths:
            yield from self.parser.lazy_parse(Blob.from_path(path))

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Async `lazy_load`."""
        for path in self.file_paths:
            async for doc in self.parser.alazy_parse(Blob.from_path(path)):
                yield doc
