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
`copy_error_as`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = [
    "BUSINESS_CODES",
    "BUSINESS_CODE_MEANINGS",
    "NON_RETRYABLE_CODES",
    "TRANSIENT_ERRORS",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BusinessCode",
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
    """The connection failed after streaming began; `partial_text` holds what arrived.

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
    """A successful status whose body is not the JSON or SSE that was expected.

    `request_id` is Z.ai's id of the request when the answer carried one.
    """

    def __init__(
        self, message: str = "", *, body: Any = None, request_id: str | None = None, **_: Any
    ) -> None:
        super().__init__(message)
        self.body = body
        self.request_id = request_id

    def _fields(self) -> dict[str, Any]:
        return {"message": self.message, "body": self.body, "request_id": self.request_id}


class APIStatusError(ZaiError):
    """Z.ai answered with an error status, or with an error inside a 200 stream.

    Attributes:
        status_code: HTTP status (200 for an error event inside a stream).
        code: Z.ai business code as a string (`"1113"`), or `None`.
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
    """1261 / "Prompt exceeds max length", or finish_reason `model_context_window_exceeded`."""


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


@dataclass(frozen=True)
class BusinessCode:
    """One of Z.ai's business codes (`error.code`): what it means, the class it raises.

    `error` is `None` where the HTTP status decides the class. A code is retried only
    when its class is transient (`TRANSIENT_ERRORS`) or it has none
    (`zai_core.retry` reads `NON_RETRYABLE_CODES`).
    """

    meaning: str
    error: type[APIStatusError] | None = None


_B = BusinessCode
#: Z.ai's business codes (docs.z.ai "Errors" page, plus observed codes): the one table.
BUSINESS_CODES: dict[str, BusinessCode] = {
    "500": _B("Internal error", InternalServerError),
    "1000": _B("Authentication failed", AuthenticationError),
    "1001": _B("Authentication parameter not received in header", AuthenticationError),
    "1002": _B("Invalid authentication token", AuthenticationError),
    "1003": _B("Authentication token expired", AuthenticationError),
    "1004": _B("Authentication failed with the provided token", AuthenticationError),
    "1100": _B("Account read/write error"),
    # Account inactive / missing / locked: arrive as 429 but are not rate limits.
    "1110": _B("Account inactive", PermissionDeniedError),
    "1111": _B("Account does not exist", PermissionDeniedError),
    "1112": _B("Account locked", PermissionDeniedError),
    "1113": _B("Account in arrears: no balance or resource package", QuotaExceededError),
    "1120": _B("Unable to access account, retry later"),
    "1121": _B("Irregular activity, account locked", PermissionDeniedError),
    "1200": _B("API call error"),
    "1210": _B("Incorrect API call parameters", BadRequestError),
    "1211": _B("Model does not exist", NotFoundError),
    "1212": _B("Current model does not support this call method", BadRequestError),
    "1213": _B("A parameter was not received properly", BadRequestError),
    "1214": _B("Invalid parameter", BadRequestError),
    "1215": _B("Two parameters cannot be set simultaneously", BadRequestError),
    "1220": _B("No permission to access this API", PermissionDeniedError),
    "1221": _B("API taken offline"),
    "1222": _B("API does not exist", NotFoundError),
    "1230": _B("API call process error"),
    "1231": _B("A request with this id is already running"),
    "1234": _B("Network error at Z.ai", InternalServerError),
    "1261": _B("Prompt exceeds the model's context window", ContextWindowExceededError),
    "1300": _B("API call blocked by policy"),
    "1301": _B("Unsafe or sensitive content detected in input or generation", ContentFilterError),
    "1302": _B("Too many concurrent requests to this API", RateLimitError),
    "1303": _B("Too many requests to this API in a short time", RateLimitError),
    "1304": _B("Daily call limit reached", QuotaExceededError),
    "1305": _B("Rate limit triggered (service may be overloaded)", RateLimitError),
    "1308": _B("Usage limit of the plan reached", QuotaExceededError),
    "1309": _B("GLM Coding Plan package expired", QuotaExceededError),
    "1310": _B("Weekly or monthly usage limit reached", QuotaExceededError),
}
#: Classes of failures that may pass: retried (with backoff) when the attempts allow.
TRANSIENT_ERRORS: tuple[type[APIStatusError], ...] = (RateLimitError, InternalServerError)

#: What each code means (read by error messages and the emulator).
BUSINESS_CODE_MEANINGS: dict[str, str] = {c: b.meaning for c, b in BUSINESS_CODES.items()}
_CODE_CLASSES: dict[str, type[APIStatusError]] = {
    c: b.error for c, b in BUSINESS_CODES.items() if b.error is not None
}


def codes_of(cls: type[APIStatusError]) -> frozenset[str]:
    """The business codes that raise `cls` (e.g. the quota codes)."""
    return frozenset(c for c, error in _CODE_CLASSES.items() if error is cls)


QUOTA_CODES = codes_of(QuotaExceededError)
RATE_LIMIT_CODES = codes_of(RateLimitError)
#: Codes that fail again however often they are sent, even when they arrive as 429 / 5xx.
NON_RETRYABLE_CODES = frozenset(
    c for c, error in _CODE_CLASSES.items() if not issubclass(error, TRANSIENT_ERRORS)
)

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

    Accepts `{"error": {"code", "message"}}`, flat `{"code", "message"}`, the gateway
    wrapper `{"data": {"error": ...}}` and `{"type": "error", "error": ...}`; codes may be
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
    """Build the right `APIStatusError` subclass for a status and a body."""
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
    """Rebuild `error` as `cls` (a subclass of its own class), keeping every field."""
    new = cls(**error._fields())
    new.__cause__ = error.__cause__
    return new
