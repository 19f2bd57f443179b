"""A fast Z.ai-shaped HTTP/1.1 server on 127.0.0.1 that answers with canned bytes.

Every answer is built once and cached, so the time a benchmark measures is the client's.
The wire shapes follow Z.ai's real exchanges (``/work/shared/reference/real-exchanges``):
compact JSON, ``role`` repeated in every text delta, usage with ``prompt_tokens_details`` /
``completion_tokens_details`` on the single finish chunk, then ``data: [DONE]``; a stream is
sent with ``transfer-encoding: chunked``, one HTTP chunk per event, as the real server does.

Options ride in the path, before the API prefix, so one server serves every scenario::

    http://127.0.0.1:<port>/api/paas/v4            2,000-chunk streams, no delay
    http://127.0.0.1:<port>/s1/api/paas/v4         1-chunk streams
    http://127.0.0.1:<port>/d20/api/paas/v4        20 ms added before every answer
    http://127.0.0.1:<port>/p2000/api/paas/v4      paced: one event per write, 2,000 us apart
    http://127.0.0.1:<port>/e2048/api/paas/v4      2,048-dim embeddings (default 256)
    http://127.0.0.1:<port>/t500/api/paas/v4       a tool call whose arguments come in 500 parts
    http://127.0.0.1:<port>/r50/api/paas/v4        at most 50 requests a second, else 429

A burst stream is written in one ``write`` (many events per socket read, hot caches); a paced
stream writes and flushes each event on its own, as a real model does, so every event costs
the client one socket read. The rate limit is a token bucket per server (a 429 with code
1303, "high frequency", carries ``Retry-After`` in whole seconds and ``Retry-After-Ms``).

Endpoints: ``POST .../chat/completions`` (JSON or SSE, by the body's ``stream``),
``POST .../embeddings`` (one 256-dim vector per input), ``GET /__bench/stats`` (requests per
endpoint since the last ``POST /__bench/reset``).

This file uses only the standard library and runs as a script in its own process
(:class:`BenchServer` starts it), so the server never competes with the client for the GIL.
It binds 127.0.0.1 only, stops when its parent closes its stdin, after ``--lifetime``
seconds, or after ``--max-requests`` requests, whichever comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import http.client
import json
import math
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

DEFAULT_CHUNKS = 2000
EMBEDDING_DIMS = 256
MAX_BODY = 16 * 1024 * 1024
_CREATED = 1782862773
_ID = "20260701073925df703dd30a854c37"
_MODEL = "glm-4.7"
_TOKENS = ("Hello", ",", " this", " is", " a", " canned", " answer", " token", " by", " token", ".")
_OPTION = re.compile(rb"^/([sdpetr])(\d+)(?=/)")
_JSON_TYPE = b"application/json; charset=UTF-8"
_SSE_TYPE = b"text/event-stream;charset=UTF-8"


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _usage(completion_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": 9,
        "completion_tokens": completion_tokens,
        "total_tokens": 9 + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def chat_json_body() -> bytes:
    """A non-streamed ``chat.completion`` answer, compact like the real server's."""
    return _dumps(
        {
            "choices": [
                {
                    "finish_reason": "stop",
                    "index": 0,
                    "message": {"content": "2 + 2 is 4.", "role": "assistant"},
                }
            ],
            "created": _CREATED,
            "id": _ID,
            "model": _MODEL,
            "object": "chat.completion",
            "request_id": _ID,
            "usage": _usage(7),
        }
    )


def chat_stream_events(chunks: int) -> list[bytes]:
    """The ``data:`` events of a streamed answer with ``chunks`` text deltas."""
    head = {"id": _ID, "created": _CREATED, "object": "chat.completion.chunk", "model": _MODEL}
    events = []
    for i in range(chunks):
        delta = {"role": "assistant", "content": _TOKENS[i % len(_TOKENS)]}
        events.append({**head, "choices": [{"index": 0, "delta": delta}]})
    finish = {"index": 0, "finish_reason": "stop", "delta": {"role": "assistant", "content": ""}}
    events.append({**head, "choices": [finish], "usage": _usage(chunks)})
    out = [b"data: " + _dumps(e) + b"\n\n" for e in events]
    out.append(b"data: [DONE]\n\n")
    return out


