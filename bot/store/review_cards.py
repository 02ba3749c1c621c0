"""Spaced-review cards: one per server, member and exercise, `store.review_cards`.

The store keeps a card's scheduling state and knows nothing of how it is computed: a review
is one write job that reads the card (or None for a member's first final outcome), hands it
to the step it is given (bot/review/schedule.py, FSRS) and stores what that returns, so two
outcomes at once cannot lose one. Cards are kept by the exercise's id, not its content hash:
an exercise whose text changed keeps its card.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from bot.store.part import Part
from bot.store.records import CardState, ReviewCard, from_row
from bot.store.run import Tx, insert_values
from bot.store.tables import GUILD, MEMBER, Time, review_cards

cards = review_cards
_EXERCISE = sa.bindparam("exercise", type_=sa.Text())
_AT = sa.bindparam("at", type_=Time())
_mine = sa.and_(cards.c.guild_id == GUILD, cards.c.member_id == MEMBER)
_STATE = ("state", "step", "stability", "difficulty", "due", "last_review", "reviews", "misses")

Step = Callable[[int, CardState | None], CardState]
"""The next state of a card from its id and its state (None: no card yet, id 0)."""

CARD = sa.select(cards).where(_mine, cards.c.exercise_id == _EXERCISE)
ADD = insert_values(cards, "guild_id", "member_id", "exercise_id", *_STATE).returning(
    cards.c.card_id
)
SET = (
    sa.update(cards)
    .where(cards.c.card_id == sa.bindparam("card_id"))
    .values({column: sa.bindparam(column) for column in _STATE})
)
DUE = sa.select(cards).where(_mine, cards.c.due <= _AT).order_by(cards.c.due, cards.c.card_id)
NEXT_DUE = sa.select(sa.func.min(cards.c.due)).where(_mine, cards.c.due > _AT)
FORGET = sa.delete(cards).where(_mine)
MISSED_MOST = (
    sa.select(cards.c.exercise_id, sa.func.sum(cards.c.misses).label("misses"))
    .where(cards.c.guild_id == GUILD, cards.c.misses > 0)
    .group_by(cards.c.exercise_id)
    .order_by(sa.desc("misses"), cards.c.exercise_id)
)


class ReviewCards(Part):
    async def review(
        self, *, guild_id: int, member_id: int, exercise_id: str, step: Step
    ) -> ReviewCard:
        """The card after one final outcome, computed by `step` from the card as stored."""
        key = {"guild": guild_id, "member": member_id, "exercise": exercise_id}

        async def review(tx: Tx) -> ReviewCard:
            row = (await tx.execute(CARD, key)).one()
            card_id = row["card_id"] if row else 0
            after = step(card_id, from_row(CardState, row) if row else None)
            values = {column: getattr(after, column) for column in _STATE}
            if row is None:
                keys = {"guild_id": guild_id, "member_id": member_id, "exercise_id": exercise_id}
                card_id = (await tx.execute(ADD, {**keys, **values})).scalar()
            else:
                await tx.execute(SET, {"card_id": card_id, **values})
            return ReviewCard(card_id, exercise_id, after)

        return await self._write(review)

    async def card(self, *, guild_id: int, member_id: int, exercise_id: str) -> CardState | None:
        row = await self._row(CARD, guild=guild_id, member=member_id, exercise=exercise_id)
        return from_row(CardState, row) if row else None

    async def due(self, *, guild_id: int, member_id: int, now: datetime) -> list[ReviewCard]:
        """The member's cards due at `now`, the longest overdue first."""
        rows = await self._rows(DUE, guild=guild_id, member=member_id, at=now)
        return [
            ReviewCard(row["card_id"], row["exercise_id"], from_row(CardState, row)) for row in rows
        ]

    async def next_due(self, *, guild_id: int, member_id: int, now: datetime) -> datetime | None:
        """When the member's next card comes due after `now`; None without one."""
        value: datetime | None = (
            await self._read(NEXT_DUE, {"guild": guild_id, "member": member_id, "at": now})
        ).scalar()
        return value

    async def missed_most(self, guild_id: int, *, limit: int) -> list[str]:
        """The exercises this server's members missed most (attempts ran out), most first."""
        rows = await self._rows(MISSED_MOST.limit(limit), guild=guild_id)
        return [row["exercise_id"] for row in rows]
