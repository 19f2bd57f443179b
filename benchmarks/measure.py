"""The measurements: timing loops, the chat / embedding / import phases, and their results.

Every chat contender runs in the same process, alternated in ``rounds`` (each round starts
with a different contender, so a neighbour's burst of load on a shared machine hits them all
alike); every figure is the median over the rounds:

- per call: the median of ``calls / rounds`` non-streamed calls per round (wall clock), the
  contenders' calls interleaved in blocks of ``call_block`` (A B C A B C ...), so the
  machine speeding up or slowing down during a round touches every contender alike;
- per chunk, paced (the headline): the server writes and flushes each event on its own,
  ``paced_gap_us`` apart, as a real model does, so each event costs one socket read;
  ``(median long stream - median 1-chunk stream) / (paced_chunks - 1)`` in client CPU time,
  over ``paced_reps`` streams of each per round, interleaved across contenders the same way;
- per chunk, burst: the whole stream in one write (many events per read, hot caches), the
  same formula over ``chunks``;
- async: the wall time of ``async_calls`` calls with ``async_concurrency`` in flight, one
  batch per contender per round on one event loop, after a warm-up batch;
- embeddings: wall time and server-counted requests for ``embed_texts`` texts at each of
  ``embed_dims``, sync and async, the server adding ``embed_delay_ms`` to every answer,
  each run from a collected heap;
- scenarios (:mod:`benchmarks.scenarios`): history length, bound tools, tool-call fragments,
  the async transports and the rate-limited corpus;
- text growth (:mod:`benchmarks.growth`): per-chunk CPU of burst text streams of
  ``text_growth`` lengths, alternated in ``growth_rounds`` rounds;
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

from . import corpus, growth, scenarios
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
    """How much to measure. :meth:`quick_settings` is the smoke-test size."""

    rounds: int = 5
    calls: int = 1000
    call_block: int = 10
    call_warmup: int = 30
    chunks: int = 2000
    stream_reps: int = 3
    stream_warmup: int = 2
    paced_chunks: int = 300
    paced_gap_us: int = 2000
    paced_reps: int = 9
    async_calls: int = 500
    async_concurrency: int = 50
    async_budget: float = 12.0
    embed_texts: int = 10_000
    embed_delay_ms: int = 20
    embed_dims: tuple[int, ...] = (2048, 256)
    embed_rounds: int = 3
    history: tuple[int, ...] = (10, 100, 1000, 5000)
    tools: tuple[int, ...] = (1, 10, 100)
    tool_parts: tuple[int, ...] = (100, 1000, 10_000, 50_000)
    scenario_reps: int = 3
    text_growth: tuple[int, ...] = (1000, 10_000, 100_000)
    growth_rounds: int = 3
    transport_concurrency: tuple[int, ...] = (50, 1000)
    transport_calls: int = 500
    transport_rounds: int = 3
    corpus_texts: int = 100_000
    corpus_rate: int = 100
    import_runs: int = 5
    all_imports: bool = True
    quick: bool = False

    @classmethod
    def quick_settings(cls) -> Settings:
        """Tiny counts: every figure is produced, none is meaningful."""
        return cls(
            rounds=2,
            calls=16,
            call_warmup=3,
            chunks=200,
            stream_reps=1,
            stream_warmup=1,
            paced_chunks=20,
            paced_gap_us=500,
            paced_reps=1,
            async_calls=40,
            async_concurrency=8,
            embed_texts=640,
            embed_rounds=1,
            history=(10, 100),
            tools=(1, 10),
            tool_parts=(20, 200),
            scenario_reps=1,
            text_growth=(100, 1000, 3000),
            growth_rounds=1,
            transport_concurrency=(8, 32),
            transport_calls=64,
            transport_rounds=1,
            corpus_texts=2_000,
            corpus_rate=40,
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
    #: The figure of each round, in round order (for paired ratios between contenders).
    per_round: tuple[float, ...] = ()

    @classmethod
    def over_rounds(cls, values: Sequence[float]) -> Figure:
        """The median of ``values`` (one per round), with their spread and the values."""
        return cls(statistics.median(values), detail=_spread(values), per_round=tuple(values))

    @property
    def ok(self) -> bool:
        """A finite value was measured."""
        return self.value is not None and math.isfinite(self.value)


@dataclass
class EmbedFigure:
    """Embedding ``texts`` texts of ``dims`` dimensions: wall time and requests, sync / async."""

    texts: int
    dims: int = 256
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
    embeddings: dict[int, dict[str, EmbedFigure]] = field(default_factory=dict)
    imports: dict[str, ImportFigure] = field(default_factory=dict)
    #: scenario name ("history 1000", "tools 10", "tool-call parts 1000") -> contender -> s
    scenarios: dict[str, dict[str, Figure]] = field(default_factory=dict)
    #: streamed text answer length (chunks) -> contender -> client CPU seconds per chunk
    text_growth: dict[int, dict[str, Figure]] = field(default_factory=dict)
    #: "<transport> @<concurrency>" -> wall seconds of ``transport_calls`` async calls
    transports: dict[str, Figure] = field(default_factory=dict)
    #: the rate-limited corpus runs: name -> figures (texts, seconds, requests, 429s, ...)
    corpus: dict[str, dict[str, float]] = field(default_factory=dict)
    #: the resumed pipeline: requests sent after the restart, and how many were missing
    corpus_resume: dict[str, float] = field(default_factory=dict)
    #: corpus run name -> its pipeline with a zero-cost embedding (texts, seconds, workers)
    corpus_floor: dict[str, dict[str, float]] = field(default_factory=dict)
    corpus_floor_errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


# --------------------------------------------------------------------------- timing primitives


def _describe(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:160] if text else type(error).__name__


def _cpu_stream(runner: ChatRunner) -> float:
    """Client CPU time of one stream, started from a collected heap: otherwise whichever
    contender's stream happens to trigger a full collection of the garbage the others left
    pays for it (it doubled a burst figure, 25 -> 50-70 us per chunk)."""
    gc.collect()
    start = time.process_time()
    runner.stream()
    return time.process_time() - start


def _per_chunk(longs: Sequence[float], shorts: Sequence[float], chunks: int) -> float:
    """``(median long stream - median 1-chunk stream) / (chunks - 1)``: one chunk's CPU."""
    return (statistics.median(longs) - statistics.median(shorts)) / (chunks - 1)