def tool_stream_events(parts: int) -> list[bytes]:
    """A streamed tool call whose ``arguments`` JSON arrives in ``parts`` fragments."""
    head = {"id": _ID, "created": _CREATED, "object": "chat.completion.chunk", "model": _MODEL}
    pieces = ['{"items": ['] + ['"x",'] * max(0, parts - 2) + ['"end"]}']
    events = []
    for i, piece in enumerate(pieces[:parts] if parts > 1 else ['{"items": []}']):
        call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
        if i == 0:
            call.update({"id": "call_bench", "type": "function"})
            call["function"]["name"] = "record"
        delta = {"role": "assistant", "tool_calls": [call]}
        events.append({**head, "choices": [{"index": 0, "delta": delta}]})
    finish = {"index": 0, "finish_reason": "tool_calls", "delta": {"role": "assistant"}}
    events.append({**head, "choices": [finish], "usage": _usage(parts)})
    out = [b"data: " + _dumps(e) + b"\n\n" for e in events]
    out.append(b"data: [DONE]\n\n")
    return out


def embeddings_body(count: int, dims: int = EMBEDDING_DIMS) -> bytes:
    """An ``/embeddings`` answer with ``count`` canned vectors."""
    vector = [round(((i * 37) % 101) / 101 - 0.5, 6) for i in range(dims)]
    data = [{"index": i, "object": "embedding", "embedding": vector} for i in range(count)]
    return _dumps(
        {
            "model": "embedding-3",
            "object": "list",
            "data": data,
            "usage": {
                "prompt_tokens": 4 * count,
                "completion_tokens": 0,
                "total_tokens": 4 * count,
            },
        }
    )


