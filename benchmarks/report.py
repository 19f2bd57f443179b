"""Targets, tables and the chart: everything a run prints and writes.

The targets are the issue's, computed from one run's figures; a target whose inputs could
not be measured is ``N/A`` with the reason, never a silent pass.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

from .contenders import (
    CHAT_CONTENDERS,
    EMBED_CONTENDERS,
    FAMILY_FLOOR,
    FAMILY_WRAP,
    max_embed_requests,
)
from .corpus import pipeline_cost_table
from .growth import GROWTH_TARGETS, growth_table, per_chunk
from .measure import IMPORT_ROWS, Figure, Results, Settings
from .ratios import floor_value, paired_ratio, paired_ratio_of, ratio, sum_value, value
from .scenarios import transport_calls

Status = Literal["PASS", "FAIL", "N/A"]
PACKAGES = (
    "zai-integrations",
    "httpx",
    "httpx-sse",
    "langchain-core",
    "llama-index-core",
    "langchain-openai",
    "openai",
    "langchain-community",
    "llama-index-llms-openai-like",
    "matplotlib",
)
SUM_LABEL = {
    "langchain": "raw httpx + LangChain floor, summed",
    "llamaindex": "raw httpx + LlamaIndex floor, summed",
}


@dataclass(frozen=True)
class Target:
    """One target of the issue and how this run did against it."""

    name: str
    measured: float | None
    limit: float
    unit: str
    at_least: bool = False
    note: str = ""
    detail: str = ""

    @property
    def status(self) -> Status:
        """PASS / FAIL, or N/A when the figure could not be measured."""
        if self.measured is None or not math.isfinite(self.measured):
            return "N/A"
        ok = self.measured >= self.limit if self.at_least else self.measured <= self.limit
        return "PASS" if ok else "FAIL"

    def text(self) -> tuple[str, str, str, str, str]:
        """(target, measured, limit, result, detail) as display strings."""
        op = ">=" if self.at_least else "<="
        measured = "n/a" if self.measured is None else _num(self.measured, self.unit)
        result = self.status + (f" ({self.note})" if self.note and self.status == "N/A" else "")
        return self.name, measured, f"{op} {_num(self.limit, self.unit)}", result, self.detail


def _num(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.3f}x"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "count":
        return f"{value:.0f}"
    return f"{value:.0f} {unit}"


def _why(results: Results, *keys: str) -> str:
    for key in keys:
        if key in results.unavailable:
            return f"{key}: {results.unavailable[key]}"
        for name, figure in results.chat.get(key, {}).items():
            if not figure.ok:
                return f"{key} {name}: {figure.error}"
    return ""


def _not_positive(*values: float | None) -> str:
    if any(v is not None and v <= 0 for v in values):
        return "a difference of medians came out <= 0: noise larger than the cost measured"
    return ""


def targets(results: Results) -> list[Target]:
    """Every target of the issue, evaluated on this run."""
    out: list[Target] = []

    def vs(name: str, key: str, other: str, figure: str, limit: float) -> None:
        mine, theirs = value(results, key, figure), value(results, other, figure)
        measured, detail = paired_ratio(results, key, other, figure)
        note = _why(results, key, other) or _not_positive(mine, theirs)
        out.append(Target(name, measured, limit, "x", note=note, detail=detail))

    def vs_floor(name: str, key: str, family: str, figure: str, limit: float) -> None:
        mine = value(results, key, figure)
        floor = floor_value(results, family, figure)
        measured, paired = paired_ratio(results, key, FAMILY_WRAP[family], figure)
        note = _why(results, key, FAMILY_WRAP[family]) or _not_positive(mine, floor)
        summed = ratio(mine, sum_value(results, family, figure))
        apart = "" if summed is None else f"vs the two measured apart and summed: {summed:.2f}x"
        detail = "; ".join(part for part in (paired, apart) if part)
        out.append(Target(name, measured, limit, "x", note=note, detail=detail))

    # The targets, paced mode (the headline), medians over rounds.
    vs_floor(
        "ChatZai per chunk (paced) vs LangChain over raw httpx",
        "chat_zai",
        "langchain",
        "per_chunk",
        1.10,
    )
    vs_floor(
        "Zai per chunk (paced) vs LlamaIndex over raw httpx", "zai", "llamaindex", "per_chunk", 1.05
    )
    vs_floor(
        "ChatZai per call vs LangChain over raw httpx", "chat_zai", "langchain", "per_call", 1.05
    )
    vs_floor("Zai per call vs LlamaIndex over raw httpx", "zai", "llamaindex", "per_call", 1.05)
    out.append(_transport_target(results))
    out += _growth_targets(results)
    out += _embedding_targets(results)
    out += _corpus_targets(results)
    for module in ("langchain_zai", "llama_index_zai"):
        found = results.imports.get(module)
        added = None
        if found is not None and found.added_seconds is not None:
            added = found.added_seconds * 1e3
        note = (found.error or "") if found else "not measured"
        out.append(Target(f"import {module}: time added", added, 30.0, "ms", note=note))
    # Against the alternatives (paced per chunk), and async over the default httpx transport
    # against the framework floors. (Round 1 asked for <= 1.3x raw httpx here; issue 16 replaced
    # that with the aiohttp target above, since LangChain over raw httpx alone measures ~1.35x.)
    vs("ChatZai per call vs ChatOpenAI", "chat_zai", "chat_openai", "per_call", 0.5)
    vs("ChatZai per chunk (paced) vs ChatOpenAI", "chat_zai", "chat_openai", "per_chunk", 0.5)
    vs("Zai per call vs OpenAILike", "zai", "openai_like", "per_call", 0.6)
    vs("Zai per chunk (paced) vs OpenAILike", "zai", "openai_like", "per_chunk", 0.5)
    async_calls = f"{results.settings.async_calls} async calls"
    vs_floor(
        f"ChatZai {async_calls} (httpx) vs LangChain over raw httpx",
        "chat_zai",
        "langchain",
        "async",
        1.05,
    )
    vs_floor(
        f"Zai {async_calls} (httpx) vs LlamaIndex over raw httpx",
        "zai",
        "llamaindex",
        "async",
        1.05,
    )
    return out


def _transport_target(results: Results) -> Target:
    s = results.settings
    c = s.transport_concurrency[0]
    mine = results.transports.get(f"ChatZai aiohttp @{c}")
    raw = results.transports.get(f"raw httpx @{c}")
    measured = ratio(mine.value if mine else None, raw.value if raw else None)
    note = next((f.error for f in (mine, raw) if f is not None and f.error), "") or (
        "" if mine and raw else "not measured"
    )
    calls = transport_calls(s, c)
    return Target(
        f"ChatZai {calls} async calls @{c}, aiohttp transport, vs raw httpx",
        measured,
        1.0,
        "x",
        note=note or "",
    )


def _growth_targets(results: Results) -> list[Target]:
    """Ours per chunk vs the framework's floor over raw httpx at the longest text stream."""
    labels = {c.key: c.label for c in CHAT_CONTENDERS}
    sizes = sorted(results.text_growth) or [max(results.settings.text_growth)]
    n = sizes[-1]
    out = []
    for key, floor, limit in GROWTH_TARGETS:
        mine, theirs = per_chunk(results, n, key), per_chunk(results, n, floor)
        row = results.text_growth.get(n, {})
        errors = [f"{k}: {row[k].error}" for k in (key, floor) if k in row and row[k].error]
        note = "; ".join(errors) or _not_positive(mine, theirs)
        if not note and (mine is None or theirs is None):
            note = "not measured"
        name = f"{labels[key]} per chunk, {n:,}-chunk text stream (burst), vs {labels[floor]}"
        measured, detail = paired_ratio_of(row.get(key), row.get(floor))
        out.append(Target(name, measured, limit, "x", note=note, detail=detail))
    return out


