"""The measurements: timing loops, the chat / embedding / import phases, and their results.

Every figure is measured the same way for every contender in the same run, wall time from
``time.perf_counter`` except the per-chunk cost (client CPU time, ``time.process_time``):

- per call: the median of ``calls`` non-streamed calls, one at a time, after a warm-up;
- per chunk: ``(median(2,000-chunk stream) - median(1-chunk stream)) / 1,999`` in client CPU
  time (the server is another process), the two lengths interleaved, so per-call costs
  cancel and only the per-chunk cost remains;
- async: the wall time of ``async_calls`` calls with ``async_concurrency`` in flight
  (a semaphore), median of ``async_reps`` batches on one event loop, after a warm-up batch;
- embeddings: wall time and server-counted requests for ``embed_texts`` texts, sync and
  async, against the server with ``embed_delay_ms`` added to every answer;
- imports: in fresh interpreters, the time ``import X`` adds after its baseline imports,
  median of ``import_runs`` runs (after one unmeasured run that warms the bytecode cache).
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .contenders import (
    CHAT_CONTENDERS,
    EMBED_CONTENDERS,
    ChatRunner,
    EmbedRunner,
    Unavailable,
)
from .server import BenchServer

Log = Callable[[str], None]
REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """How much to measure. :meth:`quick` is the smoke-test size."""

    calls: int = 300
    call_warmup: int = 30
    chunks: int = 2000
    stream_reps: int = 11
    stream_warmup: int = 2
    async_calls: int = 500
    async_concurrency: int = 50
    async_reps: int = 3
    embed_texts: int = 10_000
    embed_delay_ms: int = 20
    import_runs: int = 5
    async_budget: float = 12.0
    all_imports: bool = True
    quick: bool = False

    @classmethod
    def quick_settings(cls) -> Settings:
        """Tiny counts: every figure is produced, none is meaningful."""
        return cls(
            calls=15,
            call_warmup=3,
            chunks=200,
            stream_reps=2,
            stream_warmup=1,
            async_calls=40,
            async_concurrency=8,
            async_reps=1,
            embed_texts=640,
            import_runs=1,
            all_imports=False,
            quick=True,
        )


@dataclass
class Figure:
    """One measured number (seconds), or why there is none."""

    value: float | None = None
    error: str | None = None
    detail: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """A finite value was measured."""
        return self.value is not None and math.isfinite(self.value)


@dataclass
class EmbedFigure:
    """Embedding ``texts`` texts: wall time and requests, sync and async."""

    texts: int
    sync_seconds: float | None = None
    async_seconds: float | None = None
    sync_requests: int | None = None
    async_requests: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class ImportRow:
    """``module``'s import cost on top of ``baseline``."""

    module: str
    baseline: tuple[str, ...]
    ours: bool = False


LANGCHAIN_BASELINE = ("httpx", "langchain_core.language_models.chat_models")
LLAMA_INDEX_BASELINE = ("httpx", "llama_index.core.llms")
IMPORT_ROWS = (
    ImportRow("langchain_zai", LANGCHAIN_BASELINE, ours=True),
    ImportRow("llama_index_zai", LLAMA_INDEX_BASELINE, ours=True),
    ImportRow("langchain_openai", LANGCHAIN_BASELINE),
    ImportRow("langchain_community.chat_models.zhipuai", LANGCHAIN_BASELINE),
    ImportRow("llama_index.llms.openai_like", LLAMA_INDEX_BASELINE),
)


@dataclass
class ImportFigure:
    """Median seconds of the baseline imports and of what ``module`` adds to them."""

    module: str
    baseline: tuple[str, ...]
    baseline_seconds: float | None = None
    added_seconds: float | None = None
    error: str | None = None


