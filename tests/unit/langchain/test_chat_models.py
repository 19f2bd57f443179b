"""``ChatZai`` behaviour against a scripted fake server (no sockets)."""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

import httpx
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.exceptions import ModelAuthenticationError
from langchain_core.load import dumpd, dumps, load, loads
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import BaseModel, SecretStr
from typing_extensions import TypedDict

import zai_core
from langchain_zai import ChatZai, ZaiMissingAPIKeyError
from tests.unit.langchain.fakes import (
    KEY,
    FakeZai,
    answering,
    chunk,
    completion,
    final,
    sse,
)

HI = [HumanMessage("hi")]


# --------------------------------------------------------------------------- request body

PAYLOADS = [
    pytest.param({}, {}, False, {}, id="defaults-left-to-server"),
    pytest.param(
        {"temperature": 0.2, "top_p": 0.9, "max_tokens": 64, "do_sample": False},
        {},
        False,
        {"temperature": 0.2, "top_p": 0.9, "max_tokens": 64, "do_sample": False},
        id="sampling",
    ),
    pytest.param({"stop": ["END"]}, {}, False, {"stop": ["END"]}, id="stop-field"),
    pytest.param({"stop": "END"}, {}, False, {"stop": ["END"]}, id="stop-string"),
    pytest.param({"stop": ["A"]}, {"stop": ["B"]}, False, {"stop": ["B"]}, id="stop-call-wins"),
    pytest.param(
        {"thinking": True}, {}, False, {"thinking": {"type": "enabled"}}, id="thinking-on"
    ),
    pytest.param(
        {"thinking": False}, {}, False, {"thinking": {"type": "disabled"}}, id="thinking-off"
    ),
    pytest.param(
        {"thinking": {"type": "enabled", "clear_thinking": False}},
        {},
        False,
        {"thinking": {"type": "enabled", "clear_thinking": False}},
        id="preserved-thinking",
    ),
    pytest.param(
        {"model": "glm-5.2", "reasoning_effort": "high"},
        {},
        False,
        {"model": "glm-5.2", "reasoning_effort": "high"},
        id="reasoning-effort",
    ),
    pytest.param({"tool_stream": True}, {}, False, {}, id="tool-stream-not-on-plain-calls"),
    pytest.param(
        {"tool_stream": True},
        {},
        True,
        {"tool_stream": True, "stream_options": {"include_usage": True}},
        id="tool-stream-on-streams",
    ),
    pytest.param({"stream_usage": False}, {}, True, {}, id="stream-usage-off"),
    pytest.param(
        {"response_format": {"type": "json_object"}},
        {},
        False,
        {"response_format": {"type": "json_object"}},
        id="response-format",
    ),
    pytest.param(
        {"user_id": "user-123", "request_id": "req-123456"},
        {},
        False,
        {"user_id": "user-123", "request_id": "req-123456"},
        id="ids",
    ),
    pytest.param(
        {"model_kwargs": {"seed": 1, "watermark_enabled": False}, "extra_body": {"seed": 2}},
        {},
        False,
        {"seed": 2, "watermark_enabled": False},
        id="model-kwargs-then-extra-body",
    ),
    pytest.param(
        {"temperature": 0.5},
        {"temperature": 0.1, "model": "glm-4.6", "sensitive_word_check": {"type": "ALL"}},
        False,
        {"temperature": 0.1, "model": "glm-4.6", "sensitive_word_check": {"type": "ALL"}},
        id="call-time-overrides-and-extras",
    ),
    pytest.param(
        {},
        {"tools": [{"type": "web_search", "web_search": {"enable": True}}], "tool_choice": "auto"},
        False,
        {"tools": [{"type": "web_search", "web_search": {"enable": True}}], "tool_choice": "auto"},
        id="builtin-tool",
    ),
    pytest.param(
        {},
        {
            "tools": [{"name": "f", "description": "", "parameters": {"type": "object"}}],
            "tool_choice": "none",
            "parallel_tool_calls": False,
        },
        False,
        {},
        id="tool-choice-none-leaves-tools-out",
    ),
]


