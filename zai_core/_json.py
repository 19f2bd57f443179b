"""JSON decoding for the hot paths (stream events, chat answers, embeddings).

`orjson` decodes several times faster than the standard library (a 2,048-dim embeddings
answer of 64 vectors: about 10 ms against 65 ms), and is a dependency of this package. The
standard library is the fallback when orjson cannot be imported (an interpreter without its
wheels), and the referee whenever the two could disagree, so the result is always exactly
what :func:`json.loads` returns:

- `NaN` / `Infinity` / `-Infinity` and numbers beyond a double (`1e400`): orjson
  rejects them, the standard library reads them as floats, so the standard library decodes;
- integers beyond 64 bits: orjson turns them into floats silently, so any run of 19 digits in
  the input sends the text to the standard library, which keeps them exact;
- text that is not JSON: the standard library raises its own :class:`json.JSONDecodeError`
  (orjson's is a subclass of it too), so callers catch one error type.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["HAVE_ORJSON", "JSONDecodeError", "loads"]

JSONDecodeError = json.JSONDecodeError

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by the fallback test with a patched flag
    _orjson = None  # type: ignore[assignment]

#: Whether the fast decoder is in use.
HAVE_ORJSON = _orjson is not None
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19  # -2**63 has 19 digits: any integer orjson would turn into a float
_std_loads = json.loads


def loads(data: str | bytes) -> Any:
    """Decode one JSON document exactly as :func:`json.loads` would, faster.

    Raises:
        json.JSONDecodeError: `data` is not JSON.
        UnicodeDecodeError: `data` is bytes that are not UTF-8 / UTF-16 / UTF-32.
    """
    if not HAVE_ORJSON:
        return _std_loads(data)
    if isinstance(data, str):
        try:
            raw = data.encode()
        except UnicodeEncodeError:  # a lone surrogate escape: only the stdlib reads it
            return _std_loads(data)
    else:
        raw = data
    try:
        value = _orjson.loads(raw)
    except _orjson.JSONDecodeError:
        return _std_loads(data)
    if raw.translate(_DIGITS).find(_LONG_RUN) >= 0:
        return _std_loads(data)  # a long number: keep integers exact
    return value
