"""``Zai`` without a network: the LlamaIndex template, settings, metadata, request bodies."""

from __future__ import annotations

import asyncio
import json
import pickle
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from llama_index.core.base.llms.base import BaseLLM
from llama_index.core.base.llms.types import ChatMessage, ImageBlock, TextBlock
from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.tools import FunctionTool

from llama_index.llms.zai import Zai as ZaiFromNamespace
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
from tests.unit.payload_forms import payload_forms
from zai_core import MissingAPIKeyError, QuotaExceededError

HI = [ChatMessage(role="user", content="Hello")]
STREAM = sse_body(
    chunk(reasoning="Hmm."),
    chunk("Hi"),
    chunk("!"),
    chunk("", finish_reason="stop", usage={"prompt_tokens": 3, "completion_tokens": 4}),
)


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def mul(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


ADD, MUL = FunctionTool.from_defaults(fn=add), FunctionTool.from_defaults(fn=mul)


def _llm(server: FakeServer, **kwargs: Any) -> Zai:
    transport = httpx.MockTransport(server.handle)
    kwargs.setdefault("api_key", CANARY)
    return Zai(
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        **kwargs,
    )


def _sent(server: FakeServer, n: int = 0) -> dict[str, Any]:
    return json.loads(server.requests[n].content)  # type: ignore[no-any-return]


# --------------------------------------------------------------------- template and identity


def test_llm_class() -> None:
    names_of_base_classes = [b.__name__ for b in Zai.__mro__]
    assert BaseLLM.__name__ in names_of_base_classes
    assert FunctionCallingLLM.__name__ in names_of_base_classes


def test_namespace_import_is_the_same_class() -> None:
    assert ZaiFromNamespace is Zai


def test_class_name_is_stable() -> None:
    assert Zai.class_name() == "Zai"
    assert Zai().to_dict()["class_name"] == "Zai"


def test_serialization_never_contains_the_key() -> None:
    llm = Zai(api_key=CANARY, model="glm-4.6", temperature=0.3, thinking={"type": "disabled"})
    data = llm.to_dict()
    assert "api_key" not in data
    for text in (json.dumps(data), llm.to_json(), str(llm), repr(llm), *payload_forms(llm)):
        assert CANARY not in text
    again = Zai.from_dict(data)
    assert again.model == "glm-4.6"
    assert again.temperature == 0.3
    assert again.thinking == {"type": "disabled"}
    assert again.api_key is None  # back to ZAI_API_KEY


def test_pickle_round_trip_keeps_settings_not_the_key() -> None:
    original = Zai(api_key=CANARY, model="glm-4.5", max_tokens=100)
    original._get_client()  # the client holds the key in its headers
    data = pickle.dumps(original)
    assert CANARY.encode() not in data
    llm = pickle.loads(data)
    assert (llm.model, llm.max_tokens, llm.api_key) == ("glm-4.5", 100, None)


# --------------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("model", "context_window", "function_calling"),
    [
        ("glm-4.7", 204_800, True),
        ("glm-4.5", 131_072, True),
        ("glm-4.6v", 128_000, True),
        ("glm-4.5v", 64_000, False),
        ("glm-9-preview", 128_000, True),  # unknown: conservative defaults, never raises
    ],
)
def test_metadata_from_catalog(model: str, context_window: int, function_calling: bool) -> None:
    meta = Zai(model=model).metadata
    assert meta.context_window == context_window
    assert meta.is_function_calling_model is function_calling
    assert meta.is_chat_model is True
    assert meta.model_name == model


def test_num_output_follows_max_tokens() -> None:
    assert Zai(model="glm-4.7").metadata.num_output == -1  # unset: as llama-index-llms-openai
    assert Zai(model="glm-4.7", max_tokens=2048).metadata.num_output == 2048
    llm = Zai(model="glm-4.7")
    llm.max_tokens = 77
    assert llm.metadata.num_output == 77


