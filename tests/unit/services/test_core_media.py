"""zai_core.media: image bodies and answers; audio checks, multipart forms and answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.services.fakes import (
    CANARY,
    IMAGE_ANSWER,
    TRANSCRIPTION_ANSWER,
    FakeZai,
    wav_bytes,
)
from zai_core import (
    APIResponseValidationError,
    AudioFile,
    ImageResult,
    Transcription,
    agenerate_image,
    atranscribe,
    build_image_body,
    build_transcription_fields,
    build_transcription_form,
    generate_image,
    load_audio,
    parse_image_result,
    parse_transcription,
    transcribe,
)
from zai_core.media import MAX_AUDIO_BYTES, sniff_audio_suffix

# --------------------------------------------------------------------------- image bodies


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"model": "glm-image", "prompt": "a fox"}),
        (
            {"size": "1280x1280", "quality": "hd"},
            {"model": "glm-image", "prompt": "a fox", "size": "1280x1280", "quality": "hd"},
        ),
        ({"size": "960x1728"}, {"model": "glm-image", "prompt": "a fox", "size": "960x1728"}),
        ({"size": "2048x2048"}, {"model": "glm-image", "prompt": "a fox", "size": "2048x2048"}),
        (
            {"model": "cogview-4-250304", "size": "512x768", "quality": "standard"},
            {
                "model": "cogview-4-250304",
                "prompt": "a fox",
                "size": "512x768",
                "quality": "standard",
            },
        ),
        (  # unknown models: only the WxH shape is checked
            {"model": "future-image", "size": "4000x100"},
            {"model": "future-image", "prompt": "a fox", "size": "4000x100"},
        ),
        (
            {"watermark_enabled": False, "user_id": "user-123456"},
            {
                "model": "glm-image",
                "prompt": "a fox",
                "watermark_enabled": False,
                "user_id": "user-123456",
            },
        ),
    ],
)
def test_image_body(kwargs: dict[str, Any], expected: dict) -> None:
    assert build_image_body("a fox", **kwargs) == expected


@pytest.mark.parametrize(
    ("prompt", "kwargs", "message"),
    [
        ("", {}, "prompt must be a non-empty string"),
        ("a fox", {"model": ""}, "model must be a non-empty string"),
        ("a fox", {"size": "1280*1280"}, "size must look like '1280x1280'"),
        ("a fox", {"size": "big"}, "size must look like"),
        ("a fox", {"size": 1024}, "size must look like"),
        ("a fox", {"size": "1000x1000"}, "multiples of 32"),
        ("a fox", {"size": "4096x1024"}, "sides from 1024 to 2048"),
        ("a fox", {"model": "cogview-4", "size": "2048x2048"}, "at most 2097152 pixels"),
        ("a fox", {"model": "cogview-4", "size": "520x520"}, "multiples of 16"),
        ("a fox", {"model": "future", "size": "0x10"}, "positive sides"),
        ("a fox", {"quality": "ultra"}, "quality must be 'hd' or 'standard'"),
    ],
)
def test_image_body_rejects(prompt: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_image_body(prompt, **kwargs)


def test_parse_image_result() -> None:
    assert parse_image_result(IMAGE_ANSWER) == ImageResult(
        urls=("https://files.example.com/image_0.png",),
        created=1782862773,
        content_filter=({"role": "assistant", "level": 3},),
    )


@pytest.mark.parametrize(
    "answer", [None, {}, {"data": []}, {"data": [{"b64": "x"}]}, {"data": "https://x"}]
)
def test_parse_image_result_rejects(answer: Any) -> None:
    with pytest.raises(APIResponseValidationError, match=r"data\[\]\.url"):
        parse_image_result(answer)


async def test_generate_image_sync_and_async() -> None:
    fake = FakeZai({"/images/generations": IMAGE_ANSWER})
    client = fake.client()
    result = generate_image(client, "a fox", size="1280x1280")
    assert result.urls == ("https://files.example.com/image_0.png",)
    assert await agenerate_image(client, "a fox", size="1280x1280") == result
    assert (
        fake.bodies("/images/generations")
        == [{"model": "glm-image", "prompt": "a fox", "size": "1280x1280"}] * 2
    )


# --------------------------------------------------------------------------- audio files


@pytest.mark.parametrize(
    ("data", "suffix"),
    [
        (wav_bytes(), ".wav"),
        (b"ID3\x04\x00" + b"\x00" * 20, ".mp3"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 20, ".mp3"),
        (b"OggS\x00\x02", None),
        (b"RIFF\x00\x00\x00\x00AVI ", None),
        (b"", None),
    ],
)
def test_sniff_audio_suffix(data: bytes, suffix: str | None) -> None:
    assert sniff_audio_suffix(data) == suffix


def test_load_audio_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "Clip.WAV"
    path.write_bytes(wav_bytes())
    audio = load_audio(path)
    assert (audio.filename, audio.mimetype, audio.content) == ("Clip.WAV", "audio/wav", wav_bytes())
    assert load_audio(str(path), filename="renamed.wav").filename == "renamed.wav"
    assert "content" not in repr(audio) and "size=" in repr(audio)


@pytest.mark.parametrize(
    ("source", "filename", "expected"),
    [
        (wav_bytes(), None, ("audio.wav", "audio/wav")),
        (b"ID3" + b"\x00" * 10, None, ("audio.mp3", "audio/mpeg")),
        (b"anything", "voice.mp3", ("voice.mp3", "audio/mpeg")),
        (bytearray(wav_bytes()), "dir/voice.wav", ("voice.wav", "audio/wav")),
    ],
)
def test_load_audio_from_bytes(source: bytes, filename: str | None, expected: tuple) -> None:
    audio = load_audio(source, filename)
    assert (audio.filename, audio.mimetype) == expected


def test_load_audio_rejects(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"must be \.wav or \.mp3"):
        load_audio(tmp_path / "notes.ogg")
    with pytest.raises(ValueError, match="does not exist"):
        load_audio(tmp_path / "missing.wav")
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="is empty"):
        load_audio(empty)
    big = tmp_path / "big.wav"
    with big.open("wb") as handle:  # sparse: no 25 MB written
        handle.truncate(MAX_AUDIO_BYTES + 1)
    with pytest.raises(ValueError, match="at most 25 MB"):
        load_audio(big)
    with pytest.raises(ValueError, match="could not tell the format"):
        load_audio(b"OggS....")
    with pytest.raises(ValueError, match=r"must be \.wav or \.mp3"):
        load_audio(b"RIFF", filename="clip.flac")


# --------------------------------------------------------------------------- transcription forms


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"model": "glm-asr-2512", "stream": "false"}),
        (
            {"prompt": "Earlier: hello", "hotwords": ["GLM", "智谱"]},
            {
                "model": "glm-asr-2512",
                "stream": "false",
                "prompt": "Earlier: hello",
                "hotwords": '["GLM", "智谱"]',
            },
        ),
        (
            {"request_id": "req-9", "user_id": "user-123456"},
            {
                "model": "glm-asr-2512",
                "stream": "false",
                "request_id": "req-9",
                "user_id": "user-123456",
            },
        ),
    ],
)
def test_transcription_fields(kwargs: dict[str, Any], expected: dict) -> None:
    assert build_transcription_fields(**kwargs) == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": " "}, "model must be a non-empty string"),
        ({"prompt": "x" * 8000}, "under 8000 characters"),
        ({"hotwords": "GLM"}, "list of words, not one string"),
        ({"hotwords": ["GLM", ""]}, "hotwords item must be a non-empty string"),
        ({"hotwords": [f"w{i}" for i in range(101)]}, "at most 100 hotwords"),
    ],
)
def test_transcription_fields_reject(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_transcription_fields(**kwargs)


def test_transcription_form_pairs_fields_and_file() -> None:
    audio = AudioFile("clip.wav", b"RIFF", "audio/wav")
    fields, files = build_transcription_form(audio, hotwords=["GLM"])
    assert fields["hotwords"] == json.dumps(["GLM"])
    assert files == {"file": ("clip.wav", b"RIFF", "audio/wav")}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            TRANSCRIPTION_ANSWER,
            Transcription(
                text="Hello from the clip.",
                id="20261123ghi",
                model="glm-asr-2512",
                request_id="20261123ghi",
            ),
        ),
        ({"text": ""}, Transcription(text="")),
    ],
)
def test_parse_transcription(answer: dict, expected: Transcription) -> None:
    assert parse_transcription(answer) == expected


@pytest.mark.parametrize("answer", [None, {}, {"text": None}, {"choices": []}])
def test_parse_transcription_rejects(answer: Any) -> None:
    with pytest.raises(APIResponseValidationError, match="'text'"):
        parse_transcription(answer)


async def test_transcribe_sends_multipart(tmp_path: Path) -> None:
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    client = fake.client()
    path = tmp_path / "clip.wav"
    path.write_bytes(wav_bytes())
    result = transcribe(client, path, hotwords=["GLM"])
    assert result.text == "Hello from the clip."
    assert await atranscribe(client, wav_bytes()) == result
    first, second = fake.requests
    assert first.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="hotwords"\r\n\r\n["GLM"]' in first.content
    assert b'filename="clip.wav"' in first.content and wav_bytes() in first.content
    assert b'filename="audio.wav"' in second.content
    assert b'name="model"\r\n\r\nglm-asr-2512' in second.content
    assert CANARY.encode() not in first.content


def test_transcribe_checks_options_before_reading_the_file(tmp_path: Path) -> None:
    fake = FakeZai({"/audio/transcriptions": TRANSCRIPTION_ANSWER})
    with pytest.raises(ValueError, match="hotwords"):
        transcribe(fake.client(), tmp_path / "missing.wav", hotwords="GLM")
    with pytest.raises(ValueError, match="does not exist"):
        transcribe(fake.client(), tmp_path / "missing.wav")
    assert fake.requests == []
