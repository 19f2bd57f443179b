"""In replay mode a test whose cassette is missing fails instead of reaching the network."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

MISSING_CASSETTE_TEST = textwrap.dedent(
    """
    import pytest

    import zai_core


    @pytest.mark.vcr
    def test_needs_a_cassette():
        zai_core.ZaiClient(max_retries=0).chat(
            {"model": "glm-4.7", "messages": [{"role": "user", "content": "Hi"}]}
        )
    """
)


def test_missing_cassette_fails_in_replay_mode(tmp_path: Path) -> None:
    test_file = tmp_path / "test_missing_cassette.py"
    test_file.write_text(MISSING_CASSETTE_TEST)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ZAI_API_KEY": "placeholder-id.secret"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(test_file),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "pytest_recording",
            "--record-mode=none",
            "--disable-socket",
            "--allow-unix-socket",
            "--rootdir",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 failed" in output, output
    assert "CannotOverwriteExistingCassetteException" in output or "Can't overwrite" in output
    # It failed on the cassette, not by trying a socket.
    assert "SocketBlockedError" not in output, output
    assert not (tmp_path / "cassettes").exists() or not any((tmp_path / "cassettes").rglob("*"))
