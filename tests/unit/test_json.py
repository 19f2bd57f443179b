"""``zai_core._json.loads``: orjson's speed, exactly ``json.loads``'s results and errors."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from zai_core import _json

# Inputs where orjson alone would differ from the standard library, and ordinary ones.
CASES: list[str] = [
    '{"choices":[{"delta":{"content":"Hi"}}],"created":1782862773}',
    "NaN",
    "[Infinity, -Infinity]",
    '{"embedding": [0.1, NaN]}',
    "1e400",
    "18446744073709551616",  # 2**64: orjson makes a float of it
    "-9223372036854775809",  # -2**63 - 1
    '{"usage": {"total_tokens": 123456789012345678901234567890}}',
    "9223372036854775807",
    "0.1234567890123456789",  # a long fraction: no integer, still exact
    '"\\ud800"',  # a lone surrogate escape
    '{"a": 1, "a": 2}',
    '"\u2028 caf\u00e9 \U0001f600"',
    "[]",
    "-0.0",
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("as_bytes", [False, True])
def test_loads_returns_what_the_standard_library_returns(text: str, as_bytes: bool) -> None:
    data: str | bytes = text.encode("utf-8", "surrogatepass") if as_bytes else text
    if as_bytes and "\\ud800" in text:
        data = text.encode()  # the escape itself is plain ASCII
    assert _same(_json.loads(data), json.loads(data)), text


def test_huge_integers_stay_exact_integers() -> None:
    assert _json.loads("18446744073709551616") == 2**64
    assert type(_json.loads(b"[18446744073709551616]")[0]) is int
    assert _json.loads('{"n": -9223372036854775809}') == {"n": -(2**63) - 1}


def test_nan_and_infinity_are_read_as_the_standard_library_reads_them() -> None:
    values = _json.loads('{"v": [NaN, Infinity, -Infinity]}')["v"]
    assert math.isnan(values[0]) and values[1:] == [math.inf, -math.inf]


@pytest.mark.parametrize("bad", ["", "{", '{"a": }', "[1,]", '"a\x01"', "data: [DONE]"])
def test_not_json_raises_the_standard_library_error(bad: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        _json.loads(bad)
    assert type(caught.value) is json.JSONDecodeError  # not orjson's subclass


def test_bytes_that_are_not_unicode_raise_unicode_decode_error() -> None:
    with pytest.raises(UnicodeDecodeError):
        _json.loads(b'"\xff\xfe\xfd')


def test_orjson_is_used_when_installed() -> None:
    assert _json.HAVE_ORJSON  # a real dependency of the package


@pytest.mark.parametrize("text", CASES)
def test_without_orjson_the_standard_library_decodes(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_json, "HAVE_ORJSON", False)
    assert _same(_json.loads(text), json.loads(text))