@pytest.mark.parametrize(("fields", "call", "stream", "extra"), PAYLOADS)
def test_request_payload(
    fields: dict[str, Any], call: dict[str, Any], stream: bool, extra: dict[str, Any]
) -> None:
    model = ChatZai(api_key=KEY, **fields)
    body = model._get_request_payload(HI, stream=stream, **call)
    expected = {
        "model": "glm-4.7",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": stream,
        **({"stream_options": {"include_usage": True}} if stream else {}),
        **extra,
    }
    if fields.get("stream_usage") is False:
        expected.pop("stream_options", None)
    assert body == expected


def test_request_payload_is_deterministic() -> None:
    model = ChatZai(api_key=KEY)
    assert model._get_request_payload(HI) == model._get_request_payload(HI)
    assert "request_id" not in model._get_request_payload(HI)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temperature": 1.5}, "temperature"),
        ({"top_p": 0}, "top_p"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"thinking": {"type": "maybe"}}, "thinking"),
        ({"thinking": {"clear_thinking": "no"}}, "clear_thinking"),
        ({"reasoning_effort": "ultra"}, "reasoning_effort"),
        ({"response_format": {"type": "json_schema"}}, "json_schema"),
        ({"user_id": "abc"}, "user_id"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"base_url": "not a url"}, "base_url"),
        ({"max_retries": -1}, "max_retries"),
        ({"timeout": 0}, "timeout"),
        ({"model_kwargs": {"temperature": 0.1}}, "not in model_kwargs"),
    ],
)
def test_bad_settings_fail_at_construction(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ChatZai(api_key=KEY, **kwargs)


def test_unknown_argument_goes_to_body_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="watermark_enabled"):
        model = ChatZai(api_key=KEY, watermark_enabled=False)
    assert model.model_kwargs == {"watermark_enabled": False}
    assert model._get_request_payload(HI)["watermark_enabled"] is False


def test_aliases() -> None:
    model = ChatZai(
        zai_api_key=KEY, model_name="glm-4.6", zai_api_base="mainland", request_timeout=5
    )
    assert model.model == "glm-4.6" and model.base_url == "mainland" and model.timeout == 5
    assert model.api_key is not None and model.api_key.get_secret_value() == KEY


# --------------------------------------------------------------------------- calls


def test_invoke_ainvoke_batch_abatch() -> None:
    fake = answering({"role": "assistant", "content": "Hello!", "reasoning_content": "r"})
    model = fake.model()
    result = model.invoke("hi")
    assert result.content == "Hello!"
    assert result.additional_kwargs["reasoning_content"] == "r"
    assert result.response_metadata["model_provider"] == "zai"
    assert [m.content for m in model.batch(["a", "b"])] == ["Hello!", "Hello!"]
    assert all(b["stream"] is False for b in fake.bodies)
    assert len(fake.bodies) == 3


async def test_async_calls_use_the_async_client() -> None:
    fake = answering()
    transport = httpx.MockTransport(fake.handle)
    broken = httpx.MockTransport(lambda r: pytest.fail("sync client used from async"))
    model = ChatZai(
        api_key=KEY,
        http_client=httpx.Client(transport=broken),
        http_async_client=httpx.AsyncClient(transport=transport),
    )
    assert (await model.ainvoke("hi")).content == "Hello!"
    assert [m.content for m in await model.abatch(["a", "b"])] == ["Hello!", "Hello!"]
    text = "".join([str(c.content) async for c in model.astream("hi")])
    assert text == "Hello!"


