"""How the benchmark turns two contenders' rounds into the ratio a target judges.

Pure functions over hand-made figures: no server, no timing.
"""

from __future__ import annotations

import pytest

from benchmarks import Results, Settings
from benchmarks.measure import Figure
from benchmarks.ratios import paired_ratio, round_ratios
from benchmarks.report import targets


def _results(mine: Figure, floor: Figure, figure: str = "per_call") -> Results:
    results = Results(settings=Settings.quick_settings())
    results.chat = {"chat_zai": {figure: mine}, "lc_wrap": {figure: floor}}
    return results


@pytest.mark.parametrize(
    ("mine", "floor", "expected", "per_round"),
    [
        # Paired round by round: a slow round slows both, and the ratio sees through it.
        ((1.0, 2.0, 3.0), (1.0, 2.2, 3.0), 1.0, [1.0, 2.0 / 2.2, 1.0]),
        # The median of the round ratios, not the ratio of the medians (2.0 / 2.0 = 1.0).
        ((1.0, 2.0, 4.0), (2.0, 1.0, 4.0), 1.0, [0.5, 2.0, 1.0]),
        ((1.1,), (1.0,), 1.1, [1.1]),
    ],
)
def test_paired_ratio_is_the_median_of_the_rounds_ratios(
    mine: tuple[float, ...], floor: tuple[float, ...], expected: float, per_round: list[float]
) -> None:
    results = _results(Figure.over_rounds(mine), Figure.over_rounds(floor))
    pair = (results.chat["chat_zai"]["per_call"], results.chat["lc_wrap"]["per_call"])
    assert round_ratios(*pair) == pytest.approx(per_round)
    measured, note = paired_ratio(results, "chat_zai", "lc_wrap", "per_call")
    assert measured == pytest.approx(expected)
    medians = Figure.over_rounds(mine).value / Figure.over_rounds(floor).value  # type: ignore[operator]
    assert f"ratio of the medians {medians:.3f}x" in note
    assert f"per round {min(per_round):.2f}x-{max(per_round):.2f}x" in note


@pytest.mark.parametrize(
    ("mine", "floor"),
    [
        # Not the same rounds (a slow alternative stopped early): no pairing.
        (Figure.over_rounds((1.0, 2.0, 3.0)), Figure.over_rounds((1.0, 2.0))),
        # A round whose difference of medians came out <= 0 (noise): no pairing.
        (Figure.over_rounds((1.0, 2.0, 3.0)), Figure.over_rounds((1.0, -0.5, 3.0))),
        # Figures without rounds (a figure measured once).
        (Figure(2.0), Figure(1.0)),
    ],
)
def test_unpairable_rounds_fall_back_to_the_ratio_of_the_medians(
    mine: Figure, floor: Figure
) -> None:
    results = _results(mine, floor)
    assert round_ratios(mine, floor) == []
    measured, note = paired_ratio(results, "chat_zai", "lc_wrap", "per_call")
    assert measured == pytest.approx(mine.value / floor.value)  # type: ignore[operator]
    assert note == ""


def test_a_missing_figure_has_no_ratio() -> None:
    results = _results(Figure(error="boom"), Figure.over_rounds((1.0,)))
    assert paired_ratio(results, "chat_zai", "lc_wrap", "per_call") == (None, "")


def test_the_floor_target_judges_the_paired_ratio_and_shows_both() -> None:
    # Medians 2.0 vs 1.9 (1.053x: over a 1.05 limit); paired rounds 1.0, 1.0, 1.1 (median 1.0).
    results = _results(Figure.over_rounds((1.0, 2.0, 2.2)), Figure.over_rounds((1.0, 2.0, 1.9)))
    found = {t.name: t for t in targets(results)}
    target = found["ChatZai per call vs LangChain over raw httpx"]
    assert target.measured == pytest.approx(1.0)
    assert target.status == "PASS"
    assert "ratio of the medians 1.053x" in target.detail


def test_the_text_growth_target_judges_the_paired_ratio_too() -> None:
    results = Results(settings=Settings.quick_settings())
    # Medians 52.6 vs 46.2 (1.139x, over the 1.10 limit); rounds 1.098x, 1.008x, 1.139x.
    results.text_growth = {
        100_000: {
            "chat_zai": Figure.over_rounds((49.5, 52.9, 52.6)),
            "lc_wrap": Figure.over_rounds((45.1, 52.5, 46.2)),
        }
    }
    found = {t.name: t for t in targets(results)}
    (target,) = [t for name, t in found.items() if name.startswith("ChatZai per chunk, 100,000")]
    assert target.measured == pytest.approx(49.5 / 45.1)
    assert "ratio of the medians 1.139x; per round 1.01x-1.14x" in target.detail
