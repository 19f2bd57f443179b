"""``POST /embeddings`` of the emulator: deterministic vectors whose similarity means something.

Each vector is a hashed bag of words: every lowercase word (a few stop words aside) adds 1 to
the bucket its hash picks among ``dimensions``, and a small component seeded by the whole
text lands in one more bucket, so no vector is zero and equal texts give equal vectors.
Vectors are L2-normalised and rounded to 6 digits (mostly ``0.0``: small cassettes), so texts
that share words have a high cosine similarity.

Like the real API (``reference/zai-api.md`` 4.1): ``embedding-3`` takes 256/512/1024/2048
dimensions (default 2048), ``embedding-2`` only 1024; at most 64 inputs; an empty string is
rejected (400 / 1214 "Input cannot be empty"); an input over the model's tokens-per-input
limit (counted here as 4 characters per token) is rejected (400 / 1261 "Prompt exceeds max
length"), as is an ``embedding-2`` request over 8K tokens. ``emulate-<status>-<code>`` model
names answer that error; other unknown names answer 400 / 1211.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

import httpx

from .chat import _tokens
from .wire import error_response, json_response

_MODELS: dict[str, tuple[tuple[int, ...], int, int, int | None]] = {
    # name: (allowed dimensions, default, tokens per input, tokens per request)
    "embedding-3": ((256, 512, 1024, 2048), 2048, 3072, None),
    "embedding-2": ((1024,), 1024, 512, 8192),
}
_STOP_WORDS = "a an and are as at be by for from in is it of on or that the to with"
_STOP = frozenset(_STOP_WORDS.split())
MAX_ITEMS = 64


def _bucket(seed: str, size: int) -> int:
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % size


def embed(text: str, dimensions: int) -> list[float]:
    """The emulator's vector for ``text``."""
    vector = [0.0] * dimensions
    for word in re.findall(r"\w+", text.lower()):
        if word not in _STOP:
            vector[_bucket(word, dimensions)] += 1.0
    vector[_bucket("\x00text:" + text, dimensions)] += 0.05
    norm = math.sqrt(sum(x * x for x in vector))
    return [round(x / norm, 6) for x in vector]


def handle_embeddings(request: httpx.Request, body: Any) -> httpx.Response:
    """Answer an embeddings request in the real wire shape."""
    if not isinstance(body, dict):
        return error_response(400, "1210", "Request body must be JSON")
    model = str(body.get("model", ""))
    trigger = re.fullmatch(r"emulate-(\d{3})-(\d+)", model)
    if trigger:
        return error_response(int(trigger.group(1)), trigger.group(2))
    if model not in _MODELS:
        return error_response(400, "1211")
    allowed, default, per_input, per_request = _MODELS[model]
    dimensions = body.get("dimensions", default)
    if dimensions not in allowed:
        return error_response(400, "1214", f"Invalid dimensions parameter: {dimensions}")
    raw = body.get("input")
    inputs = [raw] if isinstance(raw, str) else raw
    if not isinstance(inputs, list) or not inputs:
        return error_response(400, "1214", "Input cannot be empty")
    if len(inputs) > MAX_ITEMS:
        return error_response(400, "1214", f"Input array exceeds {MAX_ITEMS} items")
    if any(not isinstance(text, str) or not text for text in inputs):
        return error_response(400, "1214", "Input cannot be empty")
    counts = [_tokens(text) for text in inputs]
    if max(counts) > per_input or (per_request is not None and sum(counts) > per_request):
        return error_response(400, "1261", "Prompt exceeds max length")
    data = [
        {"index": i, "object": "embedding", "embedding": embed(text, dimensions)}
        for i, text in enumerate(inputs)
    ]
    total = sum(counts)
    usage = {"prompt_tokens": total, "completion_tokens": 0, "total_tokens": total}
    return json_response({"model": model, "object": "list", "data": data, "usage": usage})