def test_client_is_made_once_and_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[dict[str, Any]] = []
    real = zai_core.create_client

    def spy(**kwargs: Any) -> zai_core.ZaiClient:
        made.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr("zai_core.factory.create_client", spy)
    fake = answering()
    model = fake.model(timeout=12, default_headers={"X-Test": "1"}, base_url="international")
    assert made == []
    model.invoke("a")
    model.invoke("b")
    list(model.stream("c"))
    assert len(made) == 1
    assert made[0]["timeout"] == 12 and made[0]["max_retries"] == 0
    assert made[0]["default_headers"] == {"X-Test": "1"}
    assert fake.requests[0].headers["x-test"] == "1"
    assert str(fake.requests[0].url) == "https://api.z.ai/api/paas/v4/chat/completions"


class TokenCounter(BaseCallbackHandler):
    """Counts ``on_llm_new_token`` calls and keeps their chunks."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.chunks: list[Any] = []

    def on_llm_new_token(self, token: str, *, chunk: Any = None, **kwargs: Any) -> None:
        self.tokens.append(token)
        self.chunks.append(chunk)


STREAM = [
    chunk({"role": "assistant", "reasoning_content": "Let me "}),
    chunk({"role": "assistant", "reasoning_content": "think."}),
    chunk({"role": "assistant", "content": "Calling"}),
    chunk(
        {"tool_calls": [{"id": "c1", "index": 0, "function": {"name": "f", "arguments": '{"a"'}}]}
    ),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": ": 1}"}}]}),
    final("tool_calls"),
]


@pytest.mark.parametrize("how", ["stream", "invoke-streaming-true", "astream"])
async def test_callbacks_on_every_token(how: str) -> None:
    fake = answering(events=STREAM)
    handler = TokenCounter()
    config: Any = {"callbacks": [handler]}
    if how == "stream":
        chunks = list(fake.model().stream("hi", config=config))
        full: Any = sum(chunks[1:], chunks[0])
    elif how == "astream":
        chunks = [c async for c in fake.model().astream("hi", config=config)]
        full = sum(chunks[1:], chunks[0])
    else:
        full = fake.model(streaming=True).invoke("hi", config=config)
    assert fake.bodies[0]["stream"] is True  # streaming=True makes invoke stream underneath
    # one callback per wire chunk (reasoning-only and tool-call chunks too), plus the
    # empty closing chunk LangChain adds
    assert len(handler.tokens) == len(STREAM) + 1
    assert handler.tokens[:3] == ["", "", "Calling"]
    gen_chunks = [c for c in handler.chunks if isinstance(c, ChatGenerationChunk)]
    reasoning = [c.message.additional_kwargs.get("reasoning_content") for c in gen_chunks[:2]]
    assert reasoning == ["Let me ", "think."]
    assert [c.message.tool_call_chunks != [] for c in gen_chunks[3:5]] == [True, True]
    assert full.tool_calls == [{"name": "f", "args": {"a": 1}, "id": "c1", "type": "tool_call"}]
    assert full.additional_kwargs["reasoning_content"] == "Let me think."
    assert full.usage_metadata["total_tokens"] == 50


def test_usage_only_on_the_last_chunk_and_metadata() -> None:
    chunks = list(answering(events=STREAM).model().stream("hi"))
    with_usage = [i for i, c in enumerate(chunks) if c.usage_metadata]
    assert with_usage == [len(STREAM) - 1]
    finish = chunks[len(STREAM) - 1]
    assert finish.response_metadata["finish_reason"] == "tool_calls"
    assert finish.response_metadata["model_name"] == "glm-4.7"
    assert chunks[-1].chunk_position == "last"


def test_stream_usage_false_sends_no_stream_options_and_drops_usage() -> None:
    fake = answering(events=STREAM)
    chunks = list(fake.model(stream_usage=False).stream("hi"))
    assert "stream_options" not in fake.bodies[0]
    assert not any(c.usage_metadata for c in chunks)


def test_v1_output_has_reasoning_blocks() -> None:
    fake = answering({"role": "assistant", "content": "4", "reasoning_content": "2+2"})
    message = fake.model(output_version="v1").invoke("2+2?")
    assert message.content == [
        {"type": "reasoning", "reasoning": "2+2"},
        {"type": "text", "text": "4"},
    ]
    chunks = list(answering(events=STREAM).model(output_version="v1").stream("hi"))
    full: Any = sum(chunks[1:], chunks[0])
    assert [b["type"] for b in full.content] == ["reasoning", "text", "tool_call"]
    assert full.content[0]["reasoning"] == "Let me think."


def test_history_of_only_system_and_ai_fails_before_any_request() -> None:
    fake = answering()
    with pytest.raises(ValueError, match="only system and assistant"):
        fake.model().invoke([SystemMessage("be nice"), AIMessage("hello")])
    assert fake.requests == []


def test_missing_key_fails_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    monkeypatch.delenv("ZHIPUAI_API_KEY", raising=False)
    model = ChatZai()  # constructing without a key works
    assert model.api_key is None
    requests: list[httpx.Request] = []
    model.http_client = httpx.Client(transport=httpx.MockTransport(requests.append))  # type: ignore[arg-type]
    with pytest.raises(ZaiMissingAPIKeyError) as info:
        model.invoke("hi")
    assert isinstance(info.value, zai_core.MissingAPIKeyError)
    assert isinstance(info.value, ModelAuthenticationError)
    assert requests == []


def test_zhipuai_key_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    monkeypatch.setenv("ZHIPUAI_API_KEY", "zhipu-id.zhipu-secret")
    model = ChatZai()
    assert model.api_key is not None
    assert model.api_key.get_secret_value() == "zhipu-id.zhipu-secret"


def test_gateway_does_not_take_the_zai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "zai-id.zai-secret")
    monkeypatch.delenv("POWERTOKENS_API_KEY", raising=False)
    assert ChatZai(base_url="powertokens").api_key is None


def test_forced_tool_not_called_warns() -> None:
    fake = answering()
    model = fake.model().bind_tools(
        [{"name": "f", "description": "", "parameters": {}}], tool_choice="f"
    )
    with pytest.warns(UserWarning, match="without a tool call"):
        model.invoke("hi")
    with pytest.warns(UserWarning, match="without a tool call"):
        list(model.stream("hi"))


async def test_forced_tool_not_called_warns_async() -> None:
    model = (
        answering()
        .model()
        .bind_tools([{"name": "f", "description": "", "parameters": {}}], tool_choice="f")
    )
    with pytest.warns(UserWarning, match="without a tool call"):
        await model.ainvoke("hi")
    with pytest.warns(UserWarning, match="without a tool call"):
        [c async for c in model.astream("hi")]


# --------------------------------------------------------------------------- secrets


def test_key_never_in_repr_str_logs_or_dumps(caplog: pytest.LogCaptureFixture) -> None:
    model = answering().model()
    assert KEY not in repr(model) and KEY not in str(model)
    with caplog.at_level(logging.DEBUG):
        model.invoke("hi")
        list(model.stream("hi"))
    assert KEY not in caplog.text
    text = dumps(model)
    assert KEY not in text
    assert json.loads(text)["kwargs"]["api_key"] == {
        "lc": 1,
        "type": "secret",
        "id": ["ZAI_API_KEY"],
    }


def test_serialization_round_trip() -> None:
    model = ChatZai(api_key=SecretStr(KEY), model="glm-4.6", temperature=0.3, thinking=True)
    restored = loads(
        dumps(model),
        secrets_map={"ZAI_API_KEY": KEY},
        valid_namespaces=["langchain_zai"],
        allowed_objects=[ChatZai],
    )
    assert isinstance(restored, ChatZai)
    assert restored.model == "glm-4.6" and restored.temperature == 0.3
    assert restored.thinking is True
    assert restored.api_key is not None and restored.api_key.get_secret_value() == KEY
    again = load(
        dumpd(model),
        secrets_map={"ZAI_API_KEY": "other"},
        valid_namespaces=["langchain_zai"],
        allowed_objects=[ChatZai],
    )
    assert again.api_key.get_secret_value() == "other"


# --------------------------------------------------------------------------- tools


def test_bind_tools_maps_tool_choice_and_passes_builtins() -> None:
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    web = {"type": "web_search", "web_search": {"enable": True, "search_result": True}}
    fake = answering(_tool_answer("add"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fake.model().bind_tools([add, web], tool_choice="any").invoke("hi")
    body = fake.bodies[0]
    assert body["tools"][1] is not web and body["tools"][1] == web
    assert body["tool_choice"] == {"type": "function", "function": {"name": "add"}}


def test_bind_tools_warns_where_z_ai_differs() -> None:
    def a() -> None:
        """A."""

    def b() -> None:
        """B."""

    model = ChatZai(api_key=KEY)
    with pytest.warns(UserWarning, match="cannot force a call to one of several"):
        bound = model.bind_tools([a, b], tool_choice="required")
    assert bound.kwargs["tool_choice"] == "auto"  # type: ignore[attr-defined]
    with pytest.warns(UserWarning, match="parallel_tool_calls"):
        model.bind_tools([a], parallel_tool_calls=False)
    with pytest.raises(ValueError, match="not a bound tool"):
        model.bind_tools([a], tool_choice="c")
    with pytest.raises(ValueError, match="at most 128"):
        model.bind_tools([{"name": f"t{i}", "parameters": {}} for i in range(129)])


class Joke(BaseModel):
    """A joke."""

    setup: str
    punchline: str


class JokeDict(TypedDict):
    """A joke."""

    setup: str
    punchline: str


JOKE_ARGS = '{"setup": "Why?", "punchline": "Because."}'


def _tool_answer(name: str) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": name, "arguments": JOKE_ARGS}}
        ],
    }


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
@pytest.mark.parametrize(
    ("schema", "name", "check"),
    [
        (Joke, "Joke", lambda r: isinstance(r, Joke) and r.punchline == "Because."),
        (JokeDict, "JokeDict", lambda r: r == json.loads(JOKE_ARGS)),
        (Joke.model_json_schema(), "Joke", lambda r: r == json.loads(JOKE_ARGS)),
    ],
    ids=["pydantic", "typeddict", "json-schema"],
)
def test_structured_output_by_function_calling(
    method: str, schema: Any, name: str, check: Any
) -> None:
    fake = answering(_tool_answer(name))
    result = fake.model().with_structured_output(schema, method=method, strict=True).invoke("joke")  # type: ignore[arg-type]
    assert check(result)
    body = fake.bodies[0]
    assert body["tool_choice"] == {"type": "function", "function": {"name": name}}
    assert "response_format" not in body  # Z.ai has no json_schema response format
    assert "strict" not in json.dumps(body["tools"])


@pytest.mark.parametrize("schema", [Joke, None], ids=["pydantic", "no-schema"])
def test_structured_output_json_mode(schema: Any) -> None:
    fake = answering({"role": "assistant", "content": JOKE_ARGS})
    result = fake.model().with_structured_output(schema, method="json_mode").invoke("joke")
    assert fake.bodies[0]["response_format"] == {"type": "json_object"}
    assert "tools" not in fake.bodies[0]
    expected = Joke(setup="Why?", punchline="Because.") if schema else json.loads(JOKE_ARGS)
    assert result == expected


def test_structured_output_include_raw() -> None:
    fake = answering({"role": "assistant", "content": "not json at all"})
    out = (
        fake.model().with_structured_output(Joke, method="json_mode", include_raw=True).invoke("x")
    )
    assert isinstance(out, dict)
    assert isinstance(out["raw"], AIMessage) and out["parsed"] is None
    assert out["parsing_error"] is not None
    ok = answering(_tool_answer("Joke")).model().with_structured_output(Joke, include_raw=True)
    good = ok.invoke("x")
    assert isinstance(good, dict)
    assert good["parsed"] == Joke(setup="Why?", punchline="Because.")


def test_structured_output_rejects_bad_method() -> None:
    with pytest.raises(ValueError, match="method must be"):
        ChatZai(api_key=KEY).with_structured_output(Joke, method="xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a schema"):
        ChatZai(api_key=KEY).with_structured_output(None)


# --------------------------------------------------------------------------- tokens, profile


def _word_counter(body: dict[str, Any]) -> httpx.Response:
    """A tokenizer that counts one token per word, 4 template tokens per message, 7 per tool."""
    words = sum(len(str(m["content"]).split()) + 4 for m in body["messages"])
    total = words + 7 * len(body.get("tools", []))
    return httpx.Response(200, json={"id": "t", "usage": {"prompt_tokens": total}})


def test_message_counts_include_the_template_and_tools() -> None:
    fake = FakeZai(_word_counter)
    model = fake.model()

    def get_weather(city: str) -> str:
        """Weather in a city."""
        return city

    assert model.get_num_tokens_from_messages(HI) == 5
    assert model.get_num_tokens_from_messages(HI, tools=[get_weather]) == 12
    assert fake.bodies[0] == {"model": "glm-4.6", "messages": [{"role": "user", "content": "hi"}]}
    assert fake.bodies[1]["tools"][0]["function"]["name"] == "get_weather"
    assert all(str(r.url).endswith("/tokenizer") for r in fake.requests)
    with pytest.raises(NotImplementedError, match="counts only"):
        model.get_token_ids("hi")


def test_get_num_tokens_counts_text_without_template() -> None:
    """LangChain's contract: text tokens only; the conversation form carries the overhead."""
    fake = FakeZai(_word_counter)
    model = fake.model()
    assert model.get_num_tokens("") == 0
    assert fake.bodies == []  # no request for the empty text
    assert model.get_num_tokens("Hello world") == 2
    assert model.get_num_tokens_from_messages([HumanMessage("Hello world")]) == 6
    assert [b["messages"][0]["content"] for b in fake.bodies] == ["a", "Hello world"]


