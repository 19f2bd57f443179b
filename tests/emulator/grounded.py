"""Chat emulator answers for retrieval-augmented prompts, so RAG recordings read well.

Used by :mod:`.chat` for plain text answers:

- a question asked over context (LlamaIndex's QA / citation templates: ``...context...
  Query: <q> Answer:``; or a chat engine's system message holding "relevant documents")
  -> the context sentences that share the most words with the question, with ``[n]``
  citations when the context is numbered ``Source n:``;
- a condense-question prompt (``Follow Up Input: <q> Standalone question:``) -> the follow-up
  question made standalone with the words of the previous user turn;
- media parts -> a description that names what was sent (image, video, document);
- long tool results (web search hits, pages) -> their titles and links, for the answer that
  follows a tool call (short results are quoted whole).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

_STOP_WORDS = (
    "a an and are as at be by can do does for from how i in is it its of on or that the this "
    "to what when which who why with you your my me we our about tell use give please"
)
_STOP = frozenset(_STOP_WORDS.split())
_SEPARATOR = re.compile(r"^\s*-{3,}\s*$", re.MULTILINE)
_METADATA_LINE = re.compile(r"^\s*[a-z_]+: \S.*$")


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9][\w.\-]*", text.lower()) if w not in _STOP}


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _sentences(context: str) -> list[tuple[int | None, str]]:
    """(source number or None, sentence) for every sentence of the context."""
    parts = re.split(r"(?m)^\s*Source (\d+):\s*$", context)
    numbered: list[tuple[int | None, str]] = []
    if len(parts) > 1:
        numbered = [(int(parts[i]), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    else:
        numbered = [(None, context)]
    out: list[tuple[int | None, str]] = []
    for number, block in numbered:
        lines = [
            line
            for line in block.splitlines()
            if not _METADATA_LINE.match(line) and not line.lstrip().startswith("#")
        ]
        text = " ".join(line.strip(" #*-") for line in lines if line.strip())
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if len(sentence.split()) >= 4:
                out.append((number, sentence.strip()))
    return out


def _answer_from(context: str, question: str) -> str:
    wanted = _content_words(question)
    scored = [
        (len(wanted & _content_words(sentence)), -i, number, sentence)
        for i, (number, sentence) in enumerate(_sentences(context))
    ]
    ranked = sorted((s for s in scored if s[0] > 0), reverse=True)
    if not ranked:
        return "I don't know: the documents do not say."
    best = [s for s in ranked[:2] if s[0] * 3 >= ranked[0][0] * 2]  # close to the best only
    best.sort(key=lambda s: -s[1])  # back in document order
    parts = []
    for _, _, number, sentence in best:
        cite = f" [{number}]" if number is not None else ""
        parts.append(sentence.rstrip(".") + cite + ".")
    return "According to the documents: " + " ".join(parts)


def _query_prompt(prompt: str) -> tuple[str, str] | None:
    """(context, question) of a ``... Query: <q> Answer:`` template, if it is one."""
    start = prompt.rfind("Query:")  # templates may show an example query first
    match = re.fullmatch(r"Query:\s*(.+?)\s*\n\s*Answer:\s*", prompt[start:], re.DOTALL)
    if start < 0 or match is None:
        return None
    head = prompt[:start]
    pieces = _SEPARATOR.split(head)
    context = pieces[-2] if len(pieces) >= 3 else head
    return context, match.group(1)


def _system_context(messages: list[dict[str, Any]]) -> str | None:
    for m in messages:
        text = _text(m.get("content")) if m.get("role") == "system" else ""
        match = re.search(r"relevant documents for the context:(.*?)Instruction:", text, re.S)
        if match:
            return match.group(1)
    return None


def _condensed(prompt: str) -> str | None:
    match = re.search(r"Follow Up Input:\s*(.+?)\s*\n\s*Standalone question:", prompt, re.S)
    if match is None:
        return None
    question = match.group(1).strip()
    history = prompt[: match.start()]
    earlier = re.findall(r"(?im)^\s*user:\s*(.+)$", history)
    refers_back = re.search(r"(?i)\b(it|its|that|this|they|them|those|these|he|she)\b", question)
    if not earlier or not refers_back:  # a self-contained follow-up stays as it is
        return question
    topic = earlier[-1].strip().rstrip("?")
    return f"{question.rstrip('?')} (about: {topic})?"


def grounded_answer(messages: list[dict[str, Any]], prompt: str) -> str | None:
    """An answer drawn from the context in the prompt, or None when there is none."""
    condensed = _condensed(prompt)
    if condensed is not None:
        return condensed
    query = _query_prompt(prompt)
    if query is not None:
        return _answer_from(*query)
    context = _system_context(messages)
    if context is not None:
        return _answer_from(context, prompt)
    return None


def _file_text(part: dict[str, Any]) -> str | None:
    """The first sentences of a text document sent as base64 ``file_data``, if any."""
    data = (part.get("file") or {}).get("file_data", "")
    match = re.fullmatch(r"data:text/[\w.+-]+;base64,(.+)", data or "", re.S)
    if match is None:
        return None
    try:
        text = base64.b64decode(match.group(1)).decode("utf-8")
    except ValueError:
        return None
    lines = [line.strip(" #*-") for line in text.splitlines() if line.strip()]
    first = " ".join(re.split(r"(?<=[.!?])\s+", " ".join(lines))[:2])
    return first or None


def media_answer(messages: list[dict[str, Any]]) -> str | None:
    """A description naming the media parts sent (None when the image answer applies)."""
    parts = [
        p
        for m in messages
        if isinstance(m.get("content"), list)
        for p in m["content"]
        if isinstance(p, dict)
    ]
    kinds = {p.get("type") for p in parts}
    if "video_url" in kinds:
        return (
            "The video is a short clip: I sampled its frames and describe the scene as the "
            "camera moves through it."
        )
    for part in parts:
        if part.get("type") == "file":
            first = _file_text(part)
            if first:
                return f"The document says: {first}"
    if kinds & {"file", "file_url"}:
        return "The document was read; it is a short file whose content I summarise here."
    return None


def _hits(text: str) -> list[str]:
    """``title (link)`` of search hits given as JSON or as ``Title:`` / ``Link:`` lines."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, list):
        return [
            f"{d.get('title')} ({d.get('link') or d.get('url')})"
            for d in data
            if isinstance(d, dict) and d.get("title")
        ]
    titles = re.findall(r"(?m)^Title:\s*(.+)$", text)
    links = re.findall(r"(?m)^(?:Link|URL):\s*(\S+)", text)
    return [f"{t.strip()} ({u})" for t, u in zip(titles, links, strict=False)]


def summarise_tool_result(text: str, limit: int = 160) -> str:
    """A short tool result as is; a long one as its hits, or a page's title and first line."""
    if len(text) <= limit:
        return text
    hits = _hits(text)
    if len(hits) > 1 or (hits and "Description:" not in text):
        return "found " + ", ".join(hits[:3])
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    heading = next((line.lstrip("# ") for line in lines if line.startswith("#")), None)
    title = heading or (hits[0] if hits else lines[0][:80])
    body = next(
        (
            line
            for line in lines
            if not line.startswith(("#", "!", "Title:", "URL:", "Link:", "Description:"))
        ),
        "",
    )
    return f"the page '{title}' says: {body[:limit].rstrip('.')}"
