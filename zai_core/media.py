"""Image generation and audio transcription.

- `POST /images/generations`: `generate_image` -> `ImageResult` (the URLs).
- `POST /audio/transcriptions` (multipart): `transcribe` a `.wav` / `.mp3` path or
  bytes -> `Transcription`.

Every `build_*` function is pure and raises ValueError before any request; every
`parse_*` function is pure and raises `zai_core.errors.APIResponseValidationError`
on an answer of the wrong shape. Videos live in `zai_core.video`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import APIResponseValidationError
from .files import FilePayload
from .transport import Transport
from .web import optional_ids, require_text

__all__ = [
    "DEFAULT_IMAGE_MODEL",
    "DEFAULT_TRANSCRIPTION_MODEL",
    "MAX_AUDIO_BYTES",
    "AudioFile",
    "ImageResult",
    "Transcription",
    "agenerate_image",
    "atranscribe",
    "build_image_body",
    "build_transcription_fields",
    "build_transcription_form",
    "generate_image",
    "load_audio",
    "parse_image_result",
    "parse_transcription",
    "transcribe",
]

# --------------------------------------------------------------------------- images

DEFAULT_IMAGE_MODEL = "glm-image"
IMAGE_QUALITIES = ("hd", "standard")
_SIZE = re.compile(r"(\d+)x(\d+)")


@dataclass(frozen=True)
class _SizeRule:
    presets: tuple[str, ...]
    min_side: int
    max_side: int
    multiple: int
    max_pixels: int


#: Documented sizes: any preset, or a custom size within the model's bounds.
_IMAGE_SIZE_RULES: dict[str, _SizeRule] = {
    "glm-image": _SizeRule(
        ("1280x1280", "1568x1056", "1056x1568", "1472x1088", "1088x1472", "1728x960", "960x1728"),
        1024,
        2048,
        32,
        2**22,
    ),
    "cogview-4": _SizeRule(
        ("1024x1024", "768x1344", "864x1152", "1344x768", "1152x864", "1440x720", "720x1440"),
        512,
        2048,
        16,
        2**21,
    ),
}


@dataclass(frozen=True)
class ImageResult:
    """What `POST /images/generations` returned.

    Attributes:
        urls: image URLs (Z.ai keeps them for 30 days).
        created: Unix time of creation, when given.
        content_filter: moderation verdicts (`{"role", "level"}`), when given.
    """

    urls: tuple[str, ...]
    created: int | None = None
    content_filter: tuple[Mapping[str, Any], ...] = ()


def _image_rule(model: str) -> _SizeRule | None:
    for prefix, rule in _IMAGE_SIZE_RULES.items():
        if model == prefix or model.startswith(prefix + "-"):
            return rule
    return None


def check_image_size(model: str, size: str) -> str:
    """`size` when it is `WxH` and fits `model`'s documented bounds, else a ValueError."""
    match = _SIZE.fullmatch(size.strip()) if isinstance(size, str) else None
    if not match:
        raise ValueError(f"size must look like '1280x1280' (width x height), got {size!r}")
    width, height = int(match.group(1)), int(match.group(2))
    rule = _image_rule(model)
    if rule is None or match.group(0) in rule.presets:
        if width <= 0 or height <= 0:
            raise ValueError(f"size must have positive sides, got {size!r}")
        return match.group(0)
    problems = []
    if not (rule.min_side <= width <= rule.max_side and rule.min_side <= height <= rule.max_side):
        problems.append(f"sides from {rule.min_side} to {rule.max_side} px")
    if width % rule.multiple or height % rule.multiple:
        problems.append(f"sides that are multiples of {rule.multiple}")
    if width * height > rule.max_pixels:
        problems.append(f"at most {rule.max_pixels} pixels")
    if problems:
        raise ValueError(
            f"size {size!r} does not fit {model}: it needs {', '.join(problems)} "
            f"(or a preset: {', '.join(rule.presets)})"
        )
    return match.group(0)