def _embedding_targets(results: Results) -> list[Target]:
    out = []
    dims = max(results.settings.embed_dims)
    figures = results.embeddings.get(dims, {})
    raw = figures.get("raw")
    texts = results.settings.embed_texts
    for key, label in (("zai_embeddings", "ZaiEmbeddings"), ("zai_embedding", "ZaiEmbedding")):
        figure = figures.get(key)
        note = (figure.error or "") if figure else "not measured"
        ok = figure is not None and figure.error is None
        wall = ratio(figure.async_seconds, raw.async_seconds if raw else None) if ok else None
        speedup = ratio(figure.sync_seconds, figure.async_seconds) if ok else None
        requests = None
        if ok and figure.sync_requests is not None and figure.async_requests is not None:
            requests = float(max(figure.sync_requests, figure.async_requests))
        name = f"{label}, {texts:,} texts at {dims} dims"
        out.append(Target(f"{name}: async wall vs raw httpx", wall, 1.1, "x", note=note))
        out.append(Target(f"{name}: async speed-up over sync", speedup, 3.0, "x", True, note=note))
        out.append(
            Target(
                f"{name}: requests (sync and async)",
                requests,
                float(max_embed_requests(texts)),
                "requests",
                note=note,
            )
        )
    return out


def _corpus_targets(results: Results) -> list[Target]:
    out = []
    resume = results.corpus_resume
    out.append(
        Target(
            "IngestionPipeline resumed from its persisted cache: requests after the restart",
            resume.get("requests_on_resume"),
            resume.get("expected", 0.0),
            "requests",
            note="" if resume else "not run",
            detail="only the slices not yet cached are sent",
        )
    )
    if not results.corpus:
        name = "rate-limited corpus"
        out.append(Target(f"{name}: throughput / server limit", None, 0.9, "x", True, "not run"))
    for name, figures in results.corpus.items():
        note = "" if figures else "not measured"
        share = figures.get("share_of_limit")
        lost = figures.get("lost")
        surfaced = figures.get("errors_surfaced")
        out.append(Target(f"{name}: throughput / server limit", share, 0.9, "x", True, note))
        bad = None if lost is None or surfaced is None else lost + surfaced
        out.append(Target(f"{name}: texts lost + 429s surfaced", bad, 0.0, "count", note=note))
    return out


