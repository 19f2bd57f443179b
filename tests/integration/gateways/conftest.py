"""Cassettes of Z.ai's four surfaces and the three gateways of the seeds.

Recording (``--record-mode=once|rewrite``) talks to the in-process emulators unless the
module's own live key is set: Z.ai surfaces use ``ZAI_API_KEY``, the gateways
``LOWCODEAPI_API_KEY`` / ``POWERTOKENS_API_KEY`` / ``XPAY_API_KEY`` (each module names its
variable in ``KEY_ENV``). Replay never touches either.

xpay speaks MCP (JSON-RPC over ``httpx2``, which VCR patches too). Its requests match on the
JSON-RPC body with the fields that change with the ``mcp`` version left out
(``protocolVersion``, ``clientInfo``, ``capabilities``); ids are kept, because a replayed
answer must carry the id the client waits for. The ``mcp-session-id`` response header is
kept so a stateful server's session replays.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cassette_config import KEPT_HEADERS, VCR_CONFIG, _body, scrub_body
from tests.conftest import LIVE_KEY
from tests.emulator import ZaiEmulator
from tests.integration.conftest import TriggersToEmulator
from tests.integration.gateways._cassettes import PLACEHOLDERS
from zai_core import _http

#: Gateway key variables -> the live value given when the test run started (None offline).
GATEWAY_KEY_ENV = ("LOWCODEAPI_API_KEY", "POWERTOKENS_API_KEY", "XPAY_API_KEY")
LIVE_GATEWAY_KEYS = {name: os.environ.get(name) for name in GATEWAY_KEY_ENV}
_KEPT_RESPONSE_HEADERS = KEPT_HEADERS | {"mcp-session-id"}
_VOLATILE_PARAMS = ("protocolVersion", "clientInfo", "capabilities")


def _normalized(body: Any) -> Any:
    """A JSON-RPC body without the fields that change with the mcp package's version."""
    if isinstance(body, dict) and body.get("jsonrpc") and isinstance(body.get("params"), dict):
        params = {k: v for k, v in body["params"].items() if k not in _VOLATILE_PARAMS}
        return {**body, "params": params}
    return body


def gateway_body_matcher(r1: Any, r2: Any) -> None:
    """JSON bodies equal by value; JSON-RPC bodies equal once normalized."""
    assert _normalized(_body(r1)) == _normalized(_body(r2)), "request bodies differ"


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {
        k: v for k, v in response.get("headers", {}).items() if k.lower() in _KEPT_RESPONSE_HEADERS
    }
    body = response.get("body")
    if isinstance(body, dict) and "string" in body:
        body["string"] = scrub_body(body["string"])
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """The shared settings, with the JSON-RPC-aware body matcher and session header kept."""
    config = dict(VCR_CONFIG)
    config["before_record_response"] = _scrub_response
    config["match_on"] = [m if m != "json_body" else "gateway_body" for m in VCR_CONFIG["match_on"]]
    return config


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Register the gateway body matcher."""
    vcr.register_matcher("gateway_body", gateway_body_matcher)


@pytest.fixture(autouse=True)
def _gateway_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each gateway's key variable: the live value when given, else a placeholder."""
    for name in GATEWAY_KEY_ENV:
        monkeypatch.setenv(name, LIVE_GATEWAY_KEYS[name] or PLACEHOLDERS[name])


@pytest.fixture(autouse=True)
def _record_against_emulator(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """While recording without the module's live key, every transport talks to an emulator."""
    mode = request.config.getoption("--record-mode", default="none")
    key_env = getattr(request.module, "KEY_ENV", "ZAI_API_KEY")
    live = LIVE_KEY if key_env == "ZAI_API_KEY" else LIVE_GATEWAY_KEYS.get(key_env)
    if mode in (None, "none") or (live and key_env == "XPAY_API_KEY"):
        yield
        return
    emulator = ZaiEmulator()
    if live:  # live, but emulate- triggers (errors on demand) stay emulated
        monkeypatch.setattr(
            _http, "make_sync_transport", lambda: TriggersToEmulator(emulator, is_async=False)
        )
        monkeypatch.setattr(
            _http, "make_async_transport", lambda: TriggersToEmulator(emulator, is_async=True)
        )
        _http.reset_shared_clients()
        yield
        _http.reset_shared_clients()
        return
    monkeypatch.setattr(_http, "make_sync_transport", emulator.transport)
    monkeypatch.setattr(_http, "make_async_transport", emulator.transport)
    if key_env == "XPAY_API_KEY":  # only the xpay module needs the mcp package
        from tests.emulator.xpay import XpayEmulatorTransport
        from zai_core import xpay

        monkeypatch.setattr(xpay, "make_mcp_transport", XpayEmulatorTransport)
    _http.reset_shared_clients()
    yield
    _http.reset_shared_clients()
