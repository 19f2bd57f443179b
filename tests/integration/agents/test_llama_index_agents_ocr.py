"""LlamaIndex GLM-OCR reader (directory reader, ingestion, index) and agent tool spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.node_parser import SentenceSplitter

from llama_index_zai import Zai, ZaiAgentToolSpec, ZaiEmbedding, ZaiOCRReader
from zai_core import InternalServerError

pytestmark = pytest.mark.vcr


def test_reader_in_simple_directory_reader(report: Path) -> None:
    docs = SimpleDirectoryReader(
        str(report.parent), file_extractor={".pdf": ZaiOCRReader()}, raise_on_error=True
    ).load_data()
    assert [d.metadata["page_label"] for d in docs] == ["1", "2", "3"]
    assert docs[0].metadata["file_name"] == "report.pdf"
    assert docs[0].metadata["layout_elements"][0]["label"] == "title"
    assert docs[2].text.startswith("## Risks")


async def test_reader_in_an_ingestion_pipeline(report: Path) -> None:
    docs = await ZaiOCRReader().aload_data(report)
    pipeline = IngestionPipeline(
        transformations=[
            SentenceSplitter(chunk_size=128, chunk_overlap=0),
            ZaiEmbedding(dimensions=256),
        ]
    )
    nodes = await pipeline.arun(documents=docs)
    assert len(nodes) == 3
    assert all(len(n.embedding or []) == 256 for n in nodes)
    assert [n.metadata["page_label"] for n in nodes] == ["1", "2", "3"]


def test_pdf_to_cited_answer(report: Path) -> None:
    docs = ZaiOCRReader().load_data(report)
    index = VectorStoreIndex.from_documents(docs, embed_model=ZaiEmbedding(dimensions=256))
    engine = index.as_query_engine(llm=Zai(model="glm-4.7-flash"), similarity_top_k=1)
    response = engine.query("What revenue growth does the company expect next year?")
    (source,) = response.source_nodes
    assert source.node.metadata["page_label"] == "2"
    assert "8 percent" in str(response)


def test_translate_and_stream_a_slides_agent() -> None:
    spec = ZaiAgentToolSpec(target_lang="en")
    assert spec.translate("Bonjour") == "Hello"
    slides = ZaiAgentToolSpec(agent_id="slides_glm_agent", streaming=True)
    assert slides.call_agent("Quarterly report").startswith("Slide 1: Quarterly report")


async def test_async_video_agent_and_failure() -> None:
    statuses: list[str] = []
    spec = ZaiAgentToolSpec(
        agent_id="vidu_template_agent",
        custom_variables={"template": "bodyshake"},
        agent_poll_interval=0,
        on_agent_progress=lambda p: statuses.append(p.answer.status),
    )
    tools = {t.metadata.name: t for t in spec.to_tool_list()}
    output = await tools["call_agent"].acall(message="animate me")
    assert output.content.endswith(".mp4") and statuses == ["PENDING", "SUCCESS"]
    failing = ZaiAgentToolSpec(
        agent_id="vidu_template_agent",
        custom_variables={"template": "emulate-fail"},
        agent_poll_interval=0,
    )
    with pytest.raises(InternalServerError, match="failed"):
        await failing.acall_agent("animate me")
