"""Checks a JSON answer against the official ``zai-sdk``'s own response types, field by field.

:func:`conform` walks the answer along the SDK's pydantic model (``zai.types...``) and lists
every problem: a field the SDK does not know, a required field missing, a value of the wrong
type. The SDK's models allow extra fields (``extra="allow"``), so a plain ``model_validate``
would accept any renamed field: the walk is what makes a rename fail.

Two explicit tables say where the answer may differ from the SDK, each with the section of
``shared/reference/zai-api.md`` that says the real API does so:

- :data:`EXTRA_FIELDS`: fields the real API sends that the SDK's type does not declare;
- :data:`SDK_DEVIATIONS`: fields the SDK types wrongly (per the reference), checked against
  the stated type instead, or allowed to be absent.

Answers with no SDK type (tokenizer, transcription, error bodies: the SDK has none, or casts
them to the chat ``Completion``, see zai-api.md 4.8) are checked against models written from
the reference, in :data:`REFERENCE_TYPES`.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

import pydantic
from pydantic import ConfigDict

#: Allowed absent: the field may be missing from the answer.
ABSENT = "absent"

#: (SDK class name, wire field) -> the reference section saying the real API sends it.
EXTRA_FIELDS: dict[tuple[str, str], str] = {
    ("Completion", "object"): "2.3: `object: chat.completion` [REAL]",
    ("Completion", "web_search"): "2.3: top-level `web_search` list with a web_search tool [DOC]",
    ("CompletionMessageToolCall", "index"): "2.3: non-stream tool calls carry `index` [REAL]",
    ("ChatCompletionChunk", "object"): "2.4: `object: chat.completion.chunk` [REAL]",
    ("ChatCompletionChunk", "web_search"): (
        "2.3: `web_search` results [DOC]; on the streamed final chunk: guessed (provenance)"
    ),
    ("ImagesResponded", "content_filter"): "4.6: `content_filter: [{role, level}]` [DOC]",
    ("WebReaderResult", "id"): "4.5: reader answer `id` [DOC]",
    ("WebReaderResult", "created"): "4.5: reader answer `created` [DOC]",
    ("WebReaderResult", "request_id"): "4.5: reader answer `request_id` [DOC]",
    ("WebReaderResult", "model"): "4.5: reader answer `model` [DOC]",
    ("AgentsCompletion", "async_id"): (
        "4.11: async agents answer with an `async_id`; the async result echoes it [DOC]"
    ),
}

#: (SDK class name, wire field) -> (type to check instead, or ABSENT; the reference's reason).
SDK_DEVIATIONS: dict[tuple[str, str], tuple[Any, str]] = {
    ("ChatCompletionChunk", "extra_json"): (
        ABSENT,
        "SDK-internal field filled by the SDK itself, never on the wire (2.4 chunk shapes)",
    ),
    ("WebSearchResp", "search_result"): (
        "list[SearchResultResp]",
        "4.4: `search_result` is a list; the SDK wrongly declares a single object",
    ),
    ("WebSearchResp", "search_intent"): (
        "list[SearchIntentResp]",
        "4.4 (bigmodel): `search_intent: [{query, intent, keywords}]` is a list",
    ),
    ("SearchResultResp", "images"): (
        ABSENT,
        "4.4: result `images` is SDK-only (uncertain); the documented hit has 7 fields",
    ),
    ("VideoObject", "video_result"): (
        ABSENT,
        "4.7: a submit answers `{model, id, request_id, task_status}` without results [DOC]; "
        "a PROCESSING poll without results is guessed (provenance)",
    ),
}


# ----------------------------------------------------------------------------- reference types


class _Strict(pydantic.BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenizerUsage(_Strict):
    """zai-api.md 4.2 ``usage``."""

    prompt_tokens: int
    image_tokens: int | None = None
    video_tokens: int | None = None
    total_tokens: int


class TokenizerAnswer(_Strict):
    """zai-api.md 4.2: ``{id, created, request_id, usage}`` (``id``, ``usage`` required)."""

    id: str
    created: int | None = None
    request_id: str | None = None
    usage: TokenizerUsage


class TranscriptionAnswer(_Strict):
    """zai-api.md 4.8, non-stream: ``{id, created, request_id, model, text}``."""

    id: str
    created: int
    request_id: str
    model: str
    text: str


class ErrorDetail(_Strict):
    """zai-api.md 3: ``code`` is a string in every observed body."""

    code: str
    message: str


class ErrorAnswer(_Strict):
    """zai-api.md 3: ``{"error": {"code": "<string>", "message": ...}}``."""

    error: ErrorDetail


class ConversationAnswer(_Strict):
    """zai-api.md 4.11: conversation history -> "the conversation's messages" (the field names
    are guessed, see the emulator's provenance)."""

    agent_id: str | None = None
    conversation_id: str
    messages: list[dict[str, typing.Any]]


#: Answers the SDK has no type for -> the reference section their model follows.
REFERENCE_TYPES: dict[str, str] = {
    "ConversationAnswer": "4.11 (zai-sdk has no conversation-history call)",
    "TokenizerAnswer": "4.2 (no tokenizer type in zai-sdk)",
    "TranscriptionAnswer": "4.8 (zai-sdk casts transcriptions to the chat Completion: mismatch)",
    "ErrorAnswer": "3 (zai-sdk parses no error body; its APIStatusError keeps the raw text)",
}


# ----------------------------------------------------------------------------- the walk


def _named_type(name: str, near: type[pydantic.BaseModel]) -> Any:
    """``list[X]`` where X is a model of the module that defines ``near``."""
    inner = name.removeprefix("list[").removesuffix("]")
    module = __import__(near.__module__, fromlist=[inner])
    return list[getattr(module, inner)]  # type: ignore[misc]


def _type_problem(value: Any, annotation: Any, path: str) -> list[str]:
    expected = {str: str, int: int, float: (int, float), bool: bool}.get(annotation)
    if expected is None:
        return []
    if isinstance(value, bool) and annotation is not bool:
        return [f"{path}: expected {annotation.__name__}, got bool"]
    if not isinstance(value, expected):
        return [f"{path}: expected {annotation.__name__}, got {type(value).__name__}"]
    return []


def _union(value: Any, args: tuple[Any, ...], path: str, used: set[Any]) -> list[str]:
    if value is None and type(None) in args:
        return []
    attempts = [conform(value, a, path, used) for a in args if a is not type(None)]
    return next((p for p in attempts if not p), attempts[0] if attempts else [])


def _model(value: Any, model: type[pydantic.BaseModel], path: str, used: set[Any]) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({model.__name__}), got {type(value).__name__}"]
    name = model.__name__
    problems: list[str] = []
    wire = {(f.alias or k): f for k, f in model.model_fields.items()}
    for key in value:
        if key not in wire:
            if (name, key) in EXTRA_FIELDS:
                used.add(("extra", name, key))
            else:
                problems.append(f"{path}.{key}: a field {name} does not know")
    for key, field in wire.items():
        deviation = SDK_DEVIATIONS.get((name, key))
        if key not in value:
            if deviation is not None and deviation[0] == ABSENT:
                used.add(("deviation", name, key))
            elif field.is_required():
                problems.append(f"{path}.{key}: required by {name}, missing")
            continue
        annotation: Any = field.annotation
        if deviation is not None and deviation[0] != ABSENT:
            used.add(("deviation", name, key))
            annotation = _named_type(deviation[0], model)
        problems += conform(value[key], annotation, f"{path}.{key}", used)
    return problems


def conform(
    value: Any, annotation: Any, path: str = "$", used: set[Any] | None = None
) -> list[str]:
    """Problems of ``value`` read as ``annotation`` (an SDK model or a typing form).

    ``used`` collects the allow-list entries that were needed, so a test can tell that none
    of them is stale.
    """
    used = set() if used is None else used
    if annotation is Any or annotation is typing.Any:
        return []
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        return _union(value, typing.get_args(annotation), path, used)
    if origin is Literal:
        ok = value in typing.get_args(annotation)
        return [] if ok else [f"{path}: {value!r} not in {typing.get_args(annotation)}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        (item,) = typing.get_args(annotation) or (Any,)
        return [p for i, v in enumerate(value) for p in conform(v, item, f"{path}[{i}]", used)]
    if origin is dict:
        return [] if isinstance(value, dict) else [f"{path}: expected an object"]
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return _model(value, annotation, path, used)
    return _type_problem(value, annotation, path)
