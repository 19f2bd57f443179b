"""Shared pieces of the services cassette tests: a tiny WAV clip, strict replay order."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def wav_bytes(seconds: float = 0.1, rate: int = 8000) -> bytes:
    """A silent mono 16-bit WAV clip, made with the stdlib (0.1 s: 1.6 kB)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(rate)
        clip.writeframes(b"\x00\x00" * int(rate * seconds))
    return buffer.getvalue()


@pytest.fixture
def clip(tmp_path: Path) -> Iterator[Path]:
    """``clip.wav`` in a fresh directory (the file name is part of what Z.ai answers)."""
    path = tmp_path / "clip.wav"
    path.write_bytes(wav_bytes())
    yield path


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict[str, Any]) -> dict[str, Any]:
    """Replay identical requests in recorded order: a video poll answers PROCESSING, then
    SUCCESS, so a repeated ``GET /async-result/{id}`` must get the next answer, not the first.
    """
    return {**vcr_config, "allow_playback_repeats": False}
