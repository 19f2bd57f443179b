"""A corpus at scale against a server that rate-limits (``corpus_rate`` requests a second).

- ``ZaiEmbeddings.aembed_documents`` over ``corpus_texts`` texts (one call, the adaptive
  limiter in one event loop);
- LlamaIndex's ``IngestionPipeline([ZaiEmbedding()]).run(num_workers=2)``: the framework's own
  parallel engine; ``ZaiEmbedding`` is pickled into spawned worker processes (the key is not
  pickled: each worker finds it in ``ZAI_API_KEY``);
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
from .server import BenchServer

Log = Callable[[str], None]
BATCH = 64


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


def _pipeline(server: BenchServer, texts: list[str], rate: int, workers: int) -> dict[str, float]:
    from llama_index.core.ingestion import IngestionPipeline
    from llama_index.core.schema import TextNode

    from llama_index_zai import ZaiEmbedding

    nodes = [TextNode(text=text, id_=f"n{i}") for i, text in enumerate(texts)]
    # The key travels to the spawned workers in the environment, never in the pickle.
    embedding = ZaiEmbedding(base_url=server.base_url(rate=rate))
    pipeline = IngestionPipeline(transformations=[embedding], disable_cache=True)
    server.reset()
    start = time.perf_counter()
    out = pipeline.run(nodes=nodes, num_workers=workers, show_progress=False)
    seconds = time.perf_counter() - start
    vectors = sum(1 for node in out if node.embedding)
    return _figures(server, len(texts), vectors, seconds, rate)


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
            f"IngestionPipeline(num_workers=2) + ZaiEmbedding, {len(texts):,} texts @{rate} req/s",
            lambda server: _pipeline(server, texts, rate, 2),
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
    with BenchServer() as server, _key_in_environment():
        resumed = _resume(server, texts[: max(640, len(texts) // 10)], rate * 10, 4)
    results.corpus_resume = resumed
    log(
        f"  resume: {resumed['requests_on_resume']:.0f} requests after the restart "
        f"(the missing half: {resumed['expected']:.0f})"
    )
