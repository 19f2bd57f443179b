"""Benchmarks: what ChatZai, Zai and the embeddings cost on top of the wire.

``python -m benchmarks`` (``make bench``) starts a fast Z.ai-shaped server on 127.0.0.1
(:mod:`benchmarks.server`, canned bytes, its own process, so the client dominates), and in one
run measures, side by side and as ratios:

- per-call latency of a non-streamed chat (median of hundreds of calls);
- per-chunk cost of a streamed reply of 2,000 chunks;
- 500 async calls at concurrency 50;
- embedding 10,000 texts (requests made, wall time);
- import time of ``langchain_zai`` and ``llama_index_zai``;

for raw httpx (+ httpx-sse) as the floor, LangChain's and LlamaIndex's own overhead (trivial
in-process models) as the framework floors, ChatZai, Zai and, when the ``bench`` extra is
installed, ``ChatOpenAI(base_url=...)``, ``OpenAILike`` and the community ``ChatZhipuAI``.
It prints a table with every target and PASS / FAIL, and writes ``benchmarks/results/``
(``latest.md``, ``latest.json``, ``ratios.png``). ``--quick`` is the smoke-test size.
"""

from __future__ import annotations

from .measure import Results, Settings, run

__all__ = ["Results", "Settings", "run"]
