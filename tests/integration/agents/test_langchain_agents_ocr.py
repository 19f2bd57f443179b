"""LangChain GLM-OCR loader and agent tools against cassettes (standard tool suites too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents.base import Blob
from langchain_core.exceptions import ModelAPIError
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ToolsIntegrationTests

from langchain_zai import ZaiAgentTool, ZaiOCRLoader, ZaiOCRParser, ZaiTranslationTool

pytestmark = pytest.mark.vcr

FAST = {"poll_interval": 0, "max_poll_interval": 0}


class TestZaiTranslationTool(ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiTranslationTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"target_lang": "en", "strategy": "general"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "Guten Morgen", "source_lang": "de"}


class TestZaiAgentTool(ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiAgentTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"agent_id": "slides_glm_agent", "streaming": True}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"message": "GLM-OCR in three slides"}


def test_loader_one_document_per_page(report: Path) -> None:
    docs = ZaiOCRLoader(report).load()
    assert [d.metadata["page"] for d in docs] == [1, 2, 3]
    first = docs[0]
    assert first.page_content.startswith("## Quarterly report")
    assert first.metadata["source"] == str(report) and first.metadata["total_pages"] == 3
    assert (first.metadata["page_width"], first.metadata["page_height"]) == (612, 792)
    labels = [e["label"] for e in first.metadata["layout_elements"]]
    assert labels == ["title", "text", "text"]
    assert len(first.metadata["layout_elements"][0]["bbox"]) == 4


async def test_loader_whole_document_async(report: Path) -> None:
    docs = [d async for d in ZaiOCRLoader(report, mode="single").alazy_load()]
    assert len(docs) == 1
    assert "Supply chain delays" in docs[0].page_content
    assert [p["page"] for p in docs[0].metadata["pages"]] == [1, 2, 3]


def test_parser_on_a_blob_page_range(report: Path) -> None:
    parser = ZaiOCRParser(start_page_id=2, end_page_id=2)
    (doc,) = parser.parse(Blob.from_path(report))
    assert doc.metadata["page"] == 2 and doc.page_content.startswith("## Outlook")


def test_translation_tool_streams_to_callbacks() -> None:
    tool = ZaiTranslationTool(target_lang="fr", streaming=True)
    assert tool.invoke({"text": "Good morning"}) == "Bonjour"


async def test_video_agent_tool_reports_progress() -> None:
    tool = ZaiAgentTool(
        agent_id="vidu_template_agent", custom_variables={"template": "bodyshake"}, **FAST
    )
    events = [e async for e in tool.astream_events({"message": "animate me"}, version="v2")]
    progress = [e["data"]["status"] for e in events if e["event"] == "on_custom_event"]
    assert progress == ["PENDING", "SUCCESS"]
    output = next(e for e in events if e["event"] == "on_tool_end")["data"]["output"]
    assert output.startswith("URL: https://") and output.endswith(".mp4")


def test_failed_video_agent_tool() -> None:
    tool = ZaiAgentTool(
        agent_id="vidu_template_agent", custom_variables={"template": "emulate-fail"}, **FAST
    )
    with pytest.raises(ModelAPIError, match="failed"):
        tool.invoke({"message": "animate me"})
