"""Every error class, picked from status, business code, message and body shape."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.unit.core.fakes import (
    CANARY,
    FakeServer,
    call_chat,
    chunk,
    consume,
    error_body,
    json_reply,
    raise_reply,
    raw_reply,
    sse_event,
)
from zai_core import (
    BUSINESS_CODE_MEANINGS,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ContentFilterError,
    ContextWindowExceededError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    StreamInterruptedError,
    ZaiError,
    copy_error_as,
    make_status_error,
)
from zai_core.client import status_error_from_response

CODE_CLASSES: dict[str, type[APIStatusError]] = {
    "500": InternalServerError,
    **dict.fromkeys(["1000", "1001", "1002", "1003", "1004"], AuthenticationError),
    **dict.fromkeys(["1110", "1111", "1112", "1121"], PermissionDeniedError),
    "1113": QuotaExceededError,
    **dict.fromkeys(["1210", "1212", "1213", "1214", "1215"], BadRequestError),
    "1211": NotFoundError,
    "1220": PermissionDeniedError,
    "1222": NotFoundError,
    "1234": InternalServerError,
    "1261": ContextWindowExceededError,
    "1301": ContentFilterError,
    **dict.fromkeys(["1302", "1303", "1305"], RateLimitError),
    **dict.fromkeys(["1304", "1308", "1309", "1310"], QuotaExceededError),
}


@pytest.mark.parametrize(("code", "cls"), sorted(CODE_CLASSES.items()))
@pytest.mark.parametrize("status", [200, 400, 429, 500])
def test_class_by_business_code(code: str, cls: type[APIStatusError], status: int) -> None:
    error = make_status_error(status, {"error": {"code": code, "message": "m"}})
    assert type(error) is cls
    assert (error.status_code, error.code, error.message) == (status, code, "m")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (408, BadRequestError),
        (409, BadRequestError),
        (422, BadRequestError),
        (429, RateLimitError),
        (434, PermissionDeniedError),
        (435, BadRequestError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (529, InternalServerError),
        (200, APIStatusError),
    ],
)
@pytest.mark.parametrize(
    "body", [None, "", {"error": {"message": "no code"}}, {"error": {"code": "1100"}}]
)
def test_class_by_status_alone(status: int, cls: type[APIStatusError], body: Any) -> None:
    """No code, or a code with no class of its own (1100): the status decides."""
    assert type(make_status_error(status, body)) is cls


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"error": {"code": "1113", "message": "Insufficient"}}, id="nested-str"),
        pytest.param({"error": {"code": 1113, "message": "Insufficient"}}, id="nested-int"),
        pytest.param({"code": "1113", "message": "Insufficient"}, id="flat-str"),
        pytest.param({"code": 1113, "message": "Insufficient"}, id="flat-int"),
        pytest.param({"code": 1113, "msg": "Insufficient"}, id="flat-msg"),
        pytest.param({"data": {"error": {"code": 1113, "message": "Insufficient"}}}, id="data"),
        pytest.param(
            {"type": "error", "error": {"type": "x", "code": "1113", "message": "Insufficient"}},
            id="typed",
        ),
    ],
)
def test_body_shapes(body: dict[str, Any]) -> None:
    error = make_status_error(429, body)
    assert isinstance(error, QuotaExceededError)
    assert (error.code, error.message, error.body) == ("1113", "Insufficient", body)


def test_code_without_message_gets_its_meaning() -> None:
    error = make_status_error(429, {"error": {"code": "1302"}})
    assert error.message == BUSINESS_CODE_MEANINGS["1302"]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"error": {"code": "1261", "message": "Prompt exceeds max length"}}),
        (400, {"error": {"message": "Prompt exceeds max length"}}),
        (400, {"error": {"code": "1210", "message": "Prompt exceeds max length"}}),
        (500, "Prompt exceeds max length"),
        (400, {"error": {"message": "This model's maximum context length is 8192 tokens"}}),
    ],
)
def test_context_overflow(status: int, body: Any) -> None:
    # 1210 is a generic "bad parameters" code: its class wins over the message.
    expected = BadRequestError if "1210" in json.dumps(body) else ContextWindowExceededError
    assert type(make_status_error(status, body)) is expected


def test_message_names_status_code_meaning_and_request_id() -> None:
    error = make_status_error(
        429, {"error": {"code": "1113", "message": "Insufficient balance"}}, request_id="req-42"
    )
    text = str(error)
    for part in ("HTTP 429", "1113", "Account in arrears", "Insufficient balance", "req-42"):
        assert part in text


def test_request_id_from_body() -> None:
    error = make_status_error(400, {"error": {"code": "1214"}, "request_id": "r-1"})
    assert error.request_id == "r-1"
    assert "[request_id=r-1]" in str(error)


def test_html_502_page() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    error = status_error_from_response(502, {"content-type": "text/html"}, page)
    assert type(error) is InternalServerError
    assert error.message == "HTML error page: 502 Bad Gateway"
    assert error.code is None
    assert "HTTP 502" in str(error)


@pytest.mark.parametrize(
    ("status", "cls"), [(503, InternalServerError), (401, AuthenticationError)]
)
@pytest.mark.parametrize("content", [b"", b"   \n"])
def test_empty_body(status: int, cls: type[APIStatusError], content: bytes) -> None:
    error = status_error_from_response(status, {}, content)
    assert type(error) is cls
    assert error.message == f"empty {status} response"
    assert error.body is None


def test_plain_text_body_and_header_request_id() -> None:
    error = status_error_from_response(
        503, {"x-request-id": "abc123"}, b"upstream connect error or disconnect"
    )
    assert type(error) is InternalServerError
    assert error.message == "upstream connect error or disconnect"
    assert error.request_id == "abc123"
    assert "abc123" in str(error)


def test_json_body_via_response() -> None:
    content = json.dumps(error_body("1211", "Unknown Model")).encode()
    error = status_error_from_response(400, {"content-type": "application/json"}, content)
    assert type(error) is NotFoundError
    assert "Model does not exist" in str(error)


ALL_CLASSES = [
    ZaiError,
    APIConnectionError,
    APITimeoutError,
    StreamInterruptedError,
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    ContextWindowExceededError,
    ContentFilterError,
    AuthenticationError,
    PermissionDeniedError,
    NotFoundError,
    RateLimitError,
    QuotaExceededError,
    InternalServerError,
]


class _Framework(Exception):
    """Stands for a framework's own exception type."""


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_copy_error_as_keeps_every_field(cls: type[ZaiError]) -> None:
    sub = type(f"Framework{cls.__name__}", (cls, _Framework), {})
    original = cls(
        "boom",
        status_code=429,
        code="1302",
        request_id="r",
        body={"a": 1},
        partial_text="pt",
        partial_reasoning="pr",
    )
    original.__cause__ = OSError("root")
    copy: ZaiError = copy_error_as(original, sub)
    assert isinstance(copy, cls)
    assert isinstance(copy, _Framework)
    assert copy._fields() == original._fields()
    assert str(copy) == str(original)
    assert copy.__cause__ is original.__cause__


