"""Agents, file upload and GLM-OCR layout parsing of the Z.ai emulator.

**Provenance: documented, not recorded.** These routes follow the shapes of
``shared/reference/zai-api.md`` sections 4.10 and 4.11 (docs.z.ai "Agents", "Layout Parsing",
the seeds' LowCodeAPI page); no recording of any of these endpoints exists, so the wording,
ids and field order here are the emulator's own.

- ``POST /v1/agents`` (beside ``/paas/v4``): ``general_translation`` translates with a small
  phrase book (streams when asked), ``slides_glm_agent`` streams an outline and keeps a
  conversation, ``vidu_template_agent`` answers with an ``async_id`` (``pending``).
- ``POST /v1/agents/async-result``: ``pending`` once, then ``success`` with a ``video_url``
  (a ``template`` of ``emulate-fail`` ends ``failed``).
- ``POST /v1/agents/conversation``: the messages of a slides conversation so far.
- ``POST /files`` (multipart ``purpose`` + ``file``): a file object whose id hashes the bytes.
- ``POST /layout_parsing``: PDFs are read for real (each page's ``(text) Tj`` lines become its
  Markdown and layout elements); images give one page; a URL gives two pages named after it.

Error triggers, like the other endpoints': an ``agent_id`` or ``model`` named
``emulate-<status>-<code>``; unknown agents answer 400 / 1214, unknown OCR models 400 / 1211.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any

import httpx

from .chat import CREATED
from .provenance import declare
from .services import _form, _invalid, _missing, _request_id, _trigger
from .wire import error_response, json_response, sse_response

_AGENTS_DOC = "zai-api.md 4.11 (docs.z.ai Agents)"
_OCR_DOC = "zai-api.md 4.10 (docs.z.ai Layout Parsing)"
declare(
    "/v1/agents",
    "beside /paas/v4 at {api root}/v1/agents; body agent_id, messages (typed parts), stream, "
    "custom_variables, conversation_id",
    "documented",
    _AGENTS_DOC,
)
declare(
    "/v1/agents",
    "answer {id, agent_id, choices[{index, finish_reason, message{role, content parts}}], "
    "usage}; async agents answer with an async_id (and no choices)",
    "documented",
    _AGENTS_DOC,
)
declare(
    "/v1/agents",
    "streamed pieces as chat-like choices[].delta events, finish_reason + usage last, [DONE]",
    "guessed",
    "docs say some agents stream (SSE); the event shape is not shown",
)
declare(
    "/v1/agents",
    "the translations (phrase book), slide outlines, conversation ids, 400 / 1214 for an "
    "unknown agent",
    "guessed",
    "synthetic",
)
declare(
    "/v1/agents/async-result",
    "body {agent_id, async_id} -> {status pending|success|failed, agent_id, async_id, choices}",
    "documented",
    _AGENTS_DOC,
)
declare(
    "/v1/agents/async-result",
    "pending once (choices []), then success with a video_url part (emulate-fail: failed)",
    "guessed",
    "synthetic",
)
declare(
    "/v1/agents/conversation",
    "body {agent_id, conversation_id} -> the conversation's messages",
    "documented",
    _AGENTS_DOC,
)
declare(
    "/v1/agents/conversation",
    "answered as {agent_id, conversation_id, messages[]}",
    "guessed",
    "docs name the content, not the field",
)
declare(
    "/files",
    "multipart purpose (agent|user_data) + file -> {id, object, bytes, filename, purpose, "
    "created_at}",
    "documented",
    "zai-api.md 4.9 / 4.11",
)
declare("/files", "the file ids (hash of the bytes)", "guessed", "synthetic")
declare(
    "/layout_parsing",
    "body model glm-ocr, file (URL or base64), page range, options -> {id, created, model, "
    "md_results, layout_details[page][{index, label, bbox_2d, content, width, height}], "
    "layout_visualization, data_info{num_pages, pages[{width, height}]}, usage, request_id}",
    "documented",
    _OCR_DOC,
)
declare(
    "/layout_parsing",
    "the Markdown and layout read back from the PDF's text (first line a title), bbox values",
    "guessed",
    "synthetic",
)
declare(
    "api.lowcodeapi.com",
    "agents at /zai/api/v1/agents; async-result and conversation beside it",
    "guessed",
    "seeds/003 documents Agent Chat's path only",
)

#: Conversation id -> the messages so far (user and assistant turns).
_CONVERSATIONS: dict[str, list[dict[str, Any]]] = {}
#: Async id -> statuses still to answer (the last one repeats).
_ASYNC: dict[str, list[str]] = {}

_PHRASES = {
    ("guten morgen", "en"): "Good morning",
    ("bonjour", "en"): "Hello",
    ("good morning", "zh-CN"): "早上好",
    ("good morning", "fr"): "Bonjour",
}
_STRATEGIES = {"general", "paraphrase", "two_step", "three_step", "reflection", "cot"}
_OCR_MODELS = {"glm-ocr"}
_PAGE_TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*0 0 (\d+) (\d+)\s*\]")


def _user_text(body: dict[str, Any]) -> str:
    texts = []
    for message in body.get("messages") or ():
        content = message.get("content") if isinstance(message, dict) else None
        parts = content if isinstance(content, list) else [content]
        for part in parts:
            if isinstance(part, dict) and part.get("type") == "text":
                texts.append(str(part.get("text", "")))
            elif isinstance(part, str):
                texts.append(part)
    return " ".join(texts).strip()


def _usage(prompt: str, answer: str) -> dict[str, int]:
    p, c = max(1, len(prompt.split())), max(1, len(answer.split()))
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def _choice(content: list[dict[str, Any]]) -> dict[str, Any]:
    """A choice as zai-api.md 4.11 and zai-sdk give it: ``message`` with typed parts."""
    message = {"role": "assistant", "content": content}
    return {"index": 0, "finish_reason": "stop", "message": message}


def _text_choice(text: str) -> dict[str, Any]:
    return _choice([{"type": "text", "text": text}])


def _streamed(agent_id: str, rid: str, text: str, prompt: str, **top: Any) -> httpx.Response:
    words = re.findall(r"\S+\s*", text) or [text]
    events: list[dict[str, Any]] = [
        {"id": rid, "agent_id": agent_id, **top, "choices": [{"index": 0, "delta": {"content": w}}]}
        for w in words
    ]
    events.append(
        {
            "id": rid,
            "agent_id": agent_id,
            "choices": [{"index": 0, "finish_reason": "stop", "delta": {}}],
            "usage": _usage(prompt, text),
        }
    )
    return sse_response(events)


# --------------------------------------------------------------------------- agents


def async_id_for(body: dict[str, Any]) -> str:
    """The ``async_id`` an asynchronous agent request gets (a hash of its body)."""
    return "async-" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def _translate(body: dict[str, Any], text: str) -> httpx.Response | str:
    variables = body.get("custom_variables") or {}
    target = variables.get("target_lang", "zh")
    if variables.get("strategy", "general") not in _STRATEGIES:
        return _invalid("strategy", str(variables.get("strategy")))
    phrase = _PHRASES.get((text.lower().strip(" .!"), target))
    return phrase or f"[{target}] {text}"


def _slides(body: dict[str, Any], text: str, rid: str) -> tuple[str, str]:
    conversation = body.get("conversation_id") or "conv-" + rid[-12:]
    turns = _CONVERSATIONS.setdefault(conversation, [])
    outline = f"Slide 1: {text}. Slide 2: Key points. Slide 3: Summary."
    turns += [{"role": "user", "content": text}, {"role": "assistant", "content": outline}]
    return outline, conversation


def handle_agents(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /v1/agents``."""
    if not isinstance(body, dict):
        return _invalid("request body")
    agent_id = body.get("agent_id")
    if (error := _trigger(agent_id)) is not None:
        return error
    if not agent_id:
        return _missing("agent_id")
    text = _user_text(body)
    if not text and agent_id != "vidu_template_agent":
        return _missing("messages")
    rid = _request_id(body)
    stream = bool(body.get("stream"))
    if agent_id == "general_translation":
        answer = _translate(body, text)
        if isinstance(answer, httpx.Response):
            return answer
        if stream:
            return _streamed(agent_id, rid, answer, text)
        return json_response(
            {
                "id": rid,
                "agent_id": agent_id,
                "choices": [_text_choice(answer)],
                "usage": _usage(text, answer),
            }
        )
    if agent_id == "slides_glm_agent":
        outline, conversation = _slides(body, text, rid)
        if stream:
            return _streamed(agent_id, rid, outline, text, conversation_id=conversation)
        return json_response(
            {
                "id": rid,
                "agent_id": agent_id,
                "conversation_id": conversation,
                "choices": [_text_choice(outline)],
                "usage": _usage(text, outline),
            }
        )
    if agent_id == "vidu_template_agent":
        template = (body.get("custom_variables") or {}).get("template")
        if not template:
            return _missing("custom_variables.template")
        async_id = (
            "async-" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
        )
        _ASYNC[async_id] = (
            ["pending", "failed"] if template == "emulate-fail" else ["pending", "success"]
        )
        return json_response(
            {
                "id": rid,
                "agent_id": agent_id,
                "async_id": async_id,
                "status": "pending",
                "choices": [],
            }
        )
    return _invalid("agent_id", str(agent_id))


