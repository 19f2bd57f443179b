"""Where the per-call cost grows with the request or the answer: long histories, many bound
tools, tool-call arguments streamed in many fragments.

Each figure is client CPU time (``time.process_time``; the server is another process) per
call, the median of ``scenario_reps`` calls after one warm-up, the contenders alternated:

- ``history N``: one non-streamed call carrying ``N`` earlier messages (user / assistant
  alternating) plus the question;
- ``tools N``: one non-streamed call with ``N`` function tools bound;
- ``tool-call parts N``: one streamed answer whose single tool call's ``arguments`` arrive in
  ``N`` fragments, per fragment (CPU of the stream / ``N``): flat means linear. Beside ChatZai
  and Zai: our accumulator alone (``zai_core``, no framework) and LangChain's in-process floor
  merging the same chunks (LangChain's own growth, which no integration can remove).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from .contenders import Unavailable, _import
from .floors import API_KEY, MODEL, PROMPT
from .server import BenchServer, tool_stream_events

Log = Callable[[str], None]
#: Who runs in the history / tools rows (the floor and the classes that send messages).
SCENARIO_CONTENDERS = ("raw", "chat_zai", "chat_openai", "zai", "openai_like")
PARTS_CONTENDERS = ("accumulator", "lc_floor_tools", "chat_zai", "zai")


def tool_dicts(count: int) -> list[dict[str, Any]]:
    """``count`` OpenAI-style function tools with one string argument each."""
    return [
        {
            "type": "function",
            "function": {
                "name": f"lookup_{i}",
                "description": f"Look up fact number {i} about a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string", "description": "City name."}},
                    "required": ["city"],
                },
            },
        }
        for i in range(count)
    ]


def _history_dicts(length: int) -> list[dict[str, str]]:
    roles = ("user", "assistant")
    turns = [{"role": roles[i % 2], "content": f"message {i}: {PROMPT}"} for i in range(length)]
    return [*turns, {"role": "user", "content": PROMPT}]


class _Raw:
    """The floor: the body built from dicts, POSTed with bare httpx, ``.json()``."""

    def __init__(self, base_url: str, history: int, tools: int) -> None:
        self.url = base_url + "/chat/completions"
        self.client = httpx.Client(timeout=60, headers={"Authorization": f"Bearer {API_KEY}"})
        self.history, self.tools = history, tools

    def __call__(self) -> Any:
        body: dict[str, Any] = {"model": MODEL, "messages": _history_dicts(self.history)}
        if self.tools:
            body["tools"] = tool_dicts(self.tools)
        return self.client.post(self.url, json=body).json()


def _langchain(cls: Any, base_url: str, history: int, tools: int) -> Callable[[], Any]:
    from langchain_core.messages import AIMessage, HumanMessage

    classes = (HumanMessage, AIMessage)
    messages = [classes[d["role"] == "assistant"](d["content"]) for d in _history_dicts(history)]
    model = cls(model=MODEL, base_url=base_url, api_key=API_KEY)
    runnable = model.bind_tools(tool_dicts(tools)) if tools else model
    return lambda: runnable.invoke(messages)


def _llama_index(llm: Any, history: int, tools: int) -> Callable[[], Any]:
    from llama_index.core.base.llms.types import ChatMessage
    from llama_index.core.tools import FunctionTool

    messages = [ChatMessage(role=d["role"], content=d["content"]) for d in _history_dicts(history)]
    if not tools:
        return lambda: llm.chat(messages)

    def lookup(city: str) -> str:
        return city

    bound = [
        FunctionTool.from_defaults(fn=lookup, name=f"lookup_{i}", description=f"Fact {i}.")
        for i in range(tools)
    ]
    return lambda: llm.chat_with_tools(bound, chat_history=messages[:-1], user_msg=PROMPT)


def _caller(key: str, base_url: str, history: int, tools: int) -> Callable[[], Any]:
    if key == "raw":
        return _Raw(base_url, history, tools)
    if key == "chat_zai":
        return _langchain(_import("langchain_zai", "ChatZai"), base_url, history, tools)
    if key == "chat_openai":
        return _langchain(_import("langchain_openai", "ChatOpenAI"), base_url, history, tools)
    if key == "zai":
        llm = _import("llama_index_zai", "Zai")(model=MODEL, base_url=base_url, api_key=API_KEY)
        return _llama_index(llm, history, tools)
    openai_like = _import("llama_index.llms.openai_like", "OpenAILike")
    llm = openai_like(
        model=MODEL,
        api_base=base_url,
        api_key=API_KEY,
        is_chat_model=True,
        is_function_calling_model=True,
        context_window=200_000,
    )
    return _llama_index(llm, history, tools)


def _cpu(fn: Callable[[], Any], reps: int) -> float:
    fn()  # warm-up (and a first failure surfaces here)
    samples = []
    for _ in range(reps):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def _alternate(
    callers: dict[str, Callable[[], Any]], reps: int, errors: dict[str, str]
) -> dict[str, float]:
    out: dict[str, list[float]] = {k: [] for k in callers}
    for index in range(reps):
        keys = list(callers)
        shift = index % max(1, len(keys))
        for key in keys[shift:] + keys[:shift]:
            if key in errors:
                continue
            try:
                out[key].append(_cpu(callers[key], 1))
            except Exception as exc:
                errors[key] = f"{type(exc).__name__}: {str(exc)[:120]}"
    return {k: statistics.median(v) for k, v in out.items() if v and k not in errors}


def measure_requests(server: BenchServer, settings: Any, results: Any, log: Log) -> None:
    """The ``history N`` and ``tools N`` rows."""
    base_url = server.base_url(chunks=1)
    cases = [(f"history {n}", n, 0) for n in settings.history]
    cases += [(f"tools {n}", 0, n) for n in settings.tools]
    for name, history, tools in cases:
        errors: dict[str, str] = {}
        callers: dict[str, Callable[[], Any]] = {}
        for key in SCENARIO_CONTENDERS:
            try:
                callers[key] = _caller(key, base_url, history, tools)
            except Unavailable as exc:
                errors[key] = str(exc)
        reps = settings.scenario_reps if history < 5000 else max(1, settings.scenario_reps - 1)
        figures = _alternate(callers, reps, errors)
        results.scenarios[name] = _figures(figures, errors)
        log(f"  {name}: " + ", ".join(f"{k} {v * 1e3:.2f} ms" for k, v in figures.items()))


def _figures(values: dict[str, float], errors: dict[str, str]) -> dict[str, Any]:
    from .measure import Figure

    out = {k: Figure(v) for k, v in values.items()}
    out.update({k: Figure(error=e) for k, e in errors.items()})
    return out


# --------------------------------------------------------------------------- tool-call parts


def _events(parts: int) -> list[dict[str, Any]]:
    import json

    raw = tool_stream_events(parts)[:-1]  # without [DONE]
    return [json.loads(event[len(b"data: ") :]) for event in raw]


def _accumulator(parts: int) -> Callable[[], Any]:
    from zai_core.accumulate import StreamAccumulator

    events = _events(parts)

    def run() -> Any:
        accumulator = StreamAccumulator()
        for event in events:
            accumulator.add(event)
        return accumulator.response()

    return run


def _langchain_tools_floor(parts: int) -> Callable[[], Any]:
    """LangChain's own merging of ``parts`` tool-call chunks, in process (no I/O)."""
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessageChunk
    from langchain_core.outputs import ChatGenerationChunk, ChatResult

    fragments = [e["choices"][0]["delta"].get("tool_calls", [{}])[0] for e in _events(parts)]

    class ToolFloor(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "tool-floor"

        def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
            raise NotImplementedError

        def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            for call in fragments:
                function = call.get("function") or {}
                chunk = {"name": function.get("name"), "args": function.get("arguments")}
                chunk.update({"id": call.get("id"), "index": 0})
                message = AIMessageChunk(content="", tool_call_chunks=[chunk])
                yield ChatGenerationChunk(message=message)

    model = ToolFloor()
    return lambda: sum(1 for _ in model.stream(PROMPT))


def _streamer(key: str, base_url: str, parts: int) -> Callable[[], Any]:
    if key == "accumulator":
        return _accumulator(parts)
    if key == "lc_floor_tools":
        return _langchain_tools_floor(parts)
    if key == "chat_zai":
        model = _import("langchain_zai", "ChatZai")(model=MODEL, base_url=base_url, api_key=API_KEY)
        return lambda: sum(1 for _ in model.stream(PROMPT))
    from llama_index.core.base.llms.types import ChatMessage

    llm = _import("llama_index_zai", "Zai")(model=MODEL, base_url=base_url, api_key=API_KEY)
    messages = [ChatMessage(role="user", content=PROMPT)]
    return lambda: sum(1 for _ in llm.stream_chat(messages))


def measure_tool_parts(server: BenchServer, settings: Any, results: Any, log: Log) -> None:
    """Per-fragment CPU for tool-call arguments in ``N`` fragments, for each ``N``."""
    for parts in settings.tool_parts:
        base_url = server.base_url(tool_parts=parts)
        errors: dict[str, str] = {}
        callers = {}
        for key in PARTS_CONTENDERS:
            try:
                callers[key] = _streamer(key, base_url, parts)
            except Unavailable as exc:
                errors[key] = str(exc)
        reps = settings.scenario_reps if parts <= 10_000 else 1
        figures = {k: v / parts for k, v in _alternate(callers, reps, errors).items()}
        name = f"tool-call parts {parts}"
        results.scenarios[name] = _figures(figures, errors)
        log(f"  {name}: " + ", ".join(f"{k} {v * 1e6:.1f} us/part" for k, v in figures.items()))


# --------------------------------------------------------------------------- async transports


def _raw_async(base_url: str, concurrency: int, aiohttp: bool) -> Callable[[], Any]:
    """Bare httpx ``POST`` + ``.json()``, over httpcore's pool or httpx-aiohttp's transport."""
    url = base_url + "/chat/completions"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    body = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}]}
    limits = httpx.Limits(max_connections=max(100, concurrency), max_keepalive_connections=20)
    clients: list[httpx.AsyncClient] = []

    async def call() -> Any:
        if call.close:  # type: ignore[attr-defined]
            for client in clients:
                await client.aclose()
            return clients.clear()
        if not clients:
            if aiohttp:
                from httpx_aiohttp import AiohttpTransport

                clients.append(httpx.AsyncClient(transport=AiohttpTransport(limits=limits)))
            else:
                clients.append(httpx.AsyncClient(limits=limits))
        response = await clients[0].post(url, json=body, headers=headers)
        return response.json()["choices"][0]["message"]["content"]

    call.close = False  # type: ignore[attr-defined]
    return call