def _per_chunk_round(long: ChatRunner, short: ChatRunner, chunks: int, reps: int) -> float:
    """``(median long stream - median 1-chunk stream) / (chunks - 1)`` in client CPU time.

    The cost of a chunk is the CPU the client spends on it: wall time would add the moments
    the client, faster than the server process, waits for bytes.
    """
    longs, shorts = [], []
    for _ in range(reps):
        longs.append(_cpu_stream(long))
        shorts.append(_cpu_stream(short))
    return _per_chunk(longs, shorts, chunks)


@dataclass
class _Runners:
    """One contender's four runners: burst long / short, paced long / short."""

    long: ChatRunner
    short: ChatRunner
    paced: ChatRunner
    paced_short: ChatRunner


def _build(contender: Any, server: BenchServer, s: Settings) -> _Runners:
    gap = s.paced_gap_us
    return _Runners(
        contender.build(server.base_url(chunks=s.chunks), s.chunks),
        contender.build(server.base_url(chunks=1), 1),
        contender.build(server.base_url(chunks=s.paced_chunks, gap_us=gap), s.paced_chunks),
        contender.build(server.base_url(chunks=1, gap_us=gap), 1),
    )


def _check_lengths(runners: _Runners, s: Settings) -> None:
    got = (runners.long.stream(), runners.short.stream(), runners.paced.stream())
    if got != (s.chunks, 1, s.paced_chunks):
        raise ValueError(f"received {got} text chunks, expected {(s.chunks, 1, s.paced_chunks)}")
    for _ in range(s.stream_warmup):
        runners.long.stream()
        runners.short.stream()


