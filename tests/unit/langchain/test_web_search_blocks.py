"""Z.ai's built-in web search as LangChain standard content: server tool blocks, citations."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage

from tests.unit.langchain.fakes import FakeZai, chunk, completion, final, sse

# The documented shape (docs.z.ai chat completion schema); no real recording exists.
RESULTS = [
    {
        "title": "GLM-4.7 released",
        "content": "Zhipu released GLM-4.7 on 22 December.",
        "link": "https://news.example.org/glm-4-7",
        "media": "Example News",
        "icon": "https://news.example.org/favicon.ico",
        "refer": "ref_1",
        "publish_date": "2025-12-22",
    },
    {
        "title": "Benchmarks",
        "content": "GLM-4.7 leads open models on SWE-bench.",
        "link": "https://bench.example.com/glm",
        "media": "Bench",
        "icon": "",
        "refer": "ref_2",
        "publish_date": "2025-12-23",
    },
]
ANSWER = "GLM-4.7 came out on 22 December [ref_1]. It leads open models [ref_2]."
REASONING = "Search, then answer."
SEARCH = {"type": "web_search", "web_search": {"search_result": True, "search_query": "GLM-4.7"}}


def _respond(body: dict[str, Any]) -> httpx.Response:
    if body.get("stream"):
        pieces = [ANSWER[i : i + 7] for i in range(0, len(ANSWER), 7)]
        events = [chunk({"role": "assistant", "reasoning_content": REASONING})]
        events += [chunk({"role": "assistant", "content": p}) for p in pieces]
        return sse([*events, final(web_search=RESULTS)])
    message = {"role": "assistant", "content": ANSWER, "reasoning_content": REASONING}
    return httpx.Response(200, json=completion(message, web_search=RESULTS))


def _model(fake: FakeZai, **kwargs: Any) -> Any:
    return fake.model(**kwargs).bind_tools([SEARCH])


def _merged(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    total = chunks[0]
    for piece in chunks[1:]:
        total = total + piece
    return total


def _without_index(blocks: list[Any]) -> list[Any]:
    return [{k: v for k, v in b.items() if k != "index"} for b in blocks]


def test_non_streamed_answer_has_search_blocks_and_citations() -> None:
    message = _model(FakeZai(_respond)).invoke("What is new with GLM?")
    blocks = message.content_blocks
    assert [b["type"] for b in blocks] == [
        "reasoning",
        "text",
        "server_tool_call",
        "server_tool_result",
    ]
    call, result = blocks[2], blocks[3]
    assert call == {
        "type": "server_tool_call",
        "id": "zai_web_search",
        "name": "web_search",
        "args": {"query": "GLM-4.7"},
    }
    assert result["tool_call_id"] == call["id"] and result["status"] == "success"
    assert [(r["title"], r["link"], r["media"], r["publish_date"]) for r in result["output"]] == [
        (r["title"], r["link"], r["media"], r["publish_date"]) for r in RESULTS
    ]
    text = blocks[1]
    assert text["text"] == ANSWER  # the markers stay: the indices point into this text
    first, second = text["annotations"]
    assert first["type"] == "citation"
    assert (first["url"], first["title"], first["cited_text"]) == (
        RESULTS[0]["link"],
        RESULTS[0]["title"],
        RESULTS[0]["content"],
    )
    assert ANSWER[first["start_index"] : first["end_index"]] == "GLM-4.7 came out on 22 December"
    assert ANSWER[second["start_index"] : second["end_index"]] == "It leads open models"
    assert second["url"] == RESULTS[1]["link"] and second["extras"]["refer"] == "ref_2"
    # the raw forms stay where they were
    assert message.response_metadata["web_search"] == RESULTS
    assert message.content == ANSWER


def test_query_is_unset_when_the_model_chose_it() -> None:
    model = FakeZai(_respond).model().bind_tools([{"type": "web_search", "web_search": {}}])
    call = next(b for b in model.invoke("hi").content_blocks if b["type"] == "server_tool_call")
    assert call["args"] == {}  # Z.ai does not report the query it searched


def test_streamed_and_non_streamed_give_the_same_blocks() -> None:
    model = _model(FakeZai(_respond))
    plain = model.invoke("What is new with GLM?")
    streamed = _merged(list(model.stream("What is new with GLM?")))
    assert streamed.content_blocks == plain.content_blocks
    assert (
        streamed.response_metadata["web_search_citations"]
        == (plain.response_metadata["web_search_citations"])
    )


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_output_version_v1(stream: bool) -> None:
    plain = _model(FakeZai(_respond)).invoke("q")
    model = _model(FakeZai(_respond), output_version="v1")
    message = _merged(list(model.stream("q"))) if stream else model.invoke("q")
    assert isinstance(message.content, list)
    assert _without_index(message.content) == plain.content_blocks


async def test_async_stream_gives_the_same_blocks() -> None:
    model = _model(FakeZai(_respond))
    plain = await model.ainvoke("q")
    streamed = _merged([c async for c in model.astream("q")])
    assert streamed.content_blocks == plain.content_blocks


@pytest.mark.parametrize("output_version", ["v0", "v1"])
def test_grounded_message_goes_back_as_a_valid_request(output_version: str) -> None:
    fake = FakeZai(_respond)
    model = _model(fake, output_version=output_version)
    answer = model.invoke("What is new with GLM?")
    if output_version == "v1":  # a v1 message rebuilt from its blocks, as a store would
        answer = AIMessage(content=json.loads(json.dumps(answer.content)))
    model.invoke([HumanMessage("What is new with GLM?"), answer, HumanMessage("And then?")])
    sent = fake.bodies[-1]["messages"]
    assert sent[1] == {"role": "assistant", "content": ANSWER, "reasoning_content": REASONING}
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]


def test_answer_without_search_has_no_search_blocks() -> None:
    plain = FakeZai(
        lambda body: httpx.Response(200, json=completion({"role": "assistant", "content": "Hi"}))
    )
    blocks = plain.model().invoke("hi").content_blocks
    assert blocks == [{"type": "text", "text": "Hi"}]


CALL = {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a":1}'}}


def _respond_with_call(body: dict[str, Any]) -> httpx.Response:
    """A search and a function call in one answer (no text)."""
    if body.get("stream"):
        events = [chunk({"tool_calls": [{**CALL, "index": 0}]})]
        return sse([*events, final("tool_calls", web_search=RESULTS)])
    message = {"role": "assistant", "content": "", "tool_calls": [{**CALL, "index": 0}]}
    return httpx.Response(200, json=completion(message, "tool_calls", web_search=RESULTS))


def add(a: int) -> int:
    """Add one."""
    return a + 1


@pytest.mark.parametrize("output_version", ["v0", "v1"])
def test_search_with_a_function_call_streams_the_same_blocks(output_version: str) -> None:
    model = FakeZai(_respond_with_call).model(output_version=output_version)
    bound = model.bind_tools([add, SEARCH])
    plain = bound.invoke("q")
    streamed = _merged(list(bound.stream("q")))
    assert [b["type"] for b in plain.content_blocks] == [
        "tool_call",
        "server_tool_call",
        "server_tool_result",
    ]
    assert _without_index(streamed.content_blocks) == _without_index(plain.content_blocks)
    assert streamed.tool_calls == plain.tool_calls
