"""Z.ai errors as LangChain raises them, and the one seam that translates them.

Each class inherits both the `zai_core` class and the matching
`langchain_core.exceptions` class, so `except zai_core.RateLimitError` and
`except ModelRateLimitError` both catch a rate limit, and LangChain's retry and
fallback middleware read `is_retryable`:

- `BadRequestError` (400, 1210-1215) -> `ZaiBadRequestError`
  (`ModelInvalidRequestError`)
- `ContextWindowExceededError` (1261, finish `model_context_window_exceeded`) ->
  `ZaiContextOverflowError` (`ContextOverflowError`)
- `ContentFilterError` (1301, finish `sensitive`) -> `ZaiContentFilterError`
  (`ModelInvalidRequestError`)
- `AuthenticationError` (401, 1000-1004) -> `ZaiAuthenticationError` and
  `MissingAPIKeyError` -> `ZaiMissingAPIKeyError` (`ModelAuthenticationError`)
- `PermissionDeniedError` (403, 434, 1220) -> `ZaiPermissionDeniedError`
  (`ModelPermissionDeniedError`)
- `NotFoundError` (404, 1211, 1222) -> `ZaiNotFoundError` (`ModelNotFoundError`)
- `RateLimitError` (1302, 1303, 1305) -> `ZaiRateLimitError` and
  `QuotaExceededError` (1113, 1304, 1308, 1309, 1310) -> `ZaiQuotaExceededError`
  (`ModelRateLimitError`; the quota class has `is_retryable = False`)
- `InternalServerError` (5xx, 1234, finish `network_error`) ->
  `ZaiInternalServerError`; `APIResponseValidationError` ->
  `ZaiResponseValidationError`; other statuses -> `ZaiAPIStatusError`
  (`ModelAPIError`)
- `APIConnectionError` -> `ZaiConnectionError` and `StreamInterruptedError` ->
  `ZaiStreamInterruptedError` (`ModelConnectionError`); `APITimeoutError` ->
  `ZaiTimeoutError` (`ModelTimeoutError`)

A failing finish reason keeps Z.ai's own word: the error's `finish_reason` is
`"sensitive"`, `"model_context_window_exceeded"` or `"network_error"` as sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)

import zai_core
from zai_core import StreamAccumulator, ZaiError, copy_error_as

__all__ = [
    "ZaiAPIStatusError",
    "ZaiAuthenticationError",
    "ZaiBadRequestError",
    "ZaiConnectionError",
    "ZaiContentFilterError",
    "ZaiContextOverflowError",
    "ZaiInternalServerError",
    "ZaiMissingAPIKeyError",
    "ZaiNotFoundError",
    "ZaiPermissionDeniedError",
    "ZaiQuotaExceededError",
    "ZaiRateLimitError",
    "ZaiResponseValidationError",
    "ZaiStreamInterruptedError",
    "ZaiTimeoutError",
    "to_langchain_error",
    "translate_errors",
]


class ZaiBadRequestError(zai_core.BadRequestError, ModelInvalidRequestError):
    """Z.ai rejected the request as malformed (400, codes 1210-1215)."""


class ZaiContextOverflowError(zai_core.ContextWindowExceededError, ContextOverflowError):
    """The prompt does not fit the model (code 1261, or `model_context_window_exceeded`)."""


class ZaiContentFilterError(zai_core.ContentFilterError, ModelInvalidRequestError):
    """Moderation blocked the input or the answer (code 1301, or finish `sensitive`)."""


class ZaiAuthenticationError(zai_core.AuthenticationError, ModelAuthenticationError):
    """The API key was rejected (401, codes 1000-1004)."""


class ZaiMissingAPIKeyError(zai_core.MissingAPIKeyError, ModelAuthenticationError):
    """No API key was given or found in the environment; raised before any request."""


class ZaiPermissionDeniedError(zai_core.PermissionDeniedError, ModelPermissionDeniedError):
    """The key may not use this model or API (403, 434, code 1220, locked accounts)."""


class ZaiNotFoundError(zai_core.NotFoundError, ModelNotFoundError):
    """The model or API does not exist (404, codes 1211, 1222)."""


class ZaiRateLimitError(zai_core.RateLimitError, ModelRateLimitError):
    """Too many requests (429 with 1302 / 1303 / 1305): retrying later may succeed."""


class ZaiQuotaExceededError(zai_core.QuotaExceededError, ModelRateLimitError):
    """Balance or plan exhausted (1113, 1304, 1308, 1309, 1310): retrying will not help."""

    is_retryable = False


class ZaiInternalServerError(zai_core.InternalServerError, ModelAPIError):
    """A failure at Z.ai (5xx, code 1234, or finish `network_error` without streaming)."""


class ZaiResponseValidationError(zai_core.APIResponseValidationError, ModelAPIError):
    """Z.ai answered 2xx with a body that is not the expected JSON or event stream."""


class ZaiAPIStatusError(zai_core.APIStatusError, ModelAPIError):
    """Any other error status from Z.ai."""


class ZaiConnectionError(zai_core.APIConnectionError, ModelConnectionError):
    """Z.ai could not be reached."""


class ZaiTimeoutError(zai_core.APITimeoutError, ModelTimeoutError):
    """The request timed out (connect, or the read idle time between stream chunks)."""


class ZaiStreamInterruptedError(zai_core.StreamInterruptedError, ModelConnectionError):
    """The stream broke after it began; `partial_text` holds what had arrived."""


#: zai_core class -> LangChain-side class. Looked up along the error's MRO, most specific first.
_CLASSES: dict[type[ZaiError], type[ZaiError]] = {
    zai_core.ContextWindowExceededError: ZaiContextOverflowError,
    zai_core.ContentFilterError: ZaiContentFilterError,
    zai_core.BadRequestError: ZaiBadRequestError,
    zai_core.AuthenticationError: ZaiAuthenticationError,
    zai_core.MissingAPIKeyError: ZaiMissingAPIKeyError,
    zai_core.PermissionDeniedError: ZaiPermissionDeniedError,
    zai_core.NotFoundError: ZaiNotFoundError,
    zai_core.RateLimitError: ZaiRateLimitError,
    zai_core.QuotaExceededError: ZaiQuotaExceededError,
    zai_core.InternalServerError: ZaiInternalServerError,
    zai_core.APIResponseValidationError: ZaiResponseValidationError,
    zai_core.APIStatusError: ZaiAPIStatusError,
    zai_core.APITimeoutError: ZaiTimeoutError,
    zai_core.APIConnectionError: ZaiConnectionError,
    zai_core.StreamInterruptedError: ZaiStreamInterruptedError,
}
_TRANSLATED = frozenset(_CLASSES.values())


def to_langchain_error(error: ZaiError, finish_reason: str | None = None) -> ZaiError:
    """`error` rebuilt as its LangChain-side class (itself if it already is one).

    Sets `finish_reason` on the result: the failing finish reason behind it (from the
    error body, else `finish_reason`), or `None`.
    """
    if type(error) in _TRANSLATED:
        return error
    target = next((_CLASSES[c] for c in type(error).__mro__ if c in _CLASSES), None)
    new = copy_error_as(error, target) if target is not None else error
    body: Any = getattr(error, "body", None)
    if isinstance(body, dict) and isinstance(body.get("finish_reason"), str):
        finish_reason = body["finish_reason"]
    new.finish_reason = finish_reason  # type: ignore[attr-defined]
    return new


@contextmanager
def translate_errors(accumulator: StreamAccumulator | None = None) -> Iterator[None]:
    """The one seam: `zai_core` errors raised inside leave as LangChain-side classes.

    `accumulator` (a stream's) supplies the finish reason of an error raised mid-stream.
    """
    try:
        yield
    except ZaiError as error:
        finish = accumulator.finish_reason if accumulator is not None else None
        translated = to_langchain_error(error, finish)
        if translated is error:
            raise
        raise translated from error