class _Interleaved:
    """One round's samples of every contender, taken in turns (A B C A B C ...): a change in
    the machine's speed during the round touches them all alike. A contender that fails is
    left out of the rest of the round, with its error."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = list(keys)
        self.errors: dict[str, str] = {}

    def each(self, do: Callable[[str], float]) -> dict[str, float]:
        """``do(key)`` once per contender still running; key -> its result."""
        got: dict[str, float] = {}
        for key in self.keys:
            if key in self.errors:
                continue
            try:
                got[key] = do(key)
            except Exception as exc:
                self.errors[key] = _describe(exc)
        return got

    def samples(self, do: Callable[[str], list[float]], n: int) -> dict[str, list[float]]:
        """The results of ``n`` interleaved turns of ``do`` (a list each) per contender."""
        out: dict[str, list[float]] = {key: [] for key in self.keys}
        for _ in range(n):
            for key, values in self.each(do).items():
                out[key].extend(values)
        return {key: values for key, values in out.items() if key not in self.errors}


def _timed_calls(runner: ChatRunner, n: int) -> list[float]:
    """Seconds taken by each of ``n`` calls in a row (a block: the first warms the caches
    the contender before it cooled)."""
    clock, samples = time.perf_counter, []
    for _ in range(n):
        start = clock()
        runner.call()
        samples.append(clock() - start)
    return samples


def _interleaved_round(
    runners: dict[str, _Runners], keys: Sequence[str], s: Settings, first: bool
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """One round: per call and paced per chunk interleaved across contenders; burst per
    chunk one contender after another (its streams are short). key -> figure -> value."""
    turns = _Interleaved(keys)
    turns.samples(lambda k: _timed_calls(runners[k].long, s.call_warmup if first else 2), 1)
    gc.collect()
    block = max(1, min(s.call_block, s.calls // s.rounds))
    calls = turns.samples(
        lambda k: _timed_calls(runners[k].long, block), max(1, s.calls // s.rounds // block)
    )
    longs = turns.samples(lambda k: [_cpu_stream(runners[k].paced)], s.paced_reps)
    shorts = turns.samples(lambda k: [_cpu_stream(runners[k].paced_short)], s.paced_reps)
    bursts = turns.each(
        lambda k: _per_chunk_round(runners[k].long, runners[k].short, s.chunks, s.stream_reps)
    )
    figures: dict[str, dict[str, float]] = {}
    for key in keys:
        if key in turns.errors:
            continue
        figures[key] = {
            "per_call": statistics.median(calls[key]),
            "per_chunk_burst": bursts[key],
            "per_chunk": _per_chunk(longs[key], shorts[key], s.paced_chunks),
        }
    return figures, turns.errors


def rotated(keys: Sequence[str], index: int) -> list[str]:
    """``keys`` rotated by ``index``: each round starts with a different contender."""
    shift = index % len(keys) if keys else 0
    return list(keys[shift:]) + list(keys[:shift])


def measure_chat(server: BenchServer, settings: Settings, results: Results, log: Log) -> None:
    """Per call, per chunk (paced and burst) and async figures, contenders alternated in
    rounds inside this one process; each figure is the median over rounds."""
    runners: dict[str, _Runners] = {}
    for contender in CHAT_CONTENDERS:
        try:
            runners[contender.key] = _build(contender, server, settings)
            _check_lengths(runners[contender.key], settings)
        except Unavailable as exc:
            results.unavailable[contender.key] = str(exc)
            runners.pop(contender.key, None)
            log(f"  {contender.label}: unavailable ({exc})")
        except Exception as exc:  # an alternative that cannot be set up here
            results.unavailable[contender.key] = f"cannot run: {_describe(exc)}"
            runners.pop(contender.key, None)
            log(f"  {contender.label}: cannot run ({_describe(exc)})")
    rounds: dict[str, dict[str, list[float]]] = {k: {} for k in runners}
    for index in range(settings.rounds):
        keys = [k for k in rotated(list(runners), index) if k not in results.chat]
        figures, errors = _interleaved_round(runners, keys, settings, index == 0)
        for key, by_name in figures.items():
            for name, got in by_name.items():
                rounds[key].setdefault(name, []).append(got)
        for key, error in errors.items():
            results.chat.setdefault(key, {})["per_call"] = Figure(error=error)
            rounds.pop(key, None)
        log(f"  round {index + 1}/{settings.rounds} done")
    for key, by_name in rounds.items():
        figures = results.chat.setdefault(key, {})
        for name, values in by_name.items():
            figures[name] = Figure.over_rounds(values)
    for contender in CHAT_CONTENDERS:
        if contender.key in runners:
            log(f"  {contender.label}: {_brief(results.chat[contender.key])}")

    async def all_async() -> dict[str, list[float]]:
        walls: dict[str, list[float]] = {key: [] for key in runners}
        n, c = settings.async_calls, settings.async_concurrency
        for key in runners:
            await _batch(runners[key].long.acall, c, c)  # warm-up
        for index in range(settings.rounds):
            for key in rotated(list(runners), index):
                if sum(walls[key]) < settings.async_budget:  # a slow alternative: fewer rounds
                    walls[key].append(await _batch(runners[key].long.acall, n, c))
        return walls

    try:
        for key, walls in asyncio.run(all_async()).items():
            results.chat[key]["async"] = Figure.over_rounds(walls)
    except Exception as exc:
        for key in runners:
            results.chat[key]["async"] = Figure(error=_describe(exc))
    log("  async: " + ", ".join(f"{k} {_fmt(f.get('async'))}" for k, f in results.chat.items()))


async def _batch(acall: Callable[[], Awaitable[Any]], total: int, concurrency: int) -> float:
    limit = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with limit:
            await acall()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(total)))
    return time.perf_counter() - start


def _spread(values: Sequence[float]) -> dict[str, float]:
    return {"min": min(values), "max": max(values), "rounds": float(len(values))}


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
        f"per chunk paced {_fmt(figures.get('per_chunk'), 1e6, 'us')}, "
        f"burst {_fmt(figures.get('per_chunk_burst'), 1e6, 'us')}"
    )


def _time_sync(server: BenchServer, runner: EmbedRunner, texts: list[str]) -> tuple[float, int]:
    """Wall time and server-counted requests of ``runner.embed(texts)``, from a collected heap
    (as every measured stream: a full collection of the garbage other contenders left, up to
    0.4 s in this process, otherwise lands in whichever run sets it off)."""
    server.reset()
    gc.collect()
    start = time.perf_counter()
    vectors = runner.embed(texts)
    wall = time.perf_counter() - start
    if vectors != len(texts):
        raise ValueError(f"sync returned {vectors} vectors for {len(texts)} texts")
    return wall, server.stats().get("embeddings", 0)


async def _time_async(
    server: BenchServer, runner: EmbedRunner, texts: list[str]
) -> tuple[float, int]:
    """:func:`_time_sync` for ``await runner.aembed(texts)``."""
    server.reset()
    gc.collect()
    start = time.perf_counter()
    count = await runner.aembed(texts)
    wall = time.perf_counter() - start
    if count != len(texts):
        raise ValueError(f"async returned {count} vectors for {len(texts)} texts")
    return wall, server.stats().get("embeddings", 0)


def measure_embeddings(server: BenchServer, settings: Settings, results: Results, log: Log) -> None:
    """Wall time and requests for ``embed_texts`` texts at each dimension, sync and async,
    the contenders alternated in ``embed_rounds`` rounds (medians)."""
    texts = [f"benchmark text number {i}" for i in range(settings.embed_texts)]
    for dims in settings.embed_dims:
        base_url = server.base_url(delay_ms=settings.embed_delay_ms, dims=dims)
        figures = results.embeddings.setdefault(dims, {})
        runners: dict[str, EmbedRunner] = {}
        for contender in EMBED_CONTENDERS:
            figures[contender.key] = EmbedFigure(texts=len(texts), dims=dims)
            try:
                runners[contender.key] = contender.build(base_url)
                runners[contender.key].embed(texts[:64])
            except Exception as exc:
                figures[contender.key].error = (
                    str(exc) if isinstance(exc, Unavailable) else _describe(exc)
                )
        walls: dict[str, dict[str, list[float]]] = {k: {"sync": [], "async": []} for k in runners}
        for index in range(settings.embed_rounds):
            for key in rotated(list(runners), index):
                figure = figures[key]
                if figure.error:
                    continue
                try:
                    wall, figure.sync_requests = _time_sync(server, runners[key], texts)
                    walls[key]["sync"].append(wall)
                    wall, figure.async_requests = asyncio.run(
                        _time_async(server, runners[key], texts)
                    )
                    walls[key]["async"].append(wall)
                except Exception as exc:
                    figure.error = _describe(exc)
        for contender in EMBED_CONTENDERS:
            figure = figures[contender.key]
            if figure.error is None and walls[contender.key]["sync"]:
                figure.sync_seconds = statistics.median(walls[contender.key]["sync"])
                figure.async_seconds = statistics.median(walls[contender.key]["async"])
                log(
                    f"  {dims} dims, {contender.label}: sync {figure.sync_seconds:.2f} s / "
                    f"{figure.sync_requests} requests, async {figure.async_seconds:.2f} s / "
                    f"{figure.async_requests} requests"
                )
            else:
                log(f"  {dims} dims, {contender.label}: n/a ({figure.error})")


# The baseline's own garbage is collected before the target is timed: a framework's import
# leaves a large heap, and the full collection it has earned otherwise lands in whichever
# import comes next (about 60 ms after langchain-core, on any target), not in the target's cost.
_IMPORT_SCRIPT = """
import gc, importlib, json, sys, time
baseline, target = sys.argv[1].split(","), sys.argv[2]
t0 = time.perf_counter()
for name in baseline:
    importlib.import_module(name)
