"""The gateway cassettes hold no key: not the keys they were recorded with, no key-bearing
query parameter, no auth header. (Named to run after the modules that write cassettes.)"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PLACEHOLDER_KEY
from tests.emulator.xpay import INVALID_XPAY_KEY
from tests.integration.gateways._cassettes import PLACEHOLDERS

FOLDER = Path(__file__).parent / "cassettes"
SECRETS = [PLACEHOLDER_KEY, INVALID_XPAY_KEY, *PLACEHOLDERS.values()]
FORBIDDEN = ["api_token=", "?key=", "&key=", "authorization", "bearer "]


def test_no_key_material_in_gateway_cassettes() -> None:
    cassettes = sorted(FOLDER.rglob("*.yaml"))
    folders = {path.parent.name for path in cassettes}
    assert {"test_surfaces", "test_lowcodeapi", "test_powertokens", "test_xpay"} <= folders
    for path in cassettes:
        text = path.read_text()
        lowered = text.lower()
        leaked = [s for s in SECRETS if s in text] + [n for n in FORBIDDEN if n in lowered]
        assert not leaked, f"{path.relative_to(FOLDER)} holds {leaked}"
