"""``make demo`` (``python demo.py``) runs its three flows offline from the demo cassette.

Run as a subprocess (the demo keeps a vcrpy cassette open for its whole process), with no key
in its environment, so it must say it is offline and answer every flow from the recording.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from cookbooks.replay import origin

ROOT = Path(__file__).resolve().parents[2]
HIDDEN_ENV = ("ZAI_API_KEY", "ZHIPUAI_API_KEY", "ZAI_RECORD", "ZAI_BASE_URL", "ZHIPUAI_BASE_URL")


def test_demo_answers_the_three_flows_offline() -> None:
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN_ENV}
    done = subprocess.run(
        [sys.executable, str(ROOT / "demo.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    first = out.splitlines()[0]  # where the answers come from, and how to go live
    said = "the local Z.ai emulator" if origin("demo") == "emulator" else "live from the Z.ai API"
    assert first.startswith("Mode: OFFLINE, replaying cookbooks/cassettes/demo.yaml, recorded ")
    assert said in first and "set ZAI_API_KEY to run it live" in first
    assert "\033[" not in out  # no colour codes when stdout is not a terminal
    flows = re.split(r"(?m)^== \d/3 ", out)[1:]
    assert [f.split(":")[0].strip() for f in flows] == ["Agent", "RAG", "Thinking"]
    agent, rag, thinking = flows
    assert re.search(r"tool call> get_weather\(.*Paris", agent)
    assert re.search(r"tool result> weather in Paris", agent)
    assert re.search(r"thinking> \S+", agent) and re.search(r"answer> +\S+", agent)
    assert re.search(r"indexed \d+ chunks of 4 documents", rag)
    assert re.search(r"answer> +\S+", rag) and re.search(r"source> thinking\.md", rag)
    assert re.search(r"thinking> \S+[\s\S]*answer> .*888", thinking)
    assert re.search(r"usage> \d+ output tokens, [1-9]\d* reasoning", thinking)
    assert "All three flows answered" in out
