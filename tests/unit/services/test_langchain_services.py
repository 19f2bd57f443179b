"""LangChain tools, loaders, blob parser and retriever over a fake Z.ai (no sockets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import AsyncCallbackHandler, BaseCallbackHandler
from langchain_core.documents import Document
from langchain_core.documents.base import Blob
from langchain_core.exceptions import ModelInvalidRequestError, ModelRateLimitError
from langchain_core.load import dumps
from langchain_core.tools import BaseTool
from langchain_tests.unit_tests import ToolsUnitTests
from pydantic import ValidationError

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
from langchain_zai._config import merge_options
from langchain_zai._documents import (
    search_result_to_document,
    transcription_to_document,
    web_page_to_document,
)
from langchain_zai.media_tools import _progress_data, _progress_text
from langchain_zai.tools import _page_content
from tests.unit.services.fakes import (
    CANARY,
    IMAGE_ANSWER,
    READER_ANSWER,
    SEARCH_ANSWER,
    TRANSCRIPTION_ANSWER,
    VIDEO_DONE,
    VIDEO_FAILED,
    VIDEO_RUNNING,
    VIDEO_SUBMIT,
    FakeZai,
    wav_bytes,
)
from zai_core import (
    Transcription,
    VideoProgress,
    VideoTask,
    WebPage,
    WebSearchResult,
    parse_web_page,
)

QUOTA = (429, {"error": {"code": "1113", "message": "Insufficient balance"}})

# --------------------------------------------------------------------------- standard suites

ENV = ({"ZAI_API_KEY": "env-key"}, {}, {"api_key": "env-key"})


class TestWebSearchToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiWebSearchTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"query": "GLM-4.7 release", "count": 3, "recency_filter": "oneWeek"}

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ENV


class TestWebReaderToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiWebReaderTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"url": "https://docs.z.ai/guides/overview/quick-start"}

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ENV


class TestImageGenerationToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiImageGenerationTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"prompt": "A watercolor fox", "size": "1280x1280"}

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ENV


class TestVideoGenerationToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiVideoGenerationTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"poll_timeout": 120, "poll_interval": 1}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"prompt": "A paper boat on a rainy street", "duration": 5}

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ENV


class TestTranscriptionToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiTranscriptionTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"file_path": "meeting.wav"}

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ENV


# --------------------------------------------------------------------------- pure conversions

HIT = WebSearchResult("T", "https://x/1", "snippet", "2026-11-20", "X", None, "ref_1")
PAGE = parse_web_page(READER_ANSWER)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (
            HIT,
            Document(
                page_content="snippet",
                metadata={
                    "source": "https://x/1",
                    "title": "T",
                    "link": "https://x/1",
                    "publish_date": "2026-11-20",
                    "media": "X",
                    "refer": "ref_1",
                },
            ),
        ),
        (
            WebSearchResult("T", "L", "C"),
            Document(page_content="C", metadata={"source": "L", "title": "T", "link": "L"}),
        ),
    ],
)
def test_search_result_to_document(result: WebSearchResult, expected: Document) -> None:
    assert search_result_to_document(result) == expected


def test_web_page_to_document() -> None:
    doc = web_page_to_document(PAGE)
    assert doc.page_content == "# Quick start\n\nInstall the SDK."
    assert doc.metadata == {
        "source": "https://docs.z.ai/quick-start",
        "url": "https://docs.z.ai/quick-start",
        "title": "Quick start | Z.ai",
        "description": "How to start with Z.ai",
        "published_time": "2026-10-01",
        "page_metadata": {"og:type": "article"},
    }
    bare = web_page_to_document(WebPage("u", "t", "d", "c"))
    assert bare.metadata == {"source": "u", "url": "u", "title": "t", "description": "d"}


@pytest.mark.parametrize(
    ("result", "source", "metadata"),
    [
        (
            Transcription("hi", "i", "glm-asr-2512", "r"),
            "a.wav",
            {"source": "a.wav", "model": "glm-asr-2512", "request_id": "r"},
        ),
        (Transcription("hi"), None, {}),
    ],
)
def test_transcription_to_document(
    result: Transcription, source: str | None, metadata: dict
) -> None:
    assert transcription_to_document(result, source) == Document(
        page_content="hi", metadata=metadata
    )


@pytest.mark.parametrize(
    ("max_chars", "expected_tail"),
    [(None, "Install the SDK."), (7, "# Quick\n\n[... cut at 7 of 31 chars]")],
)
def test_page_content(max_chars: int | None, expected_tail: str) -> None:
    text = _page_content(PAGE, max_chars)
    assert text.startswith(
        "Title: Quick start | Z.ai\nURL: https://docs.z.ai/quick-start\n"
        "Description: How to start with Z.ai\n\n"
    )
    assert text.endswith(expected_tail)


@pytest.mark.parametrize(
    ("defaults", "call", "expected"),
    [
        ({"a": 1, "b": None}, {}, {"a": 1}),
        ({"a": 1}, {"a": 2, "c": None}, {"a": 2}),
        ({"a": None}, {"b": 0}, {"b": 0}),
    ],
)
def test_options(defaults: dict, call: dict, expected: dict) -> None:
    assert merge_options(defaults, **call) == expected


def test_progress_text_and_data() -> None:
    waiting = VideoProgress(VideoTask("t1", "PROCESSING"), 2, 12.4, 4.5)
    done = VideoProgress(VideoTask("t1", "SUCCESS"), 3, 17.0, 0.0)
    assert (
        _progress_text(waiting) == "Z.ai video task t1: PROCESSING after 12s; next poll in 4.5s\n"
    )
    assert _progress_text(done) == "Z.ai video task t1: SUCCESS after 17s\n"
    assert _progress_data(waiting) == {
        "task_id": "t1",
        "status": "PROCESSING",
        "attempt": 2,
        "elapsed": 12.4,
        "next_delay": 4.5,
    }


# --------------------------------------------------------------------------- key hygiene


@pytest.mark.parametrize(
    "cls",
    [
        ZaiWebSearchTool,
        ZaiWebReaderTool,
        ZaiImageGenerationTool,
        ZaiVideoGenerationTool,
        ZaiTranscriptionTool,
        ZaiWebSearchRetriever,
    ],
)
def test_key_never_shown_or_serialized(cls: type) -> None:
    obj = cls(api_key=CANARY)
    for text in (repr(obj), str(obj), dumps(obj), repr(obj.model_dump()), repr(vars(obj))):
        assert CANARY not in text
    assert obj.api_key.get_secret_value() == CANARY
    assert obj.lc_secrets == {"api_key": "ZAI_API_KEY"}


def test_loader_and_parser_reprs_hide_the_key() -> None:
    for obj in (
        ZaiWebReaderLoader("https://x.example.com", api_key=CANARY),
        ZaiAudioParser(api_key=CANARY),
        ZaiTranscriptionLoader("a.wav", api_key=CANARY),
    ):
        assert CANARY not in repr(obj)


def test_zhipuai_key_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY")
    monkeypatch.setenv("ZHIPUAI_API_KEY", "old-name-key")
    assert ZaiWebSearchTool().api_key.get_secret_value() == "old-name-key"


def test_one_client_per_tool() -> None:
    tool = ZaiWebSearchTool(**FakeZai().config())
    assert tool.client is tool.client


# --------------------------------------------------------------------------- tools


def _call(tool: BaseTool, args: dict[str, Any]) -> Any:
    return tool.invoke({"name": tool.name, "args": args, "id": "call-1", "type": "tool_call"})


async def test_web_search_tool() -> None:
    fake = FakeZai({"/web_search": SEARCH_ANSWER})
    tool = ZaiWebSearchTool(count=5, recency_filter="oneMonth", **fake.config())
    message = _call(tool, {"query": "GLM-4.7", "count": 2})
    hits = json.loads(message.content)
    assert hits[0] == {
        "title": "GLM-4.7 released",
        "link": "https://news.example.org/glm-4-7",
        "content": "Zhipu released GLM-4.7.",
        "publish_date": "2026-11-20",
        "media": "Example News",
    }
    assert [d.metadata["link"] for d in message.artifact] == [h["link"] for h in hits]
    assert await tool.ainvoke({"query": "GLM-4.7", "count": 2}) == message.content
    assert (
        fake.bodies("/web_search")
        == [
            {
                "search_engine": "search-prime",
                "search_query": "GLM-4.7",
                "count": 2,
                "search_recency_filter": "oneMonth",
            }
        ]
        * 2
    )


def test_web_search_tool_says_when_nothing_was_found() -> None:
    fake = FakeZai({"/web_search": {"search_result": []}})
    tool = ZaiWebSearchTool(**fake.config())
    assert tool.invoke({"query": "zzqx"}) == "No web results for 'zzqx'."


@pytest.mark.parametrize(
    "args",
    [{"query": ""}, {"query": "x", "count": 0}, {"query": "x", "recency_filter": "lastWeek"}, {}],
)
def test_web_search_tool_rejects_bad_arguments_without_a_request(args: dict) -> None:
    fake = FakeZai({"/web_search": SEARCH_ANSWER})
    with pytest.raises(ValidationError):
        ZaiWebSearchTool(**fake.config()).invoke(args)
    assert fake.requests == []


def test_tools_raise_langchain_flavoured_errors() -> None:
    fake = FakeZai({"/web_search": QUOTA})
    with pytest.raises(ModelRateLimitError, match="1113") as info:
        ZaiWebSearchTool(**fake.config()).invoke({"query": "GLM"})
    assert info.value.code == "1113"  # type: ignore[attr-defined]


async def test_web_reader_tool() -> None:
    fake = FakeZai({"/reader": READER_ANSWER})
    tool = ZaiWebReaderTool(return_format="text", max_content_chars=7, **fake.config())
    message = _call(tool, {"url": "https://docs.z.ai/quick-start"})
    assert message.content.startswith("Title: Quick start | Z.ai\n")
    assert "[... cut at 7 of 31 chars]" in message.content
    assert message.artifact.page_content == "# Quick start\n\nInstall the SDK."
    assert (await tool.ainvoke({"url": "https://docs.z.ai/quick-start"})) == message.content
    assert fake.bodies("/reader")[0] == {
        "url": "https://docs.z.ai/quick-start",
        "return_format": "text",
    }


def test_web_reader_tool_rejects_a_bad_url_before_sending() -> None:
    fake = FakeZai({"/reader": READER_ANSWER})
    with pytest.raises(ValueError, match="absolute http"):
        ZaiWebReaderTool(**fake.config()).invoke({"url": "docs.z.ai"})
    assert fake.requests == []


async def test_image_tool() -> None:
    fake = FakeZai({"/images/generations": IMAGE_ANSWER})
    tool = ZaiImageGenerationTool(quality="standard", **fake.config())
    message = _call(tool, {"prompt": "a fox", "size": "1280x1280"})
    assert message.content == "https://files.example.com/image_0.png"
    assert message.artifact["urls"] == ["https://files.example.com/image_0.png"]
    assert await tool.ainvoke({"prompt": "a fox", "size": "1280x1280"}) == message.content
    assert fake.bodies("/images/generations")[0] == {
        "model": "glm-image",
        "prompt": "a fox",
        "size": "1280x1280",
        "quality": "standard",
    }
    with pytest.raises(ValidationError):
        tool.invoke({"prompt": "a fox", "size": "huge"})


class Recorder(BaseCallbackHandler):
    """Keeps every on_text line and custom event."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.events: list[tuple[str, Any, UUID]] = []

    def on_text(self, text: str, **kwargs: Any) -> None:
        self.texts.append(text)

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.events.append((name, data, run_id))


