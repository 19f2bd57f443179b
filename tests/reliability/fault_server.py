"""A misbehaving Z.ai on loopback: a real HTTP/1.1 server that writes raw bytes.

The real clients (``ZaiClient``, ``ChatZai``, ``Zai``, the embeddings) talk to it over a real
TCP socket on ``127.0.0.1``, so every fault is what httpx sees in production: a stall, a
dropped connection, a cut chunked body, an HTML gateway page, an error event inside a 200.

Each answer is a list of :class:`Send` / :class:`Sleep` / :class:`Close` steps, so a test
controls the exact network chunks, pauses and drops. The server counts requests, open
connections and client disconnects; every pause is capped at :data:`MAX_STALL` seconds and
the server stops itself when its ``with`` block (the fixture) ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "MAX_STALL",
    "Close",
    "FaultServer",
    "RecordedRequest",
    "Reply",
    "Send",
    "Sleep",
    "chat_chunk",
    "chat_completion",
    "drop",
    "embedding_body",
    "embedding_reply",
    "error_reply",
    "every",
    "html_reply",
    "json_reply",
    "raw_reply",
    "sse_reply",
    "stall",
]

#: No pause, stall or wait in this server lasts longer than this (seconds).
MAX_STALL = 5.0
MAX_HEADER_BYTES = 65_536
SSE_TYPE = "text/event-stream;charset=UTF-8"
JSON_TYPE = "application/json; charset=UTF-8"
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Send:
    """Write these bytes (one ``write``; with chunked framing already applied)."""

    data: bytes


@dataclass(frozen=True)
class Sleep:
    """Pause; capped at :data:`MAX_STALL`. A client disconnect ends the pause early."""

    seconds: float


@dataclass(frozen=True)
class Close:
    """Drop the connection now (no terminating chunk, no more bytes)."""


Step = Send | Sleep | Close


@dataclass(frozen=True)
class Reply:
    """One scripted answer: the steps, and whether the connection may serve another request."""

    steps: tuple[Step, ...]
    keep_alive: bool = True
    label: str = ""


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def raw_reply(
    status: int,
    content: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
    *,
    keep_alive: bool = True,
) -> Reply:
    """A complete answer with a ``Content-Length`` body."""
    head = {"Content-Type": content_type, "Content-Length": str(len(content))}
    head.update(headers or {})
    if not keep_alive:
        head["Connection"] = "close"
    return Reply((Send(_head(status, head) + content),), keep_alive=keep_alive)


def json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    """A JSON answer, compact like the real server's."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return raw_reply(status, content, JSON_TYPE, headers)


