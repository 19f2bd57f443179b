"""Z.ai's built-in web search in LlamaIndex: ``CitationBlock``s, raw results kept."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from llama_index.core.base.llms.types import ChatMessage, CitationBlock, TextBlock

from llama_index_zai import Zai
from tests.unit.core.fakes import (
    CANARY,
    FakeServer,
    chunk,
    completion,
    json_reply,
    raw_reply,
    sse_body,
)
from tests.unit.langchain.test_web_search_blocks import ANSWER, RESULTS

SEARCH = {"type": "web_search", "web_search": {"search_result": True}}
HI = [ChatMessage(role="user", content="What is new with GLM?")]


def _grounded() -> dict[str, Any]:
    return {**completion(ANSWER), "web_search": RESULTS}


def _streamed() -> bytes:
    pieces = [chunk(ANSWER[i : i + 9]) for i in range(0, len(ANSWER), 9)]
    last = {**chunk("", finish_reason="stop", usage={"prompt_tokens": 3}), "web_search": RESULTS}
    return sse_body(*pieces, last)


def _llm(*replies: Any) -> tuple[Zai, FakeServer]:
    server = FakeServer(*replies)
    transport = httpx.MockTransport(server.handle)
    llm = Zai(
        api_key=CANARY,
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )
    return llm, server


def _citations(message: ChatMessage) -> list[CitationBlock]:
    return [b for b in message.blocks if isinstance(b, CitationBlock)]


def test_citations_follow_the_text() -> None:
    llm, _ = _llm(json_reply(200, _grounded()))
    response = llm.chat(HI, tools=[SEARCH])
    blocks = response.message.blocks
    assert isinstance(blocks[0], TextBlock) and blocks[0].text == ANSWER
    first, second = _citations(response.message)
    assert (first.source, first.title) == (RESULTS[0]["link"], RESULTS[0]["title"])
    assert isinstance(first.cited_content, TextBlock)
    assert first.cited_content.text == RESULTS[0]["content"]
    where = first.additional_location_info
    assert ANSWER[where["start_char_index"] : where["end_char_index"]] == (
        "GLM-4.7 came out on 22 December"
    )
    assert ANSWER[where["marker_start_char_index"] : where["marker_end_char_index"]] == "[ref_1]"
    assert (where["ref"], second.additional_location_info["ref"]) == (1, 2)
    assert response.message.content == ANSWER  # the text is unchanged
    assert response.additional_kwargs["web_search"] == RESULTS  # raw results kept


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_streamed_answer_ends_with_the_same_blocks(mode: str) -> None:
    llm, _ = _llm(json_reply(200, _grounded()), raw_reply(200, [_streamed()]))
    plain = llm.chat(HI)
    if mode == "sync":
        last = list(llm.stream_chat(HI))[-1]
    else:
        last = [r async for r in await llm.astream_chat(HI)][-1]
    assert last.message.blocks == plain.message.blocks
    assert last.additional_kwargs["web_search"] == RESULTS


def test_grounded_answer_goes_back_as_plain_text() -> None:
    llm, server = _llm(json_reply(200, _grounded()), json_reply(200, completion("Sure.")))
    answer = llm.chat(HI).message
    llm.chat([*HI, answer, ChatMessage(role="user", content="And then?")])
    sent = json.loads(server.requests[1].content)["messages"]
    assert sent[1] == {"role": "assistant", "content": ANSWER}


def test_no_search_no_citations() -> None:
    llm, _ = _llm(json_reply(200, completion("Hi [ref_1]")))
    assert _citations(llm.chat(HI).message) == []
