"""The gateway cassettes hold no key: not the placeholders they were recorded with, no
key-bearing query parameter, no auth header."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PLACEHOLDER_KEY
from tests.emulator.gateways import INVALID_XPAY_KEY
from tests.integration.gateways._cassettes import PLACEHOLDERS

CASSETTES = sorted((Path(__file__).parent / "cassettes").rglob("*.yaml"))
SECRETS = [PLACEHOLDER_KEY, INVALID_XPAY_KEY, *PLACEHOLDERS.values()]
FORBIDDEN = ["api_token=", "?key=", "&key=", "authorization", "bearer "]


def test_every_gateway_has_cassettes() -> None:
    folders = {path.parent.name for path in CASSETTES}
    assert {"test_surfaces", "test_lowcodeapi", "test_powertokens", "test_xpay"} <= folders


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_cassette_has_no_key_material(path: Path) -> None:
    text = path.read_text()
    lowered = text.lower()
    for secret in SECRETS:
        assert secret not in text
    for needle in FORBIDDEN:
        assert needle not in lowered
