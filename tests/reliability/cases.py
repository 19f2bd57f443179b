"""The fault table: what the loopback server does, and what every client must make of it.

One :class:`Case` per fault, with an :class:`Expect` for the plain call (``"chat"``) and one
for the streamed call (``"stream"``). The same table runs through ``ZaiClient``, ``ChatZai``
and ``Zai``, sync and async (``test_faults_*.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from zai_core import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    ContentFilterError,
    InternalServerError,
    QuotaExceededError,
    StreamInterruptedError,
    ZaiError,
)

from .fault_server import (
    DONE_FRAME,
    Reply,
    Sleep,
    chat_chunk,
    chat_completion,
    cut_json,
    drop,
    embedding_body,
    embedding_reply,
    error_reply,
    every,
    html_reply,
    json_reply,
    raw_reply,
    sse_reply,
    stall,
    stream_frames,
)

#: Streamed answer pieces: CJK, emoji and U+2028 (a JSON-legal line separator).
WORDS = ("你好", "\uff0c世界", " 🌍", " line\u2028sep", "!")
ANSWER = "".join(WORDS)
#: Read timeout (= idle time allowed between two chunks) of most cases.
TIMEOUT = httpx.Timeout(0.5, connect=1.0)
#: The keep-alive case pauses 0.25 s six times: 1.5 s in all, each gap under this timeout.
KEEPALIVE_TIMEOUT = httpx.Timeout(1.0, connect=1.0)
Kind = str  # "chat" | "stream" | "embed"
ALL: tuple[Kind, ...] = ("chat", "stream", "embed")
#: Texts the embeddings cases send, and the vectors the loopback server answers for them.
EMBED_INPUTS = ("你好", "line\u2028sep", "🌍")
EMBED_VECTORS = [[float(len(t) + j) for j in range(4)] for t in EMBED_INPUTS]


@dataclass(frozen=True)
class Expect:
    """What a client must do with a case.

    Attributes:
        error: the exception class (``None``: the call succeeds with the whole answer).
        message: a substring of ``str(error)``.
        requests: requests the server must see (attempts, for a refused connection).
        waits: the exact retry waits the policy must ask for (``None``: only their count,
            which is ``requests - 1``).
        partial: for streams, the text the consumer received before the error; also
            ``StreamInterruptedError.partial_text``.
        status / code: ``APIStatusError.status_code`` / ``.code`` when set.
    """

    error: type[ZaiError] | None = None
    message: str = ""
    requests: int = 1
    waits: tuple[float, ...] | None = None
    partial: str | None = None
    status: int | None = None
    code: str | None = None

    def describe(self) -> str:
        """One table cell."""
        what = "whole answer" if self.error is None else self.error.__name__
        if self.code:
            what += f" (code {self.code})"
        text = f"{what}; {self.requests} request{'s' if self.requests > 1 else ''}"
        if self.waits:
            text += f"; waits {', '.join(f'{w:g} s' for w in self.waits)}"
        if self.partial is not None:
            text += f"; partial {self.partial!r}"
        return text


@dataclass(frozen=True)
class Case:
    """One fault, scripted per kind of call."""

    name: str
    summary: str
    replies: dict[Kind, Callable[[], list[Reply]]]
    expect: dict[Kind, Expect]
    max_retries: int = 2
    timeout: httpx.Timeout = field(default_factory=lambda: TIMEOUT)
    refused: bool = False


def ok_chat() -> Reply:
    """The whole non-streamed answer."""
    return json_reply(200, chat_completion(ANSWER))


def ok_stream() -> Reply:
    """The whole streamed answer."""
    return sse_reply(stream_frames(WORDS))


def ok_embed() -> Reply:
    """The embeddings of :data:`EMBED_INPUTS`."""
    return embedding_reply(EMBED_INPUTS)


def _ok(kind: Kind) -> Reply:
    return {"chat": ok_chat, "stream": ok_stream, "embed": ok_embed}[kind]()


def _both(make: Callable[[Kind], list[Reply]]) -> dict[Kind, Callable[[], list[Reply]]]:
    """The same script for every kind of call (chat, stream, embeddings)."""
    return {kind: (lambda kind=kind: make(kind)) for kind in ALL}  # type: ignore[misc]


def _error_event(code: str, message: str) -> bytes:
    return f'data: {{"error":{{"code":"{code}","message":"{message}"}}}}\n\n'.encode()


#: Six 0.25 s pauses, each followed by a keep-alive comment: 1.5 s without data.
KEEPALIVE_PAUSES: list[bytes | Sleep] = [Sleep(0.25), b": keep-alive\n\n"] * 6
ARREARS = "Insufficient balance or no resource package. Please recharge."
SENSITIVE = "System detected potentially unsafe or sensitive content in input or generation."
MAINTENANCE = b"<html><body><h1>Scheduled maintenance</h1></body></html>"
TWO = "".join(WORDS[:2])
EMBED_BODY = embedding_body(EMBED_INPUTS)
THREE = "".join(WORDS[:3])

CASES: list[Case] = [
    Case(
        "429_retry_after_seconds",
        "429 (code 1302) with `retry-after: 1`, then success",
        _both(
            lambda k: [
                error_reply(429, "1302", "High concurrency", {"retry-after": "1"}),
                _ok(k),
            ]
        ),
        dict.fromkeys(ALL, Expect(requests=2, waits=(1.0,))),
    ),
    Case(
        "429_retry_after_ms",
        "429 with `retry-after-ms: 50`, then success",
        _both(
            lambda k: [
                error_reply(429, "1302", "High concurrency", {"retry-after-ms": "50"}),
                _ok(k),
            ]
        ),
        dict.fromkeys(ALL, Expect(requests=2, waits=(0.05,))),
    ),
    Case(
        "429_code_1113",
        "429 with business code 1113 (no balance)",
        _both(lambda k: [error_reply(429, "1113", ARREARS), _ok(k)]),
        dict.fromkeys(
            ALL,
            Expect(QuotaExceededError, "code 1113", requests=1, status=429, code="1113"),
        ),
    ),
    Case(
        "5xx_burst_shorter",
        "two 503s, then success (`max_retries=2`)",
        _both(
            lambda k: [
                error_reply(503, "500", "Service busy"),
                error_reply(503, "500", "Service busy"),
                _ok(k),
            ]
        ),
        dict.fromkeys(ALL, Expect(requests=3)),
    ),
    Case(
        "5xx_burst_longer",
        "500 on every attempt (`max_retries=2`)",
        _both(lambda k: [error_reply(500, "500", "Internal error")]),
        dict.fromkeys(
            ALL,
            Expect(InternalServerError, "HTTP 500", requests=3, status=500),
        ),
    ),
    Case(
        "connection_refused",
        "nothing listens on the port",
        _both(lambda k: []),
        dict.fromkeys(ALL, Expect(APIConnectionError, "could not reach Z.ai", requests=3)),
        refused=True,
    ),
    Case(
        "stall_after_accept",
        "accepts, reads the request, never answers (read timeout 0.5 s, `max_retries=1`)",
        _both(lambda k: [stall()]),
        dict.fromkeys(ALL, Expect(APITimeoutError, "timed out", requests=2)),
        max_retries=1,
    ),
    Case(
        "stall_mid_answer",
        "stalls after half a JSON body / after three stream chunks (read timeout 0.5 s)",
        {
            "chat": lambda: [cut_json(200, chat_completion(ANSWER), then="stall")],
            "embed": lambda: [cut_json(200, EMBED_BODY, then="stall")],
            "stream": lambda: [sse_reply(stream_frames(WORDS[:3], None), end="stall")],
        },
        {
            "chat": Expect(APITimeoutError, "timed out", requests=2),
            "embed": Expect(APITimeoutError, "timed out", requests=2),
            "stream": Expect(
                StreamInterruptedError, "stalled past the read timeout", requests=1, partial=THREE
            ),
        },
        max_retries=1,
    ),
    Case(
        "drop_mid_answer",
        "connection cut after half a JSON body / after three stream chunks",
        {
            "chat": lambda: [cut_json(200, chat_completion(ANSWER), then="drop")],
            "embed": lambda: [cut_json(200, EMBED_BODY, then="drop")],
            "stream": lambda: [sse_reply(stream_frames(WORDS[:3], None), end="drop")],
        },
        {
            "chat": Expect(APIConnectionError, "connection to Z.ai failed", requests=3),
            "embed": Expect(APIConnectionError, "connection to Z.ai failed", requests=3),
            "stream": Expect(
                StreamInterruptedError, "dropped mid-stream", requests=1, partial=THREE
            ),
        },
    ),
    Case(
        "drop_before_answer",
        "connection cut before any byte of the answer, then success",
        _both(lambda k: [drop(), _ok(k)]),
        dict.fromkeys(ALL, Expect(requests=2)),
    ),
    Case(
        "error_event_in_200",
        "200 whose stream carries an error event (code 1301) after two chunks; 200 JSON error body",
        {
            "chat": lambda: [json_reply(200, {"error": {"code": "1301", "message": SENSITIVE}})],
            "stream": lambda: [
                sse_reply(
                    [chat_chunk(WORDS[0]), chat_chunk(WORDS[1]), _error_event("1301", SENSITIVE)]
                )
            ],
        },
        {
            "chat": Expect(ContentFilterError, "code 1301", status=200, code="1301"),
            "stream": Expect(ContentFilterError, "code 1301", partial=TWO, status=200, code="1301"),
        },
    ),
    Case(
        "error_event_first_retryable",
        "200 whose first event is an error (code 1234, network error), then success",
        {
            "chat": lambda: [
                json_reply(200, {"error": {"code": "1234", "message": "Network error"}}),
                ok_chat(),
            ],
            "stream": lambda: [
                sse_reply([_error_event("1234", "Network error"), DONE_FRAME]),
                ok_stream(),
            ],
        },
        dict.fromkeys(ALL, Expect(requests=2)),
    ),
    Case(
        "html_502",
        "nginx HTML 502 page on every attempt",
        _both(lambda k: [html_reply(502, "502 Bad Gateway")]),
        dict.fromkeys(
            ALL,
            Expect(InternalServerError, "HTML error page: 502 Bad Gateway", requests=3, status=502),
        ),
    ),
    Case(
        "200_not_json",
        "200 with an HTML maintenance page instead of JSON / events",
        _both(lambda k: [raw_reply(200, MAINTENANCE, "text/html")]),
        {
            "chat": Expect(APIResponseValidationError, "not JSON"),
            "embed": Expect(APIResponseValidationError, "not JSON"),
            "stream": Expect(APIResponseValidationError, "expected an event stream"),
        },
    ),
    Case(
        "keepalive_comments",
        "`: keep-alive` comments every 0.25 s for 1.5 s between chunks (read timeout 1 s), "
        "every frame cut in 5-byte network chunks",
        {
            "stream": lambda: [
                sse_reply(
                    [
                        b": keep-alive\n\n",
                        chat_chunk(WORDS[0]),
                        b":ping\n\n",
                        b"id: 7\n\n",
                        chat_chunk(WORDS[1]),
                        *KEEPALIVE_PAUSES,
                        chat_chunk(WORDS[2]),
                        b"\n",
                        chat_chunk(WORDS[3]),
                        b": OPENROUTER PROCESSING\n\n",
                        chat_chunk(WORDS[4]),
                        chat_chunk("", finish_reason="stop"),
                        DONE_FRAME,
                    ],
                    split=every(5),
                )
            ]
        },
        {"stream": Expect()},
        timeout=KEEPALIVE_TIMEOUT,
    ),
    Case(
        "finish_network_error",
        "`finish_reason: network_error` after two chunks / in a whole answer",
        {
            "chat": lambda: [json_reply(200, chat_completion(TWO, "network_error"))],
            "stream": lambda: [
                sse_reply(
                    [
                        chat_chunk(WORDS[0]),
                        chat_chunk(WORDS[1]),
                        chat_chunk("", finish_reason="network_error"),
                        DONE_FRAME,
                    ]
                )
            ],
        },
        {
            "chat": Expect(InternalServerError, "network_error", requests=3, status=200),
            "stream": Expect(StreamInterruptedError, "network_error", partial=TWO),
        },
    ),
    Case(
        "finish_sensitive",
        "`finish_reason: sensitive` after two chunks / in a whole answer",
        {
            "chat": lambda: [json_reply(200, chat_completion(TWO, "sensitive"))],
            "stream": lambda: [
                sse_reply(
                    [
                        chat_chunk(WORDS[0]),
                        chat_chunk(WORDS[1]),
                        chat_chunk("", finish_reason="sensitive"),
                        DONE_FRAME,
                    ]
                )
            ],
        },
        {
            "chat": Expect(ContentFilterError, "finish_reason=sensitive", status=200, code="1301"),
            "stream": Expect(
                ContentFilterError,
                "finish_reason=sensitive",
                partial=TWO,
                status=200,
                code="1301",
            ),
        },
    ),
    Case(
        "stream_truncated",
        "stream ends cleanly after three chunks with neither `finish_reason` nor `[DONE]`",
        {"stream": lambda: [sse_reply(stream_frames(WORDS[:3], None))]},
        {"stream": Expect(StreamInterruptedError, "ended before [DONE]", partial=THREE)},
    ),
    Case(
        "401_bad_key",
        "401 with code 1002 (invalid key)",
        _both(lambda k: [error_reply(401, "1002", "Authorization Token invalid")]),
        dict.fromkeys(ALL, Expect(AuthenticationError, "code 1002", status=401, code="1002")),
    ),
]


def case_params(kinds: tuple[Kind, ...] = ("chat", "stream")) -> list[tuple[Case, Kind]]:
    """``(case, kind)`` pairs for ``pytest.mark.parametrize``."""
    return [(c, k) for c in CASES for k in kinds if k in c.expect and k in c.replies]


def case_id(value: object) -> str:
    """Readable parametrize ids."""
    return value.name if isinstance(value, Case) else str(value)
