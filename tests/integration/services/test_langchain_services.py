"""LangChain loaders, blob parser, retriever and tool error paths against cassettes."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents.base import Blob
from langchain_core.exceptions import (
    ModelAPIError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelRateLimitError,
)

from langchain_zai import (
    ZaiAudioParser,
    ZaiImageGenerationTool,
    ZaiTranscriptionLoader,
    ZaiTranscriptionTool,
    ZaiVideoGenerationTool,
    ZaiWebReaderLoader,
    ZaiWebReaderTool,
    ZaiWebSearchRetriever,
    ZaiWebSearchTool,
)

pytestmark = pytest.mark.vcr

URLS = [
    "https://docs.z.ai/guides/overview/quick-start",
    "https://docs.z.ai/guides/llm/glm-4.7",
]


def test_web_reader_loader() -> None:
    docs = ZaiWebReaderLoader(URLS, max_retries=0).load()
    assert [d.metadata["url"] for d in docs] == URLS
    assert all(d.metadata["title"] and d.metadata["description"] for d in docs)
    assert all(d.page_content.startswith("# ") for d in docs)


async def test_web_reader_loader_async_text_skips_failures() -> None:
    loader = ZaiWebReaderLoader(
        [URLS[0], "https://unreachable.invalid/x"],
        return_format="text",
        continue_on_failure=True,
        max_retries=0,
    )
    docs = [d async for d in loader.alazy_load()]
    assert [d.metadata["url"] for d in docs] == [URLS[0]]
    assert not docs[0].page_content.startswith("#")


def test_web_reader_tool_error() -> None:
    with pytest.raises(ModelInvalidRequestError, match="1214"):
        ZaiWebReaderTool(max_retries=0).invoke({"url": "https://unreachable.invalid/page"})


def test_web_search_retriever() -> None:
    docs = ZaiWebSearchRetriever(count=4, recency_filter="oneDay", max_retries=0).invoke(
        "Zhipu GLM news"
    )
    assert len(docs) == 4
    assert all(d.metadata["source"] == d.metadata["link"] for d in docs)
    assert {d.metadata["publish_date"] for d in docs} == {"2026-11-23"}


async def test_web_search_tool_quota_error() -> None:
    tool = ZaiWebSearchTool(engine="emulate-429-1113", max_retries=0)
    with pytest.raises(ModelRateLimitError, match="1113"):
        await tool.ainvoke({"query": "GLM"})


def test_image_tool_unknown_model() -> None:
    tool = ZaiImageGenerationTool(model="cogview-0-missing", max_retries=0)
    with pytest.raises(ModelNotFoundError):
        tool.invoke({"prompt": "A fox"})


class _Texts(BaseCallbackHandler):
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.events: list[tuple[str, Any, UUID]] = []

    def on_text(self, text: str, **kwargs: Any) -> None:
        self.texts.append(text)

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.events.append((name, data, run_id))


def test_video_tool_progress_and_result() -> None:
    handler = _Texts()
    tool = ZaiVideoGenerationTool(poll_interval=0, max_retries=0)
    result = tool.invoke({"prompt": "A lighthouse at dusk"}, {"callbacks": [handler]})
    assert result.startswith("Video ready (task ")
    assert len(handler.texts) == 3 and "SUCCESS" in handler.texts[-1]
    assert [data["status"] for _, data, _ in handler.events] == [
        "PROCESSING",
        "PROCESSING",
        "SUCCESS",
    ]


async def test_video_tool_fail() -> None:
    tool = ZaiVideoGenerationTool(poll_interval=0, max_retries=0)
    with pytest.raises(ModelAPIError, match=r"video task \S+ failed"):
        await tool.ainvoke({"prompt": "emulate-fail: a melting clock"})


def test_transcription_loader(clip: Path) -> None:
    docs = ZaiTranscriptionLoader(clip, hotwords=["GLM"], max_retries=0).load()
    assert len(docs) == 1
    assert docs[0].metadata["source"] == str(clip)
    assert "GLM" in docs[0].page_content


async def test_audio_parser_bytes(clip: Path) -> None:
    parser = ZaiAudioParser(max_retries=0)
    blob = Blob.from_data(clip.read_bytes(), mime_type="audio/wav")
    docs = [d async for d in parser.alazy_parse(blob)]
    assert docs[0].page_content.startswith("Hello from a recording of 0.1 seconds")


def test_transcription_tool_error(clip: Path) -> None:
    tool = ZaiTranscriptionTool(model="emulate-400-1214", max_retries=0)
    with pytest.raises(ModelInvalidRequestError):
        tool.invoke({"file_path": str(clip)})