# --------------------------------------------------------------------------- tables


def _us(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1e6:,.1f}"


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1e3:,.1f}"


def _x(r: float | None) -> str:
    return "" if r is None else f"{r:.2f}x"


def _chat_row(
    results: Results, label: str, figures: dict[str, float | None], family: str, note: str
) -> list[str]:
    names = ("per_call", "per_chunk", "per_chunk_burst", "async")
    raw = {name: value(results, "raw", name) for name in names}
    floor = {n: floor_value(results, family, n) for n in names} if family in FAMILY_FLOOR else {}
    cells = [label]
    for name in names:
        mine = figures[name]
        if name == "async":
            cells += [_ms(mine), _x(ratio(mine, raw[name]))]
        else:
            cells += [_us(mine), _x(ratio(mine, raw[name])), _x(ratio(mine, floor.get(name)))]
    return [*cells, note]


def chat_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """The side-by-side chat figures with their ratios."""
    s = results.settings
    header = ["contender", "per call (us)", "x raw", "x floor"]
    header += ["per chunk paced (us cpu)", "x raw", "x floor"]
    header += ["per chunk burst (us cpu)", "x raw", "x floor"]
    header += [f"{s.async_calls} async @{s.async_concurrency} (ms)", "x raw", "note"]
    rows = []
    names = ("per_call", "per_chunk", "per_chunk_burst", "async")
    for contender in CHAT_CONTENDERS:
        figures = {n: value(results, contender.key, n) for n in names}
        note = results.unavailable.get(contender.key, "")
        if not note:
            errors = [
                f"{n}: {f.error}"
                for n, f in results.chat.get(contender.key, {}).items()
                if not f.ok
            ]
            note = "; ".join(errors)
        if contender.in_process:
            note = note or "in-process, no I/O"
        if contender.key in FAMILY_WRAP.values():
            note = note or "the floor: raw httpx + the framework, measured together"
        family = "" if contender.in_process else contender.family
        rows.append(_chat_row(results, contender.label, figures, family, note))
        if contender.in_process:
            family = contender.family
            summed = {n: sum_value(results, family, n) for n in names}
            rows.append(_chat_row(results, SUM_LABEL[family], summed, "", "measured apart"))
    return header, rows