def _ours_async(key: str, base_url: str, word: str) -> Callable[[], Any]:
    if key == "chat_zai":
        model = _import("langchain_zai", "ChatZai")(
            model=MODEL, base_url=base_url, api_key=API_KEY, http_async_client=word
        )
        return lambda: model.ainvoke(PROMPT)
    from llama_index.core.base.llms.types import ChatMessage

    llm = _import("llama_index_zai", "Zai")(
        model=MODEL, base_url=base_url, api_key=API_KEY, http_async_client=word
    )
    messages = [ChatMessage(role="user", content=PROMPT)]
    return lambda: llm.achat(messages)


def transport_callers(base_url: str, concurrency: int) -> dict[str, Callable[[], Any]]:
    """Who runs in the transport rows, by label (``"<who> @<concurrency>"``)."""
    c = concurrency
    callers = {f"raw httpx @{c}": _raw_async(base_url, c, aiohttp=False)}
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError as exc:
        raise Unavailable("httpx-aiohttp not installed (the 'aiohttp' extra)") from exc
    callers[f"raw httpx over aiohttp @{c}"] = _raw_async(base_url, c, aiohttp=True)
    callers[f"ChatZai httpx @{c}"] = _ours_async("chat_zai", base_url, "httpx")
    callers[f"ChatZai aiohttp @{c}"] = _ours_async("chat_zai", base_url, "aiohttp")
    callers[f"Zai httpx @{c}"] = _ours_async("zai", base_url, "httpx")
    callers[f"Zai aiohttp @{c}"] = _ours_async("zai", base_url, "aiohttp")
    return callers


