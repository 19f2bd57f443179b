"""The benchmark's smoke test: a tiny ``--quick`` run produces every figure and file.

It never asserts speed (the figures of a tiny run mean nothing, and tests must not depend on
the machine): only that every figure is a finite number, that every target is judged, and
that the table, the JSON and the PNG chart are written. The loopback server runs in a child
process on 127.0.0.1; the client sockets are the only ones this test opens.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from benchmarks import Results, Settings, run
from benchmarks.__main__ import main
from benchmarks.contenders import CHAT_CONTENDERS, EMBED_CONTENDERS, max_embed_requests
from benchmarks.corpus import pipeline_cost_table
from benchmarks.growth import GROWTH_CONTENDERS, growth_table
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
FIGURES = ("per_call", "per_chunk", "per_chunk_burst", "async")


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
            # Medians over the alternated rounds: each round left one value.
            assert figure.detail["rounds"] == results.settings.rounds, (contender.key, name)
        assert figures["per_call"].value is not None and figures["per_call"].value > 0
        assert figures["async"].value is not None and figures["async"].value > 0


def test_embeddings_are_counted_and_timed_at_every_dimension(results: Results) -> None:
    texts = results.settings.embed_texts
    assert set(results.embeddings) == set(results.settings.embed_dims) == {256, 2048}
    for dims, contender in itertools.product(results.embeddings, EMBED_CONTENDERS):
        figure = results.embeddings[dims][contender.key]
        assert figure.error is None, f"{contender.key}: {figure.error}"
        assert figure.texts == texts and figure.dims == dims
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


def test_history_tools_and_fragment_rows_are_measured(results: Results) -> None:
    s = results.settings
    expected = [f"history {n}" for n in s.history] + [f"tools {n}" for n in s.tools]
    expected += [f"tool-call parts {n}" for n in s.tool_parts]
    assert list(results.scenarios) == expected
    for name, figures in results.scenarios.items():
        for key in ("chat_zai", "zai"):
            assert figures[key].ok and (figures[key].value or 0) > 0, (name, figures[key])
        mine = "raw" if not name.startswith("tool-call") else "accumulator"
        assert figures[mine].ok, (name, figures[mine])


def test_text_growth_rows_are_measured_at_each_length(results: Results) -> None:
    s = results.settings
    assert list(results.text_growth) == list(s.text_growth)
    for chunks, figures in results.text_growth.items():
        assert set(figures) == set(GROWTH_CONTENDERS), chunks
        for key, figure in figures.items():
            assert figure.error is None, (chunks, key, figure.error)
            assert _finite(figure.value), (chunks, key)
            assert figure.detail["rounds"] == s.growth_rounds, (chunks, key)
    header, rows = growth_table(results)
    assert header[1 : 1 + len(s.text_growth)] == [f"{n:,} chunks (us)" for n in s.text_growth]
    assert [row[0] for row in rows] == [
        next(c.label for c in CHAT_CONTENDERS if c.key == key) for key in GROWTH_CONTENDERS
    ]
    for row in rows:  # every length measured, and a growth column (a ratio or n/a)
        assert "n/a" not in row[1 : 1 + len(s.text_growth)], row
        assert row[1 + len(s.text_growth)].endswith("x") or row[1 + len(s.text_growth)] == "n/a"


def test_async_transports_are_measured_at_each_concurrency(results: Results) -> None:
    for concurrency in results.settings.transport_concurrency:
        for who in ("raw httpx", "raw httpx over aiohttp", "ChatZai aiohttp", "Zai aiohttp"):
            figure = results.transports[f"{who} @{concurrency}"]
            assert figure.error is None and _finite(figure.value), (who, figure)


def test_rate_limited_corpus_runs_lose_nothing_and_resume(results: Results) -> None:
    assert len(results.corpus) == 3  # aembed_documents, num_workers=2, arun() in one process
    for name, figures in results.corpus.items():
        assert figures["errors_surfaced"] == 0 and figures["lost"] == 0, name
        assert figures["requests"] >= figures["texts"] / 64, name  # every batch accepted
        assert _finite(figures["share_of_limit"]) and figures["share_of_limit"] > 0, name
    resume = results.corpus_resume
    assert resume["requests_on_resume"] == resume["expected"] > 0


def test_each_pipeline_has_its_framework_floor_beside_it(results: Results) -> None:
    pipelines = [name for name in results.corpus if "IngestionPipeline" in name]
    assert len(pipelines) == 2  # num_workers=2, and arun() in one process
    assert not results.corpus_floor_errors
    assert set(results.corpus_floor) == set(pipelines)
    for floor in results.corpus_floor.values():
        assert floor["texts"] == results.settings.corpus_texts
        assert _finite(floor["seconds"]) and floor["seconds"] > 0
    _, rows = pipeline_cost_table(results)
    assert [row[0] for row in rows[1::2]] == pipelines  # each run after its floor
    assert all(row[0].startswith("framework floor") for row in rows[::2])
    for row in rows[1::2]:
        assert math.isfinite(float(row[5]))  # the share with the floor's time taken out


def test_every_target_is_judged(results: Results) -> None:
    judged = targets(results)
    names = [t.name for t in judged]
    assert len(names) == len(set(names)) == 28
    for target in judged:
        if target.status == "N/A":
            # An alternative that is not installed, or noise at this tiny size (said so).
            assert target.note, target.name
            assert any(key in target.note for key in results.unavailable) or (
                "noise" in target.note
            ), target.note
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
        for chunks, gap_us in ((1, 0), (3, 0), (3, 1000)):
            url = server.base_url(chunks=chunks, gap_us=gap_us) + "/chat/completions"
            response = client.post(url, json={**body, "stream": True})
            events = [line for line in response.text.split("\n") if line.startswith("data: ")]
            # ``chunks`` text deltas, the finish chunk with usage, then [DONE].
            assert len(events) == chunks + 2
            assert '"usage"' in events[-2] and events[-1] == "data: [DONE]"
        answer = client.post(server.base_url() + "/chat/completions", json=body).json()
        assert answer["choices"][0]["message"]["content"]
        assert server.stats() == {"chat_stream": 3, "chat": 1}


def test_server_paces_sizes_and_rate_limits() -> None:
    import httpx

    with BenchServer() as server, httpx.Client() as client:
        body = {"model": "glm-4.7", "messages": [], "stream": True}
        url = server.base_url(chunks=4, gap_us=20_000) + "/chat/completions"
        with client.stream("POST", url, json=body) as response:
            reads = [part for part in response.iter_raw() if part]
        assert len(reads) >= 5  # one flushed write per event: they arrive apart
        url = server.base_url(tool_parts=5) + "/chat/completions"
        text = client.post(url, json=body).text
        assert text.count('"arguments"') == 5 and '"finish_reason":"tool_calls"' in text
        url = server.base_url(dims=2048) + "/embeddings"
        answer = client.post(url, json={"input": ["a", "b"]}).json()
        assert [len(d["embedding"]) for d in answer["data"]] == [2048, 2048]
        url = server.base_url(rate=3) + "/embeddings"
        codes = [client.post(url, json={"input": ["a"]}) for _ in range(6)]
        assert [c.status_code for c in codes[:3]] == [200, 200, 200]
        limited = [c for c in codes if c.status_code == 429]
        assert limited and all(int(c.headers["retry-after"]) >= 1 for c in limited)


def test_cli_runs_one_part_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--only", "text-growth"]) == 0
    printed = capsys.readouterr().out
    assert "streamed text growth" in printed and "round 1/1 done" in printed
    logged = printed.splitlines()
    assert "chat:" not in logged  # the other parts' progress lines
    assert not any(line.startswith("rate-limited corpus (") for line in logged)
    growth_section = printed.split("Streamed text growth (client CPU per chunk, burst)")[1]
    assert "3,000 chunks (us)" in growth_section.splitlines()[1]


def test_cli_rejects_unknown_flags() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--no-such-flag"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["--only", "no-such-part"])
    assert exc.value.code == 2
    with pytest.raises(ValueError, match="unknown benchmark parts"):
        run(Settings.quick_settings(), only=["no-such-part"])