class AsyncRecorder(AsyncCallbackHandler):
    """The async twin of :class:`Recorder`."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.events: list[tuple[str, Any, UUID]] = []

    async def on_text(self, text: str, **kwargs: Any) -> None:
        self.texts.append(text)

    async def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.events.append((name, data, run_id))


def _video_fake(*polls: dict) -> FakeZai:
    return FakeZai({"/videos/generations": VIDEO_SUBMIT, "/async-result/": list(polls)})


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_video_tool_reports_every_poll(mode: str) -> None:
    fake = _video_fake(VIDEO_RUNNING, VIDEO_RUNNING, VIDEO_DONE)
    tool = ZaiVideoGenerationTool(poll_interval=0, size="1920x1080", **fake.config())
    recorder = Recorder() if mode == "sync" else AsyncRecorder()
    call = {"name": tool.name, "args": {"prompt": "a cat"}, "id": "c1", "type": "tool_call"}
    config = {"callbacks": [recorder]}
    message = tool.invoke(call, config) if mode == "sync" else await tool.ainvoke(call, config)
    assert message.content == (
        "Video ready (task task-1): https://files.example.com/v_0.mp4\n"
        "Cover image: https://files.example.com/v_0.png"
    )
    assert message.artifact["status"] == "SUCCESS"
    assert [t.split(":")[1].split()[0] for t in recorder.texts] == [
        "PROCESSING",
        "PROCESSING",
        "SUCCESS",
    ]
    assert [(name, data["status"], data["attempt"]) for name, data, _ in recorder.events] == [
        ("zai_video_progress", "PROCESSING", 0),
        ("zai_video_progress", "PROCESSING", 1),
        ("zai_video_progress", "SUCCESS", 2),
    ]
    assert len({run_id for *_, run_id in recorder.events}) == 1  # all on the tool's run
    assert fake.bodies("/videos/generations") == [
        {"model": "cogvideox-3", "prompt": "a cat", "size": "1920x1080"}
    ]


async def test_video_tool_progress_shows_in_astream_events() -> None:
    fake = _video_fake(VIDEO_RUNNING, VIDEO_DONE)
    tool = ZaiVideoGenerationTool(poll_interval=0, **fake.config())
    events = [
        e
        async for e in tool.astream_events({"prompt": "a cat"}, version="v2")
        if e["event"] == "on_custom_event"
    ]
    assert [e["data"]["status"] for e in events] == ["PROCESSING", "SUCCESS"]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_video_tool_fail_is_a_clear_error(mode: str) -> None:
    fake = _video_fake(VIDEO_RUNNING, VIDEO_FAILED)
    tool = ZaiVideoGenerationTool(poll_interval=0, **fake.config())
    with pytest.raises(Exception, match="video task task-1 failed") as info:
        if mode == "sync":
            tool.invoke({"prompt": "a cat"})
        else:
            await tool.ainvoke({"prompt": "a cat"})
    assert type(info.value).__name__ == "ZaiInternalServerError"


def test_video_tool_timeout_names_the_task() -> None:
    fake = _video_fake(VIDEO_RUNNING)
    tool = ZaiVideoGenerationTool(poll_timeout=0.05, poll_interval=0.01, **fake.config())
    with pytest.raises(Exception, match="task-1 is still PROCESSING") as info:
        tool.invoke({"prompt": "a cat"})
    assert type(info.value).__name__ == "ZaiTimeoutError"


async def test_transcription_tool(tmp_path: Path) -> None:
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    path = tmp_path / "clip.wav"
    path.write_bytes(wav_bytes())
    tool = ZaiTranscriptionTool(hotwords=["GLM"], **fake.config())
    message = _call(tool, {"file_path": str(path)})
    assert message.content == "Hello from the clip."
    assert message.artifact.metadata == {
        "source": str(path),
        "model": "glm-asr-2512",
        "request_id": "20261123ghi",
    }
    assert await tool.ainvoke({"file_path": str(path), "prompt": "Earlier"}) == message.content
    assert b'name="prompt"\r\n\r\nEarlier' in fake.requests[1].content
    with pytest.raises(ValueError, match="does not exist"):
        tool.invoke({"file_path": str(tmp_path / "none.wav")})
    assert len(fake.requests) == 2


# --------------------------------------------------------------------------- loaders


async def test_web_reader_loader() -> None:
    fake = FakeZai({"/reader": READER_ANSWER})
    loader = ZaiWebReaderLoader(
        ["https://docs.z.ai/quick-start", "https://docs.z.ai/other"], no_cache=True, **fake.config()
    )
    docs = loader.load()
    assert [d.metadata["title"] for d in docs] == ["Quick start | Z.ai"] * 2
    assert await loader.aload() == docs
    assert fake.bodies("/reader")[1] == {
        "url": "https://docs.z.ai/other",
        "return_format": "markdown",
        "no_cache": True,
    }


def test_web_reader_loader_checks_urls_when_made() -> None:
    with pytest.raises(ValueError, match="absolute http"):
        ZaiWebReaderLoader(["https://ok.example.com", "nope"])
    with pytest.raises(ValueError, match="return_format"):
        ZaiWebReaderLoader("https://ok.example.com", return_format="html")
    with pytest.raises(ValueError, match="at least one URL"):
        ZaiWebReaderLoader([])


async def test_web_reader_loader_can_skip_failures() -> None:
    fake = FakeZai(
        {"/reader": [(400, {"error": {"code": "1214", "message": "bad"}}), READER_ANSWER]}
    )
    loader = ZaiWebReaderLoader(
        ["https://a.example.com", "https://b.example.com"],
        continue_on_failure=True,
        **fake.config(),
    )
    assert len(loader.load()) == 1
    strict = ZaiWebReaderLoader("https://a.example.com", **FakeZai({"/reader": QUOTA}).config())
    with pytest.raises(ModelRateLimitError):
        await strict.aload()


async def test_audio_parser_blobs(tmp_path: Path) -> None:
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    parser = ZaiAudioParser(hotwords=["GLM"], **fake.config())
    path = tmp_path / "clip.wav"
    path.write_bytes(wav_bytes())
    from_path = parser.parse(Blob.from_path(path))
    from_data = parser.parse(Blob.from_data(b"ID3" + b"\x00" * 8, mime_type="audio/mpeg"))
    sniffed = [d async for d in parser.alazy_parse(Blob.from_data(wav_bytes()))]
    assert [d.page_content for d in from_path + from_data + sniffed] == ["Hello from the clip."] * 3
    assert from_path[0].metadata["source"] == str(path)
    assert "source" not in sniffed[0].metadata
    names = [r.content.split(b'filename="')[1].split(b'"')[0] for r in fake.requests]
    assert names == [b"clip.wav", b"audio.mp3", b"audio.wav"]


def test_audio_parser_rejects_bad_options_and_blobs() -> None:
    with pytest.raises(ValueError, match="at most 100 hotwords"):
        ZaiAudioParser(hotwords=[str(i) for i in range(101)])
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    with pytest.raises(ValueError, match="could not tell the format"):
        ZaiAudioParser(**fake.config()).parse(Blob.from_data(b"plain text"))
    assert fake.requests == []


async def test_transcription_loader(tmp_path: Path) -> None:
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    paths = [tmp_path / "a.wav", tmp_path / "b.wav"]
    for path in paths:
        path.write_bytes(wav_bytes())
    loader = ZaiTranscriptionLoader(paths, **fake.config())
    docs = loader.load()
    assert [d.metadata["source"] for d in docs] == [str(p) for p in paths]
    assert await loader.aload() == docs
    with pytest.raises(ValueError, match="does not exist"):
        ZaiTranscriptionLoader(tmp_path / "none.mp3", **fake.config()).load()
    assert len(fake.requests) == 4


async def test_web_search_retriever() -> None:
    fake = FakeZai({"/web_search": SEARCH_ANSWER})
    retriever = ZaiWebSearchRetriever(count=2, domain_filter="news.example.org", **fake.config())
    docs = retriever.invoke("GLM-4.7")
    assert docs[0].metadata["link"] == "https://news.example.org/glm-4-7"
    assert await retriever.ainvoke("GLM-4.7") == docs
    assert fake.bodies("/web_search")[0] == {
        "search_engine": "search-prime",
        "search_query": "GLM-4.7",
        "count": 2,
        "search_domain_filter": "news.example.org",
    }


async def test_web_search_retriever_takes_k() -> None:
    """``k`` like every LangChain retriever (``count`` is an alias), per instance or per call;
    never more documents than asked for, even if the server sends more."""
    fake = FakeZai({"/web_search": SEARCH_ANSWER})
    retriever = ZaiWebSearchRetriever(k=1, **fake.config())
    assert retriever.count == 1
    assert len(retriever.invoke("GLM")) == 1  # the answer holds 2 hits
    assert len(await retriever.ainvoke("GLM", k=2)) == 2
    assert len(retriever.invoke("GLM", count=2)) == 2
    assert [b["count"] for b in fake.bodies("/web_search")] == [1, 2, 2]
    assert ZaiWebSearchRetriever(count=3, **fake.config()).k == 3
    with pytest.raises(ValueError, match="k must be"):
        retriever.invoke("GLM", k=0)
    with pytest.raises(TypeError, match="top_k"):
        retriever.invoke("GLM", top_k=2)
    with pytest.raises(ValidationError):
        ZaiWebSearchRetriever(k=51, **fake.config())
    assert len(fake.bodies("/web_search")) == 3  # bad input never reached the server


def test_retriever_errors_are_langchain_flavoured() -> None:
    fake = FakeZai({"/web_search": (400, {"error": {"code": "1214", "message": "bad query"}})})
    with pytest.raises(ModelInvalidRequestError, match="bad query"):
        ZaiWebSearchRetriever(**fake.config()).invoke("GLM")
