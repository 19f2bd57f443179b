"""No recorded cassette or cookbook notebook holds an API key, a bearer token or a key URL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "cookie", "set-cookie"})

SECRET_PATTERNS = {
    "bearer token": re.compile(r"\bBearer\s+[A-Za-z0-9._\-]+", re.IGNORECASE),
    "key query parameter": re.compile(
        r"(?:[?&](?:key|token|api_token|api_key)|\bapi_token)=[^&\s\"'\\]+", re.IGNORECASE
    ),
    "Z.ai-shaped key": re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9]{16}"),
}
#: Code cells may write ``api_token=...`` as a Python keyword: only these apply to them.
SOURCE_PATTERNS = ("bearer token", "Z.ai-shaped key")


def cassette_files() -> list[Path]:
    """Every file under a ``cassettes`` directory of tests/ or cookbooks/, and notebooks."""
    found: set[Path] = set()
    for top in ("tests", "cookbooks"):
        base = ROOT / top
        if not base.is_dir():
            continue
        for folder in base.rglob("cassettes"):
            if folder.is_dir():
                found.update(p for p in folder.rglob("*") if p.suffix in CASSETTE_SUFFIXES)
        if top == "cookbooks":
            found.update(p for p in base.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return sorted(found)


def _walk_keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _walk_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_keys(item)


def _parse(path: Path, text: str) -> Any:
    if path.suffix in (".json", ".ipynb"):
        return json.loads(text)
    return yaml.safe_load(text)


def _scanned_texts(path: Path, text: str, parsed: Any) -> list[tuple[str, tuple[str, ...]]]:
    """The texts to scan, each with the pattern names that apply to it."""
    if path.suffix != ".ipynb":
        return [(text, tuple(SECRET_PATTERNS))]
    cells = parsed.get("cells", [])
    rest = {k: v for k, v in parsed.items() if k != "cells"}
    outputs = json.dumps([rest, [c.get("outputs", []) for c in cells]], ensure_ascii=False)
    sources = "\n".join("".join(c.get("source", [])) for c in cells)
    return [(outputs, tuple(SECRET_PATTERNS)), (sources, SOURCE_PATTERNS)]


def find_secrets(path: Path, text: str) -> list[str]:
    """What in this file looks like a secret (empty when the file is clean)."""
    parsed = _parse(path, text)
    keys = {k.lower() for k in _walk_keys(parsed)}
    problems = [f"{h} header" for h in sorted(keys & SECRET_HEADERS)]
    for scanned, names in _scanned_texts(path, text, parsed):
        for name in names:
            match = SECRET_PATTERNS[name].search(scanned)
            if match:
                problems.append(f"{name}: {match.group(0)[:12]}...")
    return problems


def test_scans_at_least_one_cassette() -> None:
    files = cassette_files()
    assert any(p.suffix in (".yaml", ".yml") for p in files), "no cassette found to scan"


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_secret_in_cassette(path: Path) -> None:
    assert find_secrets(path, path.read_text(encoding="utf-8")) == []


FAKE_KEY = "0123456789abcdef0123456789abcdef.AbCdEfGhIjKlMnOp"
CLEAN_YAML = """
interactions:
- request:
    body: '{"messages": [{"role": "user", "content": "Authorization Token is invalid"}]}'
    headers:
      Content-Type: [application/json]
    uri: https://api.z.ai/api/paas/v4/chat/completions
  response:
    body: {string: '{"choices": [{"message": {"content": "sorted(x, key=len)"}}]}'}
    headers:
      content-type: [application/json]
"""


@pytest.mark.parametrize(
    ("suffix", "text", "problem"),
    [
        (".yaml", CLEAN_YAML.replace("Content-Type", "Authorization"), "authorization header"),
        (".yaml", CLEAN_YAML.replace("Content-Type", "authorization"), "authorization header"),
        (".yaml", CLEAN_YAML.replace("Token is invalid", "Bearer abc.def"), "bearer token"),
        (".yaml", CLEAN_YAML.replace("completions", "completions?api_token=abc"), "key query"),
        (".yaml", CLEAN_YAML.replace("completions", "completions?x=1&key=abc"), "key query"),
        (".yaml", CLEAN_YAML.replace("sorted", FAKE_KEY), "Z.ai-shaped key"),
        (".json", json.dumps({"headers": {"Authorization": ["x"]}}), "authorization header"),
        (".json", json.dumps({"body": FAKE_KEY}), "Z.ai-shaped key"),
        (
            ".ipynb",
            json.dumps({"cells": [{"source": ["x = 1"], "outputs": [{"text": FAKE_KEY}]}]}),
            "Z.ai-shaped key",
        ),
        (
            ".ipynb",
            json.dumps({"cells": [{"source": [f"api_key = '{FAKE_KEY}'"], "outputs": []}]}),
            "Z.ai-shaped key",
        ),
        (
            ".ipynb",
            json.dumps(
                {
                    "cells": [
                        {
                            "source": ["sorted(x, key=len)"],
                            "outputs": [{"text": "GET https://h/v4?api_token=abc"}],
                        }
                    ]
                }
            ),
            "key query",
        ),
    ],
)
def test_detector_catches_secrets(suffix: str, text: str, problem: str) -> None:
    problems = find_secrets(Path(f"x{suffix}"), text)
    assert any(p.startswith(problem) for p in problems), problems


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".yaml", CLEAN_YAML),
        (".ipynb", json.dumps({"cells": [{"source": ["sorted(x, key=len)"], "outputs": []}]})),
    ],
)
def test_detector_passes_clean_files(suffix: str, text: str) -> None:
    assert find_secrets(Path(f"x{suffix}"), text) == []