def _head(status: bytes, content_type: bytes, length: int | None) -> bytes:
    lines = [b"HTTP/1.1 " + status, b"content-type: " + content_type]
    if length is None:
        lines.append(b"transfer-encoding: chunked")
        lines.append(b"cache-control: no-cache")
    else:
        lines.append(b"content-length: " + str(length).encode())
    lines.append(b"connection: keep-alive")
    lines.append(b"x-request-id: " + _ID.encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


class _Canned:
    """Every answer's bytes, built on first use and kept."""

    def __init__(self) -> None:
        body = chat_json_body()
        self.chat_json = _head(b"200 OK", _JSON_TYPE, len(body)) + body
        self._streams: dict[tuple[str, int], list[bytes]] = {}
        self._embeddings: dict[tuple[int, int], bytes] = {}

    def stream(self, chunks: int, tool_parts: int = 0) -> list[bytes]:
        """The frames of a stream: the head, one HTTP chunk per event, the last chunk."""
        key = ("t", tool_parts) if tool_parts else ("s", chunks)
        cached = self._streams.get(key)
        if cached is None:
            events = tool_stream_events(tool_parts) if tool_parts else chat_stream_events(chunks)
            frames = [_head(b"200 OK", _SSE_TYPE, None)]
            frames += [b"%x\r\n" % len(event) + event + b"\r\n" for event in events]
            frames.append(b"0\r\n\r\n")
            cached = self._streams[key] = frames
        return cached

    def embeddings(self, count: int, dims: int) -> bytes:
        cached = self._embeddings.get((count, dims))
        if cached is None:
            body = embeddings_body(count, dims)
            cached = _head(b"200 OK", _JSON_TYPE, len(body)) + body
            self._embeddings[(count, dims)] = cached
        return cached


def _error(status: bytes, message: str, extra: bytes = b"", code: str = "1214") -> bytes:
    body = _dumps({"error": {"code": code, "message": message}})
    head = _head(status, _JSON_TYPE, len(body))
    return head[:-2] + extra + b"\r\n" + body if extra else head + body


@dataclass
class _Options:
    """What the path asked for (``/s1``, ``/d20``, ``/p2000``, ``/e2048``, ``/t500``, ``/r50``)."""

    chunks: int = DEFAULT_CHUNKS
    delay: float = 0.0
    gap: float = 0.0
    dims: int = EMBEDDING_DIMS
    tool_parts: int = 0
    rate: int = 0


def _options(path: bytes) -> tuple[_Options, bytes]:
    options = _Options()
    while (match := _OPTION.match(path)) is not None:
        letter, number = match.group(1), int(match.group(2))
        if letter == b"s":
            options.chunks = number
        elif letter == b"d":
            options.delay = number / 1000.0
        elif letter == b"p":
            options.gap = number / 1e6
        elif letter == b"e":
            options.dims = number
        elif letter == b"t":
            options.tool_parts = number
        else:
            options.rate = number
        path = path[match.end() :]
    return options, path


class _Bucket:
    """A token bucket: ``rate`` requests a second, bursts up to one second's worth."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.tokens = float(rate)
        self.stamp = time.monotonic()

    def take(self) -> float:
        """0 when a request may pass now, else the seconds until one may."""
        now = time.monotonic()
        self.tokens = min(float(self.rate), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class _Server:
    def __init__(self, max_requests: int) -> None:
        self.canned = _Canned()
        self.counts: Counter[str] = Counter()
        self.max_requests = max_requests
        self.served = 0
        self.done = asyncio.Event()
        self.buckets: dict[int, _Bucket] = {}
        self.span: list[float] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while not self.done.is_set():
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                method, target, headers = _parse_head(head)
                body = b""
                length = int(headers.get(b"content-length", b"0") or 0)
                if length > MAX_BODY:
                    writer.write(_error(b"413 Payload Too Large", "body too large"))
                    return
                if length:
                    body = await reader.readexactly(length)
                elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                    body = await _read_chunked(reader)
                answer, options = self.route(method, target, body)
                if options.delay:
                    await asyncio.sleep(options.delay)
                await _send(writer, answer, options.gap)
                self.served += 1
                if self.served >= self.max_requests:
                    self.done.set()
                if headers.get(b"connection", b"").lower() == b"close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return  # the client left, or the server is shutting down
        finally:
            writer.close()

    def route(self, method: bytes, target: bytes, body: bytes) -> tuple[Any, _Options]:
        options, path = _options(target.split(b"?", 1)[0])
        plain = _Options()
        if path == b"/__bench/stats":
            span = self.span[1] - self.span[0] if self.span else 0.0
            stats = _dumps({**self.counts, "span_ms": round(span * 1000)} if span else self.counts)
            return _head(b"200 OK", _JSON_TYPE, len(stats)) + stats, plain
        if path == b"/__bench/reset" and method == b"POST":
            self.counts.clear()
            self.span = []
            return _head(b"200 OK", _JSON_TYPE, 2) + b"{}", plain
        if method != b"POST":
            return _error(b"405 Method Not Allowed", "POST only"), plain
        if options.rate:
            bucket = self.buckets.setdefault(options.rate, _Bucket(options.rate))
            wait = bucket.take()
            if wait:
                self.counts["rate_limited"] += 1
                retry = b"retry-after: %d\r\nretry-after-ms: %d\r\n" % (
                    max(1, math.ceil(wait)),
                    max(1, math.ceil(wait * 1000)),
                )
                return _error(b"429 Too Many Requests", "rate limit", retry, "1303"), plain
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            return _error(b"400 Bad Request", "body is not JSON"), plain
        if path.endswith(b"/chat/completions"):
            if payload.get("stream") is True:
                self.counts["chat_stream"] += 1
                return self.canned.stream(options.chunks, options.tool_parts), options
            self.counts["chat"] += 1
            return self.canned.chat_json, options
        if path.endswith(b"/embeddings"):
            inputs = payload.get("input")
            count = 1 if isinstance(inputs, str) else len(inputs or ())
            self.counts["embeddings"] += 1
            self.counts["embedding_inputs"] += count
            now = time.monotonic()  # first and last accepted request: the sending window
            self.span = [self.span[0] if self.span else now, now]
            return self.canned.embeddings(count, options.dims), options
        return _error(b"404 Not Found", f"no route for {path.decode(errors='replace')}"), plain


async def _send(writer: asyncio.StreamWriter, answer: Any, gap: float) -> None:
    """A burst (one write), or with ``gap`` one flushed write per frame ``gap`` s apart."""
    if isinstance(answer, bytes):
        writer.write(answer)
    elif not gap:
        writer.write(b"".join(answer))
    else:
        writer.write(answer[0])
        for frame in answer[1:]:
            await writer.drain()
            await asyncio.sleep(gap)
            writer.write(frame)
    await writer.drain()


def _parse_head(head: bytes) -> tuple[bytes, bytes, dict[bytes, bytes]]:
    lines = head.split(b"\r\n")
    method, target, _version = lines[0].split(b" ", 2)
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
    return method, target, headers


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def serve(port: int, lifetime: float, max_requests: int) -> None:
    """Serve on 127.0.0.1:``port`` (0: a free port, printed as ``PORT <n>``) until told to stop."""
    server_state = _Server(max_requests)
    loop = asyncio.get_running_loop()

    def stdin_closed() -> None:
        with contextlib.suppress(Exception):
            while sys.stdin.buffer.read(1024):
                pass
        loop.call_soon_threadsafe(server_state.done.set)

    threading.Thread(target=stdin_closed, daemon=True).start()
    server = await asyncio.start_server(
        server_state.handle, host="127.0.0.1", port=port, backlog=512, limit=1 << 20
    )
    bound = server.sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)
    async with server:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server_state.done.wait(), timeout=lifetime)
        server.close()


def main(argv: list[str] | None = None) -> None:
    """``python benchmarks/server.py [--port N] [--lifetime S] [--max-requests N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=900.0)
    parser.add_argument("--max-requests", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.port, args.lifetime, args.max_requests))