def build_image_body(
    prompt: str,
    *,
    model: str = DEFAULT_IMAGE_MODEL,
    size: str | None = None,
    quality: str | None = None,
    watermark_enabled: bool | None = None,
    request_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """The `POST /images/generations` body; raises ValueError on a bad value.

    Args:
        prompt: what to draw (required).
        model: `"glm-image"` (default) or `"cogview-4-250304"`...
        size: `"WxH"`; glm-image: a preset such as `1280x1280` or 1024-2048 px sides in
            multiples of 32; cogview-4: a preset or 512-2048 px sides in multiples of 16.
        quality: `"hd"` or `"standard"` (server default: hd for glm-image).
        watermark_enabled: ask for a visible watermark (or not).
        request_id / user_id: your ids for the request and the end user.
    """
    name = require_text("model", model)
    body: dict[str, Any] = {"model": name, "prompt": require_text("prompt", prompt)}
    if size is not None:
        body["size"] = check_image_size(name, size)
    if quality is not None:
        if quality not in IMAGE_QUALITIES:
            raise ValueError(f"quality must be 'hd' or 'standard', got {quality!r}")
        body["quality"] = quality
    if watermark_enabled is not None:
        body["watermark_enabled"] = bool(watermark_enabled)
    body.update(optional_ids(request_id, user_id))
    return body


def parse_image_result(body: Any) -> ImageResult:
    """The URLs of an `/images/generations` answer (`data[*].url`)."""
    data = body.get("data") if isinstance(body, Mapping) else None
    urls = tuple(
        str(item["url"]) for item in data or () if isinstance(item, Mapping) and item.get("url")
    )
    if not isinstance(data, list) or not urls:
        raise APIResponseValidationError(
            f"image answer has no 'data[].url': {str(body)[:200]!r}", body=body
        )
    filters = body.get("content_filter") or ()
    created = body.get("created")
    return ImageResult(
        urls=urls,
        created=int(created) if isinstance(created, int) else None,
        content_filter=tuple(dict(f) for f in filters if isinstance(f, Mapping)),
    )


def generate_image(client: Transport, prompt: str, **options: Any) -> ImageResult:
    """Draw one image: `options` as in `build_image_body`."""
    body = build_image_body(prompt, **options)
    return parse_image_result(client.request("POST", "/images/generations", json=body))


async def agenerate_image(client: Transport, prompt: str, **options: Any) -> ImageResult:
    """Async `generate_image`."""
    body = build_image_body(prompt, **options)
    return parse_image_result(await client.arequest("POST", "/images/generations", json=body))


# --------------------------------------------------------------------------- audio

DEFAULT_TRANSCRIPTION_MODEL = "glm-asr-2512"
AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg"}
MAX_AUDIO_BYTES = 25 * 1024 * 1024
MAX_HOTWORDS = 100
MAX_PROMPT_CHARS = 8000

AudioSource = str | os.PathLike[str] | bytes


@dataclass(frozen=True, repr=False)
class AudioFile(FilePayload):
    """An audio file ready to upload: name, bytes and MIME type (bytes never in `repr`)."""


@dataclass(frozen=True)
class Transcription:
    """What `POST /audio/transcriptions` returned: the `text` and its ids."""

    text: str
    id: str | None = None
    model: str | None = None
    request_id: str | None = None


def sniff_audio_suffix(data: bytes) -> str | None:
    """`".wav"` or `".mp3"` from the first bytes, or `None`."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return ".wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return ".mp3"
    return None


def _check_audio_size(name: str, size: int) -> None:
    if size == 0:
        raise ValueError(f"audio file {name!r} is empty")
    if size > MAX_AUDIO_BYTES:
        raise ValueError(f"audio file {name!r} is {size} bytes; Z.ai takes at most 25 MB")


def audio_from_bytes(data: bytes, filename: str | None = None) -> AudioFile:
    """An `AudioFile` from bytes; the format comes from `filename` or the bytes."""
    name = filename or "audio"
    _check_audio_size(name, len(data))
    suffix = Path(name).suffix.lower() if filename else sniff_audio_suffix(data)
    if suffix not in AUDIO_TYPES:
        raise ValueError(
            f"audio must be .wav or .mp3; could not tell the format of {name!r} "
            "(pass filename='clip.wav' or 'clip.mp3')"
        )
    if not filename:
        name = f"audio{suffix}"
    return AudioFile(Path(name).name, bytes(data), AUDIO_TYPES[suffix])


def load_audio(source: AudioSource, filename: str | None = None) -> AudioFile:
    """An `AudioFile` from a path or bytes, checked: exists, `.wav`/`.mp3`, <= 25 MB."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return audio_from_bytes(bytes(source), filename)
    path = Path(os.fspath(source))
    suffix = path.suffix.lower()
    if suffix not in AUDIO_TYPES:
        raise ValueError(f"audio file must be .wav or .mp3, got {str(path)!r}")
    if not path.is_file():
        raise ValueError(f"audio file {str(path)!r} does not exist")
    _check_audio_size(str(path), path.stat().st_size)
    return AudioFile(filename or path.name, path.read_bytes(), AUDIO_TYPES[suffix])


def build_transcription_fields(
    *,
    model: str = DEFAULT_TRANSCRIPTION_MODEL,
    prompt: str | None = None,
    hotwords: Sequence[str] | None = None,
    request_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, str]:
    """The form fields of `POST /audio/transcriptions` (all but the file); pure.

    Args:
        model: `"glm-asr-2512"` (default).
        prompt: earlier transcript as context (under 8000 characters).
        hotwords: up to 100 words to favour (sent as a JSON array, as the docs show).
        request_id / user_id: your ids for the request and the end user.
    """
    fields: dict[str, str] = {"model": require_text("model", model), "stream": "false"}
    if prompt is not None:
        if not isinstance(prompt, str) or len(prompt) >= MAX_PROMPT_CHARS:
            raise ValueError(f"prompt must be a string under {MAX_PROMPT_CHARS} characters")
        fields["prompt"] = prompt
    if hotwords is not None:
        if isinstance(hotwords, str):
            raise ValueError("hotwords must be a list of words, not one string")
        words = [require_text("hotwords item", w) for w in hotwords]
        if len(words) > MAX_HOTWORDS:
            raise ValueError(f"at most {MAX_HOTWORDS} hotwords, got {len(words)}")
        fields["hotwords"] = json.dumps(words, ensure_ascii=False)
    fields.update(optional_ids(request_id, user_id))
    return fields


def build_transcription_form(
    audio: AudioFile, **options: Any
) -> tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]:
    """The multipart form `(fields, files)`; `options` as in `build_transcription_fields`.

    Pure: the options are checked first, then paired with the (already checked) file.
    """
    fields = build_transcription_fields(**options)
    return fields, {"file": (audio.filename, audio.content, audio.mimetype)}


