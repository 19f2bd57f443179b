"""Token counts from Z.ai's ``POST /tokenizer`` (counts only; no token ids).

One request per call: the endpoint is exact for the model and counts tools and images,
which no local tokenizer can. Callers cache where the input repeats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .transport import Transport

__all__ = ["acount_tokens", "count_tokens", "tokenizer_body"]

#: Models the tokenizer endpoint documents; other names are counted with the closest one.
TOKENIZER_MODELS = ("glm-4.6", "glm-4.6v", "glm-4.5")


def tokenizer_body(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The request body; ``tools`` are counted too (function tools only)."""
    body: dict[str, Any] = {"model": model, "messages": list(messages)}
    functions = [t for t in tools or () if t.get("type", "function") == "function"]
    if functions:
        body["tools"] = functions
    return body


def _total(answer: Any) -> int:
    usage = answer.get("usage") if isinstance(answer, dict) else None
    if not usage:
        from .errors import APIResponseValidationError

        raise APIResponseValidationError("tokenizer answer has no usage", body=answer)
    return int(usage.get("prompt_tokens") or usage.get("total_tokens") or 0)


def count_tokens(
    client: Transport,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Prompt tokens of ``messages`` (and ``tools``) for ``model``: one request."""
    return _total(client.request("POST", "/tokenizer", json=tokenizer_body(model, messages, tools)))


async def acount_tokens(
    client: Transport,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Async :func:`count_tokens`."""
    answer = await client.arequest(
        "POST", "/tokenizer", json=tokenizer_body(model, messages, tools)
    )
    return _total(answer)
