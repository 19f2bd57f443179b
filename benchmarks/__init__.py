"""Benchmarks: what ChatZai, Zai and the embeddings cost on top of the wire.

``python -m benchmarks`` (``make bench``) starts a fast Z.ai-shaped server on 127.0.0.1
(:mod:`benchmarks.server`, canned bytes, its own process, so the client dominates), and in one
run measures, side by side and as ratios, the contenders alternated in rounds (medians):

- per-call latency of a non-streamed chat;
- per-chunk cost of a streamed reply, paced (one flushed event per socket write, 2 ms apart,
  the headline) and burst (the whole stream in one write);
- 500 async calls at concurrency 50;
- embedding 10,000 texts at 2,048 and 256 dimensions (requests made, wall time);
- history length, bound tools and tool-call fragments (:mod:`benchmarks.scenarios`);
- the async transports (httpx, aiohttp) at concurrency 50 and 1,000;
- per-chunk cost of text answers of 1,000 to 100,000 chunks (:mod:`benchmarks.growth`);
- a 100,000-text corpus against a rate-limited server, each LlamaIndex pipeline beside its
  framework floor (:mod:`benchmarks.corpus`);
- import time of ``langchain_zai`` and ``llama_index_zai``;

for raw httpx (+ httpx-sse) as the floor, LangChain's and LlamaIndex's own overhead (trivial
in-process models) as the framework floors, ChatZai, Zai and, when the ``bench`` extra is
installed, ``ChatOpenAI(base_url=...)``, ``OpenAILike`` and the community ``ChatZhipuAI``.
It prints a table with every target and PASS / FAIL, and writes ``benchmarks/results/``
(``latest.md``, ``latest.json``, ``ratios.png``). ``--quick`` is the smoke-test size;
``--only PART`` runs one part alone.
"""

from __future__ import annotations

from .measure import Results, Settings, run

__all__ = ["Results", "Settings", "run"]
