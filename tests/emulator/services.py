"""Web search, web reader, images, videos and audio transcription of the Z.ai emulator.

Deterministic answers in the shapes of ``shared/reference/zai-api.md`` sections 4.4-4.8:

- ``POST /web_search`` -> ``search_result`` hits built from the query (``count``, domain and
  recency filters honoured; ``search_intent`` answered when asked);
- ``POST /reader`` -> a ``reader_result`` page for the URL (markdown or text);
- ``POST /images/generations`` -> one image URL plus ``content_filter``;
- ``POST /videos/generations`` -> a ``PROCESSING`` task; ``GET /async-result/{id}`` answers
  ``PROCESSING`` twice, then ``SUCCESS`` with ``video_result``. A prompt containing
  ``emulate-fail`` fails after one ``PROCESSING`` poll; ``emulate-slow`` never finishes.
  Each submit restarts its task's poll count, so recordings do not depend on test order;
- ``POST /audio/transcriptions`` (multipart) -> ``text`` describing the uploaded clip.

Error triggers, like the chat endpoint's: a model (or, for web search, a ``search_engine``)
named ``emulate-<status>-<code>``, and for the reader a URL whose path has a segment
``emulate-<status>-<code>``. Invalid values answer 400 / 1214 like the real API; unknown
models answer 400 / 1211.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import wave
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import urlsplit

import httpx

from .chat import CREATED, _hex_id
from .wire import error_response, json_response, response_id

_TRIGGER = re.compile(r"emulate-(\d{3})-(\d+)")
_SIZE = re.compile(r"\d+x\d+")
_TODAY = dt.date(2026, 11, 23)
_ENGINES = {"search-prime", "search_std", "search_pro", "search_pro_sogou", "search_pro_quark"}
_RECENCY_DAYS = {"oneDay": 0, "oneWeek": 6, "oneMonth": 29, "oneYear": 364, "noLimit": 900}
_SITES = ("www.example.com", "news.example.org", "docs.example.net", "blog.example.io")
_IMAGE_MODELS = {"glm-image", "cogview-4-250304", "cogview-4", "cogview-3-flash"}
_VIDEO_MODELS = {"cogvideox-3", "cogvideox-2", "viduq1-text", "viduq1-image", "vidu2-image"}
_ASR_MODELS = {"glm-asr-2512"}

#: Video task id -> statuses still to answer (the last one repeats).
_TASKS: dict[str, list[str]] = {}


def _request_id(seed: Any) -> str:
    return response_id(seed)


def _trigger(value: Any) -> httpx.Response | None:
    match = _TRIGGER.fullmatch(value) if isinstance(value, str) else None
    return error_response(int(match.group(1)), match.group(2)) if match else None


def _invalid(field: str, detail: str = "") -> httpx.Response:
    return error_response(
        400, "1214", f"Invalid {field} parameter" + (f": {detail}" if detail else "")
    )


def _missing(field: str) -> httpx.Response:
    return error_response(400, "1213", f"{field} parameter not received properly")


def _words(text: str) -> list[str]:
    return re.findall(r"[\w-]+", text.lower())


# --------------------------------------------------------------------------- web search


def _search_hit(query: str, index: int, domain: str | None, days: int) -> dict[str, Any]:
    site = domain or _SITES[index % len(_SITES)]
    slug = "-".join(_words(query)[:6]) or "result"
    age = (index * 3) % (days + 1)
    return {
        "title": f"{query[:60]} - {['Overview', 'News', 'Guide', 'Analysis'][index % 4]}",
        "content": (
            f"Result {index + 1} for '{query[:80]}': a summary of what {site} says about it, "
            f"published {age} day(s) before the search."
        ),
        "link": f"https://{site}/{slug}/{index + 1}",
        "media": site.split(".")[-2].capitalize(),
        "icon": f"https://{site}/favicon.ico",
        "refer": f"ref_{index + 1}",
        "publish_date": (_TODAY - dt.timedelta(days=age)).isoformat(),
    }


def handle_web_search(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /web_search``."""
    if not isinstance(body, dict):
        return _invalid("request body")
    engine = body.get("search_engine")
    if (error := _trigger(engine)) is not None:
        return error
    if not engine:
        return _missing("search_engine")
    if engine not in _ENGINES:
        return _invalid("search_engine", str(engine))
    query = body.get("search_query")
    if not isinstance(query, str) or not query.strip():
        return _missing("search_query")
    count = body.get("count", 10)
    if not isinstance(count, int) or not 1 <= count <= 50:
        return _invalid("count", "must be between 1 and 50")
    recency = body.get("search_recency_filter", "noLimit")
    if recency not in _RECENCY_DAYS:
        return _invalid("search_recency_filter", str(recency))
    domain = body.get("search_domain_filter") or None
    hits = [_search_hit(query, i, domain, _RECENCY_DAYS[recency]) for i in range(count)]
    rid = _request_id(body)
    answer: dict[str, Any] = {
        "id": rid,
        "created": CREATED,
        "request_id": rid,
        "search_result": hits,
    }
    if body.get("search_intent"):
        answer["search_intent"] = [{"query": query, "intent": "SEARCH_ALL", "keywords": query}]
    return json_response(answer)


