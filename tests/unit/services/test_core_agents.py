"""zai_core.agents and zai_core.files: paths per surface, bodies, answers, streams, polling."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.unit.services.fakes import CANARY, FakeZai
from zai_core import (
    SURFACES,
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    PollPolicy,
    StreamInterruptedError,
    agent_chat,
    agent_conversation,
    arun_agent,
    astream_agent,
    aupload_file,
    await_agent_result,
    build_agent_body,
    build_translation_variables,
    create_client,
    parse_agent_answer,
    parse_agent_chunk,
    parse_conversation,
    run_agent,
    stream_agent,
    upload_file,
    wait_for_agent_result,
)
from zai_core.config import Surface

# --------------------------------------------------------------------------- where agents live


@pytest.mark.parametrize(
    ("surface", "agents", "files"),
    [
        ("international", "https://api.z.ai/api/v1/agents", "https://api.z.ai/api/paas/v4/files"),
        ("international-coding", "https://api.z.ai/api/v1/agents", None),
        ("mainland", "https://open.bigmodel.cn/api/v1/agents", None),
        ("mainland-coding", "https://open.bigmodel.cn/api/v1/agents", None),
        (
            "lowcodeapi",
            "https://api.lowcodeapi.com/zai/api/v1/agents",
            "https://api.lowcodeapi.com/zai/api/paas/v4/files",
        ),
        ("lowcodeapi-coding", "https://api.lowcodeapi.com/zai/api/v1/agents", None),
    ],
)
def test_agents_hang_from_each_surfaces_api_root(
    surface: str, agents: str, files: str | None
) -> None:
    s = SURFACES[surface]
    assert s.url_for("/v1/agents") == agents
    assert s.url_for("/v1/agents/async-result") == agents + "/async-result"
    assert s.url_for("/v1/agents/conversation") == agents + "/conversation"
    if files:
        assert s.url_for("/files") == files


def test_a_custom_url_ending_in_paas_v4_derives_its_root() -> None:
    s = Surface("custom", "http://127.0.0.1:8000/api/paas/v4/")
    assert s.url_for("/v1/agents") == "http://127.0.0.1:8000/api/v1/agents"
    assert s.url_for("/layout_parsing") == "http://127.0.0.1:8000/api/paas/v4/layout_parsing"


@pytest.mark.parametrize("base_url", ["powertokens", "https://proxy.example.com/openai"])
def test_a_surface_without_paas_v4_names_the_problem_before_sending(base_url: str) -> None:
    fake = FakeZai({"/v1/agents": {"choices": []}})
    client = fake.client(base_url=base_url)
    with pytest.raises(ValueError, match="does not end in /paas/v4"):
        agent_chat(client, "general_translation", "Hallo")
    assert fake.requests == []


def test_lowcodeapi_agent_call_uses_its_token_and_envelope() -> None:
    answer = {"data": {"agent_id": "general_translation", "choices": [_choice("Hello")]}}
    fake = FakeZai({"/v1/agents": answer})
    client = fake.client(base_url="lowcodeapi")
    result = agent_chat(client, "general_translation", "Hallo")
    assert result.text == "Hello"
    (request,) = fake.requests
    assert request.url.host == "api.lowcodeapi.com"
    assert request.url.path == "/zai/api/v1/agents"
    assert request.url.params["api_token"] == CANARY
    assert "authorization" not in request.headers


# --------------------------------------------------------------------------- bodies


def _text(text: str) -> list[dict[str, str]]:
    return [{"type": "text", "text": text}]


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (
            ("general_translation", "Hallo"),
            {},
            {
                "agent_id": "general_translation",
                "messages": [{"role": "user", "content": _text("Hallo")}],
                "stream": False,
            },
        ),
        (
            ("slides_glm_agent", [{"role": "user", "content": "Slides on GLM"}]),
            {"stream": True, "conversation_id": "c-1", "user_id": "user-123"},
            {
                "agent_id": "slides_glm_agent",
                "messages": [{"role": "user", "content": _text("Slides on GLM")}],
                "stream": True,
                "conversation_id": "c-1",
                "user_id": "user-123",
            },
        ),
        (
            (
                "vidu_template_agent",
                [
                    {
                        "role": "user",
                        "content": [{"type": "image_url", "image_url": "https://x/a.png"}],
                    }
                ],
            ),
            {"custom_variables": {"template": "bodyshake"}},
            {
                "agent_id": "vidu_template_agent",
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "image_url", "image_url": "https://x/a.png"}],
                    }
                ],
                "stream": False,
                "custom_variables": {"template": "bodyshake"},
            },
        ),
        (
            ("a", ["first", "second"]),
            {},
            {
                "agent_id": "a",
                "messages": [
                    {"role": "user", "content": _text("first")},
                    {"role": "user", "content": _text("second")},
                ],
                "stream": False,
            },
        ),
    ],
)
def test_agent_bodies(args: tuple[Any, ...], kwargs: dict[str, Any], expected: Any) -> None:
    assert build_agent_body(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("", "hi"), {}, "agent_id"),
        (("a", []), {}, "at least one message"),
        (("a", [{"role": "tool", "content": "x"}]), {}, "role 'tool'"),
        (("a", [{"role": "user", "content": ""}]), {}, "content"),
        (("a", [{"role": "user", "content": []}]), {}, "non-empty list"),
        (("a", "hi"), {"custom_variables": "x"}, "custom_variables must be a dict"),
        (("a", "hi"), {"user_id": "abc"}, "6 to 128"),
    ],
)
def test_bad_agent_bodies_name_the_problem(
    args: tuple[Any, ...], kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        build_agent_body(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (("en",), {}, {"target_lang": "en"}),
        (
            ("zh-CN",),
            {"source_lang": "auto", "strategy": "general", "suggestion": "formal"},
            {
                "target_lang": "zh-CN",
                "source_lang": "auto",
                "strategy": "general",
                "strategy_config": {"general": {"suggestion": "formal"}},
            },
        ),
        (
            ("en",),
            {
                "strategy": "cot",
                "glossary": "file-1",
                "strategy_config": {"cot": {"reason_lang": "from"}},
            },
            {
                "target_lang": "en",
                "strategy": "cot",
                "glossary": "file-1",
                "strategy_config": {"cot": {"reason_lang": "from"}},
            },
        ),
    ],
)
def test_translation_variables(args: Any, kwargs: dict[str, Any], expected: Any) -> None:
    assert build_translation_variables(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"strategy": "literal"}, "strategy must be one of"),
        ({"strategy": "cot", "suggestion": "x"}, "general"),
        ({"glossary": " "}, "glossary"),
    ],
)
def test_bad_translation_variables(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        build_translation_variables("en", **kwargs)


# --------------------------------------------------------------------------- answers


def _choice(text: str, finish: str = "stop") -> dict[str, Any]:
    return {
        "index": 0,
        "finish_reason": finish,
        "messages": [{"role": "assistant", "content": {"type": "text", "text": text}}],
    }


def test_documented_answer_shape() -> None:
    body = {
        "id": "r1",
        "agent_id": "general_translation",
        "choices": [_choice("Good morning")],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5, "total_calls": 1},
    }
    answer = parse_agent_answer(body)
    assert (answer.text, answer.status, answer.finish_reason, answer.id) == (
        "Good morning",
        "SUCCESS",
        "stop",
        "r1",
    )
    assert answer.usage["total_calls"] == 1


@pytest.mark.parametrize(
    ("body", "text", "urls", "status", "async_id"),
    [
        (  # chat-like message with a string
            {"choices": [{"message": {"role": "assistant", "content": "Hi"}}]},
            "Hi",
            (),
            "SUCCESS",
            None,
        ),
        (  # list of typed parts with a video
            {
                "status": "success",
                "async_id": "a-1",
                "choices": [
                    {
                        "messages": [
                            {
                                "role": "assistant",
                                "content": [
                                    {"type": "video_url", "video_url": {"url": "https://v/1.mp4"}},
                                    {"type": "text", "text": "done"},
                                ],
                            }
                        ]
                    }
                ],
            },
            "done",
            ("https://v/1.mp4",),
            "SUCCESS",
            "a-1",
        ),
        ({"async_id": "a-2", "status": "pending"}, "", (), "PENDING", "a-2"),
        ({"async_id": "a-3", "status": "failed"}, "", (), "FAIL", "a-3"),
    ],
)
def test_answer_conversions(
    body: Any, text: str, urls: tuple[str, ...], status: str, async_id: str | None
) -> None:
    answer = parse_agent_answer(body, agent_id="x")
    assert (answer.text, answer.urls, answer.status, answer.async_id) == (
        text,
        urls,
        status,
        async_id,
    )


@pytest.mark.parametrize("body", [None, [], {"id": "x"}, "text"])
def test_answer_without_content_or_status_is_a_validation_error(body: Any) -> None:
    with pytest.raises(APIResponseValidationError):
        parse_agent_answer(body)


@pytest.mark.parametrize(
    ("event", "text", "finish"),
    [
        ({"choices": [{"delta": {"content": "Gu"}}]}, "Gu", None),
        ({"choices": [{"delta": {"content": [{"type": "text", "text": "ten"}]}}]}, "ten", None),
        ({"choices": [_choice("Tag", finish="stop")]}, "Tag", "stop"),
        ({"choices": [{"index": 0, "finish_reason": "stop", "delta": {}}]}, "", "stop"),
    ],
)
def test_chunk_conversions(event: Any, text: str, finish: str | None) -> None:
    chunk = parse_agent_chunk(event)
    assert (chunk.text, chunk.finish_reason) == (text, finish)


@pytest.mark.parametrize(
    "body",
    [
        {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]},
        {"conversation_id": "c", "data": [{"role": "user", "content": "a"}, {"role": "assistant"}]},
        {"choices": [{"messages": [{"role": "user", "content": "a"}, {"role": "assistant"}]}]},
    ],
)
def test_conversation_conversions(body: Any) -> None:
    history = parse_conversation(body, agent_id="slides_glm_agent", conversation_id="c")
    assert history.conversation_id == "c"
    assert [m["role"] for m in history.messages] == ["user", "assistant"]


def test_conversation_request() -> None:
    fake = FakeZai({"/v1/agents/conversation": {"messages": [{"role": "user", "content": "a"}]}})
    history = agent_conversation(fake.client(), "slides_glm_agent", "conv-1")
    assert len(history.messages) == 1
    assert fake.bodies("/conversation") == [
        {"agent_id": "slides_glm_agent", "conversation_id": "conv-1"}
    ]
    assert str(fake.requests[0].url) == "https://api.z.ai/api/v1/agents/conversation"


# --------------------------------------------------------------------------- streams


def _sse(events: list[Any], done: bool = True) -> bytes:
    frames = [f"data: {json.dumps(e)}\n\n" for e in events]
    return ("".join(frames) + ("data: [DONE]\n\n" if done else "")).encode()


def _stream_client(content: bytes, seen: list[httpx.Request]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=content)

    transport = httpx.MockTransport(handle)
    return create_client(
        api_key=CANARY,
        max_retries=0,
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )


STREAM = [
    {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Good "}}]},
    {"choices": [{"index": 0, "delta": {"content": "morning"}}]},
    {"choices": [{"index": 0, "finish_reason": "stop", "delta": {}}], "usage": {"total_tokens": 9}},
]


def test_streamed_agent_sync_and_async() -> None:
    seen: list[httpx.Request] = []
    client = _stream_client(_sse(STREAM), seen)
    chunks = list(stream_agent(client, "general_translation", "Guten Morgen"))
    assert "".join(c.text for c in chunks) == "Good morning"
    assert chunks[-1].finish_reason == "stop" and chunks[-1].usage == {"total_tokens": 9}

    async def collect() -> str:
        return "".join(
            [c.text async for c in astream_agent(client, "general_translation", "Guten Morgen")]
        )

    assert asyncio.run(collect()) == "Good morning"
    body = json.loads(seen[0].content)
    assert body["stream"] is True and seen[0].headers["accept"] == "text/event-stream"


def test_a_stream_cut_before_any_finish_is_interrupted() -> None:
    client = _stream_client(_sse(STREAM[:2], done=False), [])
    with pytest.raises(StreamInterruptedError):
        list(stream_agent(client, "general_translation", "Guten Morgen"))


def test_a_stream_that_finishes_without_done_is_complete() -> None:
    client = _stream_client(_sse(STREAM, done=False), [])
    assert len(list(stream_agent(client, "general_translation", "x"))) == 3


# --------------------------------------------------------------------------- async results

PENDING = {"agent_id": "vidu_template_agent", "async_id": "job-7", "status": "pending"}
DONE = {
    "agent_id": "vidu_template_agent",
    "async_id": "job-7",
    "status": "success",
    "choices": [
        {
            "messages": [
                {
                    "role": "assistant",
                    "content": [{"type": "video_url", "video_url": "https://v/7.mp4"}],
                }
            ]
        }
    ],
}
FAILED = {"agent_id": "vidu_template_agent", "async_id": "job-7", "status": "failed"}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def __call__(self) -> float:
        return self.now


def test_wait_polls_until_success_with_the_video_policy() -> None:
    fake = FakeZai({"/v1/agents/async-result": [PENDING, PENDING, DONE]})
    clock, seen = Clock(), []
    answer = wait_for_agent_result(
        fake.client(),
        "vidu_template_agent",
        "job-7",
        policy=PollPolicy(interval=2, backoff=2, max_interval=3),
        on_progress=lambda p: seen.append((p.answer.status, p.attempt, p.next_delay)),
        sleep=clock.sleep,
        clock=clock,
    )
    assert answer.urls == ("https://v/7.mp4",)
    assert clock.slept == [2, 3]
    assert seen == [("PENDING", 0, 2), ("PENDING", 1, 3), ("SUCCESS", 2, 0)]
    assert (
        fake.bodies("/async-result")
        == [{"agent_id": "vidu_template_agent", "async_id": "job-7"}] * 3
    )


def test_a_failed_async_result_raises_naming_the_async_id() -> None:
    fake = FakeZai({"/v1/agents/async-result": [PENDING, FAILED]})
    clock = Clock()
    with pytest.raises(InternalServerError, match="job-7 failed") as info:
        wait_for_agent_result(
            fake.client(), "vidu_template_agent", "job-7", sleep=clock.sleep, clock=clock
        )
    assert info.value.status_code == 200
    assert len(fake.requests) == 2


def test_a_pending_result_past_the_deadline_times_out() -> None:
    fake = FakeZai({"/v1/agents/async-result": PENDING})
    clock = Clock()
    with pytest.raises(APITimeoutError, match="job-7 is still PENDING"):
        wait_for_agent_result(
            fake.client(),
            "vidu_template_agent",
            "job-7",
            policy=PollPolicy(timeout=5, interval=2, max_interval=2),
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.now == 5


def test_run_agent_waits_when_the_answer_is_async_sync_and_async() -> None:
    routes = {
        "/v1/agents/async-result": [PENDING, DONE],
        "/v1/agents": {"agent_id": "vidu_template_agent", "async_id": "job-7"},
    }
    clock = Clock()
    fake = FakeZai(routes)
    answer = run_agent(
        fake.client(),
        "vidu_template_agent",
        [{"role": "user", "content": [{"type": "image_url", "image_url": "https://x/a.png"}]}],
        custom_variables={"template": "french_kiss"},
        sleep=clock.sleep,
        clock=clock,
    )
    assert answer.status == "SUCCESS" and answer.urls == ("https://v/7.mp4",)
    assert [r.url.path for r in fake.requests] == [
        "/api/v1/agents",
        "/api/v1/agents/async-result",
        "/api/v1/agents/async-result",
    ]

    progress: list[str] = []

    async def report(p: Any) -> None:
        progress.append(p.answer.status)

    fake2 = FakeZai(routes)
    answer2 = asyncio.run(
        arun_agent(
            fake2.client(),
            "vidu_template_agent",
            "animate",
            on_progress=report,
            sleep=clock.asleep,
            clock=clock,
        )
    )
    assert answer2 == answer and progress == ["PENDING", "SUCCESS"]


def test_await_failed_result_raises() -> None:
    fake = FakeZai({"/v1/agents/async-result": FAILED})
    clock = Clock()
    with pytest.raises(InternalServerError, match="failed"):
        asyncio.run(
            await_agent_result(
                fake.client(), "vidu_template_agent", "job-7", sleep=clock.asleep, clock=clock
            )
        )


def test_a_plain_answer_is_not_polled() -> None:
    fake = FakeZai({"/v1/agents": {"choices": [_choice("Hello")]}})
    assert run_agent(fake.client(), "general_translation", "Hallo").text == "Hello"
    assert len(fake.requests) == 1


# --------------------------------------------------------------------------- file upload

UPLOADED = {
    "id": "file-123",
    "object": "file",
    "bytes": 11,
    "filename": "glossary.csv",
    "purpose": "agent",
    "created_at": 1782862773,
}


def _form(request: httpx.Request) -> tuple[str, bytes]:
    content = request.content
    assert b'name="purpose"\r\n\r\nagent' in content
    head = content.split(b'name="file"; filename="')[1]
    return head.split(b'"')[0].decode(), content


@pytest.mark.parametrize("kind", ["path", "bytes", "file object"])
def test_upload_sources(kind: str, tmp_path: Path) -> None:
    data = b"GLM,GLM-4.7"
    path = tmp_path / "glossary.csv"
    path.write_bytes(data)
    source: Any = {
        "path": path,
        "bytes": data,
        "file object": io.BytesIO(data),
    }[kind]
    fake = FakeZai({"/files": UPLOADED})
    filename = "glossary.csv" if kind != "path" else None
    uploaded = upload_file(fake.client(), source, purpose="agent", filename=filename)
    assert uploaded.id == "file-123" and uploaded.bytes == 11
    (request,) = fake.requests
    assert str(request.url) == "https://api.z.ai/api/paas/v4/files"
    assert request.headers["content-type"].startswith("multipart/form-data")
    name, content = _form(request)
    assert name == "glossary.csv" and data in content


def test_async_upload(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_bytes(b"a,b")
    fake = FakeZai({"/files": UPLOADED})
    assert asyncio.run(aupload_file(fake.client(), path)).id == "file-123"


@pytest.mark.parametrize(
    ("source", "kwargs", "match"),
    [
        (b"x", {"purpose": "fine-tune"}, "purpose must be one of"),
        (b"", {}, "is empty"),
        ("/no/such/file.csv", {}, "does not exist"),
        (io.StringIO("text"), {}, "binary mode"),
    ],
)
def test_bad_uploads_fail_before_sending(source: Any, kwargs: dict[str, Any], match: str) -> None:
    fake = FakeZai({"/files": UPLOADED})
    with pytest.raises(ValueError, match=match):
        upload_file(fake.client(), source, **kwargs)
    assert fake.requests == []


def test_upload_answer_without_id() -> None:
    fake = FakeZai({"/files": {"object": "file"}})
    with pytest.raises(APIResponseValidationError, match="no 'id'"):
        upload_file(fake.client(), b"abc", filename="a.txt")


def test_agent_chat_refuses_stream_before_sending() -> None:
    fake = FakeZai({"/v1/agents": {"choices": []}})
    with pytest.raises(ValueError, match="use stream_agent"):
        agent_chat(fake.client(), "general_translation", "Hallo", stream=True)
    assert fake.requests == []