@dataclass
class Results:
    """Everything one run measured."""

    settings: Settings
    chat: dict[str, dict[str, Figure]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    embeddings: dict[str, EmbedFigure] = field(default_factory=dict)
    imports: dict[str, ImportFigure] = field(default_factory=dict)
    seconds: float = 0.0


# --------------------------------------------------------------------------- timing primitives


def _describe(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:160] if text else type(error).__name__


def time_each(fn: Callable[[], Any], n: int, warmup: int) -> list[float]:
    """Seconds taken by each of ``n`` calls of ``fn`` (after ``warmup`` untimed calls)."""
    for _ in range(warmup):
        fn()
    gc.collect()
    clock = time.perf_counter
    samples = []
    for _ in range(n):
        start = clock()
        fn()
        samples.append(clock() - start)
    return samples


def per_call(runner: ChatRunner, settings: Settings) -> Figure:
    """Median latency of one non-streamed call."""
    samples = time_each(runner.call, settings.calls, settings.call_warmup)
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return Figure(statistics.median(samples), detail={"p90": p90, "n": len(samples)})


def per_chunk(long: ChatRunner, short: ChatRunner, settings: Settings) -> Figure:
    """``(median long stream - median 1-chunk stream) / (chunks - 1)``, in client CPU time.

    The cost of a chunk is the CPU the client spends on it: wall time would add the moments
    the client, faster than the server process can refill the socket, waits for bytes (on a
    busy machine, the server waits for a core). The wall-clock figure is kept in ``detail``.
    """
    got_long, got_short = long.stream(), short.stream()
    if got_long != settings.chunks or got_short != 1:
        return Figure(
            error=f"received {got_long} / {got_short} text chunks, expected {settings.chunks} / 1"
        )
    for _ in range(settings.stream_warmup):
        long.stream()
        short.stream()
    gc.collect()
    cpu, wall = time.process_time, time.perf_counter
    samples: dict[str, list[float]] = {"long": [], "short": [], "long_wall": [], "short_wall": []}
    for _ in range(settings.stream_reps):
        for name, runner in (("long", long), ("short", short)):
            start_cpu, start_wall = cpu(), wall()
            runner.stream()
            samples[name].append(cpu() - start_cpu)
            samples[f"{name}_wall"].append(wall() - start_wall)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    chunks = settings.chunks - 1
    value = (medians["long"] - medians["short"]) / chunks
    medians["per_chunk_wall"] = (medians["long_wall"] - medians["short_wall"]) / chunks
    return Figure(value, detail=medians)


async def _batch(acall: Callable[[], Awaitable[Any]], total: int, concurrency: int) -> float:
    limit = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with limit:
            await acall()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(total)))
    return time.perf_counter() - start


async def async_batches(runner: ChatRunner, settings: Settings) -> Figure:
    """Median wall time of ``async_calls`` calls at ``async_concurrency``.

    ``async_reps`` batches, fewer once ``async_budget`` seconds are spent (a contender that
    takes seconds per batch gets one or two).
    """
    total, concurrency = settings.async_calls, settings.async_concurrency
    await _batch(runner.acall, concurrency, concurrency)
    gc.collect()
    walls: list[float] = []
    while len(walls) < settings.async_reps and sum(walls) < settings.async_budget:
        walls.append(await _batch(runner.acall, total, concurrency))
    return Figure(statistics.median(walls), detail={"batches": len(walls), "min": min(walls)})


# --------------------------------------------------------------------------- phases


def measure_chat(server: BenchServer, settings: Settings, results: Results, log: Log) -> None:
    """Per call, per chunk and async figures for every chat contender."""
    runners: dict[str, ChatRunner] = {}
    for contender in CHAT_CONTENDERS:
        try:
            long = contender.build(server.base_url(chunks=settings.chunks), settings.chunks)
            short = contender.build(server.base_url(chunks=1), 1)
        except Unavailable as exc:
            results.unavailable[contender.key] = str(exc)
            log(f"  {contender.label}: unavailable ({exc})")
            continue
        except Exception as exc:  # an alternative that cannot be set up here
            results.unavailable[contender.key] = f"cannot be built: {_describe(exc)}"
            log(f"  {contender.label}: cannot be built ({_describe(exc)})")
            continue
        figures = results.chat.setdefault(contender.key, {})
        for name, measure in (
            ("per_call", lambda long=long: per_call(long, settings)),
            ("per_chunk", lambda long=long, short=short: per_chunk(long, short, settings)),
        ):
            try:
                figures[name] = measure()
            except Exception as exc:
                figures[name] = Figure(error=_describe(exc))
        runners[contender.key] = long
        log(f"  {contender.label}: {_brief(figures)}")

    async def all_async() -> None:
        for key, runner in runners.items():
            try:
                results.chat[key]["async"] = await async_batches(runner, settings)
            except Exception as exc:
                results.chat[key]["async"] = Figure(error=_describe(exc))

    asyncio.run(all_async())
    log("  async: " + ", ".join(f"{k} {_fmt(f.get('async'))}" for k, f in results.chat.items()))


def _fmt(figure: Figure | None, scale: float = 1e3, unit: str = "ms") -> str:
    if figure is None:
        return "-"
    if not figure.ok:
        return f"n/a ({figure.error})"
    assert figure.value is not None
    return f"{figure.value * scale:.1f} {unit}"


def _brief(figures: dict[str, Figure]) -> str:
    return (
        f"per call {_fmt(figures.get('per_call'), 1e6, 'us')}, "
        f"per chunk {_fmt(figures.get('per_chunk'), 1e6, 'us')}"
    )


