"""Every cookbook runs top to bottom from its cassette, and shows what it is there to show.

Each notebook is executed in a fresh ``python3`` kernel of this virtualenv (cwd
``cookbooks/``) with no API key, so ``replay.offline_session`` replays
``cookbooks/cassettes/<name>.yaml`` and a request missing from it fails the cell. Then:

- no cell raised, and the first cell reported the offline mode;
- the outputs hold the content the notebook exists for (thinking, tool calls, answers,
  citations...), checked as text patterns per notebook;
- the outputs saved in the committed notebook are the ones it produces now, so a notebook
  whose code or cassette changed without ``python cookbooks/replay.py`` fails here.

The kernel talks to this process over loopback ZeroMQ sockets, hence the socket markers.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from cookbooks.replay import ORIGINS, origin_line

COOKBOOKS = Path(__file__).resolve().parents[2] / "cookbooks"
NOTEBOOKS = sorted(COOKBOOKS.glob("*.ipynb"))
HIDDEN_ENV = ("ZAI_API_KEY", "ZHIPUAI_API_KEY", "ZAI_RECORD", "ZAI_BASE_URL", "ZHIPUAI_BASE_URL")

#: Patterns the executed outputs of each notebook must contain (regular expressions).
EXPECTED: dict[str, list[str]] = {
    "01_langchain_agent": [
        r"thinking> \S+",
        r"tool call> get_weather\(\{\"city\":\s*\"Paris\"\}\) get_sights\(",
        r"tool result> weather in Paris: 18 °C",
        r"answer> \S.*Louvre",
        r"user> And what should I see in Tokyo\?",
        r"tool call> get_sights\(\{\"city\":\s*\"Tokyo\"\}\)",
        r"reasoning=\d+ cached=\d+",
        r"final answer: \S+",
    ],
    "02_llamaindex_rag": [
        r"thinking\.md\s+\d+ characters",
        r"\d+ chunks indexed; a vector has 256 dimensions",
        r"0\.\d{3}  embeddings_and_tools\.md",
        r"at most 64 inputs",
        r"source: embeddings_and_tools\.md",
        r"across turns \[1\]",
        r"\[1\] thinking\.md: ",
        r"assistant> \S.*embedding-3",
        r"user> Which dimensions does it support\?\nassistant> \S.*256, 512, 1024 or 2048",
    ],
    "03_thinking": [
        r"thinking> \S+.*\nanswer> .*323",
        r"'output_token_details': \{'reasoning': [1-9]",
        r"thinking off: '.*323.*'\nreasoning: None",
        r" none:\s+0 reasoning tokens",
        r"  max:\s+[1-9]\d* reasoning tokens",
        r"ValidationError - .*reasoning_effort",
        r"answer> .*1081",
        r"\['ThinkingBlock', 'TextBlock'\]",
        r"turn 1 tool calls> \[\('to_usd', \{'amount': 250",
        r'"reasoning_content": "\S',
        r"turn 2 thinking> \S+",
        r"turn 2 answer> .*270",
        r"tool call> usd\(",
        r"final: .*152\.4",
    ],
    "04_structured_output": [
        r"Movie\(title='Inception', year=2010, genres=\['science fiction'\], rating=8\.8\)",
        r"parsed: None",
        r"parsing_error: ValidationError",
        r"Input should be less than or equal to 5",
        r"\"title\":\s*\"Inception\"",
        r"\{'setup': '.+', 'punchline': '.+'\}",
        r"ValueError - .*not a valid StrictMovie",
    ],
    "05_vision": [
        r"\d+ bytes",
        r"<PIL\.Image\.Image image mode=RGB size=96x96>",
        r"thinking> \S+.*\nanswer> \S+",  # image, LangChain: reasoning streamed, then the answer
        r"(?s)(answer> \S.*){5}",  # image, video, document (LangChain); image, video (LlamaIndex)
        r"'reasoning_tokens': [1-9]",
    ],
    "06_research_assistant": [
        r"\d{4}-\d\d-\d\d GLM-4\.6V - \w+ - https://",
        r"\[model\] calls zai_web_search\(\{'query': 'GLM-4\.6V vision model'\}\)",
        r"\[model\] calls zai_web_reader\(\{'url': 'https://docs\.z\.ai/guides/vlm/glm-4\.6v'\}\)",
        r"\[tools\] zai_web_reader returned \d+ characters",
        r"\[model\] answer:\n\S+",
        r" - https://docs\.z\.ai/guides/vlm/glm-4\.6v",
        r"ref_1: .+ - https://",
        r"\['text', 'server_tool_call', 'server_tool_result'\]",
        r"Sources:\n\[1\] .+ - https://\S+\n    supports: '\S.*'\n\[2\] ",
        r"\d{4}-\d\d-\d\d  \w+: ",
        r"\[1\] .+ - https://\S+\n\[2\] .+ - https://\S+\n2 raw results",
        r"\['web_search', 'read_url'\]",
        r"calls read_url\(\{'url': 'https://docs\.z\.ai/guides/tools/web-reader'\}\)",
        r"answer: \S+",
        r"'url': 'https://docs\.z\.ai/guides/tools/web-reader', 'title': ",
    ],
    "07_scanned_pdf_rag": [
        r"page 1 of 3: \d+ blocks, \d+(\.\d+)? x \d+(\.\d+)?, '.+'",
        r"page 3 of 3: ",
        r"title\s+\[[\d., ]+\]  '.+'",
        r"file_name: quarterly_report\.pdf\npage_label: 1",
        r"3 pages from \['quarterly_report\.pdf'\]",
        r"A: \S.*8 percent.*\[1\]\.?\n   \[1\] quarterly_report\.pdf, page 2",
        r"A: \S.*(?i:supply chain).*\[1\]\.?\n   \[1\] quarterly_report\.pdf, page 3",
        r"12 percent.*\[1\]\.?\n\[1\] page 1",
        r"5 million euros.*\[2\]",
    ],
}


def _text(cell: Any, *, mode_line: bool = True) -> str:
    """The stdout and text results of a code cell (the mode line optionally left out)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            parts.append(output.get("text", ""))
        elif output.get("output_type") in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
    text = "".join(parts)
    return text if mode_line else re.sub(r"(?m)^Mode: .*\n", "", text)


