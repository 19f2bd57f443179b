"""The one error tree of the Z.ai transport, and the one place that picks a class.

```
ZaiError
├── APIConnectionError
│   └── APITimeoutError
├── StreamInterruptedError
├── APIResponseValidationError
└── APIStatusError
    ├── BadRequestError
    │   ├── ContextWindowExceededError
    │   └── ContentFilterError
    ├── AuthenticationError
    ├── PermissionDeniedError
    ├── NotFoundError
    ├── RateLimitError
    ├── QuotaExceededError
    └── InternalServerError
```

Every class takes keyword arguments only, so framework packages can subclass one of these
together with their own exception type and rebuild it from an instance with
:func:`copy_error_as`.
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = [
    "BUSINESS_CODE_MEANINGS",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ContentFilterError",
    "ContextWindowExceededError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "StreamInterruptedError",
    "ZaiError",
    "copy_error_as",
    "make_status_error",
]

#: Z.ai's business codes and what they mean (docs.z.ai "Errors" page, plus observed codes).
BUSINESS_CODE_MEANINGS: dict[str, str] = {
    "500": "Internal error",
    "1000": "Authentication failed",
    "1001": "Authentication parameter not received in header",
    "1002": "Invalid authentication token",
    "1003": "Authentication token expired",
    "1004": "Authentication failed with the provided token",
    "1100": "Account read/write error",
    "1110": "Account inactive",
    "1111": "Account does not exist",
    "1112": "Account locked",
    "1113": "Account in arrears: no balance or resource package",
    "1120": "Unable to access account, retry later",
    "1121": "Irregular activity, account locked",
    "1200": "API call error",
    "1210": "Incorrect API call parameters",
    "1211": "Model does not exist",
    "1212": "Current model does not support this call method",
    "1213": "A parameter was not received properly",
    "1214": "Invalid parameter",
    "1215": "Two parameters cannot be set simultaneously",
    "1220": "No permission to access this API",
    "1221": "API taken offline",
    "1222": "API does not exist",
    "1230": "API call process error",
    "1231": "A request with this id is already running",
    "1234": "Network error at Z.ai",
    "1261": "Prompt exceeds the model's context window",
    "1300": "API call blocked by policy",
    "1301": "Unsafe or sensitive content detected in input or generation",
    "1302": "Too many concurrent requests to this API",
    "1303": "Too many requests to this API in a short time",
    "1304": "Daily call limit reached",
    "1305": "Rate limit triggered (service may be overloaded)",
    "1308": "Usage limit of the plan reached",
    "1309": "GLM Coding Plan package expired",
    "1310": "Weekly or monthly usage limit reached",
}


class ZaiError(Exception):
    """Root of every error raised by the Z.ai transport."""

    def __init__(self, message: str = "", **_: Any) -> None:
        super().__init__(message)
        self.message = message

    def _fields(self) -> dict[str, Any]:
        return {"message": self.message}


class APIConnectionError(ZaiError):
    """Z.ai could not be reached (DNS, refused, reset, TLS) before a response arrived."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, write, or read idle time between stream chunks)."""


class StreamInterruptedError(ZaiError):
    """The connection failed after streaming began; ``partial_text`` holds what arrived.

    Never retried: part of the answer was already handed to the caller.
    """

    def __init__(
        self, message: str = "", *, partial_text: str = "", partial_reasoning: str = "", **_: Any
    ) -> None:
        super().__init__(message)
        self.partial_text = partial_text
        self.partial_reasoning = partial_reasoning

    def _fields(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "partial_text": self.partial_text,
            "partial_reasoning": self.partial_reasoning,
        }


class APIResponseValidationError(ZaiError):
    """A successful status whose body is not the JSON or SSE that was expected."""

    def __init__(self, message: str = "", *, body: Any = None, **_: Any) -> None:
        super().__init__(message)
        self.body = body

    def _fields(self) -> dict[str, Any]:
        return {"message": self.message, "body": self.body}


