"""How long a reply may wait for its work before deferring: counted from the interaction's
creation, so clicks that waited in a backlog are deferred sooner and still answered in time."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any, cast

import discord
import pytest

from bot.replies import _time_to_answer


@pytest.mark.parametrize(
    ("age", "budget"),
    [(0.2, 1.5), (2.0, 0.5), (5.0, 0.0), (-3.0, 1.5)],
    ids=["fresh", "backlogged", "already late", "clock skew"],
)
def test_the_budget_shrinks_with_the_interactions_age(age: float, budget: float) -> None:
    created_at = discord.utils.utcnow() - timedelta(seconds=age)
    interaction = cast(Any, SimpleNamespace(created_at=created_at))

    assert _time_to_answer(interaction) == pytest.approx(budget, abs=0.05)
