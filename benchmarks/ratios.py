"""The ratios the report judges: a contender's figure, a framework floor's, and two
contenders' figures paired round by round."""

from __future__ import annotations

import statistics

from .contenders import FAMILY_FLOOR, FAMILY_WRAP
from .measure import Figure, Results


def value(results: Results, key: str, figure: str) -> float | None:
    """A contender's figure in seconds, or ``None``."""
    found = results.chat.get(key, {}).get(figure)
    return found.value if found is not None and found.ok else None


def floor_value(results: Results, family: str, figure: str) -> float | None:
    """ "raw httpx + framework floor" measured in one piece (the framework's model over raw
    httpx): what a zero-cost integration would take."""
    return value(results, FAMILY_WRAP[family], figure)


def sum_value(results: Results, family: str, figure: str) -> float | None:
    """Raw httpx's figure plus the in-process framework floor's, measured apart."""
    raw = value(results, "raw", figure)
    framework = value(results, FAMILY_FLOOR[family], figure)
    return None if raw is None or framework is None else raw + framework


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator`` when both are known and the denominator is positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def round_ratios(mine: Figure | None, theirs: Figure | None) -> list[float]:
    """``mine`` over ``theirs``, round by round (contenders that took turns inside each round:
    a round's two figures saw the same machine); empty when the two were not measured over
    the same rounds or a round's figure is not positive."""
    if mine is None or theirs is None or not mine.ok or not theirs.ok:
        return []
    if not mine.per_round or len(mine.per_round) != len(theirs.per_round):
        return []
    if min(mine.per_round) <= 0 or min(theirs.per_round) <= 0:
        return []
    return [a / b for a, b in zip(mine.per_round, theirs.per_round, strict=True)]


def paired_ratio_of(mine: Figure | None, theirs: Figure | None) -> tuple[float | None, str]:
    """(the median of the per-round ratios, a note with the ratio of the two medians and the
    per-round range); the ratio of the medians alone when the rounds cannot be paired."""
    medians = ratio(
        mine.value if mine is not None and mine.ok else None,
        theirs.value if theirs is not None and theirs.ok else None,
    )
    per_round = round_ratios(mine, theirs)
    if not per_round or medians is None:
        return medians, ""
    note = (
        f"ratio of the medians {medians:.3f}x; per round {min(per_round):.2f}x-"
        f"{max(per_round):.2f}x"
    )
    return statistics.median(per_round), note


def paired_ratio(results: Results, key: str, other: str, figure: str) -> tuple[float | None, str]:
    """:func:`paired_ratio_of` for two chat contenders' ``figure``."""
    return paired_ratio_of(
        results.chat.get(key, {}).get(figure), results.chat.get(other, {}).get(figure)
    )