def handle_agent_result(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /v1/agents/async-result``."""
    if not isinstance(body, dict) or not body.get("async_id"):
        return _missing("async_id")
    async_id = str(body["async_id"])
    statuses = _ASYNC.get(async_id)
    if statuses is None:
        return _invalid("async_id", f"{async_id} does not exist")
    status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
    answer: dict[str, Any] = {
        "agent_id": body.get("agent_id"),
        "async_id": async_id,
        "status": status,
        "request_id": _request_id(body),
        "choices": [],
    }
    if status == "success":
        url = f"https://aigc-files.bigmodel.cn/api/vidu/{async_id}_0.mp4"
        answer["choices"] = [_choice([{"type": "video_url", "video_url": {"url": url}}])]
    return json_response(answer)


def handle_conversation(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /v1/agents/conversation``."""
    if not isinstance(body, dict) or not body.get("conversation_id"):
        return _missing("conversation_id")
    conversation = str(body["conversation_id"])
    return json_response(
        {
            "agent_id": body.get("agent_id"),
            "conversation_id": conversation,
            "messages": _CONVERSATIONS.get(conversation, []),
        }
    )


# --------------------------------------------------------------------------- files


def handle_files(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /files`` (multipart)."""
    if "multipart/form-data" not in request.headers.get("content-type", ""):
        return _invalid("Content-Type", "expected multipart/form-data")
    fields, files = _form(request)
    purpose = fields.get("purpose")
    if purpose not in ("agent", "user_data"):
        return _invalid("purpose", str(purpose))
    if "file" not in files:
        return _missing("file")
    filename, data = files["file"]
    return json_response(
        {
            "id": "file-" + hashlib.sha256(data).hexdigest()[:24],
            "object": "file",
            "bytes": len(data),
            "filename": filename,
            "purpose": purpose,
            "created_at": CREATED,
        }
    )


# --------------------------------------------------------------------------- layout parsing


def _unescape(raw: bytes) -> str:
    return re.sub(rb"\\(.)", rb"\1", raw).decode("latin-1")


def _pdf_pages(data: bytes) -> list[tuple[list[str], tuple[int, int]]]:
    """(text lines, (width, height)) of every page of an uncompressed PDF, in order."""
    sizes = [(int(w), int(h)) for w, h in _MEDIABOX.findall(data)]
    pages = [[_unescape(t) for t in _PAGE_TEXT.findall(s)] for s in _STREAM.findall(data)]
    pages = [p for p in pages if p] or [[]]
    return [(lines, sizes[i] if i < len(sizes) else (612, 792)) for i, lines in enumerate(pages)]


def _layout_page(lines: list[str], size: tuple[int, int]) -> tuple[str, list[dict[str, Any]]]:
    elements, blocks = [], []
    for i, line in enumerate(lines):
        title = i == 0
        content = f"## {line}" if title else line
        top = round(0.08 + 0.03 * i, 3)
        elements.append(
            {
                "index": i,
                "label": "title" if title else "text",
                "bbox_2d": [0.1, top, 0.9, round(top + 0.025, 3)],
                "content": content,
                "width": size[0],
                "height": size[1],
            }
        )
        blocks.append(content)
    return "\n\n".join(blocks), elements


def _document_pages(file: str) -> list[tuple[list[str], tuple[int, int]]] | httpx.Response:
    if file.startswith(("http://", "https://")):
        name = file.rstrip("/").rsplit("/", 1)[-1]
        return [
            ([f"{name} page {n}", f"Text read from page {n} of {name}."], (1240, 1754))
            for n in (1, 2)
        ]
    try:
        data = base64.b64decode(file, validate=True)
    except (binascii.Error, ValueError):
        return _invalid("file", "not a URL or base64")
    if data.startswith(b"%PDF-"):
        return _pdf_pages(data)
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        return [(["Scanned image", f"An image of {len(data)} bytes."], (1024, 768))]
    return _invalid("file", "supported formats are PDF, JPG and PNG")


def handle_layout_parsing(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /layout_parsing``."""
    if not isinstance(body, dict):
        return _invalid("request body")
    model = body.get("model")
    if (error := _trigger(model)) is not None:
        return error
    if str(model).lower() not in _OCR_MODELS:
        return error_response(400, "1211")
    if not body.get("file"):
        return _missing("file")
    pages = _document_pages(str(body["file"]))
    if isinstance(pages, httpx.Response):
        return pages
    first = int(body.get("start_page_id") or 1)
    last = int(body.get("end_page_id") or len(pages))
    if first > len(pages) or last < first:
        return _invalid("start_page_id", "outside the document")
    chosen = pages[first - 1 : last]
    laid_out = [_layout_page(lines, size) for lines, size in chosen]
    rid = _request_id(
        {k: v for k, v in body.items() if k != "file"} | {"n": len(str(body["file"]))}
    )
    markdown = "\n\n".join(md for md, _ in laid_out)
    answer: dict[str, Any] = {
        "id": rid,
        "created": CREATED,
        "model": "glm-ocr",
        "md_results": markdown,
        "layout_details": [elements for _, elements in laid_out],
        "data_info": {
            "num_pages": len(chosen),
            "pages": [{"width": w, "height": h} for _, (w, h) in chosen],
        },
        "usage": _usage("", markdown) | {"prompt_tokens_details": {"cached_tokens": 0}},
        "request_id": rid,
    }
    if body.get("need_layout_visualization"):
        answer["layout_visualization"] = [
            f"https://aigc-files.bigmodel.cn/api/ocr/{rid}_{i}.png" for i in range(len(chosen))
        ]
    return json_response(answer)
