"""JSON decoding for the hot paths (stream events, chat answers, embeddings).

[msgspec](https://jcristharif.com/msgspec/) decodes several times faster than the standard
library and is a dependency of this package. It does two jobs here:

- :func:`loads`: any JSON document, with exactly the result of :func:`json.loads`. msgspec
  keeps integers of any size exact, as the standard library does. Where the two could
  differ, msgspec refuses the input and the standard library decodes it, so the result
  and the error are always the standard library's:
  - `NaN` / `Infinity` / `-Infinity` and numbers beyond a double (`1e400`), which the
    standard library reads as floats;
  - a lone surrogate escape (`"\\ud800"`), which the standard library keeps;
  - a byte-order mark, or bytes in UTF-16 / UTF-32, which the standard library detects;
  - text that is not JSON: the standard library raises its :class:`json.JSONDecodeError`,
    so callers catch one error type.
- :func:`typed_loads`: a document decoded and checked against a type in the same pass
  (a 64 x 2,048-dim embeddings answer with every component checked to be a float: about
  4 ms, against 7.5 ms for a plain decode followed by a check of each component in Python).

The standard library is the fallback when msgspec cannot be imported (an interpreter without
its wheels): :func:`loads` then decodes with it alone and :func:`typed_loads` returns `None`.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from typing import Any

__all__ = ["HAVE_MSGSPEC", "JSONDecodeError", "loads", "typed_loads"]

JSONDecodeError = json.JSONDecodeError

#: Whether the fast decoder is in use. msgspec itself is imported with the first decode
#: (importing it costs ~3 ms, which `import zai_core` need not pay).
HAVE_MSGSPEC = importlib.util.find_spec("msgspec") is not None
_std_loads = json.loads


class _NotRaised(Exception):
    """Stands for msgspec's error class until msgspec is imported."""


_MsgspecError: type[Exception] = _NotRaised


def _load_msgspec() -> Any:
    """Import msgspec; its error class and decoder take their places here."""
    global _decode, _MsgspecError
    import msgspec

    _MsgspecError = msgspec.MsgspecError
    _decode = msgspec.json.Decoder().decode
    return msgspec


def _first_decode(data: str | bytes) -> Any:
    """The first :func:`loads`: load msgspec (which replaces this function), then decode."""
    _load_msgspec()
    return _decode(data)


_decode = _first_decode


def loads(data: str | bytes) -> Any:
    """Decode one JSON document exactly as :func:`json.loads` would, faster.

    Raises:
        json.JSONDecodeError: `data` is not JSON.
        UnicodeDecodeError: `data` is bytes that are not UTF-8 / UTF-16 / UTF-32.
    """
    if not HAVE_MSGSPEC:
        return _std_loads(data)
    try:
        return _decode(data)
    except _MsgspecError:  # not JSON, or JSON only the standard library reads
        return _std_loads(data)


@functools.cache
def _typed_decoder(type_: Any) -> Any:
    return _load_msgspec().json.Decoder(type_).decode


def typed_loads(data: bytes, type_: Any) -> Any | None:
    """`data` decoded and checked against `type_` (a `TypedDict` or other msgspec type) in
    one pass, or `None` when it does not fit `type_`, is not JSON, or msgspec is missing.

    Keys the type does not name are dropped; an `int` is accepted (as a `float`) where the
    type says `float`. A caller that gets `None` decodes with :func:`loads` and checks the
    value itself, so the outcome never depends on which path was taken.
    """
    if not HAVE_MSGSPEC:
        return None
    decode = _typed_decoder(type_)
    try:
        return decode(data)
    except _MsgspecError:
        return None
