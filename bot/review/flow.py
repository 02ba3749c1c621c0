"""`/review` in Discord-free terms: it serves a member's due exercises one at a time (their
cards are updated by bot/review/recorder.py).

A review is a practice post of the exercise, shown to the member alone: the practice rules
hold (feedback, the worked solution once solved or out of attempts), and its final outcome
updates the card again, like any other. It earns no points: the post is made as one that
earns none (`earns_points=False`, kept with the post), whatever the member did before (a
card that came only from /test has no earlier post for the no-farming rule to count).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta, tzinfo

from bot import render
from bot.practice.flow import Practice
from exercises.progress import local_date

NOTHING_YET = (
    "Nothing to review yet: an exercise you miss, or solve with help, comes back here after a "
    "day, and again after growing intervals. Try `/practice`."
)


def end_of_day(now: datetime, zone: tzinfo) -> datetime:
    """The end of `now`'s local day in `zone` (the next local midnight), DST included."""
    tomorrow = local_date(now, zone) + timedelta(days=1)
    return datetime.combine(tomorrow, time(), tzinfo=zone)


class Reviews:
    """/review and the count of reviews in /stats."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice
        self.cards = practice.store.review_cards

    async def due_today(self, *, guild_id: int, member_id: int, zone: tzinfo) -> int:
        """Cards due by the end of the server's local day (overdue ones included)."""
        until = end_of_day(self.practice.clock.now(), zone)
        return len(await self.cards.due(guild_id=guild_id, member_id=member_id, now=until))

    async def serve(self, *, guild_id: int, member_id: int, channel_id: int) -> render.Rendered:
        """The member's longest-overdue exercise as a new post for them alone, or when the
        next review is due. The post keeps no message id: a private message has no public
        counters to refresh, and its buttons are checked by their channel."""
        practice, now = self.practice, self.practice.clock.now()
        disabled = await practice.store.servers.disabled_exercises(guild_id)
        due = [
            card
            for card in await self.cards.due(guild_id=guild_id, member_id=member_id, now=now)
            if card.exercise_id in practice.catalog.exercises and card.exercise_id not in disabled
        ]
        if not due:
            later = await self.cards.next_due(guild_id=guild_id, member_id=member_id, now=now)
            if later is None:
                return render.Rendered(content=NOTHING_YET)
            when = int(later.timestamp())
            text = f"Nothing to review now. Your next review is due <t:{when}:f> (<t:{when}:R>)."
            return render.Rendered(content=text)
        exercise = practice.catalog.exercises[due[0].exercise_id]
        _, rendered = await practice.create_post(
            exercise, guild_id=guild_id, channel_id=channel_id, earns_points=False
        )
        left = len(due) - 1
        after = f"{left} more due after this one: `/review` again" if left else "the last one due"
        header = f"**Review** (only you see this): {after}."
        return dataclasses.replace(rendered, content=header)
