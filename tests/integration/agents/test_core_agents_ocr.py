"""zai_core agents, file upload and layout parsing, replayed from cassettes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.llama_index._tools import sent_bodies
from zai_core import (
    BadRequestError,
    InternalServerError,
    PollPolicy,
    aagent_chat,
    agent_conversation,
    aread_document,
    arun_agent,
    astream_agent,
    build_translation_variables,
    create_client,
    read_document,
    run_agent,
    stream_agent,
    upload_file,
)

pytestmark = pytest.mark.vcr

FAST = PollPolicy(interval=0, max_interval=0)
VIDEO_INPUT = [
    {"role": "user", "content": [{"type": "image_url", "image_url": "https://x/me.png"}]}
]


async def test_translation_agent(vcr: Any) -> None:
    variables = build_translation_variables("en", source_lang="de", strategy="general")
    answer = await aagent_chat(
        create_client(), "general_translation", "Guten Morgen", custom_variables=variables
    )
    assert answer.text == "Good morning" and answer.finish_reason == "stop"
    assert answer.usage["total_tokens"] > 0
    assert vcr.requests[0].uri == "https://api.z.ai/api/v1/agents"


def test_streamed_slides_agent_and_its_history(vcr: Any) -> None:
    client = create_client()
    chunks = list(stream_agent(client, "slides_glm_agent", "GLM-OCR for scanned reports"))
    assert len(chunks) > 3 and chunks[-1].finish_reason == "stop"
    text = "".join(c.text for c in chunks)
    assert text.startswith("Slide 1: GLM-OCR for scanned reports")
    conversation = next(c.conversation_id for c in chunks if c.conversation_id)
    history = agent_conversation(client, "slides_glm_agent", conversation)
    assert [m["role"] for m in history.messages] == ["user", "assistant"]
    assert history.messages[1]["content"] == text
    assert vcr.requests[1].uri == "https://api.z.ai/api/v1/agents/conversation"


async def test_streamed_translation_async(vcr: Any) -> None:
    variables = build_translation_variables("fr")
    pieces = [
        c.text
        async for c in astream_agent(
            create_client(), "general_translation", "Good morning", custom_variables=variables
        )
    ]
    assert "".join(pieces) == "Bonjour"


def test_async_video_agent_polls_until_success(vcr: Any) -> None:
    seen: list[str] = []
    answer = run_agent(
        create_client(),
        "vidu_template_agent",
        VIDEO_INPUT,
        custom_variables={"template": "bodyshake"},
        policy=FAST,
        on_progress=lambda p: seen.append(p.answer.status),
    )
    assert seen == ["PENDING", "SUCCESS"]
    assert answer.urls and answer.urls[0].endswith(".mp4")
    bodies = sent_bodies(vcr)
    assert bodies[1] == {"agent_id": "vidu_template_agent", "async_id": answer.async_id}


async def test_async_video_agent_failed(vcr: Any) -> None:
    with pytest.raises(InternalServerError, match="failed"):
        await arun_agent(
            create_client(),
            "vidu_template_agent",
            VIDEO_INPUT,
            custom_variables={"template": "emulate-fail"},
            policy=FAST,
        )


def test_unknown_agent_is_a_bad_request(vcr: Any) -> None:
    with pytest.raises(BadRequestError, match="agent_id"):
        run_agent(create_client(max_retries=0), "no_such_agent", "hello")


def test_upload_a_glossary(vcr: Any, tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    path.write_bytes(b"source,target\nGLM,GLM\n")
    uploaded = upload_file(create_client(), path, purpose="agent")
    assert uploaded.id.startswith("file-") and uploaded.filename == "glossary.csv"
    assert uploaded.bytes == path.stat().st_size and uploaded.purpose == "agent"


def test_read_document_pages(vcr: Any, report: Path) -> None:
    result = read_document(create_client(), report)
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert result.pages[0].markdown.startswith("## Quarterly report")
    assert "Revenue grew 12 percent" in result.pages[0].markdown
    assert (result.pages[0].width, result.pages[0].height) == (612, 792)
    assert [e.label for e in result.pages[0].elements] == ["title", "text", "text"]


async def test_read_document_page_range_async(vcr: Any, report: Path) -> None:
    result = await aread_document(create_client(), report, start_page_id=2, end_page_id=3)
    assert [p.number for p in result.pages] == [2, 3]
    assert result.pages[1].markdown.startswith("## Risks")
    assert sent_bodies(vcr)[0]["start_page_id"] == 2
