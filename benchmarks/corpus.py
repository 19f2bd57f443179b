"""A corpus at scale against a server that rate-limits (``corpus_rate`` requests a second).

- ``ZaiEmbeddings.aembed_documents`` over ``corpus_texts`` texts (one call, the adaptive
  limiter in one event loop);
- LlamaIndex's ``IngestionPipeline([ZaiEmbedding()]).run(num_workers=2)``: the framework's own
  parallel engine; ``ZaiEmbedding`` is pickled into spawned worker processes (the key is not
  pickled: each worker finds it in ``ZAI_API_KEY``);
- that engine's own cost (the framework floor): the same pipeline and nodes with
  ``MockEmbedding`` (no I/O, vectors of the same size, the same 64 texts per batch), so its
  wall time is what spawning the workers, pickling the nodes out and the results back and
  unpickling them costs with a zero-cost embedding; the ``num_workers`` run's share of the
  limit is also given with that time taken out (:func:`share_without_floor`), beside (never
  instead of) its end-to-end share;
- ``await IngestionPipeline([ZaiEmbedding()]).arun(nodes=...)``: one process, no workers;
  LlamaIndex gathers every 64-text batch at once and ``ZaiEmbedding``'s adaptive limiter
  (shared by the batches) decides how many are in flight;
- resuming: a pipeline fed in slices with its cache persisted after each slice, "interrupted"
  after some slices, then run again over every slice: only the missing slices are sent.

Throughput is given as a share of what the server lets through in that time: its bucket
starts full (one second's worth), then refills at the rate, so the most it can accept in
``t`` seconds is ``rate * (t + 1)``. The server counts accepted requests and 429s.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

from .floors import API_KEY
from .server import EMBEDDING_DIMS, BenchServer

Log = Callable[[str], None]
BATCH = 64
PIPELINE_WORKERS = 2


def _texts(count: int) -> list[str]:
    return [f"corpus text number {i}: a sentence about topic {i % 97}" for i in range(count)]


def _figures(server: BenchServer, texts: int, vectors: int, seconds: float, rate: int) -> Any:
    stats = server.stats()
    accepted = stats.get("embeddings", 0)
    span = stats.get("span_ms", 0) / 1000.0
    return {
        "texts": float(texts),
        "seconds": seconds,
        "requests": float(accepted),
        "rate_limited": float(stats.get("rate_limited", 0)),
        "limit": float(rate),
        "texts_per_second": vectors / seconds if seconds else 0.0,
        "requests_per_second": accepted / seconds if seconds else 0.0,
        "share_of_limit": accepted / (rate * (seconds + 1.0)) if seconds else 0.0,
        # From the first accepted request to the last (worker start-up left out).
        "sending_seconds": span,
        "share_while_sending": accepted / (rate * (span + 1.0)) if span else 0.0,
        "lost": float(texts - vectors),
        "errors_surfaced": 0.0,
    }


def _langchain(server: BenchServer, texts: list[str], rate: int) -> dict[str, float]:
    from langchain_zai import ZaiEmbeddings

    model = ZaiEmbeddings(base_url=server.base_url(rate=rate), api_key=API_KEY)
    server.reset()
    start = time.perf_counter()
    vectors = asyncio.run(model.aembed_documents(texts))
    return _figures(server, len(texts), len(vectors), time.perf_counter() - start, rate)


def _nodes(texts: list[str]) -> list[Any]:
    from llama_index.core.schema import TextNode

    return [TextNode(text=text, id_=f"n{i}") for i, text in enumerate(texts)]


def _pipeline(server: BenchServer, texts: list[str], rate: int, workers: int) -> dict[str, float]:
    from llama_index.core.ingestion import IngestionPipeline

    from llama_index_zai import ZaiEmbedding

    nodes = _nodes(texts)
    # The key travels to the spawned workers in the environment, never in the pickle.
    embedding = ZaiEmbedding(base_url=server.base_url(rate=rate))
    pipeline = IngestionPipeline(transformations=[embedding], disable_cache=True)
    server.reset()
    start = time.perf_counter()
    out = pipeline.run(nodes=nodes, num_workers=workers, show_progress=False)
    seconds = time.perf_counter() - start
    vectors = sum(1 for node in out if node.embedding)
    return _figures(server, len(texts), vectors, seconds, rate)


def _pipeline_async(server: BenchServer, texts: list[str], rate: int) -> dict[str, float]:
    """``await pipeline.arun(nodes=...)`` in this process: no workers, one event loop."""
    from llama_index.core.ingestion import IngestionPipeline

    from llama_index_zai import ZaiEmbedding

    nodes = _nodes(texts)
    embedding = ZaiEmbedding(base_url=server.base_url(rate=rate))
    pipeline = IngestionPipeline(transformations=[embedding], disable_cache=True)
    server.reset()
    start = time.perf_counter()
    out = asyncio.run(pipeline.arun(nodes=nodes, show_progress=False))
    seconds = time.perf_counter() - start
    vectors = sum(1 for node in out if node.embedding)
    return _figures(server, len(texts), vectors, seconds, rate)


def framework_floor(texts: list[str], workers: int, dims: int = EMBEDDING_DIMS) -> dict[str, float]:
    """The multiprocess engine with a zero-cost embedding: ``IngestionPipeline(num_workers=
    workers)`` over the same nodes with ``MockEmbedding`` (no I/O, ``dims``-float vectors,
    ``BATCH`` texts per batch like ``ZaiEmbedding``). Its wall time is LlamaIndex's own."""
    from llama_index.core.embeddings import MockEmbedding
    from llama_index.core.ingestion import IngestionPipeline

    nodes = _nodes(texts)
    embedding = MockEmbedding(embed_dim=dims, embed_batch_size=BATCH)
    pipeline = IngestionPipeline(transformations=[embedding], disable_cache=True)
    start = time.perf_counter()
    out = pipeline.run(nodes=nodes, num_workers=workers, show_progress=False)
    seconds = time.perf_counter() - start
    vectors = [node.embedding for node in out if node.embedding]
    if len(vectors) != len(texts) or any(len(v) != dims for v in vectors):
        raise ValueError(f"the floor returned {len(vectors)} vectors for {len(texts)} texts")
    return {"texts": float(len(texts)), "seconds": seconds, "workers": float(workers)}


