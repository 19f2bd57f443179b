"""Z.ai's web reader and audio transcription as LlamaIndex readers.

- `ZaiWebReader` reads web pages with `POST /reader` (markdown or text).
- `ZaiTranscriptionReader` transcribes `.wav` / `.mp3` files or bytes with
  `POST /audio/transcriptions`; it also works as a `file_extractor` of
  `SimpleDirectoryReader`.

The pure `_*_to_document` functions turn `zai_core` results into LlamaIndex
`Document` objects; `llama_index_zai.ZaiToolSpec` uses them too.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from llama_index.core.readers.base import BasePydanticReader
from llama_index.core.schema import Document
from pydantic import Field

from zai_core import (
    Transcription,
    WebPage,
    WebSearchResult,
    ZaiError,
    aread_url,
    atranscribe,
    build_reader_body,
    build_transcription_fields,
    read_url,
    transcribe,
)

from ._config import ZaiSettings

__all__ = ["ZaiTranscriptionReader", "ZaiWebReader"]

logger = logging.getLogger(__name__)

AudioInput = str | os.PathLike[str] | bytes


# --------------------------------------------------------------------------- conversions


def _web_page_to_document(page: WebPage) -> Document:
    """A page read by ``/reader`` as a Document (``id_`` = URL, so re-reads replace it)."""
    metadata: dict[str, Any] = {
        "url": page.url,
        "title": page.title,
        "description": page.description,
    }
    if page.published_time:
        metadata["published_time"] = page.published_time
    return Document(
        id_=page.url,
        text=page.content,
        metadata=metadata,
        excluded_embed_metadata_keys=["url", "published_time"],
    )


def _search_result_to_document(result: WebSearchResult) -> Document:
    """A web search hit as a Document whose text a model can cite (title, link, date)."""
    lines = [f"Title: {result.title}", f"Link: {result.link}"]
    if result.publish_date:
        lines.append(f"Published: {result.publish_date}")
    metadata: dict[str, Any] = {"title": result.title, "url": result.link}
    for key in ("publish_date", "media", "refer"):
        value = getattr(result, key)
        if value:
            metadata[key] = value
    return Document(
        text="\n".join(lines) + "\n\n" + result.content,
        metadata=metadata,
        excluded_llm_metadata_keys=list(metadata),
    )


def _transcription_to_document(
    result: Transcription, source: str | None, extra_info: Mapping[str, Any] | None = None
) -> Document:
    """A transcript as a Document; ``source`` is the file it came from, when known."""
    metadata: dict[str, Any] = {}
    if source:
        metadata["file_path"] = source
        metadata["file_name"] = Path(source).name
    for key in ("model", "request_id"):
        value = getattr(result, key)
        if value:
            metadata[key] = value
    metadata.update(extra_info or {})
    return Document(text=result.text, metadata=metadata)


def _audio_source(file: AudioInput) -> tuple[AudioInput, str | None]:
    """What to send, and the path to name it by (``None`` for bytes)."""
    if isinstance(file, (bytes, bytearray)):
        return bytes(file), None
    return os.fspath(file), os.fspath(file)


# --------------------------------------------------------------------------- configuration


class _ZaiReaderConfig(ZaiSettings, BasePydanticReader):
    """A remote reader with the shared configuration words (:class:`ZaiSettings`)."""

    is_remote: bool = True


# --------------------------------------------------------------------------- web reader


class ZaiWebReader(_ZaiReaderConfig):
    """Read web pages into Documents with Z.ai's reader (`POST /reader`).

    One Document per URL: the page as markdown (or text), `id_` set to the URL, and
    `url`, `title`, `description` (and `published_time` when known) as metadata.

    Args:
        return_format: `"markdown"` (default) or `"text"`.
        retain_images: keep images in the text (server default: yes).
        no_cache: bypass Z.ai's page cache.
        page_timeout: seconds the reader may spend fetching a page (server default 20).
        continue_on_failure: log and skip a page that fails instead of raising.

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
        from llama_index_zai import ZaiWebReader

        reader = ZaiWebReader(
            return_format="markdown",  # or "text"
            # retain_images=False, no_cache=True, page_timeout=20,
            # continue_on_failure=True,  # log and skip pages that fail
            # api_key="...", base_url="mainland", timeout=60, max_retries=2,
        )
        ```

        Load:

        ```python
        docs = reader.load_data(["https://docs.z.ai/guides/overview/quick-start"])
        index = VectorStoreIndex.from_documents(docs)
        ```

        Async:

        ```python
        docs = await reader.aload_data(["https://docs.z.ai/guides/overview/quick-start"])
        ```
    """

    return_format: Literal["markdown", "text"] = Field(default="markdown")
    retain_images: bool | None = Field(default=None, description="Keep images in the text.")
    no_cache: bool | None = Field(default=None, description="Bypass Z.ai's page cache.")
    page_timeout: int | None = Field(
        default=None, gt=0, description="Seconds the reader may spend fetching a page."
    )
    continue_on_failure: bool = Field(
        default=False, description="Log and skip a page that fails instead of raising."
    )

    @classmethod
    def class_name(cls) -> str:
        """Stable name used in serialization."""
        return "ZaiWebReader"

    def _reader_options(self) -> dict[str, Any]:
        options = {
            "return_format": self.return_format,
            "retain_images": self.retain_images,
            "no_cache": self.no_cache,
            "page_timeout": self.page_timeout,
        }
        return {k: v for k, v in options.items() if v is not None}

    def _urls(self, urls: str | Sequence[str]) -> list[str]:
        """The URLs, every one checked before any request."""
        listed = [urls] if isinstance(urls, str) else list(urls)
        if not listed:
            raise ValueError("ZaiWebReader needs at least one URL")
        for url in listed:
            build_reader_body(url, **self._reader_options())
        return listed

    def _failed(self, url: str, error: ZaiError) -> None:
        if not self.continue_on_failure:
            raise error
        logger.warning("Z.ai reader could not read %s: %s", url, error)

    def lazy_load_data(self, urls: str | Sequence[str]) -> Iterator[Document]:  # type: ignore[override]
        """Read the pages one by one."""
        for url in self._urls(urls):
            try:
                page = read_url(self.client, url, **self._reader_options())
            except ZaiError as error:
                self._failed(url, error)
                continue
            yield _web_page_to_document(page)

    def load_data(self, urls: str | Sequence[str]) -> list[Document]:  # type: ignore[override]
        """Read the pages."""
        return list(self.lazy_load_data(urls))

    async def aload_data(self, urls: str | Sequence[str]) -> list[Document]:  # type: ignore[override]
        """Read the pages asynchronously."""
        docs = []
        for url in self._urls(urls):
            try:
                page = await aread_url(self.client, url, **self._reader_options())
            except ZaiError as error:
                self._failed(url, error)
                continue
            docs.append(_web_page_to_document(page))
        return docs

    async def alazy_load_data(self, urls: str | Sequence[str]) -> Iterable[Document]:  # type: ignore[override]
        """Same as `aload_data` (the base class's async lazy form returns a list)."""
        return await self.aload_data(urls)


# --------------------------------------------------------------------------- transcription


class ZaiTranscriptionReader(_ZaiReaderConfig):
    """Transcribe `.wav` / `.mp3` audio into Documents with Z.ai's ASR (`glm-asr-2512`).

    One Document per file (each <= 25 MB and <= 30 s): the transcript as text, and
    `file_path`, `file_name`, `model`, `request_id` (plus any `extra_info`) as
    metadata. Bytes work too (WAV / MP3 recognised from their first bytes).

    Args:
        model: ASR model, default `"glm-asr-2512"`.
        prompt: earlier transcript as context.
        hotwords: up to 100 words to favour (names, jargon).

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `Zai` (the key comes from `ZAI_API_KEY` by default and is never serialized).

    Examples:
        Instantiate:

        ```python
        from llama_index_zai import ZaiTranscriptionReader

        reader = ZaiTranscriptionReader(hotwords=["GLM", "Zhipu"])
        ```

        Load:

        ```python
        docs = reader.load_data("meeting.wav")
        docs = reader.load_data(["a.wav", "b.mp3"])
        docs = reader.load_data(wav_bytes)
        ```

        With SimpleDirectoryReader:

        ```python
        from llama_index.core import SimpleDirectoryReader

        docs = SimpleDirectoryReader(
            "recordings/", file_extractor={".wav": reader, ".mp3": reader}
        ).load_data()
        ```

        Async:

        ```python
        docs = await reader.aload_data("meeting.mp3")
        ```
    """

    model: str = Field(default="glm-asr-2512", description="ASR model.")
    prompt: str | None = Field(default=None, description="Earlier transcript as context.")
    hotwords: list[str] | None = Field(default=None, description="Words to favour (<= 100).")

    @classmethod
    def class_name(cls) -> str:
        """Stable name used in serialization."""
        return "ZaiTranscriptionReader"

    def _options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "model": self.model,
            "prompt": self.prompt,
            "hotwords": self.hotwords,
        }
        checked = {k: v for k, v in options.items() if v is not None}
        build_transcription_fields(**checked)
        return checked

    @staticmethod
    def _files(file: AudioInput | Sequence[AudioInput]) -> list[AudioInput]:
        if isinstance(file, (str, bytes, bytearray, os.PathLike)):
            return [file]
        files = list(file)
        if not files:
            raise ValueError("ZaiTranscriptionReader needs at least one file")
        return files

    def lazy_load_data(  # type: ignore[override]
        self,
        file: AudioInput | Sequence[AudioInput],
        extra_info: Mapping[str, Any] | None = None,
        **_: Any,
    ) -> Iterator[Document]:
        """Transcribe the files one by one (each is checked before it is sent)."""
        options = self._options()
        for item in self._files(file):
            source, name = _audio_source(item)
            result = transcribe(self.client, source, **options)
            yield _transcription_to_document(result, name, extra_info)

    def load_data(  # type: ignore[override]
        self,
        file: AudioInput | Sequence[AudioInput],
        extra_info: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """Transcribe the files."""
        return list(self.lazy_load_data(file, extra_info, **kwargs))

    async def aload_data(  # type: ignore[override]
        self,
        file: AudioInput | Sequence[AudioInput],
        extra_info: Mapping[str, Any] | None = None,
        **_: Any,
    ) -> list[Document]:
        """Transcribe the files asynchronously."""
        options = self._options()
        docs = []
        for item in self._files(file):
            source, name = _audio_source(item)
            result = await atranscribe(self.client, source, **options)
            docs.append(_transcription_to_document(result, name, extra_info))
        return docs
