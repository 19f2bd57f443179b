"""Every kind of answer the emulator gives, produced by sending it the request that asks for it.

:data:`KINDS` maps a kind of answer to (request, SDK type the answer must read as). The
requests go through :class:`tests.emulator.ZaiEmulator` exactly as the shared transport sends
them while recording; streamed answers are split into their SSE events.
"""

from __future__ import annotations

import base64
import io
import json
import wave
from dataclasses import dataclass, field
from typing import Any

import httpx
from zai.types.agents.agents_completion import AgentsCompletion
from zai.types.agents.agents_completion_chunk import AgentsCompletionChunk
from zai.types.chat.chat_completion import Completion
from zai.types.chat.chat_completion_chunk import ChatCompletionChunk
from zai.types.embeddings import EmbeddingsResponded
from zai.types.files.file_object import FileObject
from zai.types.image import ImagesResponded
from zai.types.ocr.layout_parsing_resp import LayoutParsingResp
from zai.types.video import VideoObject
from zai.types.web_reader.web_reader_resp import WebReaderResult
from zai.types.web_search.web_search_resp import WebSearchResp

from tests.documents import pdf_bytes
from tests.emulator import ZaiEmulator
from tests.emulator.agents import async_id_for

from .sdk_types import ConversationAnswer, ErrorAnswer, TokenizerAnswer, TranscriptionAnswer

BASE = "https://api.z.ai/api/paas/v4"
AUTH = {"authorization": "Bearer placeholder-id.placeholder-secret"}

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
SEARCH_TOOL = {
    "type": "web_search",
    "web_search": {"enable": True, "search_engine": "search_pro_jina", "search_result": True},
}


