"""How long a reply may wait for its work before deferring: counted from the interaction's
creation on Discord's clock, so clicks that waited in a backlog are deferred sooner and still
answered in time, whatever the host's clock says."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.interactions.interaction_age import InteractionAges
from bot.interactions.replies import time_to_answer
from tests.clock import ManualClock


@pytest.mark.parametrize(
    ("age", "budget"),
    [(0.2, 1.5), (2.0, 0.5), (2.9, 0.0), (5.0, 0.0), (-3.0, 1.5)],
    ids=["fresh", "backlogged", "nearly late", "already late", "from the future"],
)
def test_the_budget_shrinks_with_the_interactions_age(age: float, budget: float) -> None:
    assert time_to_answer(age) == pytest.approx(budget)


@pytest.mark.parametrize("skew", [0.0, 3600.0, -3600.0, 86400.0 * 365], ids=str)
def test_a_constant_skew_of_the_host_clock_changes_no_age(skew: float) -> None:
    discord_clock = ManualClock()
    ours = ManualClock(discord_clock.now() + timedelta(seconds=skew))
    ages = InteractionAges(ours)

    fresh = ages.arrived(discord_clock.now())  # the least delayed event shows the offset
    late = ages.arrived(discord_clock.now() - timedelta(seconds=2.9))

    assert fresh == pytest.approx(0.0)
    assert late == pytest.approx(2.9)  # neither hidden (slow clock) nor inflated (fast one)


def test_the_least_delayed_recent_event_sets_the_offset() -> None:
    clock = ManualClock()
    ages = InteractionAges(clock, window=timedelta(minutes=10))

    ages.arrived(clock.now() - timedelta(seconds=0.4))  # a delayed one first
    assert ages.arrived(clock.now() - timedelta(seconds=0.1)) == pytest.approx(0.0)
    assert ages.skew == timedelta(seconds=0.1)
    assert ages.arrived(clock.now() - timedelta(seconds=2.1)) == pytest.approx(2.0)


async def test_an_old_offset_is_forgotten_after_the_window() -> None:
    clock = ManualClock()
    ages = InteractionAges(clock, window=timedelta(minutes=10))
    ages.arrived(clock.now() + timedelta(seconds=5))  # the host clock was 5 s behind then

    await clock.advance(11 * 60)  # and has been corrected since
    age = ages.arrived(clock.now() - timedelta(seconds=0.05))

    assert ages.skew == timedelta(seconds=0.05)
    assert age == pytest.approx(0.0)


def test_a_skew_over_a_second_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    discord_clock = ManualClock()
    ages = InteractionAges(ManualClock(discord_clock.now() + timedelta(hours=2)))

    with caplog.at_level(logging.WARNING, logger="bot.interactions.interaction_age"):
        for _ in range(3):
            ages.arrived(discord_clock.now())

    (warning,) = caplog.records
    assert "about 7200.0 s ahead of Discord's" in warning.getMessage()


def test_no_warning_for_a_skew_under_a_second(caplog: pytest.LogCaptureFixture) -> None:
    discord_clock = ManualClock()
    ages = InteractionAges(ManualClock(discord_clock.now() - timedelta(seconds=0.5)))

    with caplog.at_level(logging.WARNING, logger="bot.interactions.interaction_age"):
        ages.arrived(discord_clock.now())

    assert caplog.records == []