class APIStatusError(ZaiError):
    """Z.ai answered with an error status, or with an error inside a 200 stream.

    Attributes:
        status_code: HTTP status (200 for an error event inside a stream).
        code: Z.ai business code as a string (``"1113"``), or ``None``.
        message: the server's message, or the meaning of the code.
        request_id: the request id, when the server named one.
        body: the parsed JSON body, or the raw text when it was not JSON.
    """

    def __init__(
        self,
        message: str = "",
        *,
        status_code: int = 0,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        **_: Any,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.body = body
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        parts = [f"Z.ai error: HTTP {self.status_code}"]
        if self.code is not None:
            meaning = BUSINESS_CODE_MEANINGS.get(self.code)
            parts.append(f"code {self.code}" + (f" ({meaning})" if meaning else ""))
        text = f"{', '.join(parts)}: {self.message or 'no message'}"
        if self.request_id:
            text += f" [request_id={self.request_id}]"
        return text

    def _fields(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "status_code": self.status_code,
            "code": self.code,
            "request_id": self.request_id,
            "body": self.body,
        }


class BadRequestError(APIStatusError):
    """400, or business codes 1210-1215: the request was malformed."""


class ContextWindowExceededError(BadRequestError):
    """1261 / "Prompt exceeds max length", or finish_reason ``model_context_window_exceeded``."""


class ContentFilterError(BadRequestError):
    """1301: content blocked by moderation (also as an error event inside a stream)."""


class AuthenticationError(APIStatusError):
    """401, or business codes 1000-1004: the API key was missing, invalid or expired."""


class PermissionDeniedError(APIStatusError):
    """403, 434, code 1220, or account codes 1110-1112 / 1121 (inactive, missing, locked)."""


class NotFoundError(APIStatusError):
    """404, or codes 1211 (model does not exist) and 1222 (API does not exist)."""


class RateLimitError(APIStatusError):
    """429 with a transient code (1302, 1303, 1305) or none: retried with backoff."""


class QuotaExceededError(APIStatusError):
    """Codes 1113, 1304, 1308, 1309, 1310 (balance or plan exhausted): never retried."""


class InternalServerError(APIStatusError):
    """5xx, or code 1234: a failure at Z.ai; retried."""


QUOTA_CODES = frozenset({"1113", "1304", "1308", "1309", "1310"})
RATE_LIMIT_CODES = frozenset({"1302", "1303", "1305"})

_CODE_CLASSES: dict[str, type[APIStatusError]] = {
    **dict.fromkeys(QUOTA_CODES, QuotaExceededError),
    **dict.fromkeys(RATE_LIMIT_CODES, RateLimitError),
    "1261": ContextWindowExceededError,
    "1301": ContentFilterError,
    **dict.fromkeys(("1000", "1001", "1002", "1003", "1004"), AuthenticationError),
    "1220": PermissionDeniedError,
    # Account inactive / missing / locked: arrive as 429 but are not rate limits.
    **dict.fromkeys(("1110", "1111", "1112", "1121"), PermissionDeniedError),
    "1211": NotFoundError,
    "1222": NotFoundError,
    **dict.fromkeys(("1210", "1212", "1213", "1214", "1215"), BadRequestError),
    "1234": InternalServerError,
    "500": InternalServerError,
}

_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    434: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}

_CONTEXT_OVERFLOW_PHRASES = ("prompt exceeds max length", "context length", "context window")


def error_class_for(status_code: int, code: str | None, message: str = "") -> type[APIStatusError]:
    """Pick the error class: the business code first, then the message, then the status."""
    if code is not None and code in _CODE_CLASSES:
        return _CODE_CLASSES[code]
    lowered = message.lower()
    if any(phrase in lowered for phrase in _CONTEXT_OVERFLOW_PHRASES):
        return ContextWindowExceededError
    if status_code in _STATUS_CLASSES:
        return _STATUS_CLASSES[status_code]
    if status_code >= 500:
        return InternalServerError
    if 400 <= status_code < 500:
        return BadRequestError
    return APIStatusError


def parse_error_body(body: Any) -> tuple[str | None, str]:
    """Business code and message from any error body shape Z.ai or a gateway sends.

    Accepts ``{"error": {"code", "message"}}``, flat ``{"code", "message"}``, the gateway
    wrapper ``{"data": {"error": ...}}`` and ``{"type": "error", "error": ...}``; codes may be
    strings or numbers.
    """
    if not isinstance(body, dict):
        return None, body.strip()[:500] if isinstance(body, str) else ""
    if isinstance(body.get("data"), dict) and "error" in body["data"]:
        body = body["data"]
    err = body.get("error", body)
    if isinstance(err, str):
        return None, err
    if not isinstance(err, dict):
        return None, ""
    raw_code = err.get("code")
    code = str(raw_code) if raw_code not in (None, "") else None
    message = err.get("message") or err.get("msg") or ""
    return code, str(message)


def make_status_error(
    status_code: int, body: Any, *, request_id: str | None = None
) -> APIStatusError:
    """Build the right :class:`APIStatusError` subclass for a status and a body."""
    code, message = parse_error_body(body)
    if not message and code is not None:
        message = BUSINESS_CODE_MEANINGS.get(code, "")
    if isinstance(body, dict) and request_id is None:
        rid = body.get("request_id") or body.get("id")
        request_id = str(rid) if rid else None
    cls = error_class_for(status_code, code, message)
    return cls(message, status_code=status_code, code=code, request_id=request_id, body=body)


E = TypeVar("E", bound=ZaiError)


def copy_error_as(error: ZaiError, cls: type[E]) -> E:
    """Rebuild ``error`` as ``cls`` (a subclass of its own class), keeping every field."""
    new = cls(**error._fields())
    new.__cause__ = error.__cause__
    return new