def test_identical_counts_are_cached_within_an_instance() -> None:
    """A trimming loop re-counting the same messages each turn sends one request per text."""
    from langchain_core.messages import trim_messages

    fake = FakeZai(_word_counter)
    model = fake.model()
    history = [HumanMessage(f"message number {i}") for i in range(6)]
    for _ in range(3):  # three turns, the same history each time
        kept = trim_messages(history, max_tokens=25, token_counter=model, strategy="last")
        assert kept == history[-3:]
    first_turn = len(fake.bodies)
    assert len({json.dumps(b, sort_keys=True) for b in fake.bodies}) == first_turn  # no repeats
    for text in ("one two three", "one two three", "four"):
        model.get_num_tokens(text)
    assert [b["messages"][0]["content"] for b in fake.bodies[first_turn:]] == [
        "a",
        "one two three",
        "four",
    ]
    assert model._tokens.cache.info().hits >= 2 * first_turn + 1


def test_token_cache_is_bounded_and_not_copied() -> None:
    import copy
    import pickle

    from langchain_zai import chat_models

    fake = FakeZai(_word_counter)
    model = fake.model()
    for i in range(chat_models._TOKEN_CACHE_SIZE + 10):
        model.get_num_tokens_from_messages([HumanMessage(f"text {i}")])
    info = model._tokens.cache.info()
    assert info.size == info.maxsize == chat_models._TOKEN_CACHE_SIZE
    assert copy.deepcopy(model._tokens).cache.info().size == 0
    assert pickle.loads(pickle.dumps(model._tokens)).cache.info().size == 0
    assert pickle.loads(pickle.dumps(ChatZai(api_key=KEY)))._tokens.cache.info().maxsize > 0