def scenarios_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """History length, bound tools and tool-call fragments: client CPU per call / fragment."""
    from .scenarios import PARTS_CONTENDERS, SCENARIO_CONTENDERS

    keys = list(dict.fromkeys([*SCENARIO_CONTENDERS, *PARTS_CONTENDERS]))
    header = ["scenario", *keys, "note"]
    rows = []
    for name, figures in results.scenarios.items():
        per_part = name.startswith("tool-call parts")
        cells = [name + (" (us / part)" if per_part else " (ms / call)")]
        for key in keys:
            found = figures.get(key)
            if found is None or not found.ok or found.value is None:
                cells.append("-" if found is None else "n/a")
            else:
                cells.append(f"{found.value * (1e6 if per_part else 1e3):,.2f}")
        errors = [f"{k}: {f.error}" for k, f in figures.items() if f.error]
        rows.append([*cells, "; ".join(errors)[:200]])
    return header, rows


def transports_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """Async calls through each transport, wall time and ratio to raw httpx."""
    header = ["transport", "calls", "wall (ms)", "x raw httpx", "note"]
    rows = []
    for name, figure in results.transports.items():
        concurrency = name.rsplit("@", 1)[-1]
        raw = results.transports.get(f"raw httpx @{concurrency}")
        mine = figure.value if figure.ok else None
        raw_value = raw.value if raw is not None and raw.ok else None
        calls = str(transport_calls(results.settings, int(concurrency)))
        rows.append([name, calls, _ms(mine), _x(ratio(mine, raw_value)), figure.error or ""])
    return header, rows


def corpus_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """The rate-limited corpus runs."""
    header = ["run", "texts", "seconds", "texts/s", "requests/s", "limit", "share"]
    header += ["sending (s)", "share while sending", "429s", "lost", "note"]
    rows = []
    for name, f in results.corpus.items():
        rows.append(
            [
                name,
                f"{f.get('texts', 0):,.0f}",
                f"{f.get('seconds', 0):.1f}",
                f"{f.get('texts_per_second', 0):,.0f}",
                f"{f.get('requests_per_second', 0):.1f}",
                f"{f.get('limit', 0):.0f}",
                f"{f.get('share_of_limit', 0):.2f}",
                f"{f.get('sending_seconds', 0):.1f}",
                f"{f.get('share_while_sending', 0):.2f}",
                f"{f.get('rate_limited', 0):.0f}",
                f"{f.get('lost', 0):.0f}",
                "an error surfaced" if f.get("errors_surfaced") else "",
            ]
        )
    return header, rows


def embeddings_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """Requests and wall time for embedding the texts, sync and async, at each dimension."""
    s = results.settings
    header = ["contender", "dims", "texts", "requests sync", "requests async", "budget"]
    header += ["sync (s)", "async (s)", "async x raw", "async speed-up", "note"]
    rows = []
    for dims, figures in results.embeddings.items():
        raw = figures.get("raw")
        raw_async = raw.async_seconds if raw is not None else None
        for contender in EMBED_CONTENDERS:
            f = figures.get(contender.key)
            if f is None:
                continue
            rows.append(
                [
                    contender.label,
                    str(dims),
                    f"{f.texts:,}",
                    "n/a" if f.sync_requests is None else str(f.sync_requests),
                    "n/a" if f.async_requests is None else str(f.async_requests),
                    str(max_embed_requests(s.embed_texts)),
                    "n/a" if f.sync_seconds is None else f"{f.sync_seconds:.2f}",
                    "n/a" if f.async_seconds is None else f"{f.async_seconds:.2f}",
                    _x(ratio(f.async_seconds, raw_async)) or "n/a",
                    _x(ratio(f.sync_seconds, f.async_seconds)) or "n/a",
                    f.error or "",
                ]
            )
    return header, rows