def parse_transcription(body: Any) -> Transcription:
    """The text of an `/audio/transcriptions` answer."""
    if not isinstance(body, Mapping) or not isinstance(body.get("text"), str):
        raise APIResponseValidationError(
            f"transcription answer has no 'text': {str(body)[:200]!r}", body=body
        )
    return Transcription(
        text=body["text"],
        id=body.get("id"),
        model=body.get("model"),
        request_id=body.get("request_id"),
    )


def transcribe(
    client: Transport, source: AudioSource, *, filename: str | None = None, **options: Any
) -> Transcription:
    """Transcribe a `.wav` / `.mp3` path or bytes (<= 25 MB, <= 30 s of audio).

    `options` as in `build_transcription_fields` (checked before the file is read).
    """
    build_transcription_fields(**options)
    fields, files = build_transcription_form(load_audio(source, filename), **options)
    answer = client.request("POST", "/audio/transcriptions", data=fields, files=files)
    return parse_transcription(answer)


async def atranscribe(
    client: Transport, source: AudioSource, *, filename: str | None = None, **options: Any
) -> Transcription:
    """Async `transcribe` (the file is read in a worker thread)."""
    build_transcription_fields(**options)
    audio = await asyncio.to_thread(load_audio, source, filename)
    fields, files = build_transcription_form(audio, **options)
    answer = await client.arequest("POST", "/audio/transcriptions", data=fields, files=files)
    return parse_transcription(answer)