# --------------------------------------------------------------- the key never leaks

STATUS_CASES = [
    (400, error_body("1214", "Invalid parameter")),
    (401, error_body("1002", "Authorization Token is invalid")),
    (403, None),
    (404, error_body("1211", "Unknown Model")),
    (429, error_body("1113", "Insufficient balance")),
    (429, error_body("1302", "High concurrency")),
    (400, error_body("1261", "Prompt exceeds max length")),
    (400, error_body("1301", "unsafe content")),
    (500, None),
]


def _leaky_connect(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)


def _leaky_stream(request: httpx.Request) -> httpx.Response:
    drop = httpx.ReadError(f"connection to {request.url} reset")
    first = sse_event(chunk("partial"))
    return raw_reply(200, [first, drop])(request)


@pytest.mark.parametrize("base_url", ["international", "lowcodeapi"])
async def test_canary_key_never_in_errors_or_client(base_url: str) -> None:
    replies = [json_reply(s, b) for s, b in STATUS_CASES]
    replies += [
        _leaky_connect,
        raise_reply(httpx.ReadTimeout("read timed out")),
        raw_reply(200, [b"<html>oops</html>"], content_type="text/html"),
        _leaky_stream,
    ]
    server = FakeServer(*replies)
    client = server.client(base_url=base_url, max_retries=0)
    errors: list[ZaiError] = []
    for _ in STATUS_CASES:
        with pytest.raises(APIStatusError) as status_info:
            await call_chat(client, "sync")
        errors.append(status_info.value)
    with pytest.raises(APIConnectionError) as connect_info:
        await call_chat(client, "async")
    with pytest.raises(APITimeoutError) as timeout_info:
        await call_chat(client, "sync")
    with pytest.raises(APIResponseValidationError) as invalid_info:
        await consume(client, "sync")
    with pytest.raises(StreamInterruptedError) as drop_info:
        await consume(client, "async")
    errors += [connect_info.value, timeout_info.value, invalid_info.value, drop_info.value]
    assert {type(e) for e in errors} >= {
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        QuotaExceededError,
        RateLimitError,
        ContextWindowExceededError,
        ContentFilterError,
        InternalServerError,
        APIConnectionError,
        APITimeoutError,
        APIResponseValidationError,
        StreamInterruptedError,
    }
    # The query-auth surface really put the key in the URL the errors were made from.
    assert (CANARY in str(server.requests[0].url)) is (base_url == "lowcodeapi")
    for error in errors:
        assert CANARY not in str(error), type(error)
        assert CANARY not in repr(error), type(error)
        assert CANARY not in repr(error._fields()), type(error)
    assert CANARY not in repr(client)
    assert CANARY not in str(client)
    assert CANARY not in repr(client.config)
    assert drop_info.value.partial_text == "partial"


def test_business_code_table_drives_classes_and_retries() -> None:
    from zai_core.errors import (
        BUSINESS_CODES,
        NON_RETRYABLE_CODES,
        QUOTA_CODES,
        TRANSIENT_ERRORS,
        error_class_for,
    )
    from zai_core.retry import should_retry_status

    assert {"1113", "1304", "1308", "1309", "1310"} == QUOTA_CODES
    for code, entry in BUSINESS_CODES.items():
        assert BUSINESS_CODE_MEANINGS[code] == entry.meaning
        if entry.error is None:
            assert code not in NON_RETRYABLE_CODES
            continue
        assert error_class_for(429, code) is entry.error
        transient = issubclass(entry.error, TRANSIENT_ERRORS)
        assert should_retry_status(429, code, {}) is transient, code
