"""Where each behaviour of the emulator comes from: recorded, documented or guessed.

- **recorded**: seen in a real exchange with Z.ai (``shared/reference/real-exchanges``,
  summarised in ``zai-api.md``); the conformance suite's grammar checks it.
- **documented**: stated by Z.ai's docs, OpenAPI spec or official SDK (``zai-api.md``
  sections), or by a gateway's own page (its seed), but never seen on the wire.
- **guessed**: neither; the emulator's choice. A test that passes only because of a guessed
  behaviour proves the client agrees with the guess, nothing more.

Every route of :data:`tests.emulator.ROUTES`, every gateway host and xpay has rows here
(``tests/conformance/test_provenance.py``). A module that adds a route declares its rows next
to it with :func:`declare` (no need to edit this table). ``python -m tests.emulator.provenance``
prints the summary that ``docs/testing.md`` shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

Tag = Literal["recorded", "documented", "guessed"]
TAGS: tuple[Tag, ...] = ("recorded", "documented", "guessed")


@dataclass(frozen=True)
class Row:
    """One behaviour of one route (a path suffix of ``ROUTES``, a gateway host, ``xpay``)."""

    route: str
    behaviour: str
    tag: Tag
    source: str


CHAT = "/chat/completions"
REAL = "real-exchanges (zai-api.md 2.3/2.4)"

#: The table. Extend it with :func:`declare`.
ROWS: list[Row] = [
    # ------------------------------------------------------------------ chat
    Row(CHAT, "whole answer: id == request_id (timestamp + hex), object, usage", "recorded", REAL),
    Row(
        CHAT,
        "whole tool calls: call_<signed decimal> ids, index, arguments string",
        "recorded",
        REAL,
    ),
    Row(
        CHAT,
        "stream: role in every text delta, no finish_reason key until the end",
        "recorded",
        REAL,
    ),
    Row(CHAT, "stream: one final chunk with finish_reason + usage, then [DONE]", "recorded", REAL),
    Row(CHAT, "stream: tool calls whole in one delta, call_<24 hex> ids", "recorded", REAL),
    Row(
        CHAT, "reasoning_content first; reasoning_tokens / cached_tokens in usage", "recorded", REAL
    ),
    Row(CHAT, "no *_tokens_details for a non-thinking model (glm-4-32b)", "recorded", REAL),
    Row(
        CHAT,
        "forced tool_choice object calls that tool",
        "recorded",
        "real-exchanges (object generation)",
    ),
    Row(
        CHAT,
        "a prompt asking for a tool's result gets a tool call (tool_choice auto)",
        "recorded",
        "real-exchanges (tool, multi_tool)",
    ),
    Row(
        CHAT,
        "a greeting / a question no tool serves is answered in text under auto",
        "guessed",
        "issue 17: GLM's live behaviour, no recording with tools and a greeting",
    ),
    Row(
        CHAT,
        "tool_stream: id + name first, then argument fragments (5 characters)",
        "documented",
        "zai-api.md 2.4 (docs example; fragment size guessed)",
    ),
    Row(
        CHAT,
        "web_search results as a top-level list on the whole answer",
        "documented",
        "zai-api.md 2.3",
    ),
    Row(
        CHAT,
        "web_search results on the final streamed chunk",
        "guessed",
        "no document places them in a stream",
    ),
    Row(CHAT, "response_format json_object answers a JSON object", "documented", "zai-api.md 2.1"),
    Row(
        CHAT,
        "stop / max_tokens honoured (finish_reason length)",
        "documented",
        "zai-api.md 2.1, 2.3",
    ),
    Row(
        CHAT,
        "finish_reason sensitive / network_error / context window (emulate-finish-*)",
        "documented",
        "zai-api.md 2.3",
    ),
    Row(
        CHAT,
        "unknown model 400 / 1211; empty or system-only messages 400 / 1214",
        "documented",
        "zai-api.md 3 (code table, observed pairings)",
    ),
    Row(CHAT, "error body {error: {code: string, message}}", "documented", "zai-api.md 3"),
    Row(CHAT, "thinking on/off and reasoning_effort per model", "documented", "zai-api.md 2.1, 5"),
    Row(
        CHAT,
        "answer texts, reasoning texts, tool arguments taken from the prompt",
        "guessed",
        "synthetic (tests/emulator/chat.py, grounded.py)",
    ),
    Row(CHAT, "token counts (4 characters per token)", "guessed", "synthetic"),
    Row(CHAT, "a 200 HTML page (emulate-html)", "guessed", "a proxy's answer, no source"),
    # ------------------------------------------------------------------ other endpoints
    Row(
        "/tokenizer",
        "{id, created, request_id, usage{prompt, image, video, total}}",
        "documented",
        "zai-api.md 4.2",
    ),
    Row("/tokenizer", "the counts", "guessed", "synthetic"),
    Row(
        "/web_search",
        "{id, created, request_id, search_result[7 fields]}; filters",
        "documented",
        "zai-api.md 4.4",
    ),
    Row("/web_search", "search_intent list when asked", "documented", "zai-api.md 4.4 (bigmodel)"),
    Row("/web_search", "the hits' texts, links and dates", "guessed", "synthetic"),
    Row(
        "/reader",
        "{id, created, request_id, model, reader_result{...}}",
        "documented",
        "zai-api.md 4.5",
    ),
    Row("/reader", "the page's content; 1214 for an unreachable URL", "guessed", "synthetic"),
    Row(
        "/images/generations",
        "{created, data[{url}], content_filter}",
        "documented",
        "zai-api.md 4.6",
    ),
    Row(
        "/videos/generations",
        "{model, id, request_id, task_status PROCESSING}",
        "documented",
        "zai-api.md 4.7",
    ),
    Row(
        "/async-result/",
        "{model, task_status, video_result[{url, cover_image_url}], request_id}",
        "documented",
        "zai-api.md 4.7",
    ),
    Row(
        "/async-result/",
        "PROCESSING twice then SUCCESS; no video_result while PROCESSING",
        "guessed",
        "no source for the poll sequence",
    ),
    Row(
        "/audio/transcriptions",
        "multipart in, {id, created, request_id, model, text} out",
        "documented",
        "zai-api.md 4.8",
    ),
    Row("/audio/transcriptions", "the transcript text", "guessed", "synthetic"),
    Row(
        "/embeddings",
        "{model, object list, data[{index, object, embedding}], usage}",
        "documented",
        "zai-api.md 4.1 (mainland docs; api.z.ai uncertain)",
    ),
    Row(
        "/embeddings",
        "dimensions, 64 inputs, tokens-per-input limits, 1261",
        "documented",
        "zai-api.md 4.1",
    ),
    Row("/embeddings", "the vectors (hashed bag of words)", "guessed", "synthetic"),
    Row("*", "401 / 1001 without a Bearer header", "documented", "zai-api.md 1, 3"),
    Row(
        "*",
        "404 / 1222 for an unknown path",
        "guessed",
        "zai-api.md 3 names 1222; the status is a guess",
    ),
    # ------------------------------------------------------------------ gateways
    Row(
        "api.lowcodeapi.com",
        "api_token query auth, its paths, answers wrapped in {data}",
        "documented",
        "seeds/003 (LowCodeAPI page)",
    ),
    Row(
        "api.lowcodeapi.com",
        "a streamed request answered whole (buffered)",
        "guessed",
        "streaming not documented",
    ),
    Row("api.lowcodeapi.com", "its 401 / 404 error bodies", "guessed", "no source"),
    Row(
        "api.powertokens.ai",
        "POST /v1/chat/completions, Bearer, glm-4.7-flash, stream by default",
        "documented",
        "seeds/004",
    ),
    Row("api.powertokens.ai", "its errors are Z.ai's body shape", "guessed", "no source"),
    Row(
        "xpay",
        "MCP tool zai_chat_completion with the seed's 15 inputs",
        "documented",
        "seeds/000, seeds/001",
    ),
    Row(
        "xpay",
        "the result text (Z.ai's JSON) and isError results naming the status",
        "guessed",
        "no source",
    ),
]


def declare(route: str, behaviour: str, tag: Tag, source: str) -> None:
    """Add a row for a route added elsewhere (call it next to the handler)."""
    if tag not in TAGS:
        raise ValueError(f"tag must be one of {TAGS}, got {tag!r}")
    ROWS.append(Row(route, behaviour, tag, source))


def summary() -> str:
    """The Markdown summary ``docs/testing.md`` shows: rows per route and tag."""
    counts = Counter((row.route, row.tag) for row in ROWS)
    routes = list(dict.fromkeys(row.route for row in ROWS))
    lines = ["| route | recorded | documented | guessed |", "|---|---|---|---|"]
    for route in routes:
        cells = " | ".join(str(counts[(route, tag)]) for tag in TAGS)
        lines.append(f"| `{route}` | {cells} |")
    totals = " | ".join(f"**{sum(counts[(r, tag)] for r in routes)}**" for tag in TAGS)
    lines.append(f"| all | {totals} |")
    return "\n".join(lines)


def totals_line() -> str:
    """The one line the README's provenance section shows: behaviours per tag."""
    counts = Counter(row.tag for row in ROWS)
    parts = ", ".join(f"{counts[tag]} {tag}" for tag in TAGS)
    return f"The emulator's {len(ROWS)} tagged behaviours: {parts}"


if __name__ == "__main__":
    # The package's copy of this module holds the rows its route modules declared on import
    # (``python -m`` runs a second copy, whose table has only the rows above).
    from tests.emulator import provenance

    print(provenance.summary())
    print()
    print(provenance.totals_line())
