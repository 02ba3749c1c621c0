"""The writer's batches on PostgreSQL (bot/store/writer.py), as tests/bot/store/test_writer.py
tests them on SQLite: waiting attempts share one transaction, a failing one does not lose
the others, and no caller hears back before that transaction is committed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import psycopg
import pytest
import sqlalchemy as sa

from bot.store import AttemptOutcome, StoreClosed, TutorStore, UnknownPost, WritesFailing
from bot.store.location import PostgresUrl
from bot.store.writer import BeforeCommit
from exercises.model import Difficulty
from exercises.progress import PostContext
from tests.postgres import fresh_schema

pytestmark = pytest.mark.postgres

NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
FAILING_INTERACTION = 25


@asynccontextmanager
async def opened(
    before_commit: BeforeCommit | None = None,
) -> AsyncIterator[tuple[TutorStore, PostgresUrl, int]]:
    """A store on a fresh schema, and a post allowing three attempts."""
    async with fresh_schema() as url:
        store = await TutorStore.open(url, pool_size=4, before_commit=before_commit)
        try:
            post = await store.create_post(
                guild_id=1,
                channel_id=2,
                exercise_id="demo/three-blanks",
                content_hash="h",
                difficulty=Difficulty.MEDIUM,
                context=PostContext.PRACTICE,
                attempt_limit=3,
                posted_at=NOON,
            )
            yield store, url, post.post_id
        finally:
            await store.close()


def click(store: TutorStore, post_id: int, n: int, *, member: int | None = None):
    """Member n (or `member`) answers with interaction n."""
    return store.record_attempt(
        post_id=post_id,
        member_id=member if member is not None else 1_000 + n,
        interaction_id=n,
        answer="A",
        correct=False,
        answered_at=NOON,
    )


async def stored(url: PostgresUrl) -> list[int]:
    """The interactions with an attempt, as another connection sees them (committed)."""
    async with await psycopg.AsyncConnection.connect(url.secret(), autocommit=True) as db:
        cursor = await db.execute("SELECT interaction_id FROM attempts ORDER BY 1")
        return [row[0] for row in await cursor.fetchall()]


async def refuse(url: PostgresUrl, *, interaction_id: int | None = None) -> None:
    """The database refuses that one attempt's row, as it would a row it cannot store; or,
    without one, refuses to COMMIT any transaction that stored an attempt."""
    async with await psycopg.AsyncConnection.connect(url.secret(), autocommit=True) as db:
        await db.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION 'refused: interaction %', NEW.interaction_id; END $$"
        )
        if interaction_id is not None:
            await db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON attempts FOR EACH ROW"
                f" WHEN (NEW.interaction_id = {interaction_id}) EXECUTE FUNCTION refuse()"
            )
        else:  # a deferred constraint trigger runs as the transaction commits
            await db.execute(
                "CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON attempts"
                " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()"
            )


async def test_waiting_attempts_share_one_insert_and_one_commit():
    batches: list[int] = []  # how many attempts each batch held as it committed

    async def count(tx) -> None:
        batches.append((await tx.execute(sa.text("SELECT count(*) FROM attempts"))).scalar())

    async with opened(count) as (store, url, post_id):
        results = await asyncio.gather(*(click(store, post_id, n) for n in range(1, 51)))
        assert batches == [0, 50]  # the post's batch, then all fifty clicks in one
        assert {r.outcome for r in results} == {AttemptOutcome.RECORDED}
        assert await stored(url) == list(range(1, 51))


async def test_a_failing_job_in_a_batch_does_not_lose_the_others():
    async with opened() as (store, url, post_id):
        await refuse(url, interaction_id=FAILING_INTERACTION)
        outcomes = await asyncio.gather(
            *(click(store, post_id, n) for n in range(1, 51)), return_exceptions=True
        )
        failed = outcomes[FAILING_INTERACTION - 1]
        assert isinstance(failed, psycopg.Error)
        assert "refused: interaction 25" in str(failed)
        others = [o for o in outcomes if o is not failed]
        assert all(
            not isinstance(o, BaseException) and o.outcome is AttemptOutcome.RECORDED
            for o in others
        )
        assert await stored(url) == [n for n in range(1, 51) if n != FAILING_INTERACTION]


async def test_an_attempt_on_an_unknown_post_fails_alone():
    async with opened() as (store, url, post_id):
        outcomes = await asyncio.gather(
            click(store, post_id, 1),
            click(store, 999_999, 2),
            click(store, post_id, 3),
            return_exceptions=True,
        )
        assert isinstance(outcomes[1], UnknownPost)
        assert await stored(url) == [1, 3]


async def test_no_caller_hears_back_before_its_batch_is_committed():
    heard: list[int] = []
    seen_before_commit: list[tuple[list[int], list[int]]] = []
    url_of_store: list[PostgresUrl] = []

    async def before_commit(tx) -> None:
        if not url_of_store:  # the post's own batch
            return
        # Nobody has been told yet, and no other connection sees the batch yet.
        seen_before_commit.append((list(heard), await stored(url_of_store[0])))

    async with opened(before_commit) as (store, url, post_id):
        url_of_store.append(url)

        async def answer(n: int) -> None:
            result = await click(store, post_id, n)
            assert result.attempt is not None
            heard.append(result.attempt.interaction_id)

        await asyncio.gather(*(answer(n) for n in range(1, 11)))
        assert seen_before_commit == [([], [])]
        assert sorted(heard) == list(range(1, 11))
        assert await stored(url) == list(range(1, 11))


async def test_a_batch_whose_commit_fails_fails_every_caller_and_stores_nothing():
    async with opened() as (store, url, post_id):
        await refuse(url)
        outcomes = await asyncio.gather(
            click(store, post_id, 1), click(store, post_id, 2), return_exceptions=True
        )
        assert all(isinstance(o, psycopg.Error) and "refused" in str(o) for o in outcomes)
        assert await stored(url) == []


async def test_a_database_gone_fails_the_batch_at_once():
    """A lost connection fails every caller of the batch, without trying each alone."""
    tries = 0

    armed = False

    async def lose(tx) -> None:
        nonlocal tries
        if not armed:  # the post's own batch
            return
        tries += 1
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    async with opened(lose) as (store, _url, post_id):
        armed = True
        outcomes = await asyncio.gather(
            click(store, post_id, 1), click(store, post_id, 2), return_exceptions=True
        )
        assert all(isinstance(o, WritesFailing) for o in outcomes)
        assert tries == 1


async def test_one_members_clicks_in_one_burst_are_decided_in_turn():
    """A double click and a retried interaction in one burst: each sees the one before."""
    async with opened() as (store, url, post_id):
        alice = 7
        results = await asyncio.gather(
            *(click(store, post_id, n, member=alice) for n in (1, 2, 3, 4, 5)),
            click(store, post_id, 1, member=alice),  # Discord delivered interaction 1 twice
        )
        outcomes = [r.outcome for r in results]
        # Every answer is "A": the first is recorded, the rest repeat it at no cost.
        assert outcomes[0] is AttemptOutcome.RECORDED
        assert outcomes[1:5] == [AttemptOutcome.REPEATED_ANSWER] * 4
        assert outcomes[5] is AttemptOutcome.ALREADY_RECORDED
        assert await stored(url) == [1]


@pytest.mark.parametrize("attempts", [1, 600])
async def test_closing_records_every_accepted_attempt(attempts):
    async with opened() as (store, url, post_id):
        pending = [asyncio.create_task(click(store, post_id, n)) for n in range(1, attempts + 1)]
        await asyncio.sleep(0)  # every click has been accepted
        await store.close()
        with pytest.raises(StoreClosed):
            await click(store, post_id, attempts + 1)

        results = await asyncio.gather(*pending)
        assert {r.outcome for r in results} == {AttemptOutcome.RECORDED}
        assert len(await stored(url)) == attempts
