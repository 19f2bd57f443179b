"""Render the observations of a reliability run as the README's summary tables.

Usage::

    ZAI_RELIABILITY_REPORT=/tmp/rel.json .venv/bin/python -m pytest tests/reliability \\
        -p no:cacheprovider --disable-socket --allow-unix-socket
    .venv/bin/python -m tests.reliability.report /tmp/rel.json
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from typing import Any

from .cases import CASES

KIND_NAMES = {"chat": "plain", "stream": "streamed", "embed": "embeddings"}


def _waits(rows: list[dict[str, Any]], exact: bool) -> str:
    if exact:
        seen = sorted({", ".join(f"{w:g} s" for w in r["waits"]) for r in rows})
        return "; waits asked: " + " / ".join(seen) if seen != [""] else ""
    counts = sorted({len(r["waits"]) for r in rows})
    return f"; {'/'.join(map(str, counts))} backoff wait(s)" if counts != [0] else ""


def observed_cell(rows: list[dict[str, Any]], exact_waits: bool) -> str:
    """One table cell summarising every run of a case."""
    errors = sorted({r["error"] or "whole answer" for r in rows})
    requests = sorted({r["requests"] for r in rows})
    clients = sorted({r["client"] for r in rows})
    text = " / ".join(errors)
    text += f"; {'/'.join(map(str, requests))} request(s)"
    text += _waits(rows, exact_waits)
    partial = sorted(
        {r["received"] for r in rows if r["kind"] == "stream" and r["error"] and r["received"]}
    )
    if partial:
        text += "; consumer got " + " / ".join(repr(p) for p in partial)
    runs = len(rows)
    return f"{text} ({runs} runs: {', '.join(clients)}; sync + async; no leak)"


def render_cases(rows: list[dict[str, Any]]) -> str:
    """The fault table: case, expected, observed."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("kind") in KIND_NAMES:
            grouped[(row["case"], row["kind"])].append(row)
    lines = [
        "| Case | Server does | Call | Expected | Observed |",
        "|---|---|---|---|---|",
    ]
    for case in CASES:
        for kind, expect in case.expect.items():
            runs = grouped.get((case.name, kind))
            if not runs or kind not in case.replies:
                continue
            lines.append(
                f"| `{case.name}` | {case.summary} | {KIND_NAMES[kind]} | {expect.describe()} "
                f"| {observed_cell(runs, expect.waits is not None)} |"
            )
    return "\n".join(lines)


def render_load(rows: list[dict[str, Any]]) -> str:
    """The load measurements."""
    lines = [
        "| Client | Calls | Chunks/call | Connections opened | Peak open fds (baseline) "
        "| fds after | Peak RSS growth | Wall time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("kind") == "load":
            lines.append(
                f"| `{r['client']}` | {r['calls']} | {r['chunks_per_call']} "
                f"| {r['connections_opened']} | {r['peak_fds']} ({r['baseline_fds']}) "
                f"| {r['final_fds']} | {r['rss_growth_mb']} MB | {r['elapsed_s']} s |"
            )
    return "\n".join(lines)


def main(path: str) -> None:
    """Print both tables."""
    with open(path, encoding="utf-8") as handle:
        rows = json.load(handle)
    print(render_cases(rows))
    print()
    print(render_load(rows))


if __name__ == "__main__":
    main(sys.argv[1])