def _words(n: int) -> list[str]:
    return ["w"] * n


def test_prompt_helper_gives_rag_nearly_the_whole_window() -> None:
    """With max_tokens unset, PromptHelper reserves its 256-token default, not 128K."""
    from llama_index.core.constants import DEFAULT_NUM_OUTPUTS
    from llama_index.core.indices.prompt_helper import PromptHelper

    unset = PromptHelper.from_llm_metadata(Zai(model="glm-4.7").metadata, tokenizer=str.split)
    assert unset.num_output == DEFAULT_NUM_OUTPUTS
    assert unset._get_available_context_size(0) == 204_800 - DEFAULT_NUM_OUTPUTS
    capped = Zai(model="glm-4.7", max_tokens=4096).metadata
    helper = PromptHelper.from_llm_metadata(capped, tokenizer=str.split)
    assert helper._get_available_context_size(0) == 204_800 - 4096


def test_query_engine_packs_a_large_context_into_one_request() -> None:
    """A compact synthesizer sends 150K words of context in one request (it took three when
    num_output claimed the catalog's 128K output limit)."""
    from llama_index.core import get_response_synthesizer
    from llama_index.core.indices.prompt_helper import PromptHelper
    from llama_index.core.schema import NodeWithScore, TextNode

    server = FakeServer(json_reply(200, completion("All about w.")))
    llm = _llm(server, model="glm-4.7")
    helper = PromptHelper.from_llm_metadata(llm.metadata, tokenizer=str.split)
    synthesizer = get_response_synthesizer(llm=llm, prompt_helper=helper, response_mode="compact")
    nodes = [NodeWithScore(node=TextNode(text=" ".join(_words(50_000)))) for _ in range(3)]
    answer = synthesizer.synthesize("What is this about?", nodes=nodes)
    assert str(answer) == "All about w."
    assert len(server.requests) == 1  # FakeServer fails on a second, unscripted request
    prompt = _sent(server)["messages"][-1]["content"]
    assert prompt.count("w ") >= 149_000


def test_context_window_override() -> None:
    assert Zai(model="my-finetune", context_window=32_000).metadata.context_window == 32_000


