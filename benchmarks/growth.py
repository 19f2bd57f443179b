"""How the cost of a streamed text chunk grows with the length of the answer.

LlamaIndex's contract makes every streamed ``ChatResponse`` carry the whole text so far as a
``str``, so each chunk costs one copy of the text: the per-chunk cost grows with the answer
in ``Zai``, in the LlamaIndex floor (``content += delta``) and in every LlamaIndex LLM alike.
LangChain merges each ``AIMessageChunk`` into the answer so far. This row shows that growth
beside ours, so the reader sees what is the framework's and what is the integration's.

Client CPU per chunk of a burst stream (the whole answer in one write; paced streams of
100,000 chunks would take minutes) at each of ``text_growth`` lengths:
``(n-chunk stream - 1-chunk stream) / (n - 1)``, for raw httpx, the two frameworks' floors
over raw httpx, ``Zai`` and ``ChatZai``, alternated in ``growth_rounds`` rounds (medians),
the garbage collected before each measurement (so no contender pays for another's).
The growth of a contender is its per-chunk cost at the largest length over the smallest.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from .contenders import CHAT_CONTENDERS, ChatRunner, Unavailable
from .server import BenchServer

Log = Callable[[str], None]
#: Who runs in the growth row, in table order: the floor, then each framework's floor over
#: raw httpx followed by ours.
GROWTH_CONTENDERS = ("raw", "li_wrap", "zai", "lc_wrap", "chat_zai")
#: The targets at the largest length: ours vs the framework's floor over raw httpx.
GROWTH_TARGETS = (("zai", "li_wrap", 1.05), ("chat_zai", "lc_wrap", 1.10))


def _cpu_stream(runner: ChatRunner, expected: int) -> float:
    start = time.process_time()
    got = runner.stream()
    spent = time.process_time() - start
    if got != expected:
        raise ValueError(f"received {got} text chunks, expected {expected}")
    return spent


def _per_chunk(long: ChatRunner, short: ChatRunner, chunks: int) -> float:
    """``(CPU of a chunks-chunk stream - CPU of a 1-chunk stream) / (chunks - 1)``.

    The garbage the previous stream left is collected first (a full collection another
    contender earned must not land in this one's figure; its own collections do count),
    then an untimed 1-chunk stream warms the caches the collection went through."""
    gc.collect()
    short.stream()
    return (_cpu_stream(long, chunks) - _cpu_stream(short, 1)) / (chunks - 1)


def _build(
    server: BenchServer, sizes: tuple[int, ...], errors: dict[str, str]
) -> dict[str, dict[int, ChatRunner]]:
    """For each contender: a runner per length (and per 1-chunk stream, under length 1)."""
    by_key = {c.key: c for c in CHAT_CONTENDERS}
    runners: dict[str, dict[int, ChatRunner]] = {}
    for key in GROWTH_CONTENDERS:
        build = by_key[key].build
        try:
            runners[key] = {n: build(server.base_url(chunks=n), n) for n in (1, *sizes)}
            _per_chunk(runners[key][min(sizes)], runners[key][1], min(sizes))  # warm-up
        except Unavailable as exc:
            errors[key] = str(exc)
        except Exception as exc:
            errors[key] = f"cannot run: {type(exc).__name__}: {str(exc)[:120]}"
        if key in errors:
            runners.pop(key, None)
    return runners


def measure_text_growth(server: BenchServer, settings: Any, results: Any, log: Log) -> None:
    """Per-chunk client CPU at each length of ``settings.text_growth``, the contenders
    alternated in ``settings.growth_rounds`` rounds; ``results.text_growth[n][key]``."""
    from .measure import Figure, rotated

    sizes = tuple(settings.text_growth)
    errors: dict[str, str] = {}
    runners = _build(server, sizes, errors)
    samples: dict[int, dict[str, list[float]]] = {n: {k: [] for k in runners} for n in sizes}
    for index in range(settings.growth_rounds):
        for n in sizes:
            for key in rotated(list(runners), index):
                if key in errors:
                    continue
                try:
                    samples[n][key].append(_per_chunk(runners[key][n], runners[key][1], n))
                except Exception as exc:
                    errors[key] = f"{type(exc).__name__}: {str(exc)[:120]}"
        log(f"  round {index + 1}/{settings.growth_rounds} done")
    for n in sizes:
        row: dict[str, Figure] = {k: Figure(error=e) for k, e in errors.items()}
        for key, values in samples[n].items():
            if values and key not in errors:
                row[key] = Figure.over_rounds(values)
        results.text_growth[n] = row
        log(
            f"  {n:,} chunks: "
            + ", ".join(f"{k} {f.value * 1e6:.1f} us" for k, f in row.items() if f.ok and f.value)
        )


# --------------------------------------------------------------------------- report


def per_chunk(results: Any, chunks: int, key: str) -> float | None:
    """A contender's per-chunk seconds at ``chunks``, or ``None``."""
    found = results.text_growth.get(chunks, {}).get(key)
    return found.value if found is not None and found.ok else None


def growth(results: Any, key: str) -> float | None:
    """Per-chunk cost at the largest length over the smallest (1.0: flat)."""
    sizes = sorted(results.text_growth)
    if len(sizes) < 2:
        return None
    small, large = per_chunk(results, sizes[0], key), per_chunk(results, sizes[-1], key)
    return None if small is None or large is None or small <= 0 else large / small


def growth_table(results: Any) -> tuple[list[str], list[list[str]]]:
    """One row per contender: us per chunk at each length, the growth, ``x floor`` at the
    largest length."""
    from .contenders import FAMILY_WRAP

    labels = {c.key: c.label for c in CHAT_CONTENDERS}
    families = {c.key: c.family for c in CHAT_CONTENDERS}
    sizes = sorted(results.text_growth)
    header = ["contender", *(f"{n:,} chunks (us)" for n in sizes)]
    header += ["growth (largest / smallest)", "x floor at largest", "note"]
    rows = []
    for key in GROWTH_CONTENDERS:
        cells = [labels[key]]
        for n in sizes:
            value = per_chunk(results, n, key)
            cells.append("n/a" if value is None else f"{value * 1e6:,.1f}")
        ratio_cell = ""
        floor_key = FAMILY_WRAP.get(families[key])
        if sizes and floor_key and floor_key != key:
            mine, floor = (
                per_chunk(results, sizes[-1], key),
                per_chunk(results, sizes[-1], floor_key),
            )
            ratio_cell = "" if mine is None or not floor else f"{mine / floor:.2f}x"
        found = growth(results, key)
        errors = {
            f.error for row in results.text_growth.values() for k, f in row.items() if k == key
        }
        note = "; ".join(e for e in errors if e)
        cells += ["n/a" if found is None else f"{found:.2f}x", ratio_cell, note]
        rows.append(cells)
    return header, rows