async def _async_rounds(
    callers: dict[str, Callable[[], Any]], calls: int, concurrency: int, rounds: int
) -> dict[str, list[float]]:
    from .measure import _batch, rotated

    walls: dict[str, list[float]] = {key: [] for key in callers}
    for caller in callers.values():
        await _batch(caller, min(calls, concurrency), concurrency)  # warm-up, opens the pool
    for index in range(rounds):
        for key in rotated(list(callers), index):
            walls[key].append(await _batch(callers[key], calls, concurrency))
    for caller in callers.values():  # the raw floors close their own clients
        if hasattr(caller, "close"):
            caller.close = True  # type: ignore[attr-defined]
            await caller()
    return walls


def transport_calls(settings: Any, concurrency: int) -> int:
    """``transport_calls``, or as many calls as are in flight when that is more."""
    return max(int(settings.transport_calls), concurrency)


def measure_transports(server: BenchServer, settings: Any, results: Any, log: Log) -> None:
    """``transport_calls`` async calls at each concurrency: raw httpx, raw httpx over aiohttp,
    ChatZai and Zai over each transport, alternated in rounds (medians)."""
    from .measure import Figure

    base_url = server.base_url(chunks=1)
    for concurrency in settings.transport_concurrency:
        try:
            callers = transport_callers(base_url, concurrency)
            calls = transport_calls(settings, concurrency)
            walls = asyncio.run(
                _async_rounds(callers, calls, concurrency, settings.transport_rounds)
            )
        except Exception as exc:
            results.transports[f"raw httpx @{concurrency}"] = Figure(error=str(exc)[:160])
            log(f"  @{concurrency}: n/a ({exc})")
            continue
        for key, values in walls.items():
            results.transports[key] = Figure.over_rounds(values)
        log(
            f"  @{concurrency}: "
            + ", ".join(
                f"{k.rsplit(' @', 1)[0]} {statistics.median(v) * 1e3:.0f} ms"
                for k, v in walls.items()
            )
        )