# --------------------------------------------------------------------- settings and errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temperature": 1.5}, "temperature"),
        ({"top_p": 0.0}, "top_p"),
        ({"reasoning_effort": "extreme"}, "reasoning_effort"),
        ({"thinking": {"type": "maybe"}}, "thinking"),
        ({"response_format": {"type": "json_schema"}}, "json_schema"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"user_id": "abc"}, "user_id"),
        ({"max_tokens": 0}, "max_tokens"),
    ],
)
def test_bad_settings_fail_at_construction(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Zai(**kwargs)


def test_missing_key_raises_on_first_call_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    server = FakeServer()
    llm = _llm(server, api_key=None)  # construction works without a key
    with pytest.raises(MissingAPIKeyError, match="ZAI_API_KEY"):
        llm.chat(HI)
    with pytest.raises(MissingAPIKeyError):
        llm.stream_chat(HI)
    assert server.requests == []


def test_unknown_call_argument_fails_before_request() -> None:
    server = FakeServer()
    with pytest.raises(ValueError, match=r"unexpected argument.*temprature"):
        _llm(server).chat(HI, temprature=0.1)
    assert server.requests == []


def test_image_to_text_model_fails_before_request() -> None:
    server = FakeServer()
    message = ChatMessage(
        role="user", blocks=[TextBlock(text="?"), ImageBlock(url="https://e.com/a.png")]
    )
    with pytest.raises(ValueError, match=r"glm-4\.7 takes text only"):
        _llm(server, model="glm-4.7").chat([message])
    assert server.requests == []


def test_status_errors_are_zai_core_classes() -> None:
    server = FakeServer(json_reply(429, {"error": {"code": "1113", "message": "no balance"}}))
    with pytest.raises(QuotaExceededError) as info:
        _llm(server).chat(HI)
    assert CANARY not in str(info.value)
    assert len(server.requests) == 1  # 1113 is not retried


# --------------------------------------------------------------------- request bodies


def test_settings_words_reach_the_body() -> None:
    server = FakeServer(json_reply(200, completion()), raw_reply(200, [STREAM]))
    llm = _llm(
        server,
        model="glm-5.2",
        temperature=0.2,
        top_p=0.9,
        max_tokens=512,
        stop="END",
        do_sample=True,
        thinking={"type": "enabled", "clear_thinking": False},
        reasoning_effort="high",
        tool_stream=True,
        user_id="user-123",
        request_id="req-123456",
        additional_kwargs={"watermark_enabled": False},
    )
    llm.chat(HI)
    list(llm.stream_chat(HI, temperature=0.5))
    plain, streamed = _sent(server, 0), _sent(server, 1)
    assert plain == {
        "model": "glm-5.2",
        "messages": [{"role": "user", "content": "Hello"}],
        "stream": False,
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 512,
        "stop": ["END"],
        "do_sample": True,
        "thinking": {"type": "enabled", "clear_thinking": False},
        "reasoning_effort": "high",
        "user_id": "user-123",
        "request_id": "req-123456",
        "watermark_enabled": False,
    }
    assert streamed["stream"] is True
    assert streamed["temperature"] == 0.5  # per-call override
    assert streamed["tool_stream"] is True
    assert streamed["stream_options"] == {"include_usage": True}


def test_thinking_words() -> None:
    server = FakeServer(json_reply(200, completion()), json_reply(200, completion()))
    _llm(server, thinking=True).chat(HI)
    _llm(server, thinking=False).chat(HI)
    assert _sent(server, 0)["thinking"] == {"type": "enabled"}
    assert _sent(server, 1)["thinking"] == {"type": "disabled"}


def test_tools_body_has_no_parallel_tool_calls() -> None:
    server = FakeServer(json_reply(200, completion()))
    _llm(server).chat_with_tools([ADD, MUL], user_msg="2+3?", allow_parallel_tool_calls=False)
    body = _sent(server)
    assert [t["function"]["name"] for t in body["tools"]] == ["add", "mul"]
    assert "tool_choice" not in body  # the shared rule: no choice given, none sent (auto)
    assert "parallel_tool_calls" not in body
    assert "strict" not in body["tools"][0]["function"]


def test_tool_required_single_tool_is_named_with_a_warning() -> None:
    server = FakeServer(json_reply(200, completion()))  # an answer without a tool call
    with pytest.warns(UserWarning, match="forced 'add' but Z.ai answered without a tool call"):
        _llm(server).chat_with_tools([ADD], user_msg="2+3?", tool_required=True)
    assert _sent(server)["tool_choice"] == {"type": "function", "function": {"name": "add"}}


def test_tool_required_several_tools_warns_and_sends_auto() -> None:
    server = FakeServer(json_reply(200, completion()))
    with pytest.warns(UserWarning, match="cannot force"):
        _llm(server).chat_with_tools([ADD, MUL], user_msg="2+3?", tool_required=True)
    assert _sent(server)["tool_choice"] == "auto"


def test_tool_choice_none_sends_no_tools() -> None:
    server = FakeServer(json_reply(200, completion()))
    _llm(server).chat_with_tools([ADD], user_msg="hi", tool_choice="none")
    assert "tools" not in _sent(server)


def test_prepare_chat_with_tools_does_not_mutate_history() -> None:
    history = [ChatMessage(role="user", content="a")]
    out = Zai()._prepare_chat_with_tools([ADD], user_msg="b", chat_history=history)
    assert len(history) == 1
    assert [m.content for m in out["messages"]] == ["a", "b"]


def test_single_tool_call_enforced_when_parallel_not_allowed() -> None:
    calls = [
        {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a":1,"b":2}'}},
        {"id": "c2", "type": "function", "function": {"name": "mul", "arguments": '{"a":3,"b":4}'}},
    ]
    body = completion("")
    body["choices"][0]["message"]["tool_calls"] = calls
    server = FakeServer(json_reply(200, body), json_reply(200, body))
    llm = _llm(server)
    single = llm.chat_with_tools([ADD, MUL], user_msg="x", allow_parallel_tool_calls=False)
    both = llm.chat_with_tools([ADD, MUL], user_msg="x", allow_parallel_tool_calls=True)
    assert [c.tool_name for c in llm.get_tool_calls_from_response(single)] == ["add"]
    assert [c.tool_name for c in llm.get_tool_calls_from_response(both)] == ["add", "mul"]


def test_get_tool_calls_raises_only_when_asked() -> None:
    server = FakeServer(json_reply(200, completion("just text")))
    response = _llm(server).chat(HI)
    assert Zai().get_tool_calls_from_response(response, error_on_no_tool_call=False) == []
    with pytest.raises(ValueError, match="just text"):
        Zai().get_tool_calls_from_response(response)


# --------------------------------------------------------------------- streams close


def test_stream_left_early_closes_the_response() -> None:
    server = FakeServer(raw_reply(200, [STREAM]))
    stream = _llm(server).stream_chat(HI)
    first = next(stream)
    assert first.additional_kwargs["thinking_delta"] == "Hmm."
    stream.close()
    assert server.streams[0].closed


async def test_astream_left_early_closes_the_response() -> None:
    server = FakeServer(raw_reply(200, [STREAM]))
    stream = await _llm(server).astream_chat(HI)
    first = await stream.__anext__()
    assert first.additional_kwargs["thinking_delta"] == "Hmm."
    await stream.aclose()
    # llama_index's callback wrapper drops (does not aclose) our generator; asyncio's
    # async-generator finalizer then closes it, and the response, within a few loop turns.
    for _ in range(5):
        await asyncio.sleep(0)
    assert server.streams[0].closed


# --------------------------------------------------------------------- one event set per call


class _Recorder(BaseEventHandler):
    events: list[str] = []

    @classmethod
    def class_name(cls) -> str:
        return "Recorder"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        self.events.append(type(event).__name__)


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    root = get_dispatcher()
    handler = _Recorder(events=[])
    root.add_event_handler(handler)
    yield handler
    root.event_handlers.remove(handler)


def _starts_and_ends(events: list[str]) -> list[str]:
    return [e for e in events if e.endswith(("StartEvent", "EndEvent"))]


@pytest.mark.parametrize(
    ("method", "stream", "expected"),
    [
        ("chat", False, ["LLMChatStartEvent", "LLMChatEndEvent"]),
        ("achat", False, ["LLMChatStartEvent", "LLMChatEndEvent"]),
        ("stream_chat", True, ["LLMChatStartEvent", "LLMChatEndEvent"]),
        ("astream_chat", True, ["LLMChatStartEvent", "LLMChatEndEvent"]),
        ("complete", False, ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]),
        ("acomplete", False, ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]),
        ("stream_complete", True, ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]),
        ("astream_complete", True, ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]),
    ],
)
async def test_one_event_set_per_call(
    recorder: _Recorder, method: str, stream: bool, expected: list[str]
) -> None:
    reply = raw_reply(200, [STREAM]) if stream else json_reply(200, completion())
    llm = _llm(FakeServer(reply))
    arg: Any = "Hello" if "complete" in method else HI
    result = getattr(llm, method)(arg)
    if method.startswith("a"):
        result = await result
    if stream:
        items = [r async for r in result] if method.startswith("a") else list(result)
        assert len(items) == 4  # every chunk, the first (reasoning only) included
        progress = "ChatInProgress" if "chat" in method else "CompletionInProgress"
        assert recorder.events.count(f"LLM{progress}Event") == 4
    assert _starts_and_ends(recorder.events) == expected
