"""LangChain agent tools and the GLM-OCR loader / parser over a fake Z.ai (no sockets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents.base import Blob
from langchain_core.exceptions import ModelAPIError, ModelTimeoutError
from langchain_core.load import dumps
from langchain_core.tools import BaseTool
from langchain_tests.unit_tests import ToolsUnitTests

from langchain_zai import ZaiAgentTool, ZaiOCRLoader, ZaiOCRParser, ZaiTranslationTool
from langchain_zai.agents import _progress_data
from langchain_zai.ocr import _layout_to_documents
from tests.documents import pdf_bytes, png_bytes
from tests.unit.services.fakes import CANARY, FakeZai
from tests.unit.services.test_core_ocr import ANSWER
from zai_core import (
    AgentAnswer,
    AgentChunk,
    AgentProgress,
    agent_answer_text,
    join_agent_chunks,
    parse_layout_result,
)

ENV = ({"ZAI_API_KEY": "env-key"}, {}, {"api_key": "env-key"})
PDF = pdf_bytes([["one"], ["two"]])


class TestTranslationToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiTranslationTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"target_lang": "en", "strategy": "general"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "Guten Morgen", "source_lang": "de"}

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ENV


class TestAgentToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return ZaiAgentTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"agent_id": "slides_glm_agent", "streaming": True}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"message": "Five slides on GLM-OCR"}

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ({"ZAI_API_KEY": "env-key"}, {"agent_id": "a"}, {"api_key": "env-key"})


# --------------------------------------------------------------------------- pure conversions


def test_answer_from_chunks() -> None:
    chunks = [
        AgentChunk(text="Good ", conversation_id="c-1"),
        AgentChunk(parts=({"type": "file_url", "file_url": "https://f/deck.pptx"},)),
        AgentChunk(text="morning", finish_reason="stop", usage={"total_tokens": 4}),
    ]
    answer = join_agent_chunks("slides_glm_agent", chunks)
    assert (answer.text, answer.conversation_id, answer.finish_reason) == (
        "Good morning",
        "c-1",
        "stop",
    )
    assert answer.urls == ("https://f/deck.pptx",) and answer.usage == {"total_tokens": 4}
    assert agent_answer_text(answer) == "Good morning\nURL: https://f/deck.pptx"
    assert agent_answer_text(AgentAnswer("x")) == "Z.ai agent x returned no content."


def test_progress_data() -> None:
    answer = AgentAnswer("vidu_template_agent", status="PENDING", async_id="job-1")
    assert _progress_data(AgentProgress(answer, 2, 7.5, 3.0)) == {
        "agent_id": "vidu_template_agent",
        "async_id": "job-1",
        "status": "PENDING",
        "attempt": 2,
        "elapsed": 7.5,
        "next_delay": 3.0,
    }


def test_layout_to_documents_per_page_and_single() -> None:
    result = parse_layout_result(ANSWER)
    pages = _layout_to_documents(result, "scan.pdf", "page")
    assert [d.metadata["page"] for d in pages] == [1, 2]
    first = pages[0]
    assert first.page_content == "# Title\n\nBody one"
    assert first.metadata["source"] == "scan.pdf" and first.metadata["total_pages"] == 2
    assert (first.metadata["page_width"], first.metadata["page_height"]) == (612, 792)
    assert first.metadata["layout_elements"][0] == {
        "index": 0,
        "label": "title",
        "bbox": [0.1, 0.05, 0.9, 0.1],
        "content": "# Title",
    }
    (whole,) = _layout_to_documents(result, "scan.pdf", "single")
    assert whole.page_content == ANSWER["md_results"]
    assert [p["page"] for p in whole.metadata["pages"]] == [1, 2]


# --------------------------------------------------------------------------- OCR loader / parser


def test_loader_sends_paths_and_urls(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(PDF)
    fake = FakeZai({"/layout_parsing": ANSWER})
    loader = ZaiOCRLoader([path, "https://example.com/r.png"], **fake.config())
    docs = list(loader.lazy_load())
    assert [d.metadata["source"] for d in docs] == [str(path)] * 2 + [
        "https://example.com/r.png"
    ] * 2
    bodies = fake.bodies("/layout_parsing")
    assert bodies[1]["file"] == "https://example.com/r.png"
    assert len(bodies[0]["file"]) > 100  # base64 of the PDF
    assert CANARY not in repr(loader)


async def test_parser_async_single_mode_on_a_bytes_blob() -> None:
    fake = FakeZai({"/layout_parsing": ANSWER})
    parser = ZaiOCRParser(mode="single", **fake.config())
    blob = Blob.from_data(png_bytes(), path="photo.png")
    docs = [d async for d in parser.alazy_parse(blob)]
    assert len(docs) == 1 and docs[0].metadata["source"] == "photo.png"


def test_a_bad_page_range_fails_when_built() -> None:
    with pytest.raises(ValueError, match="before start_page_id"):
        ZaiOCRLoader("scan.pdf", start_page_id=5, end_page_id=2)
    with pytest.raises(ValueError, match="mode must be"):
        ZaiOCRParser(mode="pages")  # type: ignore[arg-type]


def test_a_too_long_pdf_is_refused_before_sending() -> None:
    fake = FakeZai({"/layout_parsing": ANSWER})
    parser = ZaiOCRParser(**fake.config())
    with pytest.raises(ValueError, match="at most 100"):
        parser.parse(Blob.from_data(pdf_bytes([["p"]] * 101), path="long.pdf"))
    assert fake.requests == []


# --------------------------------------------------------------------------- agent tools

TRANSLATED = {
    "agent_id": "general_translation",
    "choices": [
        {
            "finish_reason": "stop",
            "messages": [
                {"role": "assistant", "content": {"type": "text", "text": "Good morning"}}
            ],
        }
    ],
    "usage": {"total_tokens": 7},
}


def test_translation_tool_body_and_artifact() -> None:
    fake = FakeZai({"/v1/agents": TRANSLATED})
    tool = ZaiTranslationTool(
        target_lang="en", strategy="general", suggestion="plain", **fake.config()
    )
    message = tool.invoke(
        {
            "name": tool.name,
            "args": {"text": "Guten Morgen", "source_lang": "de"},
            "id": "1",
            "type": "tool_call",
        }
    )
    assert message.content == "Good morning"
    assert message.artifact["usage"] == {"total_tokens": 7}
    assert fake.bodies("/v1/agents") == [
        {
            "agent_id": "general_translation",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Guten Morgen"}]}],
            "stream": False,
            "custom_variables": {
                "target_lang": "en",
                "source_lang": "de",
                "strategy": "general",
                "strategy_config": {"general": {"suggestion": "plain"}},
            },
        }
    ]
    assert str(fake.requests[0].url) == "https://api.z.ai/api/v1/agents"


def test_translation_tool_serializes_without_the_key() -> None:
    tool = ZaiTranslationTool(api_key=CANARY, target_lang="fr")
    assert CANARY not in dumps(tool) and CANARY not in repr(tool)


def _sse_client_config(events: list[Any]) -> dict[str, Any]:
    content = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=content)

    transport = httpx.MockTransport(handle)
    return {
        "api_key": CANARY,
        "max_retries": 0,
        "http_client": httpx.Client(transport=transport),
        "http_async_client": httpx.AsyncClient(transport=transport),
    }


STREAM = [
    {"conversation_id": "c-9", "choices": [{"delta": {"content": "Slide 1"}}]},
    {"choices": [{"delta": {"content": ", Slide 2"}}]},
    {"choices": [{"finish_reason": "stop", "delta": {}}]},
]


class _Texts(BaseCallbackHandler):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def on_text(self, text: str, **kwargs: Any) -> None:
        self.texts.append(text)


def test_streaming_agent_reports_each_piece() -> None:
    tool = ZaiAgentTool(agent_id="slides_glm_agent", streaming=True, **_sse_client_config(STREAM))
    texts = _Texts()
    content = tool.invoke({"message": "GLM-OCR"}, config={"callbacks": [texts]})
    assert content == "Slide 1, Slide 2"
    assert texts.texts == ["Slide 1", ", Slide 2"]


async def test_streaming_agent_custom_events_async() -> None:
    tool = ZaiAgentTool(agent_id="slides_glm_agent", streaming=True, **_sse_client_config(STREAM))
    events = [
        e
        async for e in tool.astream_events({"message": "GLM-OCR"}, version="v2")
        if e["event"] == "on_custom_event"
    ]
    assert [(e["name"], e["data"]["text"]) for e in events] == [
        ("zai_agent_chunk", "Slide 1"),
        ("zai_agent_chunk", ", Slide 2"),
    ]


PENDING = {"agent_id": "vidu_template_agent", "async_id": "job-1", "status": "pending"}
DONE = {
    "agent_id": "vidu_template_agent",
    "async_id": "job-1",
    "status": "success",
    "choices": [
        {
            "messages": [
                {
                    "role": "assistant",
                    "content": [{"type": "video_url", "video_url": {"url": "https://v/1.mp4"}}],
                }
            ]
        }
    ],
}


async def test_async_agent_progress_events_then_urls() -> None:
    fake = FakeZai({"/v1/agents/async-result": [PENDING, DONE], "/v1/agents": PENDING})
    tool = ZaiAgentTool(
        agent_id="vidu_template_agent",
        custom_variables={"template": "bodyshake"},
        poll_interval=0,
        **fake.config(),
    )
    events = [e async for e in tool.astream_events({"message": "animate"}, version="v2")]
    progress = [e["data"]["status"] for e in events if e["event"] == "on_custom_event"]
    assert progress == ["PENDING", "SUCCESS"]
    end = next(e for e in events if e["event"] == "on_tool_end")
    assert end["data"]["output"] == "URL: https://v/1.mp4"
    assert fake.bodies("/v1/agents")[0]["custom_variables"] == {"template": "bodyshake"}


def test_failed_async_agent_raises_a_model_api_error() -> None:
    failed = {**PENDING, "status": "failed"}
    fake = FakeZai({"/v1/agents/async-result": failed, "/v1/agents": PENDING})
    tool = ZaiAgentTool(agent_id="vidu_template_agent", poll_interval=0, **fake.config())
    with pytest.raises(ModelAPIError, match="job-1 failed"):
        tool.invoke({"message": "animate"})


def test_pending_agent_past_the_deadline_times_out() -> None:
    fake = FakeZai({"/v1/agents/async-result": PENDING, "/v1/agents": PENDING})
    tool = ZaiAgentTool(
        agent_id="vidu_template_agent", poll_interval=0, poll_timeout=0.05, **fake.config()
    )
    with pytest.raises(ModelTimeoutError, match="job-1"):
        tool.invoke({"message": "animate"})