class BenchServer:
    """The loopback server, run in a child process; a context manager.

    Example:
        .. code-block:: python

            with BenchServer() as server:
                url = server.base_url(chunks=1)  # http://127.0.0.1:<port>/s1/api/paas/v4
    """

    def __init__(self, *, lifetime: float = 900.0, max_requests: int = 2_000_000) -> None:
        self.lifetime = lifetime
        self.max_requests = max_requests
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> BenchServer:
        """Start the child process and wait for its port."""
        self._process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--lifetime",
                str(self.lifetime),
                "--max-requests",
                str(self.max_requests),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        atexit.register(self.stop)
        assert self._process.stdout is not None
        line = self._process.stdout.readline().decode().strip()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"benchmark server did not start (said {line!r})")
        self.port = int(line.split()[1])
        return self

    def stop(self) -> None:
        """Close the child's stdin (it exits), then make sure it is gone."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(Exception):
            assert process.stdin is not None
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> BenchServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def base_url(
        self,
        *,
        chunks: int = DEFAULT_CHUNKS,
        delay_ms: int = 0,
        gap_us: int = 0,
        dims: int = EMBEDDING_DIMS,
        tool_parts: int = 0,
        rate: int = 0,
    ) -> str:
        """The ``base_url`` serving ``chunks``-chunk streams (paced ``gap_us`` apart when set),
        ``dims``-dim embeddings, tool-call streams of ``tool_parts`` argument fragments, at
        most ``rate`` requests a second, with ``delay_ms`` added to every answer."""
        prefix = "" if chunks == DEFAULT_CHUNKS else f"/s{chunks}"
        for letter, number in (
            ("d", delay_ms),
            ("p", gap_us),
            ("e", 0 if dims == EMBEDDING_DIMS else dims),
            ("t", tool_parts),
            ("r", rate),
        ):
            if number:
                prefix += f"/{letter}{number}"
        return f"{self.root}{prefix}/api/paas/v4"

    def _call(self, method: str, path: str) -> dict[str, int]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=b"" if method == "POST" else None)
            return json.loads(connection.getresponse().read())  # type: ignore[no-any-return]
        finally:
            connection.close()

    def stats(self) -> dict[str, int]:
        """Requests per endpoint since the last :meth:`reset`."""
        return self._call("GET", "/__bench/stats")

    def reset(self) -> None:
        """Zero the request counts."""
        self._call("POST", "/__bench/reset")


if __name__ == "__main__":
    main()