def imports_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """What each module adds to its baseline imports."""
    header = ["module", "on top of", "baseline (ms)", "adds (ms)", "note"]
    rows = []
    for row in IMPORT_ROWS:
        f = results.imports.get(row.module)
        if f is None:
            continue
        rows.append(
            [
                row.module,
                " + ".join(row.baseline),
                _ms(f.baseline_seconds),
                _ms(f.added_seconds),
                f.error or "",
            ]
        )
    return header, rows


def targets_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """Every target with its measurement and PASS / FAIL / N/A."""
    header = ["target", "measured", "limit", "result", "note"]
    return header, [list(t.text()) for t in targets(results)]


def format_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned plain-text columns (trailing empty notes trimmed)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        if header[-1] in ("note", "result"):
            cells[-1] = str(row[-1])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def format_markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub markdown table."""

    def clean(cell: str) -> str:
        return str(cell).replace("|", "\\|")

    align = ["---"] + [
        "---:" if h not in ("note", "result", "on top of") else "---" for h in header[1:]
    ]
    lines = ["| " + " | ".join(clean(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(clean(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine, files


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """CPU, cores, OS, Python and the versions of the packages measured."""
    info = {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "os": platform.platform(),
        "python": sys.version.split()[0],
    }
    for package in PACKAGES:
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "not installed"
    return info


def describe_settings(s: Settings) -> str:
    """How the figures were taken, in one paragraph."""
    return (
        f"Chat contenders alternated in {s.rounds} rounds in one process; every figure is the "
        f"median over rounds. Per call: median of {s.calls // s.rounds} non-streamed calls per "
        f"round (wall clock), the contenders' calls interleaved in blocks of {s.call_block}. Per "
        f"chunk, paced "
        f"(the headline): the server writes and flushes each event on its own, "
        f"{s.paced_gap_us} us apart, as a real model does; (median of {s.paced_reps} "
        f"{s.paced_chunks:,}-chunk streams - median of {s.paced_reps} 1-chunk streams) / "
        f"{s.paced_chunks - 1:,} in client CPU time, the contenders' streams interleaved the "
        f"same way. Per chunk, burst: the whole {s.chunks:,}-chunk stream in one write "
        f"(many events per socket read), same formula. Async: wall time of {s.async_calls} "
        f"calls with {s.async_concurrency} in flight, one batch per round. Embeddings: "
        f"{s.embed_texts:,} texts at {' and '.join(map(str, s.embed_dims))} dims, the server "
        f"adds {s.embed_delay_ms} ms to every answer, {s.embed_rounds} alternated rounds, each "
        f"run from a collected heap; "
        f"requests counted by the server. History / tools / tool-call fragments: client CPU "
        f"per call (or per fragment), median of {s.scenario_reps}. Text growth: client CPU per "
        f"chunk of burst text streams of {' / '.join(f'{n:,}' for n in s.text_growth)} "
        f"chunks, same formula, {s.growth_rounds} alternated rounds. Imports: fresh interpreter, "
        f"warm bytecode cache, median of {s.import_runs}. "
        "'x raw' divides by raw httpx (+ httpx-sse, stdlib json); 'x floor' by the framework's "
        "trivial model doing its I/O with raw httpx (+ httpx-sse), measured in one piece: what "
        "a zero-cost integration would take. The 'summed' rows add the in-process framework "
        "floor to raw httpx as measured apart. A target comparing two chat contenders is the "
        "median over rounds of the round's ratio (the two took turns inside each round, so a "
        "round pairs them); its note gives the ratio of the two medians beside it and the "
        "per-round range. The machine is shared: figures are noisy."
    )


def render_text(results: Results) -> str:
    """Everything the console shows at the end of a run (a part that did not run, with
    ``--only``, shows no table; its targets still show as N/A)."""
    sections = [
        ("Chat (lower is better)", chat_table, results.chat or results.unavailable),
        ("Embeddings", embeddings_table, results.embeddings),
        (
            "History length, bound tools, tool-call fragments (client CPU)",
            scenarios_table,
            results.scenarios,
        ),
        ("Streamed text growth (client CPU per chunk, burst)", growth_table, results.text_growth),
        ("Async transports", transports_table, results.transports),
        ("Rate-limited corpus", corpus_table, results.corpus),
        (
            "The ingestion pipeline's own cost",
            pipeline_cost_table,
            results.corpus_floor or results.corpus_floor_errors,
        ),
        ("Import time", imports_table, results.imports),
    ]
    parts = []
    for title, table, measured in sections:
        if measured:
            parts += [title, format_text(*table(results)), ""]
    parts += ["Targets", format_text(*targets_table(results))]
    return "\n".join(parts)


def render_markdown(results: Results, chart_name: str | None) -> str:
    """``latest.md``: machine, method, tables, targets, chart link."""
    info = machine()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = " (--quick: tiny counts, figures not meaningful)" if results.settings.quick else ""
    lines = [
        f"# Benchmark results{mode}",
        "",
        f"Run {stamp}, {results.seconds:.0f} s. Reproduce with `make bench` "
        "(or `.venv/bin/python -m benchmarks`).",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['os']}, Python {info['python']}.",
        "",
        "Packages: " + ", ".join(f"{p} {info[p]}" for p in PACKAGES) + ".",
        "",
        describe_settings(results.settings),
        "",
        "## Targets",
        "",
        format_markdown(*targets_table(results)),
        "",
        "## Chat",
        "",
        format_markdown(*chat_table(results)),
        "",
    ]
    if chart_name:
        lines += [f"![ratios]({chart_name})", ""]
    lines += [
        "## Embeddings",
        "",
        format_markdown(*embeddings_table(results)),
        "",
        "## History length, bound tools, tool-call fragments (client CPU)",
        "",
        format_markdown(*scenarios_table(results)),
        "",
        "## Streamed text growth (client CPU per chunk, burst)",
        "",
        format_markdown(*growth_table(results)),
        "",
        "## Async transports",
        "",
        format_markdown(*transports_table(results)),
        "",
        "## Rate-limited corpus",
        "",
        format_markdown(*corpus_table(results)),
        "",
        "## The ingestion pipeline's own cost",
        "",
        format_markdown(*pipeline_cost_table(results)),
        "",
        "## Import time",
        "",
        format_markdown(*imports_table(results)),
        "",
    ]
    return "\n".join(lines)


def to_json(results: Results) -> str:
    """Every figure, machine-readable."""
    payload = {
        "machine": machine(),
        "settings": dataclasses.asdict(results.settings),
        "chat": {
            key: {name: dataclasses.asdict(f) for name, f in figures.items()}
            for key, figures in results.chat.items()
        },
        "unavailable": results.unavailable,
        "embeddings": {
            str(dims): {k: dataclasses.asdict(v) for k, v in figures.items()}
            for dims, figures in results.embeddings.items()
        },
        "scenarios": {
            name: {k: dataclasses.asdict(f) for k, f in figures.items()}
            for name, figures in results.scenarios.items()
        },
        "transports": {k: dataclasses.asdict(v) for k, v in results.transports.items()},
        "corpus": results.corpus,
        "corpus_resume": results.corpus_resume,
        "corpus_floor": results.corpus_floor,
        "text_growth": {
            str(n): {k: dataclasses.asdict(f) for k, f in figures.items()}
            for n, figures in results.text_growth.items()
        },
        "imports": {k: dataclasses.asdict(v) for k, v in results.imports.items()},
        "targets": [{**dataclasses.asdict(t), "status": t.status} for t in targets(results)],
        "seconds": results.seconds,
    }
    return json.dumps(payload, indent=2)


def write(results: Results, out_dir: Path) -> dict[str, Path]:
    """Write ``latest.md``, ``latest.json`` and ``ratios.png`` to ``out_dir``."""
    from .chart import draw

    out_dir.mkdir(parents=True, exist_ok=True)
    chart = out_dir / "ratios.png"
    draw(results, chart)
    paths = {"markdown": out_dir / "latest.md", "json": out_dir / "latest.json", "chart": chart}
    paths["markdown"].write_text(render_markdown(results, chart.name))
    paths["json"].write_text(to_json(results) + "\n")
    return paths


def check_figure(figure: Figure | None) -> bool:
    """Whether a figure holds a finite positive number (the smoke test's question)."""
    return figure is not None and figure.ok and (figure.value or 0.0) > 0
