"""Assertions over the cassette a test ran against (pytest-recording's ``vcr`` fixture)."""

from __future__ import annotations

import json
from typing import Any

#: The gateway keys offline recordings use; the cassette scan proves none is stored.
PLACEHOLDERS = {
    "LOWCODEAPI_API_KEY": "lowcode-placeholder-token",
    "POWERTOKENS_API_KEY": "powertokens-placeholder-key",
    "XPAY_API_KEY": "xpay-placeholder-key",
}


def assert_exchanges(cassette: Any, count: int) -> None:
    """The test sent exactly ``count`` requests, all answered from (or stored in) the cassette.

    On replay every one must have been played; while recording, every one was stored.
    """
    assert len(cassette.requests) == count
    if cassette.record_mode == "none":
        assert cassette.play_count == count
    else:
        assert cassette.play_count == count or cassette.dirty


def request_json(cassette: Any, index: int = 0) -> Any:
    """The JSON body of the ``index``-th stored request."""
    raw = cassette.requests[index].body
    return json.loads(raw.decode() if isinstance(raw, bytes) else raw)


def response_text(cassette: Any, index: int = 0) -> str:
    """The stored body of the ``index``-th response."""
    raw = cassette.responses[index]["body"]["string"]
    return raw.decode() if isinstance(raw, bytes) else str(raw)
