"""Shape report: which cassettes answer in a different shape than the emulator would.

After a live ``make record`` the cassettes hold Z.ai's own answers. For each cassette, every
recorded request is sent again, in order, to a fresh :class:`tests.emulator.ZaiEmulator`,
and the two answers are compared by *shape*: the keys and value types of the JSON (every
chunk of a stream merged), and the status code. Streamed chat answers are also checked
against the grammar of the real recordings (:mod:`tests.conformance.grammar`). So the first
live run lists every wrong guess of the emulator at once; values (texts, numbers, ids) are
not compared.

``python -m tests.emulator.shapes [PATH ...]`` prints the report (default: every cassette of
``tests/`` and ``cookbooks/``); ``make record`` runs it last.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

from tests.cassette_config import PLACEHOLDER_KEY

from . import ZaiEmulator

ROOT = Path(__file__).resolve().parents[2]
#: Gateways that take the key in the query: the recorded URL lost it (scrubbed).
QUERY_KEY_HOSTS = {"api.lowcodeapi.com": "api_token"}


# ----------------------------------------------------------------------------- shapes


def shape(value: Any) -> Any:
    """The structure of a JSON value: objects keep their keys, lists merge their items."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = merge(merged, shape(item))
        return [merged] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else "str"


def merge(a: Any, b: Any) -> Any:
    """Two shapes as one (an object's keys united; different scalar types joined by ``|``)."""
    if a is None or b is None:  # a key one side lacks
        return b if a is None else a
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: merge(a.get(k), b.get(k)) for k in {**a, **b}}
    if isinstance(a, list) and isinstance(b, list):
        return [merge(a[0] if a else None, b[0] if b else None)] if a or b else []
    if a == b:
        return a
    names = set(str(a).split("|")) | set(str(b).split("|"))
    return "|".join(sorted(n if isinstance(n, str) else json.dumps(n) for n in names))


def paths(value: Any, prefix: str = "$") -> dict[str, str]:
    """A shape flattened: ``{"$.choices[].message.content": "str", ...}``."""
    if isinstance(value, dict):
        found = {prefix: "object"}
        for key, inner in value.items():
            found.update(paths(inner, f"{prefix}.{key}"))
        return found
    if isinstance(value, list):
        return {prefix: "list", **(paths(value[0], prefix + "[]") if value else {})}
    return {prefix: str(value)}


def diff(emulated: Any, live: Any) -> list[str]:
    """What ``live`` has that ``emulated`` lacks (``+``), the reverse (``-``), types (``~``)."""
    old, new = paths(emulated), paths(live)
    lines = [f"+ {p} ({new[p]})" for p in new if p not in old]
    lines += [f"- {p} ({old[p]})" for p in old if p not in new]
    lines += [
        f"~ {p}: emulator {old[p]}, live {new[p]}"
        for p in new
        if p in old and old[p] != new[p] and "null" not in (old[p], new[p])
    ]
    return lines


# ----------------------------------------------------------------------------- bodies


def _text(body: Any) -> str:
    raw = body.get("string", "") if isinstance(body, dict) else body
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return raw or ""


def _content_type(headers: Any) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            return str(value[0] if isinstance(value, list) else value)
    return ""


def body_shape(text: str, content_type: str) -> Any:
    """The shape of an answer body: JSON, the merged chunks of a stream, or ``text``."""
    if "event-stream" in content_type or text.startswith("data: "):
        events = [line[6:] for line in text.split("\n") if line.startswith("data: ")]
        chunks = [json.loads(e) for e in events if e.strip() not in ("[DONE]", "")]
        return {"stream": shape(chunks)}
    try:
        return shape(json.loads(text))
    except ValueError:
        return "text"


# ----------------------------------------------------------------------------- the report


@dataclass
class CassetteReport:
    """One cassette's differences from the emulator (empty ``lines``: the same shape)."""

    path: Path
    lines: list[str] = field(default_factory=list)
    skipped: int = 0


def _emulator_request(recorded: dict[str, Any]) -> httpx.Request:
    url = urlsplit(recorded["uri"])
    params = (
        {QUERY_KEY_HOSTS[url.hostname]: PLACEHOLDER_KEY} if url.hostname in QUERY_KEY_HOSTS else {}
    )
    headers = {"authorization": f"Bearer {PLACEHOLDER_KEY}"}
    content_type = _content_type(recorded.get("headers"))
    if content_type:
        headers["content-type"] = content_type
    body = recorded.get("body") or b""
    content = body.encode() if isinstance(body, str) else body
    return httpx.Request(
        recorded["method"], recorded["uri"], params=params, headers=headers, content=content
    )


def _grammar(text: str, request_body: Any) -> list[str]:
    from tests.conformance.grammar import check_stream  # the rules of the real recordings

    tool_stream = isinstance(request_body, dict) and bool(request_body.get("tool_stream"))
    return check_stream(text, tool_stream=tool_stream)


def compare(path: Path) -> CassetteReport:
    """Send ``path``'s recorded requests to a fresh emulator and compare the answers' shapes."""
    report = CassetteReport(path)
    emulator = ZaiEmulator()
    for number, interaction in enumerate(
        (yaml.safe_load(path.read_text()) or {}).get("interactions", [])
    ):
        request, response = interaction["request"], interaction["response"]
        live_text = _text(response.get("body"))
        if '"jsonrpc"' in _text({"string": request.get("body") or ""}):
            report.skipped += 1  # xpay's MCP exchanges: not Z.ai's wire
            continue
        answer = emulator.handle(_emulator_request(request))
        where = f"#{number} {request['method']} {urlsplit(request['uri']).path}"
        live_type = _content_type(response.get("headers"))
        status = response.get("status", {}).get("code")
        if status != answer.status_code:
            report.lines.append(f"{where}: status emulator {answer.status_code}, live {status}")
        emulated = body_shape(
            answer.read().decode("utf-8", "replace"), answer.headers.get("content-type", "")
        )
        report.lines += [f"{where}: {d}" for d in diff(emulated, body_shape(live_text, live_type))]
        if "event-stream" in live_type and urlsplit(request["uri"]).path.endswith(
            "/chat/completions"
        ):
            try:
                sent = json.loads(request.get("body") or "null")
            except ValueError:
                sent = None
            report.lines += [f"{where}: grammar {p}" for p in _grammar(live_text, sent)]
    return report


def cassettes(roots: Iterable[Path]) -> list[Path]:
    """The cassette files under ``roots`` (files are taken as they are)."""
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        else:
            found += [p for p in root.rglob("*.yaml") if "cassettes" in p.parts]
    return sorted(found)


def render(reports: list[CassetteReport]) -> str:
    """The printed report: changed cassettes first with their differences, then a count."""
    changed = [r for r in reports if r.lines]
    out = [
        "Shape report: each cassette's answers compared with the emulator's for the same requests"
    ]
    for report in changed:
        where = report.path.relative_to(ROOT) if report.path.is_relative_to(ROOT) else report.path
        out.append(f"CHANGED {where}")
        out += [f"    {line}" for line in report.lines]
    skipped = sum(r.skipped for r in reports)
    out.append(
        f"{len(changed)} of {len(reports)} cassettes changed shape compared with the emulator's"
        + (f" ({skipped} MCP exchanges not compared)" if skipped else "")
    )
    return "\n".join(out)


def main(argv: list[str]) -> int:
    """Print the report for ``argv``'s paths (default: every cassette); exit 0."""
    roots = [Path(a).resolve() for a in argv] or [ROOT / "tests", ROOT / "cookbooks"]
    print(render([compare(p) for p in cassettes(roots)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