def share_without_floor(figures: dict[str, float], floor_seconds: float | None) -> float | None:
    """``requests / (rate * (seconds - floor_seconds + 1))``: the share of the limit with
    the framework floor's wall time taken out (not the end-to-end share)."""
    if floor_seconds is None or not figures.get("limit"):
        return None
    rest = max(figures.get("seconds", 0.0) - floor_seconds, 0.0)
    return figures.get("requests", 0.0) / (figures["limit"] * (rest + 1.0))


def _resume(server: BenchServer, texts: list[str], rate: int, slices: int) -> dict[str, float]:
    """Ingest in ``slices`` slices with the cache persisted after each; stop after half of
    them; a new pipeline loads the cache and runs every slice: only the rest is sent."""
    from llama_index.core.ingestion import IngestionPipeline
    from llama_index.core.schema import TextNode

    from llama_index_zai import ZaiEmbedding

    size = -(-len(texts) // slices)
    parts = [
        [TextNode(text=t, id_=f"n{i + s}") for i, t in enumerate(texts[s : s + size])]
        for s in range(0, len(texts), size)
    ]
    url = server.base_url(rate=rate)
    with tempfile.TemporaryDirectory() as folder:
        first = IngestionPipeline(transformations=[ZaiEmbedding(base_url=url)])
        for part in parts[: len(parts) // 2]:  # ... then the process "dies"
            first.run(nodes=part)
            first.persist(folder)
        server.reset()
        again = IngestionPipeline(transformations=[ZaiEmbedding(base_url=url)])
        again.load(folder)
        vectors = sum(sum(1 for n in again.run(nodes=part) if n.embedding) for part in parts)
    figures = _figures(server, len(texts), vectors, 1.0, rate)
    sent = figures["requests"]
    expected = sum(-(-len(p) // BATCH) for p in parts[len(parts) // 2 :])
    return {"texts": float(len(texts)), "requests_on_resume": sent, "expected": float(expected)}


@contextlib.contextmanager
def _key_in_environment() -> Iterator[None]:
    """``ZAI_API_KEY`` set for the run (what the pipeline's spawned workers read), then
    restored."""
    before = os.environ.get("ZAI_API_KEY")
    os.environ["ZAI_API_KEY"] = API_KEY
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ZAI_API_KEY", None)
        else:
            os.environ["ZAI_API_KEY"] = before


def measure_corpus(settings: Any, results: Any, log: Log) -> None:
    """The rate-limited corpus runs (their own server, so its bucket is theirs alone)."""
    texts = _texts(settings.corpus_texts)
    rate = settings.corpus_rate
    runs: list[tuple[str, Callable[[BenchServer], dict[str, float]]]] = [
        (
            f"ZaiEmbeddings.aembed_documents, {len(texts):,} texts @{rate} req/s",
            lambda server: _langchain(server, texts, rate),
        ),
        (
            f"IngestionPipeline(num_workers={PIPELINE_WORKERS}) + ZaiEmbedding, "
            f"{len(texts):,} texts @{rate} req/s",
            lambda server: _pipeline(server, texts, rate, PIPELINE_WORKERS),
        ),
        (
            f"await IngestionPipeline(...).arun() + ZaiEmbedding (one process), "
            f"{len(texts):,} texts @{rate} req/s",
            lambda server: _pipeline_async(server, texts, rate),
        ),
    ]
    for name, run in runs:
        with BenchServer() as server, _key_in_environment():
            try:
                figures = run(server)
            except Exception as exc:
                figures = {"errors_surfaced": 1.0, "lost": float(len(texts)), "share_of_limit": 0.0}
                log(f"  {name}: FAILED ({type(exc).__name__}: {str(exc)[:160]})")
            else:
                log(
                    f"  {name}: {figures['seconds']:.1f} s, {figures['requests']:.0f} requests "
                    f"+ {figures['rate_limited']:.0f} x 429, "
                    f"{figures['share_of_limit']:.2f} of the limit "
                    f"({figures['share_while_sending']:.2f} while sending)"
                )
        results.corpus[name] = figures
        if name == runs[1][0]:  # the num_workers run: its engine's own cost right after it
            _measure_floor(texts, figures, results, log)
    with BenchServer() as server, _key_in_environment():
        resumed = _resume(server, texts[: max(640, len(texts) // 10)], rate * 10, 4)
    results.corpus_resume = resumed
    log(
        f"  resume: {resumed['requests_on_resume']:.0f} requests after the restart "
        f"(the missing half: {resumed['expected']:.0f})"
    )


def _measure_floor(texts: list[str], pipeline: dict[str, float], results: Any, log: Log) -> None:
    try:
        floor = framework_floor(texts, PIPELINE_WORKERS)
    except Exception as exc:
        results.corpus_floor_error = f"{type(exc).__name__}: {str(exc)[:160]}"
        log(f"  framework floor: FAILED ({results.corpus_floor_error})")
        return
    results.corpus_floor = floor
    share = share_without_floor(pipeline, floor["seconds"])
    shown = "n/a" if share is None else f"{share:.2f}"
    log(
        f"  framework floor, IngestionPipeline(num_workers={PIPELINE_WORKERS}) + MockEmbedding "
        f"(no I/O): {floor['seconds']:.1f} s; the ZaiEmbedding run with it taken out: "
        f"{shown} of the limit"
    )


# --------------------------------------------------------------------------- report


def pipeline_cost_table(results: Any) -> tuple[list[str], list[list[str]]]:
    """The ``num_workers`` pipeline beside its framework floor (a zero-cost embedding)."""
    header = ["run", "texts", "seconds", "requests", "share of the limit (end to end)"]
    header += ["share with the framework floor's time taken out", "note"]
    floor = results.corpus_floor
    floor_seconds = floor.get("seconds")
    workers = int(floor.get("workers", 2))
    rows = [
        [
            f"framework floor: IngestionPipeline(num_workers={workers}) + MockEmbedding (no I/O)",
            f"{floor.get('texts', 0):,.0f}",
            "n/a" if floor_seconds is None else f"{floor_seconds:.1f}",
            "0",
            "",
            "",
            results.corpus_floor_error or "LlamaIndex's own engine: spawn, pickle, unpickle",
        ]
    ]
    for name, f in results.corpus.items():
        if not name.startswith("IngestionPipeline(num_workers"):
            continue
        without = share_without_floor(f, floor_seconds)
        rows.append(
            [
                name,
                f"{f.get('texts', 0):,.0f}",
                f"{f.get('seconds', 0):.1f}",
                f"{f.get('requests', 0):.0f}",
                f"{f.get('share_of_limit', 0):.2f}",
                "n/a" if without is None else f"{without:.2f}",
                "requests / (rate x (seconds - floor seconds + 1)); the target uses end to end",
            ]
        )
    return header, rows
