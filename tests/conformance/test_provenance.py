"""The provenance table (:mod:`tests.emulator.provenance`) covers every emulator route."""

from __future__ import annotations

from pathlib import Path

from tests.emulator import ROUTES
from tests.emulator.gateways import GATEWAYS
from tests.emulator.provenance import ROWS, TAGS, summary, totals_line

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "testing.md"
README = ROOT / "README.md"
#: Routes with no path of their own: ``*`` (every route), the MCP gateway.
OTHER_ROUTES = {"*", "xpay"}


def test_every_route_has_a_row() -> None:
    routes = set(ROUTES) | set(GATEWAYS) | {"xpay"}
    missing = routes - {row.route for row in ROWS}
    assert not missing, (
        f"emulator routes without provenance: {sorted(missing)}; declare their rows with "
        "tests.emulator.provenance.declare(route, behaviour, tag, source) next to the handler"
    )


def test_every_row_names_a_route_a_tag_and_a_source() -> None:
    routes = set(ROUTES) | set(GATEWAYS) | OTHER_ROUTES
    assert not [r for r in ROWS if r.route not in routes], "rows for routes that do not exist"
    assert all(r.tag in TAGS and r.source.strip() and r.behaviour.strip() for r in ROWS)
    recorded = [r for r in ROWS if r.tag == "recorded"]
    assert all("real-exchanges" in r.source for r in recorded)


def test_the_testing_guide_shows_the_current_summary() -> None:
    assert summary() in DOCS.read_text(), (
        "docs/testing.md is stale: paste `python -m tests.emulator.provenance` into it"
    )


def test_the_readme_shows_the_current_totals() -> None:
    assert totals_line() in README.read_text(), (
        "README.md is stale: paste the last line of `python -m tests.emulator.provenance` into it"
    )