def _execute(path: Path) -> Any:
    notebook = nbformat.read(path, as_version=4)
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN_ENV}
    client = NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        coalesce_streams=True,
        resources={"metadata": {"path": str(COOKBOOKS)}},
    )
    client.execute(env=env)  # raises CellExecutionError on the first failing cell
    return notebook


def test_every_notebook_is_covered() -> None:
    assert {p.stem for p in NOTEBOOKS} == set(EXPECTED)
    assert set(json.loads(ORIGINS.read_text())) == set(EXPECTED) | {"demo"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_first_cell_says_where_the_outputs_come_from(path: Path) -> None:
    """One line at the top: emulator or Z.ai (``cassettes/origins.json``), and how to go live."""
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown"
    line = first.source.split("\n")[0]
    assert line == origin_line(path.stem)
    assert (
        "local Z.ai emulator" in line or "live from the Z.ai API" in line
    ) and "ZAI_API_KEY" in line


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_offline_and_shows_its_content(path: Path) -> None:
    saved = nbformat.read(path, as_version=4)
    executed = _execute(path)

    code = [c for c in executed.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert _text(code[0]).startswith(f"Mode: OFFLINE, replaying cookbooks/cassettes/{path.stem}")
    output = "\n".join(_text(c) for c in code)
    missing = [p for p in EXPECTED[path.stem] if not re.search(p, output)]
    assert not missing, f"{path.name}: outputs lack {missing}"

    saved_code = [c for c in saved.cells if c.cell_type == "code"]
    assert [c.source for c in saved_code] == [c.source for c in code]
    stale = [
        i
        for i, (old, new) in enumerate(zip(saved_code, code, strict=True))
        if _text(old, mode_line=False) != _text(new, mode_line=False)
    ]
    assert not stale, (
        f"{path.name}: the saved outputs of code cells {stale} are stale; "
        "run `python cookbooks/replay.py` to refresh them"
    )
