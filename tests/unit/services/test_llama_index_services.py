"""LlamaIndex tool spec and readers over a fake Z.ai (no sockets)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llama_index.core import SimpleDirectoryReader
from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.schema import Document

from llama_index_zai import ZaiToolSpec, ZaiTranscriptionReader, ZaiVideoProgressEvent, ZaiWebReader
from llama_index_zai.readers import (
    _search_result_to_document,
    _transcription_to_document,
    _web_page_to_document,
)
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
    InternalServerError,
    QuotaExceededError,
    Transcription,
    VideoProgress,
    WebSearchResult,
    parse_web_page,
)

QUOTA = (429, {"error": {"code": "1113", "message": "Insufficient balance"}})

# --------------------------------------------------------------------------- conversions


def test_search_result_to_document() -> None:
    hit = WebSearchResult("T", "https://x/1", "snippet", "2026-11-20", "X", None, "ref_1")
    doc = _search_result_to_document(hit)
    assert doc.text == "Title: T\nLink: https://x/1\nPublished: 2026-11-20\n\nsnippet"
    assert doc.metadata == {
        "title": "T",
        "url": "https://x/1",
        "publish_date": "2026-11-20",
        "media": "X",
        "refer": "ref_1",
    }
    bare = _search_result_to_document(WebSearchResult("T", "L", "C"))
    assert bare.text == "Title: T\nLink: L\n\nC"


def test_web_page_to_document() -> None:
    doc = _web_page_to_document(parse_web_page(READER_ANSWER))
    assert doc.id_ == "https://docs.z.ai/quick-start"
    assert doc.text == "# Quick start\n\nInstall the SDK."
    assert doc.metadata == {
        "url": "https://docs.z.ai/quick-start",
        "title": "Quick start | Z.ai",
        "description": "How to start with Z.ai",
        "published_time": "2026-10-01",
    }


@pytest.mark.parametrize(
    ("source", "extra", "metadata"),
    [
        (
            "/data/a.wav",
            None,
            {"file_path": "/data/a.wav", "file_name": "a.wav", "model": "m", "request_id": "r"},
        ),
        (None, {"speaker": "ann"}, {"model": "m", "request_id": "r", "speaker": "ann"}),
    ],
)
def test_transcription_to_document(source: str | None, extra: dict | None, metadata: dict) -> None:
    doc = _transcription_to_document(Transcription("hi", "i", "m", "r"), source, extra)
    assert (doc.text, doc.metadata) == ("hi", metadata)


# --------------------------------------------------------------------------- tool spec


def test_tool_list_has_five_tools_with_sync_and_async() -> None:
    tools = ZaiToolSpec(api_key=CANARY).to_tool_list()
    assert [t.metadata.name for t in tools] == [
        "web_search",
        "read_url",
        "generate_image",
        "generate_video",
        "transcribe",
    ]
    for tool in tools:
        assert tool.fn.__name__ == tool.metadata.name
        assert tool.async_fn.__name__ == "a" + tool.metadata.name
    schema = tools[0].metadata.fn_schema.model_json_schema()
    assert schema["required"] == ["query"]
    assert schema["properties"]["count"]["description"] == "number of results, 1 to 50 (optional)."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"search_count": 80}, "count must be from 1 to 50"),
        ({"search_recency_filter": "week"}, "recency_filter"),
        ({"reader_format": "html"}, "return_format"),
        ({"image_size": "big"}, "size must look like"),
        ({"video_size": "640x480"}, "size must be one of"),
        ({"hotwords": "GLM"}, "list of words"),
        ({"video_poll_timeout": 0}, "timeout must be positive"),
    ],
)
def test_tool_spec_checks_options_when_made(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ZaiToolSpec(**kwargs)


def test_tool_spec_hides_the_key() -> None:
    spec = ZaiToolSpec(api_key=CANARY)
    assert CANARY not in repr(spec)
    assert CANARY not in str(spec)


async def test_web_search_and_reader_tools() -> None:
    fake = FakeZai({"/web_search": SEARCH_ANSWER, "/reader": READER_ANSWER})
    spec = ZaiToolSpec(search_count=5, **fake.config())
    search, read = spec.to_tool_list()[:2]
    output = search.call(query="GLM-4.7", count=2)
    assert "Link: https://news.example.org/glm-4-7" in output.content
    assert [d.metadata["url"] for d in output.raw_output] == [
        "https://news.example.org/glm-4-7",
        "https://b.example.com/2",
    ]
    assert (await search.acall(query="GLM-4.7", count=2)).content == output.content
    page = await read.acall(url="https://docs.z.ai/quick-start")
    assert page.content == "# Quick start\n\nInstall the SDK."
    assert fake.bodies("/web_search")[0] == {
        "search_engine": "search-prime",
        "search_query": "GLM-4.7",
        "count": 2,
    }
    assert spec.web_search("GLM")[0].metadata["title"] == "GLM-4.7 released"
    assert fake.bodies("/web_search")[-1]["count"] == 5


async def test_image_and_transcription_tools(tmp_path: Path) -> None:
    fake = FakeZai(
        {"/images/generations": IMAGE_ANSWER, "/audio/transcriptions": TRANSCRIPTION_ANSWER}
    )
    spec = ZaiToolSpec(image_quality="hd", hotwords=["GLM"], **fake.config())
    assert spec.generate_image("a fox") == "https://files.example.com/image_0.png"
    assert await spec.agenerate_image("a fox", size="1280x1280") == spec.generate_image("a fox")
    clip = tmp_path / "clip.wav"
    clip.write_bytes(wav_bytes())
    assert spec.transcribe(str(clip)) == "Hello from the clip."
    assert await spec.atranscribe(str(clip)) == "Hello from the clip."
    assert fake.bodies("/images/generations")[1] == {
        "model": "glm-image",
        "prompt": "a fox",
        "size": "1280x1280",
        "quality": "hd",
    }


def test_errors_are_zai_core_classes() -> None:
    fake = FakeZai({"/web_search": QUOTA})
    with pytest.raises(QuotaExceededError, match="1113"):
        ZaiToolSpec(**fake.config()).web_search("GLM")


class _Collect(BaseEventHandler):
    events: list[BaseEvent] = []

    @classmethod
    def class_name(cls) -> str:
        return "Collect"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        if isinstance(event, ZaiVideoProgressEvent):
            self.events.append(event)


@pytest.fixture
def progress_events() -> Iterator[list[BaseEvent]]:
    handler = _Collect(events=[])
    root = get_dispatcher()
    root.add_event_handler(handler)
    yield handler.events
    root.event_handlers.remove(handler)


def _video_fake(*polls: dict) -> FakeZai:
    return FakeZai({"/videos/generations": VIDEO_SUBMIT, "/async-result/": list(polls)})


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_video_progress_goes_to_instrumentation_and_the_callback(
    mode: str, progress_events: list[BaseEvent]
) -> None:
    fake = _video_fake(VIDEO_RUNNING, VIDEO_RUNNING, VIDEO_DONE)
    seen: list[VideoProgress] = []
    spec = ZaiToolSpec(video_poll_interval=0, on_video_progress=seen.append, **fake.config())
    if mode == "sync":
        text = spec.generate_video("a cat")
    else:
        text = await spec.agenerate_video("a cat")
    assert text.startswith("Video ready (task task-1): https://files.example.com/v_0.mp4")
    assert [(e.task_id, e.status, e.attempt) for e in progress_events] == [  # type: ignore[attr-defined]
        ("task-1", "PROCESSING", 0),
        ("task-1", "PROCESSING", 1),
        ("task-1", "SUCCESS", 2),
    ]
    assert [p.task.status for p in seen] == ["PROCESSING", "PROCESSING", "SUCCESS"]


async def test_async_progress_callback_is_awaited() -> None:
    fake = _video_fake(VIDEO_DONE)
    seen: list[str] = []

    async def report(progress: VideoProgress) -> None:
        seen.append(progress.task.status)

    await ZaiToolSpec(on_video_progress=report, **fake.config()).agenerate_video("a cat")
    assert seen == ["SUCCESS"]


def test_video_fail_names_the_task() -> None:
    fake = _video_fake(VIDEO_FAILED)
    with pytest.raises(InternalServerError, match="task-1 failed"):
        ZaiToolSpec(**fake.config()).generate_video("a cat")


# --------------------------------------------------------------------------- readers


async def test_web_reader() -> None:
    fake = FakeZai({"/reader": READER_ANSWER})
    reader = ZaiWebReader(return_format="text", page_timeout=15, **fake.config())
    docs = reader.load_data(["https://docs.z.ai/quick-start"])
    assert docs[0].metadata["title"] == "Quick start | Z.ai"
    assert [d.id_ for d in await reader.aload_data("https://docs.z.ai/quick-start")] == [
        "https://docs.z.ai/quick-start"
    ]
    assert [d.text for d in reader.lazy_load_data("https://docs.z.ai/quick-start")] == [
        docs[0].text
    ]
    assert len(await reader.alazy_load_data(["https://docs.z.ai/quick-start"])) == 1
    assert fake.bodies("/reader")[0] == {
        "url": "https://docs.z.ai/quick-start",
        "return_format": "text",
        "timeout": 15,
    }


def test_web_reader_checks_urls_before_sending() -> None:
    fake = FakeZai({"/reader": READER_ANSWER})
    reader = ZaiWebReader(**fake.config())
    with pytest.raises(ValueError, match="absolute http"):
        reader.load_data(["https://ok.example.com", "ftp://nope"])
    with pytest.raises(ValueError, match="at least one URL"):
        reader.load_data([])
    assert fake.requests == []


async def test_web_reader_failures() -> None:
    fake = FakeZai({"/reader": [QUOTA, READER_ANSWER]})
    lenient = ZaiWebReader(continue_on_failure=True, **fake.config())
    assert len(lenient.load_data(["https://a.example.com", "https://b.example.com"])) == 1
    strict = ZaiWebReader(**FakeZai({"/reader": QUOTA}).config())
    with pytest.raises(QuotaExceededError):
        await strict.aload_data("https://a.example.com")


def test_readers_never_expose_the_key() -> None:
    for reader in (ZaiWebReader(api_key=CANARY), ZaiTranscriptionReader(api_key=CANARY)):
        for text in (repr(reader), str(reader), reader.to_json(), str(reader.model_dump())):
            assert CANARY not in text
        clone = pickle.loads(pickle.dumps(reader))
        assert clone.api_key is None
        assert CANARY.encode() not in pickle.dumps(reader)


async def test_transcription_reader(tmp_path: Path) -> None:
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    reader = ZaiTranscriptionReader(prompt="Earlier", **fake.config())
    clip = tmp_path / "a.wav"
    clip.write_bytes(wav_bytes())
    docs = reader.load_data([clip, wav_bytes()], extra_info={"speaker": "ann"})
    assert [d.metadata.get("file_name") for d in docs] == ["a.wav", None]
    assert all(d.metadata["speaker"] == "ann" for d in docs)
    assert [d.text for d in await reader.aload_data(str(clip))] == ["Hello from the clip."]
    assert all(b'name="prompt"\r\n\r\nEarlier' in r.content for r in fake.requests)
    with pytest.raises(ValueError, match="under 8000 characters"):
        ZaiTranscriptionReader(prompt="x" * 9000).load_data(clip)


def test_transcription_reader_in_simple_directory_reader(tmp_path: Path) -> None:
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    for name in ("one.wav", "two.wav"):
        (tmp_path / name).write_bytes(wav_bytes())
    (tmp_path / "notes.txt").write_text("plain text")
    reader = ZaiTranscriptionReader(**fake.config())
    docs = SimpleDirectoryReader(str(tmp_path), file_extractor={".wav": reader}).load_data()
    by_name = {d.metadata["file_name"]: d.text for d in docs}
    assert by_name == {
        "one.wav": "Hello from the clip.",
        "two.wav": "Hello from the clip.",
        "notes.txt": "plain text",
    }
    assert len(fake.requests) == 2


def test_documents_are_llama_index_documents() -> None:
    assert isinstance(_search_result_to_document(WebSearchResult("T", "L", "C")), Document)
