"""LlamaIndex GLM-OCR reader and agent tool spec over a fake Z.ai (no sockets)."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llama_index.core import MockEmbedding, SimpleDirectoryReader
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import MetadataMode

from llama_index_zai import ZaiAgentToolSpec, ZaiOCRReader
from llama_index_zai.ocr import _layout_to_documents
from tests.documents import pdf_bytes
from tests.unit.services.fakes import CANARY, FakeZai
from tests.unit.services.test_core_ocr import ANSWER
from tests.unit.services.test_langchain_agents_ocr import (
    DONE,
    PENDING,
    STREAM,
    TRANSLATED,
    _sse_client_config,
)
from zai_core import InternalServerError, parse_layout_result

PDF = pdf_bytes([["one"], ["two"]])


class Recorder(BaseEventHandler):
    events: list[BaseEvent] = []

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        self.events.append(event)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    root = get_dispatcher()
    handler = Recorder(events=[])
    root.add_event_handler(handler)
    yield handler
    root.event_handlers.remove(handler)


# --------------------------------------------------------------------------- OCR reader


def test_documents_per_page_cite_their_page() -> None:
    docs = _layout_to_documents(parse_layout_result(ANSWER), "/scans/report.pdf", "page")
    assert [d.metadata["page_label"] for d in docs] == ["1", "2"]
    first = docs[0]
    assert first.text == "# Title\n\nBody one"
    assert first.metadata["file_name"] == "report.pdf" and first.metadata["page"] == 1
    assert (first.metadata["page_width"], first.metadata["page_height"]) == (612, 792)
    assert first.metadata["layout_elements"][1]["bbox"] == [0.1, 0.2, 0.9, 0.3]
    shown = first.get_metadata_str(MetadataMode.LLM)
    assert shown == "file_name: report.pdf\npage_label: 1"  # the layout stays out of prompts
    assert first.get_metadata_str(MetadataMode.EMBED) == shown


def test_single_mode() -> None:
    (doc,) = _layout_to_documents(parse_layout_result(ANSWER), "a.pdf", "single")
    assert doc.text == ANSWER["md_results"] and len(doc.metadata["pages"]) == 2


def test_simple_directory_reader_and_ingestion_pipeline(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(PDF)
    fake = FakeZai({"/layout_parsing": ANSWER})
    reader = ZaiOCRReader(**fake.config())
    docs = SimpleDirectoryReader(
        str(tmp_path), file_extractor={".pdf": reader}, raise_on_error=True
    ).load_data()
    assert [d.metadata["page_label"] for d in docs] == ["1", "2"]
    assert docs[0].metadata["file_name"] == "report.pdf"
    assert docs[0].metadata["file_path"].endswith("report.pdf")  # SimpleDirectoryReader's
    pipeline = IngestionPipeline(
        transformations=[
            SentenceSplitter(chunk_size=64, chunk_overlap=0),
            MockEmbedding(embed_dim=8),
        ]
    )
    nodes = pipeline.run(documents=docs)
    assert len(nodes) == 2 and all(n.embedding for n in nodes)
    assert nodes[1].metadata["page_label"] == "2"


async def test_async_load_of_bytes_and_url() -> None:
    fake = FakeZai({"/layout_parsing": ANSWER})
    reader = ZaiOCRReader(start_page_id=3, end_page_id=4, **fake.config())
    four = pdf_bytes([["a"], ["b"], ["c"], ["d"]])
    docs = await reader.aload_data([four, "https://example.com/scan.pdf"])
    assert [d.metadata["page"] for d in docs] == [3, 4, 3, 4]
    assert docs[2].metadata["source"] == "https://example.com/scan.pdf"
    bodies = fake.bodies("/layout_parsing")
    assert bodies[1]["file"] == "https://example.com/scan.pdf"
    assert bodies[0]["start_page_id"] == 3


def test_reader_checks_before_sending_and_keeps_its_key() -> None:
    with pytest.raises(ValueError, match="before start_page_id"):
        ZaiOCRReader(start_page_id=4, end_page_id=2)
    fake = FakeZai({"/layout_parsing": ANSWER})
    reader = ZaiOCRReader(**fake.config(api_key=CANARY))
    with pytest.raises(ValueError, match="PDF, JPG and PNG"):
        reader.load_data(b"plain text")
    assert fake.requests == []
    assert CANARY not in repr(reader) and CANARY not in reader.model_dump_json()


# --------------------------------------------------------------------------- agent tool spec


def test_translate_body() -> None:
    fake = FakeZai({"/v1/agents": TRANSLATED})
    spec = ZaiAgentToolSpec(target_lang="en", strategy="paraphrase", **fake.config())
    assert spec.translate("Guten Morgen", source_lang="de") == "Good morning"
    (body,) = fake.bodies("/v1/agents")
    assert body["agent_id"] == "general_translation"
    assert body["custom_variables"] == {
        "target_lang": "en",
        "source_lang": "de",
        "strategy": "paraphrase",
    }
    names = [t.metadata.name for t in spec.to_tool_list()]
    assert names == ["translate", "call_agent"]


def test_tool_list_runs_async_functions() -> None:
    fake = FakeZai({"/v1/agents": TRANSLATED})
    spec = ZaiAgentToolSpec(**fake.config())
    tool = spec.to_tool_list()[0]
    output = asyncio.run(tool.acall(text="Guten Morgen", target_lang="en"))
    assert output.content == "Good morning"


def test_streaming_call_agent_sends_chunk_events(recorder: Recorder) -> None:
    spec = ZaiAgentToolSpec(
        agent_id="slides_glm_agent", streaming=True, **_sse_client_config(STREAM)
    )
    assert spec.call_agent("GLM-OCR") == "Slide 1, Slide 2"
    chunks = [e.text for e in recorder.events if e.class_name() == "ZaiAgentChunkEvent"]
    assert chunks == ["Slide 1", ", Slide 2"]


async def test_async_call_agent_reports_polls(recorder: Recorder) -> None:
    fake = FakeZai({"/v1/agents/async-result": [PENDING, DONE], "/v1/agents": PENDING})
    seen: list[str] = []

    async def progress(p: Any) -> None:
        seen.append(p.answer.status)

    spec = ZaiAgentToolSpec(
        agent_id="vidu_template_agent",
        custom_variables={"template": "bodyshake"},
        agent_poll_interval=0,
        on_agent_progress=progress,
        **fake.config(),
    )
    assert await spec.acall_agent("animate") == "URL: https://v/1.mp4"
    assert seen == ["PENDING", "SUCCESS"]
    statuses = [e.status for e in recorder.events if e.class_name() == "ZaiAgentProgressEvent"]
    assert statuses == ["PENDING", "SUCCESS"]


def test_failed_call_agent_raises() -> None:
    failed = {**PENDING, "status": "failed"}
    fake = FakeZai({"/v1/agents/async-result": failed, "/v1/agents": PENDING})
    spec = ZaiAgentToolSpec(agent_id="vidu_template_agent", agent_poll_interval=0, **fake.config())
    with pytest.raises(InternalServerError, match="job-1 failed"):
        spec.call_agent("animate")


def test_bad_options_fail_when_built_and_pickles_drop_the_key() -> None:
    with pytest.raises(ValueError, match="strategy must be one of"):
        ZaiAgentToolSpec(strategy="literal")
    spec = ZaiAgentToolSpec(api_key=CANARY)
    assert CANARY.encode() not in pickle.dumps(spec)
