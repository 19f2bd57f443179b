"""The error seam: every ``zai_core`` error leaves ``ChatZai`` as a LangChain-side class."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)

import langchain_zai
import zai_core
from langchain_zai._errors import to_langchain_error, translate_errors
from tests.unit.langchain.fakes import KEY, FakeZai, chunk, error, final, sse

STATUS = {"status_code": 400, "code": "1214", "request_id": "req-1", "body": {"error": {}}}

SEAM = [
    pytest.param(
        zai_core.BadRequestError("bad", **STATUS),
        langchain_zai.ZaiBadRequestError,
        ModelInvalidRequestError,
        False,
        id="bad-request",
    ),
    pytest.param(
        zai_core.ContextWindowExceededError("long", **{**STATUS, "code": "1261"}),
        langchain_zai.ZaiContextOverflowError,
        ContextOverflowError,
        False,
        id="context-1261",
    ),
    pytest.param(
        zai_core.ContentFilterError("flagged", **{**STATUS, "code": "1301"}),
        langchain_zai.ZaiContentFilterError,
        ModelInvalidRequestError,
        False,
        id="content-filter",
    ),
    pytest.param(
        zai_core.AuthenticationError("no", **{**STATUS, "status_code": 401}),
        langchain_zai.ZaiAuthenticationError,
        ModelAuthenticationError,
        False,
        id="auth",
    ),
    pytest.param(
        zai_core.MissingAPIKeyError("no key"),
        langchain_zai.ZaiMissingAPIKeyError,
        ModelAuthenticationError,
        False,
        id="missing-key",
    ),
    pytest.param(
        zai_core.PermissionDeniedError("no", **{**STATUS, "status_code": 403}),
        langchain_zai.ZaiPermissionDeniedError,
        ModelPermissionDeniedError,
        False,
        id="permission",
    ),
    pytest.param(
        zai_core.NotFoundError("no", **{**STATUS, "code": "1211"}),
        langchain_zai.ZaiNotFoundError,
        ModelNotFoundError,
        False,
        id="not-found",
    ),
    pytest.param(
        zai_core.RateLimitError("slow down", **{**STATUS, "status_code": 429, "code": "1302"}),
        langchain_zai.ZaiRateLimitError,
        ModelRateLimitError,
        True,
        id="rate-limit",
    ),
    pytest.param(
        zai_core.QuotaExceededError("pay", **{**STATUS, "status_code": 429, "code": "1113"}),
        langchain_zai.ZaiQuotaExceededError,
        ModelRateLimitError,
        False,
        id="quota-not-retryable",
    ),
    pytest.param(
        zai_core.InternalServerError("oops", **{**STATUS, "status_code": 500}),
        langchain_zai.ZaiInternalServerError,
        ModelAPIError,
        True,
        id="internal",
    ),
    pytest.param(
        zai_core.APIStatusError("teapot", **{**STATUS, "status_code": 418}),
        langchain_zai.ZaiAPIStatusError,
        ModelAPIError,
        True,
        id="other-status",
    ),
    pytest.param(
        zai_core.APIResponseValidationError("html", body="<html>"),
        langchain_zai.ZaiResponseValidationError,
        ModelAPIError,
        True,
        id="response-validation",
    ),
    pytest.param(
        zai_core.APIConnectionError("refused"),
        langchain_zai.ZaiConnectionError,
        ModelConnectionError,
        True,
        id="connection",
    ),
    pytest.param(
        zai_core.APITimeoutError("slow"),
        langchain_zai.ZaiTimeoutError,
        ModelTimeoutError,
        True,
        id="timeout",
    ),
    pytest.param(
        zai_core.StreamInterruptedError("dropped", partial_text="Hel"),
        langchain_zai.ZaiStreamInterruptedError,
        ModelConnectionError,
        True,
        id="stream-interrupted",
    ),
]


@pytest.mark.parametrize(("error", "cls", "base", "retryable"), SEAM)
def test_seam_maps_every_class(
    error: zai_core.ZaiError, cls: type[Exception], base: type[ModelError], retryable: bool
) -> None:
    with pytest.raises(cls) as info, translate_errors():
        raise error
    raised = info.value
    assert type(raised) is cls
    assert isinstance(raised, type(error))  # zai_core handlers still catch it
    assert isinstance(raised, base)
    assert raised.is_retryable is retryable  # type: ignore[attr-defined]
    assert raised.__cause__ is error
    assert str(raised) == str(error)
    for field, value in error._fields().items():
        assert getattr(raised, field) == value


def test_translated_error_is_not_translated_twice() -> None:
    first = to_langchain_error(zai_core.RateLimitError("x", status_code=429))
    assert to_langchain_error(first) is first


def test_failing_finish_reason_kept_as_sent() -> None:
    body = {"finish_reason": "model_context_window_exceeded", "partial_text": "Hi"}
    error = zai_core.ContextWindowExceededError("full", status_code=200, body=body)
    translated = to_langchain_error(error)
    assert isinstance(translated, ContextOverflowError)
    assert translated.finish_reason == "model_context_window_exceeded"  # type: ignore[attr-defined]


def test_non_zai_errors_pass_unchanged() -> None:
    with pytest.raises(KeyError), translate_errors():
        raise KeyError("x")


# --------------------------------------------------------------------------- through ChatZai

HTTP_ERRORS = [
    pytest.param(400, "1214", langchain_zai.ZaiBadRequestError, id="400-1214"),
    pytest.param(400, "1261", langchain_zai.ZaiContextOverflowError, id="400-1261"),
    pytest.param(400, "1301", langchain_zai.ZaiContentFilterError, id="400-1301"),
    pytest.param(401, "1002", langchain_zai.ZaiAuthenticationError, id="401-1002"),
    pytest.param(403, "1220", langchain_zai.ZaiPermissionDeniedError, id="403-1220"),
    pytest.param(400, "1211", langchain_zai.ZaiNotFoundError, id="400-1211"),
    pytest.param(429, "1302", langchain_zai.ZaiRateLimitError, id="429-1302"),
    pytest.param(429, "1113", langchain_zai.ZaiQuotaExceededError, id="429-1113"),
    pytest.param(500, "500", langchain_zai.ZaiInternalServerError, id="500"),
]


@pytest.mark.parametrize(("status", "code", "cls"), HTTP_ERRORS)
@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_http_errors_from_chat_zai(status: int, code: str, cls: type[Exception], mode: str) -> None:
    fake = FakeZai(lambda body: error(status, code, "nope"))
    model = fake.model()
    with pytest.raises(cls) as info:
        if mode == "invoke":
            model.invoke("hi")
        else:
            list(model.stream("hi"))
    assert info.value.code == code  # type: ignore[attr-defined]
    assert KEY not in str(info.value) and KEY not in repr(info.value)


@pytest.mark.parametrize(
    ("finish", "cls", "base"),
    [
        ("sensitive", langchain_zai.ZaiContentFilterError, ModelInvalidRequestError),
        (
            "model_context_window_exceeded",
            langchain_zai.ZaiContextOverflowError,
            ContextOverflowError,
        ),
        ("network_error", langchain_zai.ZaiStreamInterruptedError, ModelConnectionError),
    ],
)
async def test_failing_finish_reason_mid_stream(
    finish: str, cls: type[Exception], base: type[Exception]
) -> None:
    events = [chunk({"role": "assistant", "content": "Part"}), final(finish)]
    fake = FakeZai(lambda body: sse(events))
    seen: list[Any] = []
    with pytest.raises(cls) as info:
        async for piece in fake.model().astream("hi"):
            seen.append(piece.content)
    assert isinstance(info.value, base)
    assert info.value.finish_reason == finish  # type: ignore[attr-defined]
    assert seen == ["Part"]  # what arrived before the failure was handed out


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), langchain_zai.ZaiConnectionError),
        (httpx.ReadTimeout("slow"), langchain_zai.ZaiTimeoutError),
    ],
)
async def test_transport_errors(exc: Exception, cls: type[Exception]) -> None:
    def respond(body: dict[str, Any]) -> httpx.Response:
        raise exc

    model = FakeZai(respond).model()
    with pytest.raises(cls):
        await model.ainvoke("hi")
    with pytest.raises(cls):
        model.invoke("hi")


def test_non_json_answer_is_a_response_validation_error() -> None:
    fake = FakeZai(
        lambda body: httpx.Response(200, headers={"content-type": "text/html"}, content=b"<html>")
    )
    with pytest.raises(langchain_zai.ZaiResponseValidationError):
        fake.model().invoke("hi")


def test_stream_cut_before_done_is_interrupted() -> None:
    fake = FakeZai(lambda body: sse([chunk({"role": "assistant", "content": "Hel"})], done=False))
    with pytest.raises(langchain_zai.ZaiStreamInterruptedError) as info:
        list(fake.model().stream("hi"))
    assert info.value.partial_text == "Hel"  # type: ignore[attr-defined]


def test_docs_name_every_quota_and_rate_limit_code() -> None:
    """The LangChain error docs cannot drift from zai_core's business-code table."""
    import langchain_zai._errors as module
    from zai_core.errors import QUOTA_CODES, RATE_LIMIT_CODES

    for code in QUOTA_CODES:
        assert code in (langchain_zai.ZaiQuotaExceededError.__doc__ or ""), code
        assert code in (module.__doc__ or ""), code
    for code in RATE_LIMIT_CODES:
        assert code in (module.__doc__ or ""), code