async def test_async_token_count() -> None:
    fake = FakeZai(lambda body: httpx.Response(200, json={"usage": {"prompt_tokens": 4}}))
    model = fake.model(model="glm-4.6v")
    assert await model.aget_num_tokens_from_messages(HI) == 4
    assert await model.aget_num_tokens_from_messages(HI) == 4  # cached
    assert len(fake.bodies) == 1
    assert fake.bodies[0]["model"] == "glm-4.6v"


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("glm-4.7", {"max_input_tokens": 204_800, "image_inputs": False, "reasoning_output": True}),
        ("glm-4.6v", {"max_input_tokens": 128_000, "image_inputs": True, "pdf_inputs": True}),
        (
            "glm-5.2",
            {
                "reasoning_effort_levels": [
                    "max",
                    "xhigh",
                    "high",
                    "medium",
                    "low",
                    "minimal",
                    "none",
                ]
            },
        ),
        ("glm-4.7-0925", {"max_input_tokens": 204_800, "max_output_tokens": 128 * 1024}),
    ],
)
def test_profile_from_the_catalog(model: str, expected: dict[str, Any]) -> None:
    profile = ChatZai(api_key=KEY, model=model).profile
    assert profile is not None
    assert {k: profile.get(k) for k in expected} == expected  # type: ignore[misc]
    # json_schema is served as json_object + the schema (agents: provider strategy)
    assert profile["structured_output"] is True and profile["audio_inputs"] is False