gc.collect()
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


#: The parts of a run, in order; ``python -m benchmarks --only PART`` runs some of them.
PARTS = ("chat", "embeddings", "scenarios", "text-growth", "transports", "corpus", "imports")


def run(settings: Settings, log: Log = print, only: Sequence[str] = ()) -> Results:
    """Start the loopback server, measure everything (or the ``only`` parts), stop the server."""
    unknown = sorted(set(only) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown benchmark parts {unknown}; choose from {', '.join(PARTS)}")
    wanted = set(only or PARTS)
    for name in ("NO_PROXY", "no_proxy"):  # never route the loopback through a proxy
        current = os.environ.get(name, "")
        os.environ[name] = ",".join(filter(None, (current, "127.0.0.1,localhost")))
    results = Results(settings)
    started = time.perf_counter()
    # The lifetime only stops a server its parent left behind (closing its stdin stops it
    # first); the parts below can take over its default 15 minutes on a busy machine.
    with BenchServer(lifetime=3600.0) as server:
        log(f"loopback server on {server.root}")
        if "chat" in wanted:
            log("chat:")
            measure_chat(server, settings, results, log)
        if "embeddings" in wanted:
            log(
                f"embeddings ({settings.embed_texts} texts, +{settings.embed_delay_ms} ms/request):"
            )
            measure_embeddings(server, settings, results, log)
        if "scenarios" in wanted:
            log("history length and bound tools (client CPU per call):")
            scenarios.measure_requests(server, settings, results, log)
            log("tool-call arguments in N fragments (client CPU per fragment):")
            scenarios.measure_tool_parts(server, settings, results, log)
        if "text-growth" in wanted:
            log("streamed text growth (client CPU per chunk, burst, alternated in rounds):")
            growth.measure_text_growth(server, settings, results, log)
        if "transports" in wanted:
            log("async transports (calls at each concurrency, alternated in rounds):")
            scenarios.measure_transports(server, settings, results, log)
    if "corpus" in wanted:
        log(f"rate-limited corpus ({settings.corpus_rate} requests/s):")
        corpus.measure_corpus(settings, results, log)
    if "imports" in wanted:
        log("imports:")
        measure_imports(settings, results, log)
    results.seconds = time.perf_counter() - started
    return results
