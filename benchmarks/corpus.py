"""A corpus at scale against a server that rate-limits (``corpus_rate`` requests a second).

- ``ZaiEmbeddings.aembed_documents`` over ``corpus_texts`` texts (one call, the adaptive
  limiter in one event loop);
- LlamaIndex's ``IngestionPipeline([ZaiEmbedding()]).run(num_workers=2)``: the framework's own
  parallel engine; ``ZaiEmbedding`` is pickled into spawned worker processes (the key is not
  pickled: each worker finds it in ``ZAI_API_KEY``);
- ``await IngestionPipeline([ZaiEmbedding()]).arun(nodes=...)``: one process, no workers;
  LlamaIndex gathers every 64-text batch at once and ``ZaiEmbedding``'s adaptive limiter
  (shared by the batches) decides how many are in flight;
- each pipeline's framework floor, run right after it: the same pipeline over the same nodes
  with :class:`~benchmarks.zero_embedding.ZeroCostEmbedding` (no I/O, vectors of the same
  size, 64 texts per batch). Its wall time is what LlamaIndex itself costs with an embedding
  that costs nothing: for ``num_workers``, spawning the workers, pickling the nodes out and
  the results back, unpickling them; for ``arun``, its per-batch events and the validated
  ``node.embedding`` assignment. Each run's share of the limit is also given with that time
  taken out (:func:`share_without_floor`), beside (never instead of) the end-to-end share
  its target judges;
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
Runner = Callable[[BenchServer], dict[str, float]]
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


def framework_floor(
    texts: list[str], workers: int | None, dims: int = EMBEDDING_DIMS
) -> dict[str, float]:
    """The pipeline with a zero-cost embedding: ``IngestionPipeline.run(num_workers=
    workers)`` (or, with ``workers=None``, ``await arun()`` in this process) over the same
    nodes with :class:`~benchmarks.zero_embedding.ZeroCostEmbedding` (no I/O, ``dims``-float
    vectors, ``BATCH`` texts per batch like ``ZaiEmbedding``). Its wall time is LlamaIndex's
    own: for the workers, spawning them and pickling the nodes out and the results back."""
    from llama_index.core.ingestion import IngestionPipeline

    from .zero_embedding import ZeroCostEmbedding

    nodes = _nodes(texts)
    embedding = ZeroCostEmbedding(embed_dim=dims, embed_batch_size=BATCH)
    pipeline = IngestionPipeline(transformations=[embedding], disable_cache=True)
    start = time.perf_counter()
    if workers is None:
        out = asyncio.run(pipeline.arun(nodes=nodes, show_progress=False))
    else:
        out = pipeline.run(nodes=nodes, num_workers=workers, show_progress=False)
    seconds = time.perf_counter() - start
    vectors = [node.embedding for node in out if node.embedding]
    if len(vectors) != len(texts) or any(len(v) != dims for v in vectors):
        raise ValueError(f"the floor returned {len(vectors)} vectors for {len(texts)} texts")
    return {"texts": float(len(texts)), "seconds": seconds, "workers": float(workers or 0)}


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


def _runs(texts: list[str], rate: int) -> list[tuple[str, Runner, int | None]]:
    """(name, run, the workers of its framework floor: ``None`` for none, 0 for ``arun``)."""
    return [
        (
            f"ZaiEmbeddings.aembed_documents, {len(texts):,} texts @{rate} req/s",
            lambda server: _langchain(server, texts, rate),
            None,
        ),
        (
            f"IngestionPipeline(num_workers={PIPELINE_WORKERS}) + ZaiEmbedding, "
            f"{len(texts):,} texts @{rate} req/s",
            lambda server: _pipeline(server, texts, rate, PIPELINE_WORKERS),
            PIPELINE_WORKERS,
        ),
        (
            f"await IngestionPipeline(...).arun() + ZaiEmbedding (one process), "
            f"{len(texts):,} texts @{rate} req/s",
            lambda server: _pipeline_async(server, texts, rate),
            0,
        ),
    ]


def measure_corpus(settings: Any, results: Any, log: Log) -> None:
    """The rate-limited corpus runs (their own server, so its bucket is theirs alone), each
    pipeline run followed by its framework floor."""
    texts = _texts(settings.corpus_texts)
    rate = settings.corpus_rate
    for name, run, floor_workers in _runs(texts, rate):
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
        if floor_workers is not None:
            _measure_floor(name, texts, floor_workers or None, results, log)
    with BenchServer() as server, _key_in_environment():
        resumed = _resume(server, texts[: max(640, len(texts) // 10)], rate * 10, 4)
    results.corpus_resume = resumed
    log(
        f"  resume: {resumed['requests_on_resume']:.0f} requests after the restart "
        f"(the missing half: {resumed['expected']:.0f})"
    )


def floor_label(workers: int | None) -> str:
    """How a framework floor ran, for the logs and the table."""
    how = f".run(num_workers={workers})" if workers else "(...).arun() (one process)"
    return f"framework floor: IngestionPipeline{how} + ZeroCostEmbedding (no I/O)"


def _measure_floor(
    name: str, texts: list[str], workers: int | None, results: Any, log: Log
) -> None:
    try:
        floor = framework_floor(texts, workers)
    except Exception as exc:
        results.corpus_floor_errors[name] = f"{type(exc).__name__}: {str(exc)[:160]}"
        log(f"  {floor_label(workers)}: FAILED ({results.corpus_floor_errors[name]})")
        return
    results.corpus_floor[name] = floor
    share = share_without_floor(results.corpus[name], floor["seconds"])
    shown = "n/a" if share is None else f"{share:.2f}"
    log(
        f"  {floor_label(workers)}: {floor['seconds']:.1f} s; the run above with it taken "
        f"out: {shown} of the limit"
    )


# --------------------------------------------------------------------------- report


def pipeline_cost_table(results: Any) -> tuple[list[str], list[list[str]]]:
    """Each pipeline run beside its framework floor (the same pipeline, a zero-cost
    embedding), and its share of the limit with the floor's wall time taken out."""
    header = ["run", "texts", "seconds", "requests", "share of the limit (end to end)"]
    header += ["share with the framework floor's time taken out", "note"]
    rows = []
    for name, f in results.corpus.items():
        floor = results.corpus_floor.get(name)
        error = results.corpus_floor_errors.get(name)
        if floor is None and error is None:
            continue
        floor = floor or {}
        floor_seconds = floor.get("seconds")
        workers = int(floor.get("workers", 0)) or None
        rows.append(
            [
                floor_label(workers) if floor else "framework floor",
                f"{floor.get('texts', 0):,.0f}",
                "n/a" if floor_seconds is None else f"{floor_seconds:.1f}",
                "0",
                "",
                "",
                error or "LlamaIndex's own cost with an embedding that costs nothing",
            ]
        )
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