def error_reply(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Reply:
    """Z.ai's error body ``{"error": {"code", "message"}}``."""
    return json_reply(status, {"error": {"code": code, "message": message}}, headers)


def html_reply(status: int, title: str, content_type: str = "text/html") -> Reply:
    """A gateway's HTML page (nginx style)."""
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()
    return raw_reply(status, page, content_type)


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def sse_reply(
    frames: Sequence[bytes | Sleep],
    *,
    pause: float = 0.0,
    end: str = "done",
    split: Callable[[bytes], Iterable[bytes]] | None = None,
) -> Reply:
    """A chunked ``text/event-stream`` answer, one HTTP chunk per frame (or per ``split`` piece).

    A :class:`Sleep` among the frames pauses there; ``pause`` sleeps between all frames.
    ``end``: ``"done"`` (terminating chunk, connection reusable), ``"drop"`` (connection cut
    mid-body), ``"stall"`` (stop sending, hold the connection up to :data:`MAX_STALL`, then
    cut it). ``split`` cuts each frame into several network chunks.
    """
    steps: list[Step] = [
        Send(_head(200, {"Content-Type": SSE_TYPE, "Transfer-Encoding": "chunked"}))
    ]
    for i, frame in enumerate(frames):
        if isinstance(frame, Sleep):
            steps.append(frame)
            continue
        if pause and i:
            steps.append(Sleep(pause))
        pieces = list(split(frame)) if split is not None else [frame]
        steps.extend(Send(_chunk(p)) for p in pieces if p)
    if end == "done":
        steps.append(Send(b"0\r\n\r\n"))
        return Reply(tuple(steps))
    if end == "stall":
        steps.append(Sleep(MAX_STALL))
    steps.append(Close())
    return Reply(tuple(steps), keep_alive=False)


def every(size: int) -> Callable[[bytes], list[bytes]]:
    """A ``split`` for :func:`sse_reply`: pieces of ``size`` bytes (cuts UTF-8 characters)."""
    return lambda frame: [frame[i : i + size] for i in range(0, len(frame), size)]


def stall() -> Reply:
    """Read the request, answer nothing for :data:`MAX_STALL` seconds, then hang up."""
    return Reply((Sleep(MAX_STALL), Close()), keep_alive=False, label="stall")


def drop() -> Reply:
    """Read the request and hang up without a byte."""
    return Reply((Close(),), keep_alive=False, label="drop")


def cut_json(status: int, body: Any, *, then: str = "drop") -> Reply:
    """A JSON answer whose body stops halfway (``then``: ``"drop"`` or ``"stall"``)."""
    content = json.dumps(body, separators=(",", ":")).encode()
    head = _head(status, {"Content-Type": JSON_TYPE, "Content-Length": str(len(content))})
    steps: list[Step] = [Send(head + content[: len(content) // 2])]
    if then == "stall":
        steps.append(Sleep(MAX_STALL))
    steps.append(Close())
    return Reply(tuple(steps), keep_alive=False)


# --------------------------------------------------------------------------- wire shapes

CHUNK_ID = "20260313050247fault0000000000"


def chat_chunk(
    content: str | None = None,
    *,
    reasoning: str | None = None,
    finish_reason: str | None = None,
    usage: dict[str, Any] | None = None,
) -> bytes:
    """One ``data:`` frame of a streamed chat answer, in Z.ai's shape."""
    delta: dict[str, Any] = {"role": "assistant"}
    if content is not None:
        delta["content"] = content
    if reasoning is not None:
        delta["reasoning_content"] = reasoning
    choice: dict[str, Any] = {"index": 0, "delta": delta}
    if finish_reason is not None:
        choice["finish_reason"] = finish_reason
    event: dict[str, Any] = {
        "id": CHUNK_ID,
        "created": 1773349367,
        "object": "chat.completion.chunk",
        "model": "glm-4.7",
        "choices": [choice],
    }
    if usage is not None:
        event["usage"] = usage
    return b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\n\n"


DONE_FRAME = b"data: [DONE]\n\n"
USAGE = {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}


def stream_frames(words: Sequence[str], finish_reason: str | None = "stop") -> list[bytes]:
    """Frames of a whole streamed answer: one chunk per word, the finish chunk, ``[DONE]``."""
    frames = [chat_chunk(w) for w in words]
    if finish_reason is not None:
        frames.append(chat_chunk("", finish_reason=finish_reason, usage=USAGE))
        frames.append(DONE_FRAME)
    return frames


def chat_completion(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    """A non-streamed chat answer body."""
    return {
        "id": CHUNK_ID,
        "request_id": CHUNK_ID,
        "created": 1773349367,
        "model": "glm-4.7",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": USAGE,
    }


def embedding_body(inputs: Sequence[str], dimensions: int = 4) -> dict[str, Any]:
    """An ``/embeddings`` answer body with one deterministic vector per input."""
    data = [
        {
            "index": i,
            "object": "embedding",
            "embedding": [float(len(text) + j) for j in range(dimensions)],
        }
        for i, text in enumerate(inputs)
    ]
    usage = {"prompt_tokens": len(inputs), "completion_tokens": 0, "total_tokens": len(inputs)}
    return {"model": "embedding-3", "object": "list", "data": data, "usage": usage}


def embedding_reply(inputs: Sequence[str], dimensions: int = 4) -> Reply:
    """The :func:`embedding_body` answer."""
    return json_reply(200, embedding_body(inputs, dimensions))


# --------------------------------------------------------------------------- the server


@dataclass
class RecordedRequest:
    """What the server received."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        """URL path without the query."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        """Query parameters."""
        return dict(parse_qsl(urlsplit(self.target).query))

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body else None


Script = Callable[[RecordedRequest, int], Reply]


@dataclass
class _Stats:
    open_connections: int = 0
    accepted: int = 0
    disconnects: list[float] = field(default_factory=list)
    peak_open: int = 0


class FaultServer:
    """A scripted HTTP/1.1 server on ``127.0.0.1`` (random free port) in a background thread.

    ``script(*replies)`` answers request *n* with ``replies[n]`` (the last one repeats);
    ``handler(fn)`` answers with ``fn(request, n)``. Use as a context manager.
    """

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.stats = _Stats()
        self._script: Script = lambda request, n: json_reply(200, chat_completion("ok"))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="fault-server", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._disconnected = threading.Condition()
        self.port = 0

    # ------------------------------------------------------------------ control

    @property
    def url(self) -> str:
        """A ``base_url`` for the clients."""
        return f"http://127.0.0.1:{self.port}/api/paas/v4"

    def script(self, *replies: Reply) -> None:
        """Answer the n-th request with ``replies[n]``; the last reply repeats."""
        fixed = tuple(replies)
        self._script = lambda request, n: fixed[min(n, len(fixed) - 1)]

    def handler(self, fn: Script) -> None:
        """Answer every request with ``fn(request, n)``."""
        self._script = fn

    def count(self, path_suffix: str = "") -> int:
        """Requests received whose path ends with ``path_suffix``."""
        return sum(1 for r in self.requests if r.path.endswith(path_suffix))

    def wait_until(self, predicate: Callable[[], bool], timeout: float = MAX_STALL) -> bool:
        """Poll ``predicate`` until true or ``timeout`` (a correctness bound, not a speed one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return predicate()

    def wait_disconnect(self, count: int = 1, timeout: float = MAX_STALL) -> bool:
        """Wait until the server has seen ``count`` client disconnects mid-answer."""
        with self._disconnected:
            return self._disconnected.wait_for(
                lambda: len(self.stats.disconnects) >= count, timeout=timeout
            )

    def __enter__(self) -> FaultServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=MAX_STALL)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Close the listener and every connection, stop the loop, join the thread."""
        if not self._thread.is_alive():
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        try:
            future.result(timeout=MAX_STALL)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=MAX_STALL)
            if not self._thread.is_alive():
                self._loop.close()

    # ------------------------------------------------------------------ loop side

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(
            self._on_connect, "127.0.0.1", 0, backlog=2048, limit=MAX_HEADER_BYTES
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()  # handlers see the hang-up and return by themselves
        if self._tasks:
            _, stragglers = await asyncio.wait(list(self._tasks), timeout=MAX_STALL)
            for task in stragglers:
                task.cancel()
        if self._server is not None:
            await asyncio.wait_for(self._server.wait_closed(), timeout=MAX_STALL)

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        stats = self.stats
        stats.open_connections += 1
        stats.accepted += 1
        stats.peak_open = max(stats.peak_open, stats.open_connections)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            if writer.transport.is_closing():
                writer.transport.abort()
            else:
                writer.close()
            with contextlib.suppress(ConnectionError, asyncio.TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), timeout=MAX_STALL)
            stats.open_connections -= 1
            self._tasks.discard(task)
            self._writers.discard(writer)

    def _record_disconnect(self) -> None:
        with self._disconnected:
            self.stats.disconnects.append(time.monotonic())
            self._disconnected.notify_all()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        pending = b""
        while True:
            request, pending = await _read_request(reader, pending)
            if request is None:
                return
            n = len(self.requests)
            self.requests.append(request)
            reply = self._script(request, n)
            # Watches for the client hanging up while the answer is being written.
            watcher: asyncio.Task[bytes] = asyncio.ensure_future(reader.read(1))
            try:
                gone = await _play(reply, writer, watcher)
            finally:
                if not watcher.done():
                    watcher.cancel()
                    await asyncio.gather(watcher, return_exceptions=True)
            if gone:
                self._record_disconnect()
                return
            if not reply.keep_alive:
                return
            if watcher.done() and not watcher.cancelled():
                if watcher.exception() is not None or not watcher.result():
                    return  # closed right after a complete answer: not a mid-answer drop
                pending = watcher.result()


async def _read_request(
    reader: asyncio.StreamReader, pending: bytes
) -> tuple[RecordedRequest | None, bytes]:
    buffer = pending
    while b"\r\n\r\n" not in buffer:
        data = await reader.read(65_536)
        if not data:
            return None, b""
        buffer += data
        if len(buffer) > MAX_HEADER_BYTES:
            return None, b""
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        data = await reader.read(length - len(rest))
        if not data:
            return None, b""
        rest += data
    return RecordedRequest(method, target, headers, rest[:length]), rest[length:]


async def _play(reply: Reply, writer: asyncio.StreamWriter, watcher: asyncio.Task[bytes]) -> bool:
    """Perform the steps; ``True`` when the client hung up before the answer was complete."""
    for step in reply.steps:
        if _hung_up(watcher):
            return True
        if isinstance(step, Send):
            try:
                writer.write(step.data)
                await writer.drain()
            except ConnectionError:
                return True
        elif isinstance(step, Sleep):
            await asyncio.wait({watcher}, timeout=min(step.seconds, MAX_STALL))
        else:
            writer.transport.abort()
            return False
    return False


def _hung_up(watcher: asyncio.Task[bytes]) -> bool:
    """The watcher saw end-of-file or an error (data means the client is still there)."""
    if not watcher.done() or watcher.cancelled():
        return False
    return watcher.exception() is not None or watcher.result() == b""