def _time_embed(
    server: BenchServer, runner: EmbedRunner, texts: list[str]
) -> tuple[float, int, float, int]:
    runner.embed(texts[:64])
    server.reset()
    start = time.perf_counter()
    vectors = runner.embed(texts)
    sync_wall = time.perf_counter() - start
    sync_requests = server.stats().get("embeddings", 0)
    if vectors != len(texts):
        raise ValueError(f"sync returned {vectors} vectors for {len(texts)} texts")

    async def timed() -> float:
        await runner.aembed(texts[:64])
        server.reset()
        start = time.perf_counter()
        count = await runner.aembed(texts)
        wall = time.perf_counter() - start
        if count != len(texts):
            raise ValueError(f"async returned {count} vectors for {len(texts)} texts")
        return wall

    async_wall = asyncio.run(timed())
    async_requests = server.stats().get("embeddings", 0)
    return sync_wall, sync_requests, async_wall, async_requests


def measure_embeddings(server: BenchServer, settings: Settings, results: Results, log: Log) -> None:
    """Wall time and requests for embedding ``embed_texts`` texts, sync and async."""
    texts = [f"benchmark text number {i}" for i in range(settings.embed_texts)]
    base_url = server.base_url(delay_ms=settings.embed_delay_ms)
    for contender in EMBED_CONTENDERS:
        figure = EmbedFigure(texts=len(texts))
        results.embeddings[contender.key] = figure
        try:
            runner = contender.build(base_url)
            (
                figure.sync_seconds,
                figure.sync_requests,
                figure.async_seconds,
                figure.async_requests,
            ) = _time_embed(server, runner, texts)
        except Exception as exc:
            figure.error = str(exc) if isinstance(exc, Unavailable) else _describe(exc)
            log(f"  {contender.label}: n/a ({figure.error})")
            continue
        log(
            f"  {contender.label}: sync {figure.sync_seconds:.2f} s / "
            f"{figure.sync_requests} requests, async {figure.async_seconds:.2f} s / "
            f"{figure.async_requests} requests"
        )


_IMPORT_SCRIPT = """
import importlib, json, sys, time
baseline, target = sys.argv[1].split(","), sys.argv[2]
t0 = time.perf_counter()
for name in baseline:
    importlib.import_module(name)
t1 = time.perf_counter()
importlib.import_module(target)
t2 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1]))
"""


def _import_once(row: ImportRow) -> tuple[float, float]:
    # Bytecode caches are written (as in any normal environment) so that every run after the
    # first measures imports, not compilation.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    completed = subprocess.run(
        [
            sys.executable,
            "-W",
            "ignore",
            "-c",
            _IMPORT_SCRIPT,
            ",".join(row.baseline),
            row.module,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(last[:160])
    baseline, added = json.loads(completed.stdout.strip().splitlines()[-1])
    return float(baseline), float(added)


def measure_imports(settings: Settings, results: Results, log: Log) -> None:
    """What each module adds to its baseline imports, in fresh interpreters."""
    rows: Sequence[ImportRow] = (
        IMPORT_ROWS if settings.all_imports else [r for r in IMPORT_ROWS if r.ours]
    )
    for row in rows:
        figure = ImportFigure(row.module, row.baseline)
        results.imports[row.module] = figure
        try:
            if not settings.quick:
                _import_once(row)  # warms the bytecode cache
            runs = [_import_once(row) for _ in range(settings.import_runs)]
        except Exception as exc:
            figure.error = _describe(exc)
            log(f"  import {row.module}: n/a ({figure.error})")
            continue
        figure.baseline_seconds = statistics.median(r[0] for r in runs)
        figure.added_seconds = statistics.median(r[1] for r in runs)
        log(
            f"  import {row.module}: +{figure.added_seconds * 1e3:.0f} ms "
            f"(baseline {figure.baseline_seconds * 1e3:.0f} ms)"
        )


def run(settings: Settings, log: Log = print) -> Results:
    """Start the loopback server, measure everything, stop the server."""
    for name in ("NO_PROXY", "no_proxy"):  # never route the loopback through a proxy
        current = os.environ.get(name, "")
        os.environ[name] = ",".join(filter(None, (current, "127.0.0.1,localhost")))
    results = Results(settings)
    started = time.perf_counter()
    with BenchServer() as server:
        log(f"loopback server on {server.root}")
        log("chat:")
        measure_chat(server, settings, results, log)
        log(f"embeddings ({settings.embed_texts} texts, +{settings.embed_delay_ms} ms/request):")
        measure_embeddings(server, settings, results, log)
    log("imports:")
    measure_imports(settings, results, log)
    results.seconds = time.perf_counter() - started
    return results