def _chat(prompt: str, model: str = "glm-4.7", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": prompt}], **extra}


@dataclass(frozen=True)
class Kind:
    """One kind of answer: the request that asks for it, the type it must read as."""

    path: str
    body: Any
    sdk_type: Any
    method: str = "POST"
    files: dict[str, Any] = field(default_factory=dict)
    before: tuple[tuple[str, Any], ...] = ()  # requests sent first (a task to poll)

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and bool(self.body.get("stream"))


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(8000)
        clip.writeframes(b"\x00\x00" * 8000)
    return buffer.getvalue()


VIDEO = {"model": "cogvideox-3", "prompt": "A cat on a skateboard"}
VIDEO_ID = "/async-result/{task}"
TRANSLATE = {
    "agent_id": "general_translation",
    "messages": [{"role": "user", "content": [{"type": "text", "text": "Guten Morgen"}]}],
    "custom_variables": {"target_lang": "en", "strategy": "general"},
}
SLIDES = {"agent_id": "slides_glm_agent", "messages": [{"role": "user", "content": "GLM"}]}
VIDU = {
    "agent_id": "vidu_template_agent",
    "messages": [
        {"role": "user", "content": [{"type": "image_url", "image_url": "https://x/a.png"}]}
    ],
    "custom_variables": {"template": "bodyshake"},
}
VIDU_RESULT = {"agent_id": "vidu_template_agent", "async_id": async_id_for(VIDU)}

#: Kind of answer -> how to get it and what it must read as.
KINDS: dict[str, Kind] = {
    "chat": Kind("/chat/completions", _chat("Who makes GLM?", "glm-4-32b-0414-128k"), Completion),
    "chat_thinking": Kind("/chat/completions", _chat("What is 17 * 19?"), Completion),
    "chat_tool_calls": Kind(
        "/chat/completions", _chat("What is the weather in Paris?", tools=[WEATHER]), Completion
    ),
    "chat_web_search": Kind(
        "/chat/completions", _chat("GLM news", tools=[SEARCH_TOOL]), Completion
    ),
    "chat_json_mode": Kind(
        "/chat/completions",
        _chat("Give 'name' and 'age'.", response_format={"type": "json_object"}),
        Completion,
    ),
    "chat_length": Kind(
        "/chat/completions", _chat("Tell me a long story.", max_tokens=3), Completion
    ),
    "stream": Kind(
        "/chat/completions",
        _chat("Who makes GLM?", "glm-4-32b-0414-128k", stream=True),
        ChatCompletionChunk,
    ),
    "stream_thinking_usage": Kind(
        "/chat/completions",
        _chat("What is 17 * 19?", stream=True, stream_options={"include_usage": True}),
        ChatCompletionChunk,
    ),
    "stream_tool_calls": Kind(
        "/chat/completions",
        _chat("What is the weather in Paris?", tools=[WEATHER], stream=True),
        ChatCompletionChunk,
    ),
    "stream_tool_stream": Kind(
        "/chat/completions",
        _chat("What is the weather in Paris?", tools=[WEATHER], stream=True, tool_stream=True),
        ChatCompletionChunk,
    ),
    "stream_web_search": Kind(
        "/chat/completions",
        _chat("GLM news", tools=[SEARCH_TOOL], stream=True),
        ChatCompletionChunk,
    ),
    "embeddings": Kind(
        "/embeddings",
        {"model": "embedding-3", "input": ["a", "b"], "dimensions": 256},
        EmbeddingsResponded,
    ),
    "tokenizer": Kind(
        "/tokenizer",
        {"model": "glm-4.6", "messages": [{"role": "user", "content": "Hi"}]},
        TokenizerAnswer,
    ),
    "web_search": Kind(
        "/web_search",
        {"search_engine": "search-prime", "search_query": "GLM", "count": 2, "search_intent": True},
        WebSearchResp,
    ),
    "reader": Kind(
        "/reader",
        {
            "url": "https://docs.z.ai/guides/overview",
            "with_images_summary": True,
            "with_links_summary": True,
        },
        WebReaderResult,
    ),
    "images": Kind(
        "/images/generations", {"model": "glm-image", "prompt": "a cat"}, ImagesResponded
    ),
    "video": Kind("/videos/generations", VIDEO, VideoObject),
    "video_processing": Kind(
        VIDEO_ID, None, VideoObject, "GET", before=(("/videos/generations", VIDEO),)
    ),
    "video_success": Kind(
        VIDEO_ID,
        None,
        VideoObject,
        "GET",
        before=(("/videos/generations", VIDEO), (VIDEO_ID, None), (VIDEO_ID, None)),
    ),
    "transcription": Kind(
        "/audio/transcriptions",
        None,
        TranscriptionAnswer,
        files={"model": "glm-asr-2512", "file": ("hello.wav", _wav(), "audio/wav")},
    ),
    "agent_chat": Kind("/v1/agents", TRANSLATE, AgentsCompletion),
    "agent_stream": Kind("/v1/agents", {**SLIDES, "stream": True}, AgentsCompletionChunk),
    "agent_async": Kind("/v1/agents", VIDU, AgentsCompletion),
    "agent_result_success": Kind(
        "/v1/agents/async-result",
        VIDU_RESULT,
        AgentsCompletion,
        before=(("/v1/agents", VIDU), ("/v1/agents/async-result", VIDU_RESULT)),
    ),
    "agent_conversation": Kind(
        "/v1/agents/conversation",
        {"agent_id": "slides_glm_agent", "conversation_id": "conv-1"},
        ConversationAnswer,
        before=(("/v1/agents", {**SLIDES, "conversation_id": "conv-1"}),),
    ),
    "file_upload": Kind(
        "/files",
        None,
        FileObject,
        files={"purpose": "agent", "file": ("glossary.csv", b"GLM,GLM\n", "text/csv")},
    ),
    "layout_parsing": Kind(
        "/layout_parsing",
        {
            "model": "glm-ocr",
            "file": base64.b64encode(pdf_bytes([["Title", "Body text."], ["Page two."]])).decode(),
            "need_layout_visualization": True,
        },
        LayoutParsingResp,
    ),
    "error_chat": Kind("/chat/completions", _chat("Hi", "no-such-model"), ErrorAnswer),
    "error_rate": Kind("/chat/completions", _chat("Hi", "emulate-429-1302"), ErrorAnswer),
    "error_embeddings": Kind("/embeddings", {"model": "embedding-3", "input": ""}, ErrorAnswer),
    "error_route": Kind("/no-such-route", {}, ErrorAnswer),
}


def _request(
    emulator: ZaiEmulator, method: str, path: str, body: Any, files: Any, task: str
) -> httpx.Response:
    url = BASE + path.format(task=task)
    if files:
        fields = {k: v for k, v in files.items() if not isinstance(v, tuple)}
        uploads = {k: v for k, v in files.items() if isinstance(v, tuple)}
        request = httpx.Request(method, url, headers=AUTH, data=fields, files=uploads)
    elif body is None:
        request = httpx.Request(method, url, headers=AUTH)
    else:
        request = httpx.Request(method, url, headers=AUTH, json=body)
    return emulator.handle(request)


def answer(kind: Kind) -> httpx.Response:
    """The emulator's answer to ``kind``'s request (after the requests it needs first)."""
    emulator = ZaiEmulator()
    task = ""
    for path, body in kind.before:
        first = _request(emulator, "POST" if body else "GET", path, body, None, task)
        task = task or first.json().get("id", "")
    return _request(emulator, kind.method, kind.path, kind.body, kind.files, task)


def sse_events(response: httpx.Response) -> list[str]:
    """The ``data:`` payloads of an SSE body, ``[DONE]`` included."""
    text = response.read().decode()
    return [line[len("data: ") :] for line in text.split("\n") if line.startswith("data: ")]


def payloads(kind: Kind) -> list[Any]:
    """The JSON documents of ``kind``'s answer: the body, or each streamed chunk."""
    response = answer(kind)
    if kind.stream:
        return [json.loads(e) for e in sse_events(response) if e != "[DONE]"]
    return [response.json()]
