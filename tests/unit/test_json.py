"""``zai_core._json``: msgspec speed, ``json.loads``'s exact results and errors; typed decoding."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any, NotRequired, TypedDict

import pytest

from zai_core import _json

# Inputs where msgspec (or orjson) alone would differ from the standard library, and ordinary ones.
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
    "[1e5, 1E-5, 5e-324, 1.7976931348623157e308, 0.30000000000000004]",
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
    assert type(caught.value) is json.JSONDecodeError  # the standard library's own


def test_bytes_that_are_not_unicode_raise_unicode_decode_error() -> None:
    with pytest.raises(UnicodeDecodeError):
        _json.loads(b'"\xff\xfe\xfd')


def test_msgspec_is_used_when_installed() -> None:
    assert _json.HAVE_MSGSPEC  # a real dependency of the package


@pytest.mark.parametrize("text", CASES)
def test_without_msgspec_the_standard_library_decodes(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_json, "HAVE_MSGSPEC", False)
    assert _same(_json.loads(text), json.loads(text))


def test_a_byte_order_mark_is_treated_as_the_standard_library_treats_it() -> None:
    assert _json.loads(b"\xef\xbb\xbf{}") == json.loads(b"\xef\xbb\xbf{}") == {}
    with pytest.raises(json.JSONDecodeError):
        _json.loads("\ufeff{}")


def test_utf16_bytes_are_detected_as_the_standard_library_detects_them() -> None:
    data = '{"a": "caf\u00e9"}'.encode("utf-16")
    assert _json.loads(data) == json.loads(data) == {"a": "caf\u00e9"}


class _Vector(TypedDict):
    embedding: list[float]
    index: NotRequired[int]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"embedding": [0.5, -1.25e-3], "index": 2}', {"embedding": [0.5, -0.00125], "index": 2}),
        (b'{"embedding": [1, 0], "other": "dropped"}', {"embedding": [1.0, 0.0]}),
        (b'{"embedding": [0.1], "index": 123456789012345678901234567890}',
         {"embedding": [0.1], "index": 123456789012345678901234567890}),
        (b'{"embedding": ["0.1"]}', None),  # a string is not a float
        (b'{"embedding": [true]}', None),
        (b'{"embedding": [null]}', None),
        (b'{"embedding": [NaN]}', None),  # only the standard library reads NaN
        (b'{"embedding": [1e400]}', None),
        (b'{"embedding": [0.1], "index": 1.5}', None),
        (b'{"index": 0}', None),
        (b'[1, 2]', None),
        (b'{"embedding": [0.1', None),  # not JSON
    ],
)  # fmt: skip
def test_typed_loads_decodes_and_checks_or_returns_none(data: bytes, expected: Any) -> None:
    decoded = _json.typed_loads(data, _Vector)
    assert decoded == expected
    if expected is not None:
        assert all(type(x) is float for x in decoded["embedding"])


def test_typed_loads_without_msgspec_returns_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_json, "HAVE_MSGSPEC", False)
    assert _json.typed_loads(b'{"embedding": [0.5]}', _Vector) is None


@pytest.mark.parametrize("first", ["loads", "typed_loads"])
def test_msgspec_is_imported_with_the_first_decode_whichever_comes_first(first: str) -> None:
    script = f"""
import sys
from typing import TypedDict
from zai_core import _json
assert "msgspec" not in sys.modules
class V(TypedDict):
    embedding: list[float]
if {first!r} == "loads":
    assert _json.loads(b"[1e400, NaN]")[0] == float("inf")
else:
    assert _json.typed_loads(b'{{"embedding": ["x"]}}', V) is None
assert "msgspec" in sys.modules
assert _json.typed_loads(b'{{"embedding": [1]}}', V) == {{"embedding": [1.0]}}
assert _json.loads(b'{{"a": NaN}}')["a"] != 0
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