# --------------------------------------------------------------------------- reader


def handle_reader(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /reader``."""
    url = body.get("url") if isinstance(body, dict) else None
    if not url:
        return _missing("url")
    parts = urlsplit(str(url))
    for segment in parts.path.split("/"):
        if (error := _trigger(segment)) is not None:
            return error
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return _invalid("url", str(url))
    if parts.hostname and parts.hostname.endswith(".invalid"):
        return error_response(400, "1214", f"Failed to fetch url: {url}")
    fmt = body.get("return_format", "markdown")
    if fmt not in ("markdown", "text"):
        return _invalid("return_format", str(fmt))
    topic = " ".join(w.capitalize() for w in _words(parts.path.replace("/", " "))[:5]) or "Home"
    title = f"{topic} | {parts.hostname}"
    description = f"Everything about {topic.lower()} on {parts.hostname}."
    image = f"![diagram](https://{parts.netloc}/static/diagram.png)\n\n"
    if fmt == "markdown":
        content = (
            f"# {topic}\n\n{description}\n\n"
            + (image if body.get("retain_images", True) else "")
            + f"## Details\n\n- Source: [{parts.hostname}]({url})\n- Section: {topic}\n"
        )
    else:
        content = f"{topic}\n\n{description}\n\nDetails\nSource: {parts.hostname}\nSection: {topic}"
    result: dict[str, Any] = {
        "content": content,
        "description": description,
        "title": title,
        "url": url,
        "external": {"stylesheet": {}},
        "metadata": {"og:title": title, "og:type": "article", "viewport": "width=device-width"},
    }
    if body.get("with_images_summary"):
        result["images"] = {"diagram": f"https://{parts.netloc}/static/diagram.png"}
    if body.get("with_links_summary"):
        result["links"] = {parts.hostname or "home": url}
    rid = _request_id(body)
    return json_response(
        {
            "id": rid,
            "created": CREATED,
            "request_id": rid,
            "model": "reader",
            "reader_result": result,
        }
    )


# --------------------------------------------------------------------------- images


def handle_images(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /images/generations``."""
    model = body.get("model") if isinstance(body, dict) else None
    if (error := _trigger(model)) is not None:
        return error
    if model not in _IMAGE_MODELS:
        return error_response(400, "1211")
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return _missing("prompt")
    if "emulate-sensitive" in prompt:
        return error_response(400, "1301")
    if "size" in body and not _SIZE.fullmatch(str(body["size"])):
        return _invalid("size", str(body["size"]))
    if body.get("quality", "hd") not in ("hd", "standard"):
        return _invalid("quality", str(body["quality"]))
    name = _hex_id(json.dumps(body, sort_keys=True), 20)
    return json_response(
        {
            "created": CREATED,
            "data": [{"url": f"https://aigc-files.bigmodel.cn/api/cogview/{CREATED}{name}_0.png"}],
            "content_filter": [{"role": "assistant", "level": 3}],
        }
    )


# --------------------------------------------------------------------------- videos


def handle_videos(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /videos/generations``: a task that the poll endpoint finishes later."""
    model = body.get("model") if isinstance(body, dict) else None
    if (error := _trigger(model)) is not None:
        return error
    if model not in _VIDEO_MODELS:
        return error_response(400, "1211")
    prompt = body.get("prompt") or ""
    if not prompt and not body.get("image_url"):
        return _missing("prompt")
    if len(prompt) > 512:
        return _invalid("prompt", "at most 512 characters")
    if body.get("fps", 30) not in (30, 60):
        return _invalid("fps", str(body["fps"]))
    if body.get("duration", 5) not in (5, 10):
        return _invalid("duration", str(body["duration"]))
    seed = json.dumps(body, sort_keys=True)
    task_id = f"{int(_hex_id(seed, 13), 16)}-{int(_hex_id(seed[::-1], 15), 16)}"
    if "emulate-fail" in prompt:
        _TASKS[task_id] = ["PROCESSING", "FAIL"]
    elif "emulate-slow" in prompt:
        _TASKS[task_id] = ["PROCESSING"]
    else:
        _TASKS[task_id] = ["PROCESSING", "PROCESSING", "SUCCESS"]
    return json_response(
        {
            "model": model,
            "id": task_id,
            "request_id": _request_id(body),
            "task_status": "PROCESSING",
        }
    )


def handle_async_result(request: httpx.Request, body: Any) -> httpx.Response:
    """``GET /async-result/{id}``: the next status of a submitted task."""
    task_id = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    statuses = _TASKS.get(task_id)
    if statuses is None:
        return _invalid("id", f"task {task_id} does not exist")
    status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
    answer: dict[str, Any] = {
        "model": "cogvideox-3",
        "task_status": status,
        "request_id": _request_id(task_id),
    }
    if status == "SUCCESS":
        base = f"https://aigc-files.bigmodel.cn/api/cogvideo/{task_id}"
        answer["video_result"] = [{"url": f"{base}_0.mp4", "cover_image_url": f"{base}_0.png"}]
    return json_response(answer)


# --------------------------------------------------------------------------- audio


def _form(request: httpx.Request) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """Fields and files of a multipart request."""
    content_type = request.headers.get("content-type", "")
    raw = f"Content-Type: {content_type}\r\n\r\n".encode() + request.content
    message: Message = BytesParser(policy=HTTP).parsebytes(raw)
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts() if message.is_multipart() else ():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            files[str(name)] = (part.get_filename(), payload)
        else:
            fields[str(name)] = payload.decode()
    return fields, files


def _wav_seconds(data: bytes) -> float | None:
    try:
        with wave.open(io.BytesIO(data)) as clip:
            return clip.getnframes() / float(clip.getframerate())
    except (wave.Error, EOFError):
        return None


def handle_transcriptions(request: httpx.Request, body: Any) -> httpx.Response:
    """``POST /audio/transcriptions`` (multipart; non-stream answers only)."""
    if "multipart/form-data" not in request.headers.get("content-type", ""):
        return _invalid("Content-Type", "expected multipart/form-data")
    fields, files = _form(request)
    model = fields.get("model")
    if (error := _trigger(model)) is not None:
        return error
    if model not in _ASR_MODELS:
        return error_response(400, "1211")
    if "file" not in files:
        return _missing("file")
    filename, data = files["file"]
    if not filename.lower().endswith((".wav", ".mp3")):
        return _invalid("file", "supported formats are .wav and .mp3")
    seconds = _wav_seconds(data) if filename.lower().endswith(".wav") else None
    if filename.lower().endswith(".wav") and seconds is None:
        return _invalid("file", "not a readable WAV file")
    if seconds is not None and seconds > 30:
        return _invalid("file", "audio duration exceeds 30 seconds")
    length = f"{seconds:.1f} seconds" if seconds is not None else f"{len(data)} bytes"
    text = f"Hello from a recording of {length}, named {filename}."
    hotwords = json.loads(fields.get("hotwords") or "[]")
    if hotwords:
        text += " It mentions " + ", ".join(hotwords) + "."
    rid = _request_id({"fields": fields, "size": len(data)})
    return json_response(
        {"id": rid, "created": CREATED, "request_id": rid, "model": model, "text": text}
    )