@pytest.mark.parametrize("model", ["glm-9-unknown", "my-finetune"])
def test_unknown_model_profile_states_only_what_is_known(model: str) -> None:
    """No invented context window, output limit or tool support (as langchain-openai)."""
    profile = ChatZai(api_key=KEY, model=model).profile
    assert profile == {"text_inputs": True, "text_outputs": True}


def test_user_profile_wins() -> None:
    mine = {"max_input_tokens": 1_000_000, "tool_calling": True}
    assert ChatZai(api_key=KEY, model="glm-9-unknown", profile=mine).profile == mine
    assert ChatZai(api_key=KEY, model="glm-4.7", profile=mine).profile == mine


def test_unknown_profile_keeps_trimming_middleware_from_guessing() -> None:
    """LangChain's summarization middleware refuses a fractional trigger without a window."""
    from langchain.agents.middleware import SummarizationMiddleware

    with pytest.raises(ValueError, match="profile"):
        SummarizationMiddleware(
            model=ChatZai(api_key=KEY, model="glm-9-unknown"), trigger=("fraction", 0.8)
        )
    known = SummarizationMiddleware(
        model=ChatZai(api_key=KEY, model="glm-4.7"), trigger=("fraction", 0.8)
    )
    assert known is not None


def test_ls_params() -> None:
    model = ChatZai(api_key=KEY, temperature=0.2, max_tokens=9, stop=["x"])
    assert model._get_ls_params() == {
        "ls_provider": "zai",
        "ls_model_name": "glm-4.7",
        "ls_model_type": "chat",
        "ls_temperature": 0.2,
        "ls_max_tokens": 9,
        "ls_stop": ["x"],
    }
    assert model._get_ls_params(model="glm-5")["ls_model_name"] == "glm-5"


def test_identifying_params_tell_settings_apart() -> None:
    plain = ChatZai(api_key=KEY)._identifying_params
    assert ChatZai(api_key=KEY, thinking=False)._identifying_params != plain
    assert ChatZai(api_key=KEY, do_sample=False)._identifying_params != plain
    assert KEY not in str(ChatZai(api_key=KEY).dict())


def test_model_override_reported_in_metadata() -> None:
    def respond(body: dict[str, Any]) -> httpx.Response:
        if body["stream"]:
            return sse([{**final(), "model": body["model"]}])
        return httpx.Response(
            200, json={**completion({"role": "assistant", "content": "x"}), "model": body["model"]}
        )

    fake = FakeZai(respond)
    assert fake.model().invoke("hi", model="glm-4.6").response_metadata["model_name"] == "glm-4.6"
    full = None
    for piece in fake.model().stream("hi", model="glm-4.6"):
        full = piece if full is None else full + piece
    assert isinstance(full, AIMessageChunk)
    assert full.response_metadata["model_name"] == "glm-4.6"
