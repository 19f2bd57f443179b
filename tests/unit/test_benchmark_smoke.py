"""The benchmark's smoke test: a tiny ``--quick`` run produces every figure and file.

It never asserts speed (the figures of a tiny run mean nothing, and tests must not depend on
the machine): only that every figure is a finite number, that every target is judged, and
that the table, the JSON and the PNG chart are written. The loopback server runs in a child
process on 127.0.0.1; the client sockets are the only ones this test opens.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks import Results, Settings, run
from benchmarks.__main__ import main
from benchmarks.contenders import CHAT_CONTENDERS, EMBED_CONTENDERS, max_embed_requests
from benchmarks.measure import IMPORT_ROWS
from benchmarks.report import render_text, targets, write
from benchmarks.server import BenchServer

pytestmark = [
    pytest.mark.enable_socket,
    pytest.mark.allow_hosts(["127.0.0.1"]),
    pytest.mark.network_loopback,
]

#: Contenders that must always run: the floors and ours (the alternatives may be missing).
REQUIRED = ("raw", "lc_floor", "lc_wrap", "chat_zai", "li_floor", "li_wrap", "zai")
FIGURES = ("per_call", "per_chunk", "async")


@pytest.fixture(scope="module")
def results() -> Results:
    """One quick run shared by the tests of this module."""
    return run(Settings.quick_settings(), log=lambda _line: None)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def test_every_chat_figure_is_a_number_or_an_explained_absence(results: Results) -> None:
    for contender in CHAT_CONTENDERS:
        if contender.key in results.unavailable:
            assert contender.key not in REQUIRED, results.unavailable[contender.key]
            assert results.unavailable[contender.key].strip()
            continue
        figures = results.chat[contender.key]
        assert set(figures) == set(FIGURES), contender.key
        for name, figure in figures.items():
            assert figure.error is None, f"{contender.key} {name}: {figure.error}"
            assert _finite(figure.value), f"{contender.key} {name}: {figure.value}"
        assert figures["per_call"].value is not None and figures["per_call"].value > 0
        assert figures["async"].value is not None and figures["async"].value > 0


def test_embeddings_are_counted_and_timed(results: Results) -> None:
    texts = results.settings.embed_texts
    for contender in EMBED_CONTENDERS:
        figure = results.embeddings[contender.key]
        assert figure.error is None, f"{contender.key}: {figure.error}"
        assert figure.texts == texts
        for requests in (figure.sync_requests, figure.async_requests):
            # The server counted real requests; a batcher sends at least one per 64 texts.
            assert requests is not None and requests >= max_embed_requests(texts)
        assert _finite(figure.sync_seconds) and _finite(figure.async_seconds)


def test_import_times_of_our_packages_are_measured(results: Results) -> None:
    for row in IMPORT_ROWS:
        if not row.ours:
            continue
        figure = results.imports[row.module]
        assert figure.error is None, figure.error
        assert _finite(figure.added_seconds) and _finite(figure.baseline_seconds)


def test_every_target_is_judged(results: Results) -> None:
    judged = targets(results)
    assert len(judged) == 13
    for target in judged:
        if target.status == "N/A":
            # Only an alternative that is not installed may leave a target unjudged.
            assert target.note, target.name
            assert any(key in target.note for key in results.unavailable), target.note
        else:
            assert target.status in ("PASS", "FAIL")
            assert _finite(target.measured), target.name


def test_table_json_and_chart_are_written(results: Results, tmp_path: Path) -> None:
    paths = write(results, tmp_path)
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = paths["markdown"].read_text()
    text = render_text(results)
    for target in targets(results):
        assert target.name in markdown
        assert target.name in text
    assert "![ratios](ratios.png)" in markdown
    payload = json.loads(paths["json"].read_text())
    assert {t["status"] for t in payload["targets"]} <= {"PASS", "FAIL", "N/A"}
    assert payload["machine"]["python"]


def test_server_serves_the_requested_stream_length() -> None:
    import httpx

    with BenchServer() as server, httpx.Client() as client:
        body = {"model": "glm-4.7", "messages": [{"role": "user", "content": "hi"}]}
        for chunks in (1, 3):
            url = server.base_url(chunks=chunks) + "/chat/completions"
            response = client.post(url, json={**body, "stream": True})
            events = [line for line in response.text.split("\n") if line.startswith("data: ")]
            # ``chunks`` text deltas, the finish chunk with usage, then [DONE].
            assert len(events) == chunks + 2
            assert '"usage"' in events[-2] and events[-1] == "data: [DONE]"
        answer = client.post(server.base_url() + "/chat/completions", json=body).json()
        assert answer["choices"][0]["message"]["content"]
        assert server.stats() == {"chat_stream": 2, "chat": 1}


def test_cli_rejects_unknown_flags() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--no-such-flag"])
    assert exc.value.code == 2
