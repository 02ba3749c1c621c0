"""A daily quiz takes what the channel has not seen for the longest; counts are checked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import Refused
from bot.quiz.commands import matching_zones
from bot.quiz.questions import candidates, check_count, least_recently_used
from exercises import SHIPPED_PACKS, Difficulty, load_catalog

CATALOG = load_catalog(SHIPPED_PACKS)
PACK = "django-async-views"


def day(n: int) -> datetime:
    return datetime(2026, 11, n, 9, 0, tzinfo=UTC)


def test_never_posted_first_then_the_longest_ago_and_a_pack_cycles() -> None:
    choices = candidates(CATALOG, PACK, None)
    last: dict[str, datetime] = {}
    order = []
    for n in range(1, len(choices) + 3):
        (picked,) = least_recently_used(choices, last, 1)
        order.append(picked.id)
        last[picked.id] = day(n)
    assert sorted(order[: len(choices)]) == sorted(e.id for e in choices)  # each once
    assert order[len(choices) :] == order[:2]  # then around again, oldest first


def test_disabled_exercises_are_never_chosen() -> None:
    disabled = {e.id for e in CATALOG.in_pack(PACK)[:3]}
    assert not disabled & {e.id for e in candidates(CATALOG, PACK, None, disabled)}


def test_a_count_larger_than_the_pack_is_refused_with_its_size() -> None:
    size = len(candidates(CATALOG, PACK, Difficulty.HARD))
    check_count(CATALOG, PACK, Difficulty.HARD, size)
    with pytest.raises(Refused, match=f"has only {size} questions at hard difficulty"):
        check_count(CATALOG, PACK, Difficulty.HARD, size + 1)


def test_time_zone_names_for_autocomplete() -> None:
    assert matching_zones("europe/ber") == ["Europe/Berlin"]
    assert "America/New_York" in matching_zones("new york")
    assert len(matching_zones("")) == 25
